// What every benchmark phase gets: the peers process, its URLs, the bot's logger, and small shared helpers.

import type { Logger } from '../../src/log/logger.js';
import type { PeerLink } from '../peer-link.js';
import type { PeerStarted, PeerStats } from '../peer-messages.js';

export interface PhaseContext {
  link: PeerLink;
  urls: PeerStarted;
  logger: Logger;
  /** Progress lines for whoever runs the benchmark (stderr: stdout is the JSON document). */
  progress(message: string): void;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Simulator requests by route between two snapshots. */
export function routeDelta(before: PeerStats, after: PeerStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, count] of Object.entries(after.sim.byRoute)) {
    const delta = count - (before.sim.byRoute[route] ?? 0);
    if (delta > 0) out[route] = delta;
  }
  return out;
}

export function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}
