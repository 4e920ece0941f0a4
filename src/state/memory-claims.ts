// Claims, approvals and the watch hand-off inbox of a single replica: plain memory with the injected clock.
// With one process there is no one to race but ourselves, and each method runs in one turn of the event loop.

import type { Clock } from '../clock.js';

interface Claim {
  holder: string;
  until: number;
}

export class MemoryClaims {
  private readonly claims = new Map<string, Claim>();
  private readonly handedOff: unknown[] = [];

  constructor(private readonly clock: Clock) {}

  claim(key: string, ttlMs: number, holder: string): boolean {
    const now = this.clock.now();
    this.forgetExpired(now);
    if (this.claims.has(key)) return false;
    this.claims.set(key, { holder, until: now + ttlMs });
    return true;
  }

  holder(key: string): string | undefined {
    this.forgetExpired(this.clock.now());
    return this.claims.get(key)?.holder;
  }

  release(key: string, holder?: string): void {
    if (holder === undefined || this.claims.get(key)?.holder === holder) this.claims.delete(key);
  }

  handOff(record: unknown): void {
    this.handedOff.push(record);
  }

  takeHandedOff(): unknown[] {
    return this.handedOff.splice(0);
  }

  /** Claims live seconds (the repeat window, a lock's TTL), so a scan on each call stays small and needs no timer. */
  private forgetExpired(now: number): void {
    for (const [key, claim] of this.claims) if (now >= claim.until) this.claims.delete(key);
  }
}
