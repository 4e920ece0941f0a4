import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import { buttonOf, ephemeralAfter, findButton, messageText, newTopLevel, posts } from './e2e-helpers.js';

let h: Harness;
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  h = await startHarness({ clock, env: { VEEAM_APPROVAL_TTL_MINUTES: '15' } });
});
afterAll(() => h?.close());

describe('approval expiry', () => {
  it('refuses an approval clicked after VEEAM_APPROVAL_TTL_MINUTES and says so on the request', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await ephemeralAfter(h, () => h.command('disable Server Backup'), 'needs an approval');
    const request = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('asks to'));
    const togglesBefore = posts(h, 'agents/jobs');

    clock.advance(15 * 60_000 + 1_000);
    await ephemeralAfter(
      h,
      () => h.click(buttonOf(request, ACTION_IDS.approve), { user: USERS.approver, message: request }),
      'expired',
    );
    const updated = await h.waitFor(
      () => {
        const m = h.slack.messages.find((x) => x.ts === request.ts);
        return m && /expired/.test(messageText(m)) ? m : undefined;
      },
      { what: 'the request message to say it expired' },
    );
    expect(messageText(updated)).not.toContain('Approved by');
    expect(posts(h, 'agents/jobs')).toBe(togglesBefore);
    expect(h.sim.listJobs().find((j) => j.id === SIM_JOB_IDS.serverBackup)?.scheduleEnabled).toBe(true);
  });

  it('updates an unanswered request to say it expired, without anyone clicking', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await ephemeralAfter(h, () => h.command('stop Linux Web Servers'), 'needs an approval');
    const request = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('asks to'));
    expect(buttonOf(request, ACTION_IDS.approve)).toBeDefined();

    clock.advance(15 * 60_000 + 1_000);
    const updated = await h.waitFor(
      () => {
        const m = h.slack.messages.find((x) => x.ts === request.ts);
        return m && /expired/.test(messageText(m)) ? m : undefined;
      },
      { what: 'the request message to say it expired' },
    );
    expect(findButton(updated, ACTION_IDS.approve)).toBeUndefined();
    expect(h.logger.lines).toContainEqual(
      expect.objectContaining({ audit: true, action: 'stop', outcome: 'expired' }),
    );
  });
});
