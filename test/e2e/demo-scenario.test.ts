import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack } from '../../src/demo/demo-stack.js';
import type { LocalStack } from '../../src/demo/local-stack.js';
import { DemoScenario } from '../../src/demo/scenario.js';
import { Transcript } from '../../src/demo/transcript.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { assertNoSecretLogged, stackSecrets } from '../support/log-secrets.js';

let stack: LocalStack;
const lines: string[] = [];
const logger = createMemoryLogger('debug');

beforeAll(async () => {
  stack = await startDemoStack(logger);
});
afterAll(async () => {
  await stack?.close();
  if (stack) assertNoSecretLogged(logger.lines, stackSecrets(stack.config, stack.sim));
});

/** Every step of DemoScenario.run(). */
const STEPS = 18;

describe('the demo scenario, end to end', () => {
  it('plays every step: list, cards, approval, backup copy sync, incidents with reasons, retry, resolution', async () => {
    const transcript = new Transcript((line) => lines.push(line), {});
    stack.slack.onEvent((event) => transcript.onEvent(event));
    const scenario = new DemoScenario(stack, transcript);

    await scenario.run();

    expect(scenario.done).toBe(STEPS);
    const text = lines.join('\n');
    expect(text).toContain('you cannot decide it');
    // Help fits each asker; a write is previewed privately before it is confirmed.
    expect(text).toContain('add you to `VEEAM_OPERATORS`');
    expect(text).toMatch(/\/veeam stop <job>.*needs an approver/);
    expect(text).toContain('Preview:');
    expect(text).toContain('clicked [Confirm] on the preview');
    expect(text).toMatch(/Disable schedule \*Server Backup\*.*schedule is now \*disabled\*/);
    expect(text).toContain('Backup failed: *Linux Web Servers*');
    expect(text).toMatch(/backup session .* ended: \*Success\*/);
    expect(text).toContain('Incident resolved');
    expect(text).toContain('Fileserver Backup');

    // Every kind listed, a VM job card, a backup copy job started with ?action=sync.
    expect(text).toContain('Offsite Copy');
    expect(text).toMatch(/Fileserver Backup[\s\S]*VMware|VMware[\s\S]*Fileserver Backup/);
    // The backup copy session is followed to its end in the start post's thread.
    expect(text).toMatch(/Offsite Copy.*ended: \*Success\*/);
    // Failure reasons read from task sessions (real EM's FailureMessage is null).
    expect(text).toContain('The network path was not found.');
    expect(text).toContain('There is not enough space on the datastore');
    expect(text).not.toContain('EM gave no failure message');

    // The Home tab, as text: failed jobs first with their reason, the open incident with a link to its thread.
    expect(text).toContain('== Veeam backups ==');
    expect(text).toContain('Open incidents');
    expect(text).toMatch(/Fileserver Backup.*last :x: Failed/);

    // Nothing in the bot's log carries the Slack token or EM credentials.
    const log = JSON.stringify(logger.lines);
    expect(log).not.toContain(stack.config.slack.botToken);
    expect(log).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
  }, 90_000);
});
