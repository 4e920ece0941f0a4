// The watcher reads time from the injected clock; its timer follows that clock only when set, so a test that
// moves the clock by hand asks for a round with pollNow(). And a post Slack refuses for good is dropped, not retried.

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { idle, job, WatchKit } from './watch-kit.js';

const SERVER_BACKUP = job(SIM_JOB_IDS.serverBackup, 'Server Backup');

let kit: WatchKit;
afterEach(async () => {
  await kit?.close();
});

describe('TaskWatcher and its clock', () => {
  it('pollNow() after the clock moved past the timeout ends the watch in that very round', async () => {
    const clock = new ManualClock(Date.now());
    kit = await WatchKit.start({ sim: { taskDurationMs: 60_000 }, watch: { timeoutMinutes: 5 }, clock });
    const run = await kit.act('start', SERVER_BACKUP);
    clock.advance(5 * 60_000 + 1_000);
    await kit.watcher.pollNow();
    expect(kit.watcher.stats().timeouts).toBe(1);
    expect(kit.watcher.watching()[0]?.phase).toBe('done');
    await idle(kit.watcher);
    expect(run.replies()[0]?.text).toContain('⏱️ Start *Server Backup*: stopped watching after 5 min');
  });
});

describe('TaskWatcher when Slack refuses a post for good', () => {
  it('drops the post, logs why, and still updates the parent', async () => {
    kit = await WatchKit.start();
    const run = await kit.act('toggle', SERVER_BACKUP);
    // The Task takes 100 ms; the watcher's reply is the next chat.postMessage.
    kit.fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    await idle(kit.watcher);
    expect(run.replies()).toHaveLength(0);
    expect(kit.watcher.stats().slack).toMatchObject({ dropped: 1, posts: 0, updates: 1 });
    expect(kit.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'Slack refused a watch post for good; dropping it',
        error: expect.objectContaining({ code: 'slack_webapi_platform_error' }),
      }),
    );
    expect(run.parent().text).toContain('schedule is now');
  });
});
