// A per-key lock: work on one job runs one at a time, in arrival order within this replica, and one at a time
// across replicas through a claim with a TTL in the shared store; other jobs are not held up.

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StateStore } from '../state/state-store.js';

interface JobLockOptions {
  /** How long a replica's claim holds if it dies holding it (its work is bounded well below this). */
  ttlMs?: number;
  /** How often a replica waiting on another's claim asks again. */
  retryMs?: number;
}

export class JobLocks {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly ttlMs: number;
  private readonly retryMs: number;

  /** Without a store: this replica only (tests, tools). */
  constructor(
    private readonly store?: StateStore,
    options: JobLockOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 90_000;
    this.retryMs = options.retryMs ?? 100;
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await this.acrossReplicas(key, work);
    } finally {
      release();
      // The last holder cleans up, so the map does not grow with every job ever touched.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Waits (up to a TTL) for another replica's claim on `key`, runs `work` holding ours, then lets go. */
  private async acrossReplicas<T>(key: string, work: () => Promise<T>): Promise<T> {
    const store = this.store;
    if (store === undefined) return work();
    const holder = randomBytes(8).toString('hex');
    const claimKey = `lock:${key}`;
    const giveUpAt = Date.now() + this.ttlMs;
    while (!(await store.claim(claimKey, this.ttlMs, holder))) {
      if (Date.now() >= giveUpAt) throw new Error(`job lock ${key} stayed held by another replica`);
      await sleep(this.retryMs);
    }
    try {
      return await work();
    } finally {
      await store.release(claimKey, holder).catch(() => {
        // Redis away: the claim lapses with its TTL.
      });
    }
  }
}
