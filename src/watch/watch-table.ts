// The live watches, in node-cache (no TTL, no check timer: a live watch never expires; the state file is what
// survives restarts).

import NodeCache from 'node-cache';
import type { WatchRecord } from './watch-record.js';

export class WatchTable {
  // useClones false: the watcher mutates the one stored record, and cloning 10,000 records a round is what made an
  // earlier version's CPU grow with the number of watches (see the benchmark in the README).
  private readonly cache = new NodeCache({ stdTTL: 0, checkperiod: 0, useClones: false });

  get size(): number {
    return this.cache.keys().length;
  }

  get(key: string): WatchRecord | undefined {
    return this.cache.get<WatchRecord>(key);
  }

  has(key: string): boolean {
    return this.cache.has(key);
  }

  set(key: string, record: WatchRecord): void {
    this.cache.set(key, record);
  }

  delete(key: string): void {
    this.cache.del(key);
  }

  values(): WatchRecord[] {
    return Object.values(this.cache.mget<WatchRecord>(this.cache.keys()));
  }

  /** The Task IDs live watches wait on (phase task): one pass over the watches. */
  waitingTaskIds(): Set<string> {
    const ids = new Set<string>();
    for (const r of this.values()) if (r.phase === 'task') ids.add(r.spec.taskId);
    return ids;
  }
}
