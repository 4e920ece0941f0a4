// The store of a single replica: one JSON file (watches, the monitor's memory, pending approvals), written
// atomically; claims and the watch hand-off live in memory, as there is no other replica to share them with.

import { randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { type Clock, systemClock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import { MemoryClaims } from './memory-claims.js';
import { readStateDocument, type StateDocument, type StateSections } from './state-document.js';
import type { StateStore } from './state-store.js';
import { WriteBehind } from './write-behind.js';

interface FileStoreOptions {
  /** Coalesces bursts of writes (1,000 watches changing in one round) into one file write. */
  flushDelayMs?: number;
  /** Claims expire by this clock (the tests' injected one). */
  clock?: Clock;
}

export class FileStateStore implements StateStore {
  readonly kind = 'file';
  private doc: StateDocument = { version: 1 };
  private dirty = false;
  private readonly writeBehind: WriteBehind;
  private readonly memory: MemoryClaims;
  onWrite?: (ok: boolean) => void;
  onFenced?: () => void;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
    options: FileStoreOptions = {},
  ) {
    this.writeBehind = new WriteBehind(options.flushDelayMs ?? 200, () => this.flushNow());
    this.memory = new MemoryClaims(options.clock ?? systemClock);
  }

  /**
   * Reads the file; never throws, so the bot always starts. Missing: empty state. Not a state document: moved
   * aside, empty state. A section that is not an object: a copy of the file is kept aside, the section dropped.
   */
  load(): Promise<void> {
    this.loadNow();
    return Promise.resolve();
  }

  /** load(), in this turn of the event loop. */
  loadNow(): void {
    this.doc = { version: 1 };
    try {
      this.loadUnguarded();
    } catch (err) {
      this.doc = { version: 1 };
      this.logger.error('could not read the state file; starting with no saved state', {
        path: this.path,
        error: (err as Error).message,
      });
    }
  }

  private loadUnguarded(): void {
    if (!existsSync(this.path)) return;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      this.moveAside((err as Error).message);
      return;
    }
    const reading = readStateDocument(text);
    if (!reading.ok) {
      this.moveAside(reading.reason);
      return;
    }
    this.doc = reading.doc;
    if (reading.dropped.length > 0) {
      this.dropSections(reading.dropped, 'not a JSON object');
    }
  }

  /**
   * Hands a section to its owner's `restore`. When that throws (a shape its owner did not expect), a copy of the
   * file is kept aside, the section is dropped from the file and `fallback` is returned: a bad section costs what
   * it held, never the bot's start (a service manager would restart it in a loop on the same file).
   */
  restore<K extends keyof StateSections, T>(key: K, restore: (saved: StateSections[K]) => T, fallback: T): T {
    try {
      return restore(this.doc[key]);
    } catch (err) {
      this.dropSections([key], (err as Error)?.message ?? String(err));
      return fallback;
    }
  }

  /** The whole file is unusable: renamed aside for a human to look at; the bot starts with no saved state. */
  private moveAside(reason: string): void {
    const aside = `${this.path}.corrupt-${Date.now()}`;
    try {
      renameSync(this.path, aside);
    } catch {
      // If even the rename fails we still start empty rather than crash.
    }
    this.logger.warn('state file unreadable; moved aside, starting with no saved state', {
      path: this.path,
      movedTo: aside,
      error: reason,
    });
  }

  /** Some sections are unusable: the file is copied aside as it was, then saved without them. */
  private dropSections(keys: (keyof StateSections)[], reason: string): void {
    let copiedTo: string | undefined = `${this.path}.unreadable-${Date.now()}`;
    try {
      copyFileSync(this.path, copiedTo, constants.COPYFILE_EXCL);
    } catch {
      // No copy (nothing saved yet, or a copy of this millisecond exists): the section is dropped all the same.
      copiedTo = undefined;
    }
    for (const key of keys) delete this.doc[key];
    this.logger.error('saved state section unusable; dropped it and kept a copy of the file aside', {
      path: this.path,
      sections: keys,
      copiedTo,
      error: reason,
    });
    this.dirty = true;
    this.flushNow();
  }

  read<K extends keyof StateSections>(key: K): StateSections[K] {
    return this.doc[key];
  }

  /** Replaces a section and schedules a write; flush() writes at once. */
  write<K extends keyof StateSections>(key: K, value: StateSections[K]): void {
    this.doc[key] = value;
    this.dirty = true;
    this.writeBehind.schedule();
  }

  flush(): Promise<boolean> {
    return Promise.resolve(this.flushNow());
  }

  /**
   * Write, fsync, rename: a crash leaves either the old file or the new one, never half of one. True when the file
   * holds everything written so far (false: the write failed and was logged; the next change retries).
   */
  flushNow(): boolean {
    this.writeBehind.cancel();
    if (!this.dirty) return true;
    // A random name opened exclusively ('wx'): nobody can plant a file or a symlink there for us to write through.
    const tmp = `${this.path}.tmp-${randomUUID()}`;
    let created = false;
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      created = true;
      try {
        writeFileSync(fd, JSON.stringify(this.doc));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      created = false;
      this.dirty = false;
      this.onWrite?.(true);
      return true;
    } catch (err) {
      if (created) unlinkQuietly(tmp);
      this.onWrite?.(false);
      this.logger.error('could not save the state file; will retry on the next change', {
        path: this.path,
        error: (err as Error).message,
      });
      return false;
    }
  }

  /** One process writes the file: there is no older leader to fence off. */
  setFence(_token: number | undefined): void {}

  async claim(key: string, ttlMs: number, holder = '1'): Promise<boolean> {
    return this.memory.claim(key, ttlMs, holder);
  }

  async holder(key: string): Promise<string | undefined> {
    return this.memory.holder(key);
  }

  async release(key: string, holder?: string): Promise<void> {
    this.memory.release(key, holder);
  }

  async getApproval(id: string): Promise<unknown | undefined> {
    const value = this.approvalSection()[id];
    return value === undefined ? undefined : copy(value);
  }

  async listApprovals(): Promise<unknown[]> {
    return Object.values(this.approvalSection()).map(copy);
  }

  /** Approvals are few and each is a promise to a person: saved at once, not behind. */
  async putApproval(id: string, value: unknown): Promise<void> {
    this.write('approvals', { ...this.approvalSection(), [id]: copy(value) });
    this.flushNow();
  }

  /** Check and change in one turn of the event loop: nothing else runs in between. */
  async swapApproval(id: string, before: unknown, after: unknown): Promise<boolean> {
    const current = this.approvalSection()[id];
    if (current === undefined || JSON.stringify(current) !== JSON.stringify(before)) return false;
    this.write('approvals', { ...this.approvalSection(), [id]: copy(after) });
    this.flushNow();
    return true;
  }

  async deleteApproval(id: string): Promise<void> {
    const { [id]: _gone, ...rest } = this.approvalSection();
    this.write('approvals', rest);
  }

  private approvalSection(): Record<string, unknown> {
    return (this.doc.approvals as Record<string, unknown> | undefined) ?? {};
  }

  async handOffWatch(record: unknown): Promise<void> {
    this.memory.handOff(copy(record));
  }

  async takeHandedOffWatches(): Promise<unknown[]> {
    return this.memory.takeHandedOff();
  }

  /** The file is there or the bot could not start; a failed write is retried and shows in the readiness probe. */
  available(): boolean {
    return true;
  }

  onAvailability(_listener: (available: boolean) => void): void {}

  async close(): Promise<void> {
    this.flushNow();
  }
}

/** What the store keeps is its own: a caller changing its object later changes nothing saved (as with Redis). */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or the directory went away: nothing left to clean.
  }
}
