// Remembers writes asked for in the last few seconds, so a double click or a repeated command runs once.

import type { Clock } from '../clock.js';

interface RecentAction {
  user: string;
  at: number;
}

export class RecentActions {
  private readonly items = new Map<string, RecentAction>();

  /** `windowSeconds`: how long an identical write (same action, same target) is taken for a repeat; 0: never. */
  constructor(
    private readonly clock: Clock,
    private readonly windowSeconds: number,
  ) {}

  /**
   * Synchronous on purpose: two clicks that arrive together cannot both see "not asked yet".
   * Returns the earlier request when `key` was claimed within the window, otherwise claims it.
   */
  claim(key: string, user: string): RecentAction | undefined {
    if (this.windowSeconds === 0) return undefined;
    const now = this.clock.now();
    this.forgetExpired(now);
    const earlier = this.items.get(key);
    if (earlier !== undefined) return earlier;
    this.items.set(key, { user, at: now });
    return undefined;
  }

  /** Forgets a claim whose write never reached EM, so the retry the user was told to make is not a repeat. */
  release(key: string): void {
    this.items.delete(key);
  }

  /** Only writes of the last few seconds are held, so a scan on each claim stays small and needs no timer. */
  private forgetExpired(now: number): void {
    const windowMs = this.windowSeconds * 1000;
    for (const [key, item] of this.items) {
      if (now - item.at >= windowMs) this.items.delete(key);
    }
  }
}
