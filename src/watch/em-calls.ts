// Every EM request the watcher makes goes through here: capped in flight across all watches, and counted.

import { RequestLimiter } from './request-limiter.js';
import type { EmCounter, WatcherCounters } from './watcher-stats.js';

export class EmCalls {
  private readonly limiter: RequestLimiter;

  constructor(
    maxInFlight: number,
    private readonly counters: WatcherCounters,
  ) {
    this.limiter = new RequestLimiter(maxInFlight);
  }

  /** Highest number of requests in flight at once. */
  get peak(): number {
    return this.limiter.peak;
  }

  run<T>(counter: EmCounter, request: () => Promise<T>): Promise<T> {
    return this.limiter.run(() => {
      this.counters.em[counter] += 1;
      return request();
    });
  }
}
