// Approvals live in the state store: after a restart their buttons still work, and those that expired while the
// bot was down say so when it comes back. Run on the state file and on a real Redis.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { buttonOf, ephemeralAfter, findButton, messageText, newTopLevel } from '../slack/e2e-helpers.js';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';

const MINUTE = 60_000;

function approvalsSurviveRestart(env: () => Record<string, string>) {
  let h: Harness;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    h = await startHarness({ clock, env: { VEEAM_APPROVAL_TTL_MINUTES: '15', ...env() } });
  });
  afterAll(() => h?.close());

  async function requestApproval(text: string): Promise<FakeMessage> {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await ephemeralAfter(h, () => h.command(text), 'needs an approval');
    return newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('asks to'));
  }

  function saysExpired(request: FakeMessage) {
    return () => {
      const m = h.slack.messages.find((x) => x.channel === request.channel && x.ts === request.ts);
      return m && /expired/.test(messageText(m)) ? m : undefined;
    };
  }

  it('approves after a restart, and marks a request that expired while the bot was down', async () => {
    const expiring = await requestApproval('disable Server Backup SQL');
    clock.advance(10 * MINUTE);
    const kept = await requestApproval('disable Server Backup');

    await h.bot.stop();
    // Down for 6 minutes: the first request is past its 15, the second is not.
    clock.advance(6 * MINUTE);
    expect(messageText(h.slack.messages.find((m) => m.ts === expiring.ts) ?? expiring)).not.toMatch(
      /expired/,
    );
    await h.restartBot();

    const marked = await h.waitFor(saysExpired(expiring), { what: 'the overdue request to say it expired' });
    expect(findButton(marked, ACTION_IDS.approve)).toBeUndefined();

    await h.click(buttonOf(kept, ACTION_IDS.approve), { user: USERS.approver, message: kept });
    await h.waitFor(
      () => h.sim.listJobs().find((j) => j.id === SIM_JOB_IDS.serverBackup)?.scheduleEnabled === false,
      {
        what: 'the approved disable to reach EM',
      },
    );
    const decided = h.slack.messages.find((m) => m.ts === kept.ts);
    expect(messageText(decided ?? kept)).toContain(`<@${USERS.approver}>`);
  });
}

describe('approvals across a restart, on the state file', () => {
  approvalsSurviveRestart(() => ({}));
});

describeWithRedis('approvals across a restart, on Redis', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  approvalsSurviveRestart(() => ({ VEEAM_STATE_URL: server.url() }));
});
