// After EM accepts the logon but still answers 401 to the request (an account without the right EM role), no new
// logon for a growing while: each one would open yet another EM logon session and change nothing.

import type { Clock } from '../clock.js';

/** The first pause; it doubles with each refusal in a row, up to MAX_REFUSAL_BACKOFF_MS. */
export const FIRST_REFUSAL_BACKOFF_MS = 30_000;
/** Five minutes, as the logon cool-down: long enough to spare EM, short enough to notice a fixed role soon. */
export const MAX_REFUSAL_BACKOFF_MS = 5 * 60_000;

export class RefusalBackoff {
  private refusals = 0;
  private blockedUntil?: number;

  constructor(private readonly clock: Clock) {}

  /** Counts a refusal unless one is already being waited out; returns when the next re-logon is allowed (epoch ms). */
  refused(): number {
    const active = this.activeUntil();
    if (active !== undefined) return active;
    this.refusals += 1;
    const waitMs = Math.min(MAX_REFUSAL_BACKOFF_MS, FIRST_REFUSAL_BACKOFF_MS * 2 ** (this.refusals - 1));
    this.blockedUntil = this.clock.now() + waitMs;
    return this.blockedUntil;
  }

  /** When a re-logon is allowed again, while the back-off lasts; undefined once it is over. */
  activeUntil(): number | undefined {
    if (this.blockedUntil === undefined || this.clock.now() >= this.blockedUntil) return undefined;
    return this.blockedUntil;
  }

  /** EM took a request on our session: the next refusal starts from the first pause again. */
  clear(): void {
    this.refusals = 0;
    this.blockedUntil = undefined;
  }
}
