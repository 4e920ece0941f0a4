// The bot's durable memory (watches, the monitor's seen set): one JSON file, written atomically.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { Logger } from '../log/logger.js';

/** Each part of the bot owns one section; the store never interprets them. */
export interface StateSections {
  watches?: unknown;
  monitor?: unknown;
}

interface StateDocument extends StateSections {
  version: 1;
}

export class StateStore {
  private doc: StateDocument = { version: 1 };
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
    /** Coalesces bursts of writes (1,000 watches changing in one round) into one file write. */
    private readonly flushDelayMs = 200,
  ) {}

  /** Reads the file. Missing: empty state. Corrupt: moved aside with a warning, empty state; never throws. */
  load(): void {
    if (!existsSync(this.path)) {
      this.doc = { version: 1 };
      return;
    }
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as unknown;
      if (!parsed || typeof parsed !== 'object' || (parsed as { version?: unknown }).version !== 1) {
        throw new Error('not a version-1 state document');
      }
      this.doc = parsed as StateDocument;
    } catch (err) {
      const aside = `${this.path}.corrupt-${Date.now()}`;
      try {
        renameSync(this.path, aside);
      } catch {
        // If even the rename fails we still start empty rather than crash.
      }
      this.logger.warn('state file unreadable; moved aside, starting with no saved state', {
        path: this.path,
        movedTo: aside,
        error: (err as Error).message,
      });
      this.doc = { version: 1 };
    }
  }

  read<K extends keyof StateSections>(key: K): StateSections[K] {
    return this.doc[key];
  }

  /** Replaces a section and schedules a write; flush() writes at once. */
  write<K extends keyof StateSections>(key: K, value: StateSections[K]): void {
    this.doc[key] = value;
    this.dirty = true;
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.flushDelayMs);
      this.timer.unref();
    }
  }

  /**
   * Write, fsync, rename: a crash leaves either the old file or the new one, never half of one. True when the file
   * holds everything written so far (false: the write failed and was logged; the next change retries).
   */
  flush(): boolean {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dirty) return true;
    const tmp = `${this.path}.tmp-${process.pid}`;
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(this.doc));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      this.dirty = false;
      return true;
    } catch (err) {
      this.logger.error('could not save the state file; will retry on the next change', {
        path: this.path,
        error: (err as Error).message,
      });
      return false;
    }
  }
}
