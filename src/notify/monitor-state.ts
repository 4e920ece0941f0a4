// The incident monitor's durable memory (StateStore section 'monitor'): its shape, a tolerant reader and pruning.

import type { IncidentCard, SessionSummary } from './incident-messages.js';

/** An open incident: one per job, with the Slack message everything about it is threaded under. */
export interface OpenIncident extends IncidentCard {
  channel: string;
  ts: string;
  /** End time (epoch ms) of the newest problem session; an older success arriving late must not resolve it. */
  lastProblemEndMs: number;
}

/** A "still running" post, kept so that it can be updated (Stop button removed) when the session ends. */
export interface LongRunningPost {
  channel: string;
  ts: string;
  announcedAtMs: number;
}

export interface EmOutage {
  sinceMs: number;
  failedPolls: number;
  /** The one "EM unreachable" post went out. */
  announced: boolean;
}

export interface MonitorState {
  version: 1;
  /** Epoch ms of the last successful poll; the next query asks for sessions that ended since then (minus overlap). */
  lastPollMs: number;
  /** The first start's baseline: sessions that ended before it are never announced. */
  announceAfterMs: number;
  /** Session ID → its end time (epoch ms): each session is handled once. Pruned after a few days. */
  seen: Record<string, number>;
  /** Job GUID → open incident. */
  incidents: Record<string, OpenIncident>;
  /** Session ID → its "still running" post. */
  longRunning: Record<string, LongRunningPost>;
  emOutage?: EmOutage;
}

export function baselineState(nowMs: number): MonitorState {
  return { version: 1, lastPollMs: nowMs, announceAfterMs: nowMs, seen: {}, incidents: {}, longRunning: {} };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isSessionSummary(value: unknown): value is SessionSummary {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.jobId === 'string' &&
    typeof value.jobName === 'string' &&
    typeof value.jobType === 'string' &&
    typeof value.result === 'string' &&
    typeof value.creationTime === 'string'
  );
}

function isOpenIncident(value: unknown): value is OpenIncident {
  return (
    isRecord(value) &&
    typeof value.jobId === 'string' &&
    typeof value.jobName === 'string' &&
    typeof value.jobType === 'string' &&
    typeof value.channel === 'string' &&
    typeof value.ts === 'string' &&
    typeof value.openedAt === 'string' &&
    isFiniteNumber(value.failures) &&
    isFiniteNumber(value.warnings) &&
    isFiniteNumber(value.lastProblemEndMs) &&
    isSessionSummary(value.latest)
  );
}

function isLongRunningPost(value: unknown): value is LongRunningPost {
  return (
    isRecord(value) &&
    typeof value.channel === 'string' &&
    typeof value.ts === 'string' &&
    isFiniteNumber(value.announcedAtMs)
  );
}

function pick<T>(value: unknown, valid: (entry: unknown) => entry is T): Record<string, T> {
  const out: Record<string, T> = {};
  if (!isRecord(value)) return out;
  for (const [key, entry] of Object.entries(value)) if (valid(entry)) out[key] = entry;
  return out;
}

/**
 * The saved section, or undefined when there is none or it is unusable (then the monitor takes a new baseline).
 * Bad entries inside a usable section are dropped one by one rather than discarding everything.
 */
export function readMonitorState(raw: unknown): MonitorState | undefined {
  if (!isRecord(raw) || raw.version !== 1 || !isFiniteNumber(raw.lastPollMs)) return undefined;
  const outage = raw.emOutage;
  return {
    version: 1,
    lastPollMs: raw.lastPollMs,
    announceAfterMs: isFiniteNumber(raw.announceAfterMs) ? raw.announceAfterMs : raw.lastPollMs,
    seen: pick(raw.seen, isFiniteNumber),
    incidents: pick(raw.incidents, isOpenIncident),
    longRunning: pick(raw.longRunning, isLongRunningPost),
    emOutage:
      isRecord(outage) && isFiniteNumber(outage.sinceMs) && isFiniteNumber(outage.failedPolls)
        ? { sinceMs: outage.sinceMs, failedPolls: outage.failedPolls, announced: outage.announced === true }
        : undefined,
  };
}

export interface PruneLimits {
  /** Seen entries of sessions that ended before this are dropped... */
  seenBeforeMs: number;
  /** ...unless the next query window still reaches back to them (after a long EM outage it does). */
  queryFromMs: number;
  /** Long-running posts announced before this are dropped when their session no longer runs. */
  longRunningBeforeMs: number;
  /** Session IDs that run right now (undefined: unknown this poll, keep every long-running post). */
  runningIds?: ReadonlySet<string>;
  /** Incidents with no problem run since this are forgotten (the job was probably deleted). */
  incidentsBeforeMs: number;
}

/** Keeps the state bounded: returns a pruned copy. */
export function pruneMonitorState(state: MonitorState, limits: PruneLimits): MonitorState {
  const seenLimit = Math.min(limits.seenBeforeMs, limits.queryFromMs);
  const seen: Record<string, number> = {};
  for (const [id, endMs] of Object.entries(state.seen)) if (endMs >= seenLimit) seen[id] = endMs;
  const longRunning: Record<string, LongRunningPost> = {};
  for (const [id, post] of Object.entries(state.longRunning)) {
    const stillRunning = limits.runningIds === undefined || limits.runningIds.has(id);
    if (stillRunning || post.announcedAtMs >= limits.longRunningBeforeMs) longRunning[id] = post;
  }
  const incidents: Record<string, OpenIncident> = {};
  for (const [jobId, incident] of Object.entries(state.incidents)) {
    if (incident.lastProblemEndMs >= limits.incidentsBeforeMs) incidents[jobId] = incident;
  }
  return { ...state, seen, longRunning, incidents };
}
