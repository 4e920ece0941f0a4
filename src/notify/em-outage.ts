// Whether EM is down, as the incident channel hears it: a pure step from one poll's outcome and the saved outage
// record to the new record and the one post (EM down / EM back) the poll should make. No I/O here.

import { describeEmError, isEmError } from '../em/errors.js';
import type { IncidentPost } from './incident-publisher.js';
import type { EmOutage } from './monitor-state.js';

/** Polls in a row that must fail before the channel hears that EM is unreachable (one blip is not news). */
export const OUTAGE_POLLS = 3;

/** How EM answered one poll's query. */
export type PollOutcome = { answered: true } | { answered: false; error: unknown };

/** For the log and the metrics: nothing changed, EM answered but not usefully, EM is unreachable, or EM is back. */
export type OutageChange = 'none' | 'query-failed' | 'unreachable' | 'back';

interface OutageStep {
  change: OutageChange;
  /** The outage record after this poll, once `post` (if any) went out. */
  outage: EmOutage | undefined;
  /** What to post, and the record to keep instead when that post fails (so it is tried again next poll). */
  post?: { event: IncidentPost; ifPostFails: EmOutage | undefined };
}

export function stepEmOutage(outage: EmOutage | undefined, outcome: PollOutcome, nowMs: number): OutageStep {
  if (outcome.answered) {
    if (outage === undefined) return { change: 'none', outage };
    if (!outage.announced) return { change: 'back', outage: undefined };
    const event: IncidentPost = { kind: 'em-back', sinceMs: outage.sinceMs, nowMs };
    // The outage is kept when the "back" post fails, so it is tried again next time EM answers.
    return { change: 'back', outage: undefined, post: { event, ifPostFails: outage } };
  }
  // EM answered, just not usefully (a 4xx): not an outage, but worth a log line.
  if (!isOutage(outcome.error)) return { change: 'query-failed', outage };
  const next: EmOutage = {
    sinceMs: outage?.sinceMs ?? nowMs,
    failedPolls: (outage?.failedPolls ?? 0) + 1,
    announced: outage?.announced ?? false,
  };
  if (next.announced || next.failedPolls < OUTAGE_POLLS) return { change: 'unreachable', outage: next };
  const event: IncidentPost = {
    kind: 'em-down',
    description: describeEmError(outcome.error),
    sinceMs: next.sinceMs,
    failedPolls: next.failedPolls,
  };
  return { change: 'unreachable', outage: { ...next, announced: true }, post: { event, ifPostFails: next } };
}

/**
 * EM down, refusing us or unreadable, as opposed to EM refusing one query (a 4xx): unreachable, timeout, auth, HTTP
 * 5xx, and an answer the bot cannot read or that is not EM's at all (a proxy's login page with 200) or too large.
 * Those last ones hide every failure that ends meanwhile just as an outage does, so the channel must hear of them.
 */
function isOutage(error: unknown): boolean {
  if (!isEmError(error)) return false;
  if (error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'auth') return true;
  if (error.kind === 'parse' || error.kind === 'too-large') return true;
  return error.kind === 'http' && (error.status ?? 0) >= 500;
}
