import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { RecentActions } from '../../src/ops/recent-actions.js';

describe('RecentActions', () => {
  it('takes the same write within the window for a repeat and names who asked first', () => {
    const clock = new ManualClock();
    const recent = new RecentActions(clock, 10);
    expect(recent.claim('start:job-1', 'U1')).toBeUndefined();
    clock.advance(9_000);
    expect(recent.claim('start:job-1', 'U2')).toEqual({ user: 'U1', at: clock.now() - 9_000 });
  });

  it('forgets a write once the injected clock passes the window', () => {
    const clock = new ManualClock();
    const recent = new RecentActions(clock, 10);
    recent.claim('start:job-1', 'U1');
    clock.advance(10_000);
    expect(recent.claim('start:job-1', 'U2')).toBeUndefined();
  });

  it('lets a released claim be asked again at once', () => {
    const recent = new RecentActions(new ManualClock(), 10);
    recent.claim('stop:job-1', 'U1');
    recent.release('stop:job-1');
    expect(recent.claim('stop:job-1', 'U1')).toBeUndefined();
  });

  it('never takes anything for a repeat with a window of 0', () => {
    const recent = new RecentActions(new ManualClock(), 0);
    recent.claim('stop:job-1', 'U1');
    expect(recent.claim('stop:job-1', 'U1')).toBeUndefined();
  });
});
