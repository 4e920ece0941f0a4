// The bot's durable, shared memory as one interface: the JSON file for one replica, Redis for several.
// Both keep the sections in memory (reads are synchronous) and write them behind, coalesced.

import type { StateSections } from './state-document.js';

export type { StateSections } from './state-document.js';

export interface StateStore {
  readonly kind: 'file' | 'redis';
  /** Reads every section into memory; never throws, so the bot always starts (empty state at worst). */
  load(): Promise<void>;
  read<K extends keyof StateSections>(key: K): StateSections[K];
  /** Replaces a section and schedules a coalesced write; flush() writes at once. */
  write<K extends keyof StateSections>(key: K, value: StateSections[K]): void;
  /**
   * Hands a section to its owner's `restore`; when that throws, the section is dropped (a copy kept aside where the
   * store can) and `fallback` returned: a bad section costs what it held, never the bot's start.
   */
  restore<K extends keyof StateSections, T>(key: K, restore: (saved: StateSections[K]) => T, fallback: T): T;
  /** True when everything written so far is durable (false: the write failed or was fenced off, and was logged). */
  flush(): Promise<boolean>;
  /**
   * The leader's fencing token: section writes carry it, and a write with a token older than the store's current
   * fence is refused, so a paused old leader cannot overwrite the new one's state. undefined: unfenced writes.
   */
  setFence(token: number | undefined): void;
  /** Called when a section write was refused by the fence (a newer leader exists): stop leading. */
  onFenced?: () => void;
  /**
   * Claims `key` for `ttlMs` if nobody holds it (SET NX PX): true when this call got it. `holder` is stored with it
   * (who asked, for a "just asked for by" answer, or a lock owner so release deletes only its own claim).
   */
  claim(key: string, ttlMs: number, holder?: string): Promise<boolean>;
  /** Who holds `key` now, or undefined when nobody does. */
  holder(key: string): Promise<string | undefined>;
  /** Drops a claim; with `holder`, only when that holder still holds it. */
  release(key: string, holder?: string): Promise<void>;
  /** Pending approval requests, as JSON values keyed by their ID (their shape is ops/approvals.ts's). */
  getApproval(id: string): Promise<unknown | undefined>;
  listApprovals(): Promise<unknown[]>;
  putApproval(id: string, value: unknown): Promise<void>;
  /** Compare-and-set: replaces the approval only when it is still exactly `before` (atomic across replicas). */
  swapApproval(id: string, before: unknown, after: unknown): Promise<boolean>;
  deleteApproval(id: string): Promise<void>;
  /** A replica that does not lead gives a new watch to the leader through this inbox. */
  handOffWatch(record: unknown): Promise<void>;
  /** Everything handed off so far, oldest first; each record is returned once. */
  takeHandedOffWatches(): Promise<unknown[]>;
  /** False while the store cannot be written (Redis lost): writes that need it are refused. */
  available(): boolean;
  /** Called with false when the store is lost and true when it is back. */
  onAvailability(listener: (available: boolean) => void): void;
  /** Told of every section write attempted (true: saved): the bot's metrics. */
  onWrite?: (ok: boolean) => void;
  /** Flushes what is pending and lets go of connections and timers. */
  close(): Promise<void>;
}
