import { describe, expect, it } from 'vitest';
import { backoffPolicy, nextPoll } from '../../src/watch/poll-backoff.js';

describe('poll backoff', () => {
  it('caps at 10× the interval, at most 15 s', () => {
    expect(backoffPolicy(50).capMs).toBe(500);
    expect(backoffPolicy(2_000).capMs).toBe(15_000);
    expect(backoffPolicy(30_000).capMs).toBe(30_000);
  });

  it('grows ×1.5 per poll up to the cap', () => {
    const policy = backoffPolicy(100);
    const middle = () => 0.5;
    let interval = 100;
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const next = nextPoll(policy, interval, middle);
      delays.push(next.delayMs);
      interval = next.nextIntervalMs;
    }
    expect(delays.slice(0, 4)).toEqual([100, 150, 225, 338]);
    expect(Math.max(...delays)).toBe(1_000);
    expect(interval).toBe(1_000);
  });

  it('spreads delays ±20% with jitter', () => {
    const policy = backoffPolicy(1_000);
    expect(nextPoll(policy, 1_000, () => 0).delayMs).toBe(800);
    expect(nextPoll(policy, 1_000, () => 0.999_999).delayMs).toBe(1_200);
  });
});
