// Remembers writes asked for in the last few seconds, so a double click or a repeated command runs once.

import NodeCache from 'node-cache';

export interface RecentAction {
  user: string;
  at: number;
}

export class RecentActions {
  private readonly items: NodeCache;

  /** `windowSeconds`: how long an identical write (same action, same target) is taken for a repeat; 0: never. */
  constructor(private readonly windowSeconds: number) {
    this.items = new NodeCache({
      stdTTL: windowSeconds,
      checkperiod: Math.max(windowSeconds, 1),
      useClones: false,
    });
  }

  /**
   * Synchronous on purpose: two clicks that arrive together cannot both see "not asked yet".
   * Returns the earlier request when `key` was claimed within the window, otherwise claims it.
   */
  claim(key: string, user: string, now: number): RecentAction | undefined {
    if (this.windowSeconds === 0) return undefined;
    const earlier = this.items.get<RecentAction>(key);
    if (earlier !== undefined) return earlier;
    this.items.set(key, { user, at: now });
    return undefined;
  }

  /** Forgets a claim whose write never reached EM, so the retry the user was told to make is not a repeat. */
  release(key: string): void {
    this.items.del(key);
  }

  close(): void {
    this.items.close();
  }
}
