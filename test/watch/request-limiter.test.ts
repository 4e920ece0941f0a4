import { describe, expect, it } from 'vitest';
import { RequestLimiter } from '../../src/watch/request-limiter.js';

describe('RequestLimiter', () => {
  it('never runs more than its limit at once and runs everything', async () => {
    const limiter = new RequestLimiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setImmediate(resolve));
          running -= 1;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(limiter.peak).toBe(3);
    expect(limiter.inFlight).toBe(0);
  });

  it('frees the slot when the work throws', async () => {
    const limiter = new RequestLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'ok')).resolves.toBe('ok');
  });
});
