import { describe, expect, it } from 'vitest';
import { JobLocks } from '../../src/ops/job-locks.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('JobLocks', () => {
  it('runs work on one key one at a time, in order', async () => {
    const locks = new JobLocks();
    const events: string[] = [];
    const gate = deferred();
    const first = locks.run('job-1', async () => {
      events.push('first start');
      await gate.promise;
      events.push('first end');
    });
    const second = locks.run('job-1', async () => {
      events.push('second');
    });
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['first start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(events).toEqual(['first start', 'first end', 'second']);
  });

  it('does not hold other keys up, and releases after a failure', async () => {
    const locks = new JobLocks();
    const gate = deferred();
    const slow = locks.run('job-1', () => gate.promise);
    expect(await locks.run('job-2', async () => 'other')).toBe('other');
    gate.resolve();
    await slow;
    await expect(locks.run('job-1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await locks.run('job-1', async () => 'after')).toBe('after');
  });
});
