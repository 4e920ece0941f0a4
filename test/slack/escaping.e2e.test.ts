import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { CHANNELS, type Harness, startHarness } from '../support/harness.js';
import { ephemeralAfter, findButton, newTopLevel } from './e2e-helpers.js';

// A job name is EM data: whoever names a job must not be able to @channel the whole ops channel through the bot.
const NAME = 'Zeta Nightly <!channel> & <https://evil.example|click>';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.sim.addAgentJob({ name: NAME });
});
afterAll(() => h?.close());

/** Everything Slack would render of a message: its text and every string in its blocks. */
function rendered(message: { text: string; blocks?: unknown[] }): string {
  return `${message.text}\n${JSON.stringify(message.blocks ?? [])}`;
}

function expectEscaped(message: { text: string; blocks?: unknown[] }) {
  const all = rendered(message);
  expect(all).not.toContain('<!channel>');
  expect(all).not.toContain('<https://evil.example');
  expect(all).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
}

describe('job names from EM in Slack messages', () => {
  it('are escaped in the job card and the job list', async () => {
    const card = await ephemeralAfter(h, () => h.command('job Zeta'), 'Zeta Nightly');
    expect(findButton(card, ACTION_IDS.jobStart)).toBeDefined();
    expectEscaped(card);
    expectEscaped(await ephemeralAfter(h, () => h.command('jobs zeta'), 'Zeta Nightly'));
  });

  it('are escaped in the approval request', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await ephemeralAfter(h, () => h.command('stop Zeta'), 'needs an approval');
    expectEscaped(await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('asks to')));
  });

  it('are escaped in the parent message of a direct action, while it runs and after', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Zeta');
    const running = await newTopLevel(h, CHANNELS.ops, since, (t) => /EM task task-\d+/.test(t));
    expectEscaped(running);
    const sent = h.slack.callsTo('chat.postMessage').map((c) => c.args as unknown as FakeMessage);
    for (const message of sent) expect(rendered(message)).not.toContain('<!channel>');
  });
});
