// The incident monitor's durable memory (StateStore section 'monitor'): its shape, a tolerant reader and pruning.

import type { SessionKind, TaskSession } from '../em/types.js';

/** One object (VM, machine, share) of a problem run, as its task session tells it (a subset of em TaskSession). */
export type FailedObject = Pick<TaskSession, 'objectName' | 'result' | 'reason'>;

/**
 * Why a run failed when EM left its FailureMessage empty (real EM always does, em-api.md fact 12): the failed and
 * warning objects of its task sessions (the first few, and how many in all), or that they could not be read.
 */
export type TaskReasons = { read: true; objects: FailedObject[]; total: number } | { read: false };

/** What the monitor keeps of one job session (a structural subset of em/types JobSession; no links). */
export interface SessionRecord {
  id: string;
  jobId: string;
  jobName: string;
  /** EM's JobType: AgentBackup (agent parent), Backup, Replica, BackupCopy, ImmediateBackupCopy, NasBackup, or new. */
  jobType: string;
  /** Which EM collection the session lives in; missing in state files from before replication (read as backup). */
  sessionKind?: SessionKind;
  result: string;
  failureMessage?: string;
  /** Set on problem runs without a FailureMessage. */
  taskReasons?: TaskReasons;
  /** ISO-8601 UTC */
  creationTime: string;
  endTime?: string;
  progress?: number;
  /** One of Veeam's retries (EM's IsRetry); absent when not. */
  isRetry?: boolean;
}

/** "Attempt n of m": which of Veeam's automatic attempts a run was (m = 1 + the job's RetryTimes). */
export interface Attempt {
  n: number;
  of: number;
  /** No retry followed this attempt in time (a run started by hand is never retried): it was the last one. */
  last?: boolean;
}

/** An incident's counts and the newest problem session: what the incident's top message shows. */
export interface IncidentCard {
  jobName: string;
  jobId: string;
  jobType: string;
  failures: number;
  warnings: number;
  /** ISO time the first problem session ended. */
  openedAt: string;
  latest: SessionRecord;
  /**
   * Whether EM offered Retry on the job (its links) when the newest problem run was handled. Missing in state files
   * from before every job kind: those were agent cards, which always showed Retry.
   */
  retryOffered?: boolean;
  /** The newest problem run's attempt; absent when the job has no retries configured (or the count is unknown). */
  attempt?: Attempt;
}

/** An open incident: one per job, with the Slack message everything about it is threaded under. */
export interface OpenIncident extends IncidentCard {
  channel: string;
  /** The incident's card: updated as its tally grows and when it resolves. */
  ts: string;
  /**
   * Set when the card is itself a reply in a storm summary's thread (the summary's ts, a key of `storms`):
   * follow-ups and the resolution go there. Absent for a top-level card (and in state files from before storms).
   */
  threadTs?: string;
  /** End time (epoch ms) of the newest problem session; an older success arriving late must not resolve it. */
  lastProblemEndMs: number;
  /**
   * Set while a failed attempt that did not page waits for Veeam's next retry: past this (epoch ms) with no retry
   * running, that attempt was the last one and on-call is paged (a run started by hand is never retried).
   */
  retryDueMs?: number;
}

/** A "still running" post, kept so that it can be updated (Stop button removed) when the session ends. */
interface LongRunningPost {
  channel: string;
  ts: string;
  announcedAtMs: number;
}

/** One job of a storm, as the summary lists it. */
export interface StormJob {
  jobName: string;
  jobType: string;
  /** Result of its newest problem session (Failed or Warning). */
  result: string;
  /** First line of EM's reason, already cut short. */
  reason: string;
  resolved: boolean;
}

/** A failure storm: one top-level summary, each job's incident card a reply in its thread. */
export interface Storm {
  channel: string;
  /** The summary message; also the storm's key in MonitorState.storms. */
  ts: string;
  /** When the summary was posted: jobs failing later join it while it is open and younger than the join window. */
  openedAtMs: number;
  /** ISO end time of the earliest problem session in it. */
  since: string;
  /** Job GUID → what the summary lists, in the order the jobs joined. */
  jobs: Record<string, StormJob>;
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
  /** Summary ts → storm. Missing in state files from before storms (read as none). */
  storms: Record<string, Storm>;
  emOutage?: EmOutage;
}

