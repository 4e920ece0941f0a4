// The bot's durable memory (watches, the monitor's seen set): one JSON file, written atomically.

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
import type { Logger } from '../log/logger.js';
import { readStateDocument, type StateDocument, type StateSections } from './state-document.js';

export type { StateSections } from './state-document.js';

export class StateStore {
  private doc: StateDocument = { version: 1 };
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  /** Told of every file write attempted (true: saved): the bot's metrics. */
  onWrite?: (ok: boolean) => void;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
    /** Coalesces bursts of writes (1,000 watches changing in one round) into one file write. */
    private readonly flushDelayMs = 200,
  ) {}

  /**
   * Reads the file; never throws, so the bot always starts. Missing: empty state. Not a state document: moved
   * aside, empty state. A section that is not an object: a copy of the file is kept aside, the section dropped.
   */
  load(): void {
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
    this.flush();
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
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or the directory went away: nothing left to clean.
  }
}
