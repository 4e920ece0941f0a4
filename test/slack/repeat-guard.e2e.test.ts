import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import { auditLines, buttonOf, ephemeralAfter, messageText, newTopLevel, posts } from './e2e-helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { VEEAM_REPEAT_WINDOW_SECONDS: '10' } });
});
afterAll(() => h?.close());

// First in the file: they fail the next chat.postMessage, which no earlier job's result reply may take.
describe('a failure the bot asks the user to retry after', () => {
  it('lets the suggested retry through after the bot could not post in the channel, and says what to do', async () => {
    h.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    const before = posts(h, 'agents/jobs');
    const told = await ephemeralAfter(h, () => h.command('start Server Backup'), 'could not post');
    expect(told.text).toContain('not a member of this channel');
    expect(told.text).not.toContain('An API error occurred');
    expect(posts(h, 'agents/jobs')).toBe(before);
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Server Backup');
    const running = await newTopLevel(h, CHANNELS.ops, since, (t) => /EM task task-\d+/.test(t));
    expect(posts(h, 'agents/jobs')).toBe(before + 1);
    // Its result reply is the last chat.postMessage of this test: the next test fails one on purpose.
    await h.waitFor(() => h.slack.thread(CHANNELS.ops, running.ts).length > 0 || undefined);
  });

  it('lets the retry through after the approval request could not be posted', async () => {
    h.slack.failNext('chat.postMessage', { error: 'is_archived' });
    const told = await ephemeralAfter(h, () => h.command('stop Workstations Weekly'), 'approval request');
    expect(told.text).toContain('archived');
    await ephemeralAfter(h, () => h.command('stop Workstations Weekly'), 'needs an approval');
  });
});

describe('double clicks and repeated commands', () => {
  it('starts a job once when Start on its card is clicked twice at once, by one or two operators', async () => {
    await h.command(`job ${SIM_JOB_IDS.linuxWeb}`);
    const card = await h.waitFor(() =>
      h.slack.ephemerals.find(
        (e) => e.blocks?.length && JSON.stringify(e.blocks).includes(ACTION_IDS.jobStart),
      ),
    );
    const start = buttonOf(card, ACTION_IDS.jobStart);
    const before = posts(h, 'agents/jobs');
    const clicks = await Promise.all([
      h.click(start, { user: USERS.operator }),
      h.click(start, { user: USERS.operator }),
      h.click(start, { user: USERS.operator2 }),
    ]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200, 200]);
    await h.waitFor(() =>
      h.slack.ephemerals.filter((e) => e.text.includes('I did not send it again')).length >= 2
        ? true
        : undefined,
    );
    await h.waitFor(() => posts(h, 'agents/jobs') > before || undefined);
    // Give a wrongly-sent second start every chance to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posts(h, 'agents/jobs')).toBe(before + 1);
    expect(auditLines(h).filter((l) => l.outcome === 'duplicate-ignored')).toHaveLength(2);
  });

  it('answers a repeated command with a pointer to the first, and sends nothing', async () => {
    const before = posts(h, 'agents/jobs');
    await h.command('retry Server Backup SQL');
    await h.waitFor(() => posts(h, 'agents/jobs') > before || undefined);
    const repeat = await ephemeralAfter(
      h,
      () => h.command('retry Server Backup SQL'),
      'I did not send it again',
    );
    expect(repeat.text).toContain(`<@${USERS.operator}>`);
    expect(posts(h, 'agents/jobs')).toBe(before + 1);
  });

  it('does not confuse different actions or different jobs with a repeat', async () => {
    const before = posts(h, 'agents/jobs');
    await Promise.all([h.command('start Linux DB Servers'), h.command('start Workstations Weekly')]);
    await h.waitFor(() => (posts(h, 'agents/jobs') >= before + 2 ? true : undefined));
    expect(
      h.slack.ephemerals.filter(
        (e) =>
          e.channel === CHANNELS.ops &&
          /Linux DB|Workstations/.test(e.text) &&
          e.text.includes('did not send'),
      ),
    ).toEqual([]);
  });

  it('lets the same command through again at once when EM could not be reached the first time', async () => {
    h.sim.knobs.forceStatus = {
      status: 503,
      count: 1,
      path: /action=start/,
      message: 'Service unavailable.',
    };
    const before = posts(h, 'agents/jobs');
    const since = h.slack.topLevel(CHANNELS.ops).length;
    const told = h.slack.ephemerals.length;
    await h.command('start Server Backup SQL');
    await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('failed'));
    const again = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Server Backup SQL');
    const running = await newTopLevel(h, CHANNELS.ops, again, (t) => /EM task task-\d+/.test(t));
    expect(messageText(running)).toContain('Server Backup SQL');
    expect(posts(h, 'agents/jobs')).toBe(before + 2);
    expect(h.slack.ephemerals.slice(told).filter((e) => e.text.includes('did not send it again'))).toEqual(
      [],
    );
    // Its result reply is the last chat.postMessage of this test: the next test fails one on purpose.
    await h.waitFor(() => h.slack.thread(CHANNELS.ops, running.ts).length > 0 || undefined);
  });
});