export function baselineState(nowMs: number): MonitorState {
  return {
    version: 1,
    lastPollMs: nowMs,
    announceAfterMs: nowMs,
    seen: {},
    incidents: {},
    longRunning: {},
    storms: {},
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isFailedObject(value: unknown): value is FailedObject {
  return (
    isRecord(value) &&
    typeof value.objectName === 'string' &&
    typeof value.result === 'string' &&
    (value.reason === undefined || typeof value.reason === 'string')
  );
}

function isTaskReasons(value: unknown): value is TaskReasons {
  if (!isRecord(value)) return false;
  if (value.read === false) return true;
  return (
    value.read === true &&
    isFiniteNumber(value.total) &&
    Array.isArray(value.objects) &&
    value.objects.every(isFailedObject)
  );
}

function isSessionRecord(value: unknown): value is SessionRecord {
  return (
    isRecord(value) &&
    (value.sessionKind === undefined || value.sessionKind === 'backup' || value.sessionKind === 'replica') &&
    (value.taskReasons === undefined || isTaskReasons(value.taskReasons)) &&
    typeof value.id === 'string' &&
    typeof value.jobId === 'string' &&
    typeof value.jobName === 'string' &&
    typeof value.jobType === 'string' &&
    typeof value.result === 'string' &&
    typeof value.creationTime === 'string' &&
    optional(value.failureMessage, isString) &&
    optional(value.endTime, isString) &&
    optional(value.progress, isFiniteNumber) &&
    optional(value.isRetry, (v) => typeof v === 'boolean')
  );
}

function isAttempt(value: unknown): value is Attempt {
  return (
    isRecord(value) &&
    isFiniteNumber(value.n) &&
    isFiniteNumber(value.of) &&
    optional(value.last, (v) => typeof v === 'boolean')
  );
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** Absent, or of the right type: what an optional field of a saved record may be. */
function optional(value: unknown, valid: (value: unknown) => boolean): boolean {
  return value === undefined || valid(value);
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
    isSessionRecord(value.latest) &&
    (value.retryOffered === undefined || typeof value.retryOffered === 'boolean') &&
    (value.threadTs === undefined || typeof value.threadTs === 'string') &&
    optional(value.attempt, isAttempt) &&
    optional(value.retryDueMs, isFiniteNumber)
  );
}

function isStormJob(value: unknown): value is StormJob {
  return (
    isRecord(value) &&
    typeof value.jobName === 'string' &&
    typeof value.jobType === 'string' &&
    typeof value.result === 'string' &&
    typeof value.reason === 'string' &&
    typeof value.resolved === 'boolean'
  );
}

function isStorm(value: unknown): value is Storm {
  return (
    isRecord(value) &&
    typeof value.channel === 'string' &&
    typeof value.ts === 'string' &&
    isFiniteNumber(value.openedAtMs) &&
    typeof value.since === 'string' &&
    isRecord(value.jobs) &&
    Object.values(value.jobs).every(isStormJob)
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

/** Keys that would change the record's prototype rather than add an entry (JSON.parse keeps "__proto__" as a key). */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function pick<T>(value: unknown, valid: (entry: unknown) => entry is T): Record<string, T> {
  const out: Record<string, T> = {};
  if (!isRecord(value)) return out;
  for (const [key, entry] of Object.entries(value))
    if (!UNSAFE_KEYS.has(key) && valid(entry)) out[key] = entry;
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
    storms: pick(raw.storms, isStorm),
    emOutage:
      isRecord(outage) && isFiniteNumber(outage.sinceMs) && isFiniteNumber(outage.failedPolls)
        ? { sinceMs: outage.sinceMs, failedPolls: outage.failedPolls, announced: outage.announced === true }
        : undefined,
  };
}

interface PruneLimits {
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
  /**
   * Storms opened before this take no new jobs; they are kept only while an incident still threads into them
   * (undefined: open storms are kept whatever their age).
   */
  stormsBeforeMs?: number;
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
  const threaded = new Set(Object.values(incidents).map((incident) => incident.threadTs));
  const storms: Record<string, Storm> = {};
  for (const [ts, storm] of Object.entries(state.storms)) {
    // A storm whose every job resolved is over (its summary already says so).
    const open = Object.values(storm.jobs).some((job) => !job.resolved);
    const young = limits.stormsBeforeMs === undefined || storm.openedAtMs >= limits.stormsBeforeMs;
    if (open && (young || threaded.has(ts))) storms[ts] = storm;
  }
  return { ...state, seen, longRunning, incidents, storms };
}
