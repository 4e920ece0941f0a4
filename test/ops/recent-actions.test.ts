import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { RecentActions } from '../../src/ops/recent-actions.js';
import { FileStateStore } from '../../src/state/file-state-store.js';

/** Claims never touch the file: the path is never written. */
function recentActions(clock: ManualClock, windowSeconds: number): RecentActions {
  const store = new FileStateStore('/nonexistent/state.json', createMemoryLogger('debug'), { clock });
  return new RecentActions(clock, windowSeconds, store);
}

describe('RecentActions', () => {
  it('takes the same write within the window for a repeat and names who asked first', async () => {
    const clock = new ManualClock();
    const recent = recentActions(clock, 10);
    expect(await recent.claim('start:job-1', 'U1')).toBeUndefined();
    clock.advance(9_000);
    expect(await recent.claim('start:job-1', 'U2')).toEqual({ user: 'U1', at: clock.now() - 9_000 });
  });

  it('forgets a write once the injected clock passes the window', async () => {
    const clock = new ManualClock();
    const recent = recentActions(clock, 10);
    await recent.claim('start:job-1', 'U1');
    clock.advance(10_000);
    expect(await recent.claim('start:job-1', 'U2')).toBeUndefined();
  });

  it('lets a released claim be asked again at once', async () => {
    const recent = recentActions(new ManualClock(), 10);
    await recent.claim('stop:job-1', 'U1');
    await recent.release('stop:job-1');
    expect(await recent.claim('stop:job-1', 'U1')).toBeUndefined();
  });

  it('never takes anything for a repeat with a window of 0', async () => {
    const recent = recentActions(new ManualClock(), 0);
    await recent.claim('stop:job-1', 'U1');
    expect(await recent.claim('stop:job-1', 'U1')).toBeUndefined();
  });
});
