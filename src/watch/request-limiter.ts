// A cap on EM requests in flight: whatever the number of watches, at most `limit` calls run at once.

export class RequestLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Highest number of calls seen in flight at once (for the benchmark). */
  peak = 0;

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error('RequestLimiter needs a limit of at least 1');
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    this.peak = Math.max(this.peak, this.active);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next caller, so `active` never dips and lets a newcomer jump the queue.
      if (next !== undefined) next();
      else this.active -= 1;
    }
  }
}
