// How a watch moves on when EM tells it something: pure functions from (watch, what EM said) to the next phase
// and the reports to post. No I/O here; task-watcher.ts does the polling and the posting.

import type { BackupSession, Job, JobSession, Task } from '../em/types.js';
import type { WatchSpec } from './types.js';
import type { WatchRecord } from './watch-record.js';
import { type FailedObjects, summarizeSession, type WatchReport } from './watch-report.js';

export interface StepContext {
  now: number;
  /** The Task start time vs. a session's CreationTime compare two machines' clocks: allow this much skew. */
  sessionSkewMs: number;
  /** After "triggered to start", how long to wait for the job's new session before saying none appeared. */
  sessionAppearMs: number;
  /** A new phase starts its backoff from here. */
  pollIntervalMs: number;
  /**
   * EM may forget a Task before its action took effect: a schedule read from the job that is not yet the wanted
   * state is read again for this long before it is reported as is.
   */
  resolveGraceMs: number;
}

/** The ScheduleEnabled state the action aims at, when known (the Slack surface sets it for toggle too). */
export function wantedSchedule(spec: WatchSpec): boolean | undefined {
  if (spec.wantedScheduleEnabled !== undefined) return spec.wantedScheduleEnabled;
  if (spec.action === 'enable') return true;
  if (spec.action === 'disable') return false;
  return undefined;
}

const SCHEDULE_ACTIONS = new Set(['enable', 'disable', 'toggle']);

function isScheduleAction(spec: WatchSpec): boolean {
  return SCHEDULE_ACTIONS.has(spec.action);
}

function jobIdOf(spec: WatchSpec): string | undefined {
  return spec.target.jobId;
}

function sessionIdOf(spec: WatchSpec): string | undefined {
  return spec.target.kind === 'session' ? spec.target.sessionId : undefined;
}

/**
 * Actions that make the job run: the watcher finds the session they created and follows it to its end. A backup
 * copy job is started with sync (em-api.md fact 15), whether the action is called start or sync.
 */
const RUN_ACTIONS: ReadonlySet<string> = new Set(['start', 'retry', 'sync']);

/** Operation names EM gives each action's Task (em-api.md §3.2); used to spot a reused task ID after a re-logon. */
const OPERATIONS: Record<string, readonly string[]> = {
  // SyncJob: a backup copy's start is a sync (its Operation name is inferred, not documented).
  start: ['StartJob', 'StartAgentJob', 'SyncJob'],
  sync: ['SyncJob', 'StartJob'],
  stop: ['StopAgentJob', 'StopJob'],
  retry: ['RetryAgentJob', 'RetryJob'],
  enable: ['UpdateJob'],
  disable: ['UpdateJob'],
  toggle: ['UpdateJob'],
  'session-stop': ['StopJobSession'],
};
const KNOWN_OPERATIONS = new Set(Object.values(OPERATIONS).flat());

/**
 * False when the Task EM shows under this ID is clearly another action's (task IDs are per-logon-session
 * counters, em-api.md fact 7). Unknown operation names are given the benefit of the doubt.
 */
export function taskMatchesSpec(spec: WatchSpec, task: Task): boolean {
  const expected = OPERATIONS[spec.action];
  if (expected === undefined || !KNOWN_OPERATIONS.has(task.operation)) return true;
  return expected.includes(task.operation);
}

/**
 * What follows the Task for an action, decided in one place for a Finished and a forgotten Task alike:
 * read-job (a schedule change: read ScheduleEnabled back), backup-session (start/retry: find the session the
 * job started, then follow it), session-end (stop: the job's newest session; session-stop: that session), or
 * nothing to read.
 */
type AfterTask = 'read-job' | 'backup-session' | 'session-end' | undefined;

function afterTask(spec: WatchSpec): AfterTask {
  const jobId = jobIdOf(spec);
  if (isScheduleAction(spec)) return jobId === undefined ? undefined : 'read-job';
  if (RUN_ACTIONS.has(spec.action)) return jobId === undefined ? undefined : 'backup-session';
  if (spec.action === 'stop') return jobId === undefined ? undefined : 'session-end';
  if (spec.action === 'session-stop') return sessionIdOf(spec) === undefined ? undefined : 'session-end';
  return undefined;
}

