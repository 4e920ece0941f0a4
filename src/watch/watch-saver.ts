// The watcher's section of the state file. O(1) per change: the store serialises a live view of every watch when
// it writes (its 200 ms timer coalesces bursts); a Slack post waits until the change that asked for it is on disk.

import type { StateStore } from '../state/state-store.js';
import type { OutboxItem, SavedWatches, WatchRecord } from './watch-record.js';

export class WatchSaver {
  /** What the store serialises when it writes: every watch as it is at that moment. */
  private readonly section: SavedWatches;
  /** changeSeq counts changes; savedSeq is the count at our last flush; an outbox item remembers its count. */
  private changeSeq = 0;
  private savedSeq = 0;
  private readonly enqueuedSeq = new WeakMap<OutboxItem, number>();
  /** After close(): nothing more is written (a new watcher may own the file by now). */
  private closed = false;

  constructor(
    private readonly store: StateStore,
    private readonly watches: () => WatchRecord[],
  ) {
    this.section = {
      version: 1,
      get watches() {
        return watches();
      },
    };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  open(): void {
    this.closed = false;
  }

  /** Tells the store the section changed; it writes the live view later. */
  changed(): void {
    this.changeSeq += 1;
    if (!this.closed) this.store.write('watches', this.section);
  }

  /** An outbox item was just queued: it is sent only once the change that made it is saved. */
  track(item: OutboxItem): void {
    this.enqueuedSeq.set(item, this.changeSeq);
  }

  /** The count of changes so far: isSaved(seq) once the file holds them all. */
  get seq(): number {
    return this.changeSeq;
  }

  /** Is every change up to `seq` on disk (written by saveNow or close)? */
  isSaved(seq: number): boolean {
    return this.savedSeq >= seq;
  }

  /**
   * Writes the file now if anything changed since our last save (before Slack posts that depend on it). False
   * when the write failed (the store logged why): what depends on it waits for a later save.
   */
  async saveNow(): Promise<boolean> {
    if (this.closed) return false;
    if (this.savedSeq === this.changeSeq) return true;
    const seq = this.changeSeq;
    if (!(await this.store.flush())) return false;
    this.savedSeq = Math.max(this.savedSeq, seq);
    return true;
  }

  /** Before sending `item`: the state that asked for it is on disk first. */
  async saveBefore(item: OutboxItem): Promise<void> {
    if ((this.enqueuedSeq.get(item) ?? 0) > this.savedSeq) await this.saveNow();
  }

  /** Last save on stop(): a snapshot, not the live view, so whoever uses this store next sees none of our later state. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const saved: SavedWatches = { version: 1, watches: this.watches() };
    const seq = this.changeSeq;
    this.store.write('watches', saved);
    await this.store.flush();
    this.savedSeq = Math.max(this.savedSeq, seq);
  }
}
