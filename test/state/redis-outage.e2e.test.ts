// Redis going away under a running bot: writes are refused privately with nothing half-done, reads keep working,
// and once Redis is back the same command works.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { buttonOf, emWrites, ephemeralAfter, newTopLevel } from '../slack/e2e-helpers.js';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';

const REFUSED = "The bot's shared state (Redis) is unreachable; nothing was done";

describeWithRedis('Redis going away and coming back', () => {
  let server: RedisServer;
  let h: Harness;
  beforeAll(async () => {
    server = await startRedisServer();
    h = await startHarness({ env: { VEEAM_STATE_URL: server.url() } });
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it('refuses writes privately while Redis is away, answers reads, and writes again once it is back', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await ephemeralAfter(h, () => h.command('disable Server Backup'), 'needs an approval');
    const request = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('asks to'));

    await server.stop();
    await h.waitFor(() => !h.bot.store.available(), { what: 'the bot to notice Redis is gone' });
    const writesBefore = emWrites(h);
    const messagesBefore = h.slack.messages.length;
    await ephemeralAfter(h, () => h.command('start Server Backup'), REFUSED);
    await ephemeralAfter(
      h,
      () => h.click(buttonOf(request, ACTION_IDS.approve), { user: USERS.approver, message: request }),
      REFUSED,
    );
    // A read needs no shared state.
    await ephemeralAfter(
      h,
      () => h.command('job "server backup"', { user: USERS.viewer }),
      SIM_JOB_IDS.serverBackup,
    );
    expect(emWrites(h)).toBe(writesBefore);
    expect(h.slack.messages.length).toBe(messagesBefore);
    expect(h.sim.listJobs().find((j) => j.id === SIM_JOB_IDS.serverBackup)?.scheduleEnabled).toBe(true);

    await server.restart();
    await h.waitFor(() => h.bot.store.available(), { what: 'the bot to reconnect', timeoutMs: 10_000 });
    const after = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('start Server Backup');
    await newTopLevel(h, CHANNELS.ops, after, (t) => /Server Backup/.test(t));
    await h.waitFor(() => emWrites(h) > writesBefore, { what: 'the start to reach EM' });
  });
});