/** Enters the phase that reads the result from the target, with its search window set afresh. */
function enterAfterTask(r: WatchRecord, next: NonNullable<AfterTask>, ctx: StepContext): void {
  if (next === 'read-job') {
    enter(r, 'read-job', ctx);
    return;
  }
  const sessionId = sessionIdOf(r.spec);
  if (r.spec.action === 'session-stop' && sessionId !== undefined) {
    enter(r, 'session', ctx);
    r.sessionId = sessionId;
    r.sessionName = r.spec.target.kind === 'session' ? r.spec.target.sessionName : undefined;
    r.sessionKind = r.spec.target.kind === 'session' ? r.spec.target.sessionKind : undefined;
    return;
  }
  enter(r, 'find-session', ctx);
  // A start/retry looks for a session created since the request (and gives up after a while); a stop takes
  // the job's newest session, however old, and needs no deadline.
  const created = next === 'backup-session';
  r.findSince = created ? r.spec.requestedAt - ctx.sessionSkewMs : undefined;
  r.findDeadline = created ? ctx.now + ctx.sessionAppearMs : undefined;
}

/** The Task reached Finished (Running and OperationFinished never get here: the caller keeps polling them). */
export function onTaskFinished(r: WatchRecord, task: Task, ctx: StepContext): WatchReport[] {
  const success = task.result?.success ?? false;
  const message = task.result?.message ?? '';
  r.task = { success, message, state: task.state, finishedAt: ctx.now };
  const durationMs = Math.max(0, ctx.now - r.spec.requestedAt);
  const base = { kind: 'task' as const, success, emMessage: message, durationMs, cancelledBy: r.cancelledBy };
  const next = afterTask(r.spec);
  if (next === 'read-job') {
    // Whatever the Task said, the job's ScheduleEnabled is the truth worth reporting (em-api.md fact 8).
    enterAfterTask(r, next, ctx);
    return [];
  }
  if (!success || next === undefined) return finish(r, base);
  enterAfterTask(r, next, ctx);
  return [{ ...base, followUp: next }];
}

/** GET /tasks/{id} answered 404: resolve from the target (em-api.md fact 7). */
export function onTaskForgotten(r: WatchRecord, ctx: StepContext): WatchReport[] {
  r.forgotten = true;
  r.forgottenAt = ctx.now;
  if (r.cancelledBy !== undefined) return finish(r, { kind: 'cancelled', byUser: r.cancelledBy });
  const next = afterTask(r.spec);
  if (next === undefined) {
    return finish(r, {
      kind: 'unknown',
      reason: `EM no longer knows task ${r.spec.taskId} and there is no job or session to read the result from.`,
    });
  }
  enterAfterTask(r, next, ctx);
  return [];
}

/** read-job: ScheduleEnabled read back after the toggle. */
export function onJobRead(
  r: WatchRecord,
  job: Pick<Job, 'scheduleEnabled'>,
  ctx: StepContext,
): WatchReport[] {
  const wanted = wantedSchedule(r.spec);
  const settling = r.forgotten && r.forgottenAt !== undefined && ctx.now < r.forgottenAt + ctx.resolveGraceMs;
  if (settling && wanted !== undefined && job.scheduleEnabled !== wanted) {
    // The forgotten Task may not have taken effect yet: read again rather than report a false mismatch.
    r.lastState = `schedule still ${job.scheduleEnabled ? 'enabled' : 'disabled'}`;
    return [];
  }
  return finish(r, {
    kind: 'schedule',
    taskSuccess: r.forgotten ? undefined : r.task?.success,
    emMessage: r.forgotten ? undefined : r.task?.message,
    durationMs: r.task === undefined ? 0 : Math.max(0, r.task.finishedAt - r.spec.requestedAt),
    readBack: { scheduleEnabled: job.scheduleEnabled },
    resolved: r.forgotten === true,
    cancelledBy: r.cancelledBy,
  });
}

/**
 * The session a start/retry created: the job's newest (agent parent sessions before per-machine children),
 * created at or after `since`. A session that had already ended before the request cannot be the one it
 * started (a run from a minute earlier would otherwise pass the clock-skew allowance). Undefined `since`:
 * simply the newest.
 */
