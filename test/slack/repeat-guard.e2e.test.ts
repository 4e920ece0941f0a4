import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import { auditLines, buttonOf, ephemeralAfter, posts } from './e2e-helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { VEEAM_REPEAT_WINDOW_SECONDS: '10' } });
});
afterAll(() => h?.close());

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
});
