import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import { auditLines, buttonOf, ephemeralAfter, messageText, newTopLevel, posts } from './e2e-helpers.js';

// A bot of its own for each test: a failure armed for "the next chat.postMessage" is never taken by another
// test's late result reply, and no test counts what an earlier one sent.
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ env: { VEEAM_REPEAT_WINDOW_SECONDS: '10' } });
});
afterEach(() => h?.close());

const repeats = () => auditLines(h).filter((l) => l.outcome === 'duplicate-ignored');

describe('a failure the bot asks the user to retry after', () => {
  it('says what to do when it could not post in the channel, and sends nothing to EM', async () => {
    h.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    const before = posts(h, 'agents/jobs');
    const told = await ephemeralAfter(h, () => h.command('start Server Backup'), 'could not post');
    expect(told.text).toContain('not a member of this channel');
    expect(told.text).not.toContain('An API error occurred');
    expect(posts(h, 'agents/jobs')).toBe(before);
  });

  it('lets the suggested retry through after it could not post in the channel', async () => {
    h.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    await ephemeralAfter(h, () => h.command('start Server Backup'), 'could not post');
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Server Backup');
    const running = await newTopLevel(h, CHANNELS.ops, since, (t) => /EM task task-\d+/.test(t));
    expect(messageText(running)).toContain('Server Backup');
    expect(posts(h, 'agents/jobs')).toBe(1);
  });

  it('lets the retry through after the approval request could not be posted', async () => {
    h.slack.failNext('chat.postMessage', { error: 'is_archived' });
    const told = await ephemeralAfter(h, () => h.command('stop Workstations Weekly'), 'approval request');
    expect(told.text).toContain('archived');
    const asked = await ephemeralAfter(
      h,
      () => h.command('stop Workstations Weekly'),
      /needs an approval|did not send/,
    );
    expect(asked.text).toContain('needs an approval');
  });
});

describe('double clicks and repeated commands', () => {
  it('starts a job once when Start on its card is clicked three times at once, by one or two operators', async () => {
    await h.command(`job ${SIM_JOB_IDS.linuxWeb}`);
    const card = await h.waitFor(
      () => h.slack.ephemerals.find((e) => JSON.stringify(e.blocks ?? []).includes(ACTION_IDS.jobStart)),
      { what: 'the job card' },
    );
    const start = buttonOf(card, ACTION_IDS.jobStart);
    const clicks = await Promise.all([
      h.click(start, { user: USERS.operator }),
      h.click(start, { user: USERS.operator }),
      h.click(start, { user: USERS.operator2 }),
    ]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200, 200]);
    // Every click has ended once it is audited: one sent to EM (after its 202), two dropped as repeats.
    await h.waitFor(() => auditLines(h).some((l) => l.outcome === 'accepted') && repeats().length >= 2, {
      what: 'one accepted start and two dropped repeats in the audit log',
    });
    expect(repeats()).toHaveLength(2);
    expect(posts(h, 'agents/jobs')).toBe(1);
  });

  it('syncs a backup copy job once when its Start is clicked three times at once (every kind is guarded)', async () => {
    const start = { actionId: ACTION_IDS.jobStart, value: SIM_JOB_IDS.offsiteCopy };
    await Promise.all([
      h.click(start, { user: USERS.operator }),
      h.click(start, { user: USERS.operator }),
      h.click(start, { user: USERS.operator2 }),
    ]);
    await h.waitFor(() => auditLines(h).some((l) => l.outcome === 'accepted') && repeats().length >= 2, {
      what: 'one accepted sync and two dropped repeats in the audit log',
    });
    expect(repeats()).toHaveLength(2);
    expect(posts(h, ' /jobs/')).toBe(1); // POST /jobs/{id}?action=sync, not /agents/jobs
  });

  it('tells whoever repeats a click that it was not sent again', async () => {
    const start = { actionId: ACTION_IDS.jobStart, value: SIM_JOB_IDS.linuxWeb };
    await Promise.all([h.click(start, { user: USERS.operator }), h.click(start, { user: USERS.operator2 })]);
    const told = await h.waitFor(
      () => h.slack.ephemerals.find((e) => e.text.includes('I did not send it again')),
      {
        what: 'the answer to the repeated click',
      },
    );
    expect(told.text).toContain('was just asked for by');
  });

  it('answers a repeated command with a pointer to the first, and sends nothing', async () => {
    await h.command('retry Server Backup SQL');
    await h.waitFor(() => posts(h, 'agents/jobs') > 0, { what: 'the first retry to reach EM' });
    const repeat = await ephemeralAfter(
      h,
      () => h.command('retry Server Backup SQL'),
      'I did not send it again',
    );
    expect(repeat.text).toContain(`<@${USERS.operator}>`);
    expect(posts(h, 'agents/jobs')).toBe(1);
  });

  it('does not take the same action on another job for a repeat', async () => {
    await Promise.all([h.command('start Linux DB Servers'), h.command('start Workstations Weekly')]);
    const answered = (job: string) =>
      h.slack.topLevel(CHANNELS.ops).some((m) => /EM task task-\d+/.test(m.text) && m.text.includes(job)) ||
      h.slack.ephemerals.some((e) => e.text.includes(job) && e.text.includes('did not send'));
    await h.waitFor(() => answered('Linux DB Servers') && answered('Workstations Weekly'), {
      what: 'both starts answered',
    });
    expect(h.slack.ephemerals.filter((e) => e.text.includes('did not send'))).toEqual([]);
    expect(posts(h, 'agents/jobs')).toBe(2);
  });

  it('does not take another action on the same job for a repeat', async () => {
    await h.command('start Server Backup');
    await h.waitFor(() => posts(h, 'agents/jobs') > 0, { what: 'the start to reach EM' });
    // Disable needs an approval here: the request is the sign it was taken as a new order.
    const answer = await ephemeralAfter(
      h,
      () => h.command('disable Server Backup'),
      /needs an approval|did not send/,
    );
    expect(answer.text).toContain('needs an approval');
  });

  it('lets the same command through again at once when EM could not be reached the first time', async () => {
    h.sim.knobs.forceStatus = {
      status: 503,
      count: 1,
      path: /action=start/,
      message: 'Service unavailable.',
    };
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Server Backup SQL');
    await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('failed'));
    const again = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Server Backup SQL');
    const running = await newTopLevel(h, CHANNELS.ops, again, (t) => /EM task task-\d+/.test(t));
    expect(messageText(running)).toContain('Server Backup SQL');
    expect(posts(h, 'agents/jobs')).toBe(2);
    expect(h.slack.ephemerals.filter((e) => e.text.includes('did not send it again'))).toEqual([]);
  });
});
