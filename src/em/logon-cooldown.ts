// After EM rejects the logon, no new Basic logon for a while: repeated 401s would lock the AD account out.

import type { Clock } from '../clock.js';

/** Five minutes: long enough that watcher, monitor and Slack commands cannot add up to an AD lockout. */
export const DEFAULT_LOGON_COOLDOWN_MS = 5 * 60_000;

export class LogonCooldown {
  private blockedUntil?: number;

  constructor(
    private readonly durationMs: number,
    private readonly clock: Clock,
  ) {}

  /** Starts (or restarts) the cool-down now; returns when the next logon attempt is allowed (epoch ms). */
  start(): number {
    this.blockedUntil = this.clock.now() + this.durationMs;
    return this.blockedUntil;
  }

  /** When the next attempt is allowed, while the cool-down lasts; undefined once it is over. */
  activeUntil(): number | undefined {
    if (this.blockedUntil === undefined) return undefined;
    if (this.clock.now() >= this.blockedUntil) return undefined;
    return this.blockedUntil;
  }

  clear(): void {
    this.blockedUntil = undefined;
  }
}
