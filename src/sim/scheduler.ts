// The simulator's time: every Task and backup run moves on events due at a clock time. Events run when a
// request arrives (so an answer always reflects the clock), on tick(), and, with the system clock, on a real
// timer armed for the earliest event. With a ManualClock tests move time by hand and nothing fires on its own.

import type { Clock } from '../clock.js';

export interface ScheduledEvent {
  cancel(): void;
}

interface Entry {
  when: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

export class SimScheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;
  /** While an event runs, "now" is the moment it was due, so its effects carry that time. */
  private runningAt?: number;
  private timer?: NodeJS.Timeout;
  private timerAt?: number;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly realTimers: boolean,
  ) {}

  now(): number {
    return this.runningAt ?? this.clock.now();
  }

  /** Runs `run` once the clock reaches `when` (epoch ms). */
  at(when: number, run: () => void): ScheduledEvent {
    const entry: Entry = { when, seq: this.seq++, run, cancelled: false };
    this.push(entry);
    this.arm();
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Runs every event due by now, oldest first (events they schedule for earlier than now run too). */
  runDue(): void {
    if (this.runningAt !== undefined) return;
    const limit = this.clock.now();
    try {
      for (let next = this.heap[0]; next && next.when <= limit; next = this.heap[0]) {
        this.pop();
        if (next.cancelled) continue;
        this.runningAt = next.when;
        next.run();
      }
    } finally {
      this.runningAt = undefined;
    }
    this.arm();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.length = 0;
  }

  private arm(): void {
    if (!this.realTimers || this.closed || this.runningAt !== undefined) return;
    const first = this.heap[0];
    if (!first) return;
    if (this.timer && this.timerAt !== undefined && this.timerAt <= first.when) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = first.when;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = undefined;
        this.runDue();
      },
      Math.max(0, first.when - this.clock.now()),
    );
    this.timer.unref();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Entry, heap[parent] as Entry)) break;
      [heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && before(heap[left] as Entry, heap[least] as Entry)) least = left;
      if (right < heap.length && before(heap[right] as Entry, heap[least] as Entry)) least = right;
      if (least === i) return;
      [heap[i], heap[least]] = [heap[least] as Entry, heap[i] as Entry];
      i = least;
    }
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.when < b.when || (a.when === b.when && a.seq < b.seq);
}
