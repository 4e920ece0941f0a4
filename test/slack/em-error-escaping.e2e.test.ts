import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { CHANNELS, type Harness, startHarness } from '../support/harness.js';
import { ephemeralAfter, newTopLevel } from './e2e-helpers.js';

// EM's error Message carries object names: whoever names a VM or a repository must not reach @channel through
// the bot, nor slip a link into a post, and a long one must not make Slack refuse the answer (and so drop it).
const HOSTILE = '<!channel> <https://evil.example|click> & <@UOPER2>';
const ESCAPED = '&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; &lt;@UOPER2&gt;';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

/** Everything Slack would render of what the bot sent since `calls` Web API calls and `ephemerals` answers. */
function renderedSince(calls: number, ephemerals: number): string {
  const sent = h.slack.calls
    .slice(calls)
    .map((c) => `${c.args.text ?? ''}\n${JSON.stringify(c.args.blocks ?? [])}`);
  const answers = h.slack.ephemerals
    .slice(ephemerals)
    .map((e) => `${e.text}\n${JSON.stringify(e.blocks ?? [])}`);
  return [...sent, ...answers].join('\n');
}

function expectNoMentionOrLink(all: string) {
  expect(all).not.toContain('<!channel>');
  expect(all).not.toContain('<https://evil.example');
  expect(all).not.toContain('<@UOPER2>');
}

function force(path: RegExp, message = HOSTILE) {
  h.sim.knobs.forceStatus = { status: 500, count: 1, path, message };
}

describe("EM's error text in Slack", () => {
  it('is escaped in the action message posted in the channel', async () => {
    const calls = h.slack.calls.length;
    const ephemerals = h.slack.ephemerals.length;
    const since = h.slack.topLevel(CHANNELS.ops).length;
    force(/action=start/);
    await h.command('start Server Backup');
    const failed = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('failed'));
    await h.waitFor(
      () => (h.slack.messages.find((m) => m.ts === failed.ts)?.text.includes(ESCAPED) ? true : undefined),
      {
        what: 'the action message to show EM’s text, escaped',
      },
    );
    expectNoMentionOrLink(renderedSince(calls, ephemerals));
  });

  it('is escaped in the private answer to a command', async () => {
    const calls = h.slack.calls.length;
    const ephemerals = h.slack.ephemerals.length;
    force(/\/tasks\/task-/);
    await ephemeralAfter(h, () => h.command('task task-1'), ESCAPED);
    expectNoMentionOrLink(renderedSince(calls, ephemerals));
  });

  it('is escaped in the private answer to a button', async () => {
    const calls = h.slack.calls.length;
    const ephemerals = h.slack.ephemerals.length;
    force(new RegExp(`${SIM_JOB_IDS.serverBackup}\\?format=Entity`));
    await ephemeralAfter(
      h,
      () => h.click({ actionId: ACTION_IDS.jobDetails, value: SIM_JOB_IDS.serverBackup }),
      ESCAPED,
    );
    expectNoMentionOrLink(renderedSince(calls, ephemerals));
  });

  it('is cut after escaping, so a long message still arrives in the channel and in private', async () => {
    // 4,000 characters that grow to 13,000 when escaped: far past a section's 3,000.
    const long = `${HOSTILE} ${'<>&'.repeat(1_300)}`;
    const calls = h.slack.calls.length;
    const ephemerals = h.slack.ephemerals.length;
    const since = h.slack.topLevel(CHANNELS.ops).length;
    force(/action=start/, long);
    await h.command('start Server Backup');
    const failed = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('failed'));
    const shown = await h.waitFor(
      () => {
        const m = h.slack.messages.find((x) => x.ts === failed.ts);
        return m?.text.includes(ESCAPED) ? m : undefined;
      },
      { what: 'the action message to show the cut text' },
    );
    expect(shown.text).toContain('…');
    force(/\/tasks\/task-/, long);
    const answer = await ephemeralAfter(h, () => h.command('task task-1'), ESCAPED);
    expect(answer.text.length).toBeLessThan(3_000);
    expectNoMentionOrLink(renderedSince(calls, ephemerals));
    expect(h.slack.refusals).toHaveLength(0);
  });
});
