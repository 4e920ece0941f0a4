// What was recently asked for on each target (approval requests, orders EM accepted), for previews to mention.

import type { Clock } from '../clock.js';
import type { ActionName } from './action-name.js';

export interface InFlightEntry {
  kind: 'approval-requested' | 'sent';
  action: ActionName;
  user: string;
  at: number;
  approvalId?: string;
  taskId?: string;
}

/** Long enough to cover an approval's life or a long backup's first stretch; older orders are history, not in flight. */
const KEEP_MS = 30 * 60_000;
const PER_TARGET = 5;

export class InFlightLog {
  private readonly items = new Map<string, InFlightEntry[]>();

  constructor(private readonly clock: Clock) {}

  note(targetId: string, entry: Omit<InFlightEntry, 'at'>): void {
    const now = this.clock.now();
    this.forgetOld(now);
    const list = this.items.get(targetId) ?? [];
    list.push({ ...entry, at: now });
    this.items.set(targetId, list.slice(-PER_TARGET));
  }

  /** Newest first. */
  on(targetId: string): InFlightEntry[] {
    const now = this.clock.now();
    return (this.items.get(targetId) ?? []).filter((e) => now - e.at < KEEP_MS).reverse();
  }

  private forgetOld(now: number): void {
    for (const [key, list] of this.items) {
      const kept = list.filter((e) => now - e.at < KEEP_MS);
      if (kept.length === 0) this.items.delete(key);
      else this.items.set(key, kept);
    }
  }
}