export function pickSession<S extends BackupSession>(
  sessions: readonly S[],
  since: number | undefined,
  requestedAt?: number,
): S | undefined {
  const parents = sessions.filter((s) => s.jobType !== 'AgentManagement');
  const pool = parents.length > 0 ? parents : sessions;
  let newest: S | undefined;
  let newestAt = Number.NEGATIVE_INFINITY;
  for (const s of pool) {
    const at = Date.parse(s.creationTime);
    const t = Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
    if (since !== undefined) {
      if (!(t >= since)) continue;
      const ended = s.endTime === undefined ? Number.NaN : Date.parse(s.endTime);
      if (requestedAt !== undefined && ended < requestedAt) continue;
    }
    if (newest === undefined || t > newestAt) {
      newest = s;
      newestAt = t;
    }
  }
  return newest;
}

/**
 * find-session: the job's sessions (newest first or not; we sort ourselves). The one found is then read like any
 * followed session: a session that already ended waits for the next read (and its failed objects) to report.
 */
export function onJobSessions(
  r: WatchRecord,
  sessions: readonly JobSession[],
  ctx: StepContext,
): WatchReport[] {
  const found = pickSession(sessions, r.findSince, r.spec.requestedAt);
  if (found === undefined) {
    if (r.findSince === undefined) {
      return finish(r, {
        kind: 'unknown',
        reason: 'the job has no backup session to confirm the stop with.',
      });
    }
    if (r.findDeadline !== undefined && ctx.now >= r.findDeadline) {
      const newest = pickSession(sessions, undefined);
      return finish(r, {
        kind: 'no-session',
        waitedMs: Math.max(0, ctx.now - r.spec.requestedAt),
        newest: newest === undefined ? undefined : summarizeSession(newest, ctx.now),
        resolved: r.forgotten === true,
      });
    }
    r.lastState = 'no new session yet';
    return [];
  }
  r.sessionId = found.id;
  r.sessionName = found.name;
  r.sessionKind = found.kind;
  enter(r, 'session', ctx);
  if (needsFailedObjects(r, found)) {
    // Ended already: the next read of the session fetches why it failed before reporting.
    r.lastState = found.state;
    return [];
  }
  return onSession(r, found, ctx);
}

/**
 * A followed run that ended Failed or Warning with no FailureMessage (always, on real EM: em-api.md fact 12):
 * its task sessions say which objects failed and why. A stop's confirmation needs no such read.
 */
export function needsFailedObjects(r: WatchRecord, session: BackupSession): boolean {
  return (
    RUN_ACTIONS.has(r.spec.action) &&
    session.state === 'Stopped' &&
    (session.result === 'Failed' || session.result === 'Warning') &&
    (session.failureMessage ?? '').trim() === ''
  );
}

/** session: one job session (backup or replication), until Stopped; `failedObjects` when needsFailedObjects. */
export function onSession(
  r: WatchRecord,
  session: JobSession | BackupSession,
  ctx: StepContext,
  failedObjects?: FailedObjects,
): WatchReport[] {
  r.sessionName = session.name;
  if ('kind' in session) r.sessionKind = session.kind;
  r.lastState = session.state;
  if (session.state !== 'Stopped') return [];
  return finish(r, {
    kind: 'session',
    session: summarizeSession(session, ctx.now, failedObjects),
    resolved: r.forgotten === true,
  });
}

/** The job or session to read answered 404. */
export function onTargetMissing(r: WatchRecord): WatchReport[] {
  const what =
    r.phase === 'session'
      ? `session ${r.sessionName ?? r.sessionId ?? '?'} could not be found`
      : 'the job could not be found';
  const reason = r.forgotten
    ? `EM no longer knows task ${r.spec.taskId}, and ${what} either.`
    : `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} (EM answered 404).`;
  return finish(r, { kind: 'unknown', reason });
}

/** Past the watch timeout: say where it stood, and stop. */
export function onTimeout(r: WatchRecord, minutes: number): WatchReport[] {
  const waitingFor =
    r.phase === 'task'
      ? ('task' as const)
      : r.phase === 'session'
        ? ('session' as const)
        : r.phase === 'find-session'
          ? ('new-session' as const)
          : ('job' as const);
  return finish(r, {
    kind: 'timeout',
    minutes,
    waitingFor,
    lastState: r.lastState,
    sessionName: r.sessionName,
  });
}

function enter(r: WatchRecord, phase: WatchRecord['phase'], ctx: StepContext): void {
  r.phase = phase;
  r.lastState = undefined;
  // A new phase polls at once and starts its backoff afresh.
  r.nextPollAt = ctx.now;
  r.intervalMs = ctx.pollIntervalMs;
  r.pollErrors = 0;
}

function finish(r: WatchRecord, report: WatchReport): WatchReport[] {
  r.phase = 'done';
  return [report];
}
