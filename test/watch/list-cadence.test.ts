import { describe, expect, it } from 'vitest';
import { ListCadence } from '../../src/watch/list-cadence.js';
import { backoffPolicy } from '../../src/watch/poll-backoff.js';

const middle = () => 0.5;

describe('GET /tasks cadence', () => {
  it('is idle until a watch waits on a Task, then beats every interval after each list was sent', () => {
    const cadence = new ListCadence(backoffPolicy(1_500), middle);
    expect(cadence.idle).toBe(true);
    cadence.start(10_000);
    expect(cadence.dueAt).toBe(11_500);
    cadence.start(10_400); // a second watch does not move the beat
    expect(cadence.dueAt).toBe(11_500);
    for (const sentAt of [11_500, 13_000, 14_500]) {
      cadence.succeeded(sentAt);
      expect(cadence.dueAt).toBe(sentAt + 1_500);
    }
    cadence.stop();
    expect(cadence.idle).toBe(true);
  });

  it('keeps its jitter small (±5%)', () => {
    const low = new ListCadence(backoffPolicy(1_500), () => 0);
    low.succeeded(0);
    const high = new ListCadence(backoffPolicy(1_500), () => 0.999_999);
    high.succeeded(0);
    expect(low.dueAt).toBe(1_425);
    expect(high.dueAt).toBe(1_575);
  });

  it('slows ×1.5 per failure to the cap, and is steady again after a success', () => {
    const cadence = new ListCadence(backoffPolicy(1_000), middle);
    const waits = [1, 2, 3, 4, 5, 6, 7].map(() => cadence.failed(0));
    expect(waits).toEqual([1_500, 2_250, 3_375, 5_063, 7_594, 10_000, 10_000]);
    cadence.succeeded(50_000);
    expect(cadence.dueAt).toBe(51_000);
    expect(cadence.failed(60_000)).toBe(1_500);
  });

  it('a resumed watch or a cancel asks for a list sooner, never later', () => {
    const cadence = new ListCadence(backoffPolicy(1_500), middle);
    cadence.succeeded(0);
    cadence.dueBy(200);
    expect(cadence.dueAt).toBe(200);
    cadence.dueBy(900);
    expect(cadence.dueAt).toBe(200);
  });
});
