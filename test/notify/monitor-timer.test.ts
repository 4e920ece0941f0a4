// The monitor's own timer: without anyone calling pollOnce(), a failure is posted within one interval.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { messageText } from '../../src/slack-standin/slack-user.js';
import { waitFor } from '../support/wait-for.js';
import { CHANNEL, type NotifyKit, startNotifyKit } from './notify-kit.js';

let kit: NotifyKit;
beforeAll(async () => {
  kit = await startNotifyKit();
});
afterAll(() => kit?.close());

describe('the monitor on its timer', () => {
  it('polls every VEEAM_MONITOR_INTERVAL_SECONDS by itself and posts a new failure', async () => {
    kit.startMonitor({ monitorIntervalSeconds: 1 });
    // Ends just after the baseline the monitor takes at start, so it is new.
    kit.failure(SIM_JOB_IDS.serverBackupSql, 'Error: Shadow copy creation failed.', Date.now() + 10);
    const post = await waitFor(() => kit.slack.topLevel(CHANNEL)[0], {
      timeoutMs: 5_000,
      what: 'the timer-driven incident post',
    });
    expect(messageText(post)).toContain('Server Backup SQL');
    expect(kit.sim.stats.byRoute['GET /query'] ?? 0).toBeGreaterThanOrEqual(1);
  });
});
