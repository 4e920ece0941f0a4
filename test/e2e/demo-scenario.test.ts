import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../src/demo/local-stack.js';
import { DemoScenario, startDemoStack } from '../../src/demo/scenario.js';
import { Transcript } from '../../src/demo/transcript.js';
import { createMemoryLogger } from '../../src/log/logger.js';

let stack: LocalStack;
const lines: string[] = [];
const logger = createMemoryLogger('debug');

beforeAll(async () => {
  stack = await startDemoStack(logger);
});
afterAll(() => stack?.close());

describe('the demo scenario, end to end', () => {
  it('plays every step: list, card, approval with a refused self-approval, threaded result, incident, retry, resolution', async () => {
    const transcript = new Transcript((line) => lines.push(line), {});
    stack.slack.onEvent((event) => transcript.onEvent(event));
    const scenario = new DemoScenario(stack, transcript);

    await scenario.run();

    expect(scenario.done).toBe(8);
    const text = lines.join('\n');
    expect(text).toContain('you cannot decide it');
    expect(text).toMatch(/Disable schedule \*Server Backup\*.*schedule is now \*disabled\*/);
    expect(text).toContain('Backup failed: *Linux Web Servers*');
    expect(text).toContain('The network path was not found.');
    expect(text).toMatch(/backup session .* ended: \*Success\*/);
    expect(text).toContain('Incident resolved');
    // Nothing in the bot's log carries the Slack token or EM credentials.
    const log = JSON.stringify(logger.lines);
    expect(log).not.toContain(stack.config.slack.botToken);
    expect(log).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
  });
});
