// The watcher's one timer: it wakes for the earlier of the GET /tasks beat and the earliest moment a watch is due,
// and runs one round at a time. It follows the injected clock only when it is set: a test that moves a clock by
// hand asks for a round with runNow() instead of a timer that looks at the clock every second.

import type { Clock } from '../clock.js';

const MIN_TICK_MS = 5;

export class RoundTimer {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private round: Promise<void> | undefined;
  /** True from the moment a round starts (before `round` is set): wake-ups then only lower `wakeAt`. */
  private inRound = false;
  /** The earliest moment a watch needs attention (besides the beat), as far as is known. */
  private wakeAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    /** When the next GET /tasks is due (infinite when no watch waits on a Task). */
    private readonly beatDueAt: () => number,
    private readonly runRound: () => Promise<void>,
  ) {}

  start(): void {
    this.running = true;
    this.schedule();
  }

  /** Stops waking; resolves the round in flight, if any. */
  stop(): Promise<void> | undefined {
    this.running = false;
    this.clear();
    return this.round;
  }

  /** Something needs attention at `at`: O(1); the timer moves only if that is sooner than it is set for. */
  wakeBy(at: number): void {
    if (at >= this.wakeAt) return;
    this.wakeAt = at;
    this.schedule();
  }

  /** A round rebuilds what is due from every watch: it starts from nothing. */
  resetWake(): void {
    this.wakeAt = Number.POSITIVE_INFINITY;
  }

  /** Sets the single timer to the earlier of the next beat and the earliest moment a watch is due. */
  schedule(): void {
    if (!this.running || this.inRound) return;
    const next = Math.min(this.wakeAt, this.beatDueAt());
    if (next === Number.POSITIVE_INFINITY) {
      this.clear();
      return;
    }
    const now = this.clock.now();
    const delay = Math.max(MIN_TICK_MS, next - now);
    if (this.timer !== undefined && this.timerAt <= now + delay) return;
    this.clear();
    this.timerAt = now + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.fire();
    }, delay);
  }

  /** Runs a round now (after the one in flight) and resolves when it is done: for a clock moved by hand. */
  async runNow(): Promise<void> {
    if (this.round !== undefined) await this.round;
    if (!this.running) return;
    this.clear();
    this.fire();
    await this.round;
  }

  private fire(): void {
    if (!this.running || this.inRound) return;
    this.inRound = true;
    this.round = this.runRound().finally(() => {
      this.round = undefined;
      this.inRound = false;
      this.schedule();
    });
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
