// Remembers writes asked for in the last few seconds, so a double click, a repeated command, a Slack retry or the
// same click landing on two replicas runs once: each claim is one atomic SET NX PX in the shared store.

import type { Clock } from '../clock.js';
import type { StateStore } from '../state/state-store.js';
import { StoreUnavailable } from '../state/store-unavailable.js';

interface RecentAction {
  user: string;
  at: number;
}

function readHolder(text: string | undefined, fallbackAt: number): RecentAction | undefined {
  if (text === undefined) return undefined;
  try {
    const held = JSON.parse(text) as Partial<RecentAction>;
    if (typeof held.user === 'string' && typeof held.at === 'number') return { user: held.user, at: held.at };
  } catch {
    // Not one of ours: still a claim, by someone we cannot name.
  }
  return { user: 'someone', at: fallbackAt };
}

export class RecentActions {
  /** `windowSeconds`: how long an identical write (same action, same target) is taken for a repeat; 0: never. */
  constructor(
    private readonly clock: Clock,
    private readonly windowSeconds: number,
    private readonly store: StateStore,
  ) {}

  /**
   * Returns the earlier request when `key` was claimed within the window, otherwise claims it. Every write passes
   * here first, so this is also where a write is refused (StoreUnavailable) while the store cannot be written:
   * what it would start (a watch, an approval) could not be kept, nor a repeat be told apart.
   */
  async claim(key: string, user: string): Promise<RecentAction | undefined> {
    if (!this.store.available()) throw new StoreUnavailable('claim a write');
    if (this.windowSeconds === 0) return undefined;
    const now = this.clock.now();
    const mine = JSON.stringify({ user, at: now });
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.store.claim(this.claimKey(key), this.windowSeconds * 1000, mine)) return undefined;
      const earlier = readHolder(await this.store.holder(this.claimKey(key)), now);
      if (earlier !== undefined) return earlier;
      // Expired between our SET NX and our GET: claim again.
    }
    return { user: 'someone', at: now };
  }

  /** Forgets a claim whose write never reached EM, so the retry the user was told to make is not a repeat. */
  async release(key: string): Promise<void> {
    if (this.windowSeconds === 0) return;
    await this.store.release(this.claimKey(key));
  }

  private claimKey(key: string): string {
    return `repeat:${key}`;
  }
}
