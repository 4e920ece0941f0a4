// What a watch found out, in our words: neutral input for the thread replies and parent updates (slack/messages/task.ts).

import type { BackupSession, SessionKind, TaskSession } from '../em/types.js';

/** A Failed or Warning object of a session (VM, machine, share), as its task session tells it. */
type ObjectOutcome = Pick<TaskSession, 'objectName' | 'result' | 'reason'>;

/**
 * Why a session failed, from its task sessions (real EM leaves FailureMessage null, em-api.md fact 12): the
 * first failed/warning objects (at most KEPT_OBJECTS, so a report in the state file stays small) and how many
 * there were; or that they could not be read.
 */
export type FailedObjects = { items: ObjectOutcome[]; total: number } | { unreadable: true };

/** Objects kept in a report; the reply shows fewer (slack/messages/task.ts). */
const KEPT_OBJECTS = 10;
/** A reason longer than this is cut before it is saved; the reply shortens it further. */
const KEPT_REASON_CHARS = 1_000;

/** The parts of a job session (backup, backup copy, replication…) a reply shows. */
export interface SessionSummary {
  id: string;
  name: string;
  /** backup (BackupJobSession) or replica (ReplicaJobSession); absent in reports saved before kinds. */
  kind?: SessionKind;
  /** EM's JobType of the session (Backup, BackupCopy, AgentBackup, NasBackup…). */
  jobType?: string;
  state: string;
  /** Success | Warning | Failed (None while running). */
  result: string;
  failureMessage?: string;
  /** Creation to end (or to now while it runs); undefined when EM's times are unreadable. */
  durationMs?: number;
  /** Failed/Warning session without a FailureMessage: the objects that failed and why. */
  failedObjects?: FailedObjects;
}

export type WatchReport =
  /**
   * The Task is Finished. With `followUp` the watch goes on: start/retry follow the backup session the job
   * started; stop/session-stop confirm the session ended. Without it this is the final word.
   */
  | {
      kind: 'task';
      success: boolean;
      emMessage: string;
      durationMs: number;
      followUp?: 'backup-session' | 'session-end';
      cancelledBy?: string;
    }
  /** enable/disable/toggle: the Task (unless EM forgot it) and ScheduleEnabled as read back afterwards. */
  | {
      kind: 'schedule';
      /** Undefined when EM no longer knew the Task (resolved from the job). */
      taskSuccess?: boolean;
      emMessage?: string;
      durationMs: number;
      readBack: { scheduleEnabled: boolean } | { error: string };
      resolved: boolean;
      cancelledBy?: string;
    }
  /** The backup session followed after start/retry, or confirmed stopped after stop/session-stop. */
  | { kind: 'session'; session: SessionSummary; resolved: boolean }
  /** start/retry: no backup session appeared after the command was delivered. */
  | { kind: 'no-session'; waitedMs: number; newest?: SessionSummary; resolved: boolean }
  /** EM forgot the Task and the target could not be read either. */
  | { kind: 'unknown'; reason: string }
  | {
      kind: 'timeout';
      minutes: number;
      waitingFor: 'task' | 'session' | 'new-session' | 'job';
      lastState?: string;
      sessionName?: string;
    }
  /** Cancelled and EM no longer knows the Task, so there is no final state to read. */
  | { kind: 'cancelled'; byUser: string };

export function summarizeSession(
  session: BackupSession & { kind?: SessionKind },
  now: number,
  failedObjects?: FailedObjects,
): SessionSummary {
  const start = Date.parse(session.creationTime);
  const end = session.endTime === undefined ? now : Date.parse(session.endTime);
  const durationMs = Number.isNaN(start) || Number.isNaN(end) ? undefined : Math.max(0, end - start);
  return {
    id: session.id,
    name: session.name,
    kind: session.kind,
    jobType: session.jobType,
    state: session.state,
    result: session.result,
    failureMessage: session.failureMessage,
    durationMs,
    ...(failedObjects === undefined ? {} : { failedObjects }),
  };
}

/** The Failed and Warning objects among a session's task sessions (Failed first), trimmed for keeping. */
export function failedObjectsOf(tasks: readonly TaskSession[]): FailedObjects {
  const rank = (t: TaskSession) => (t.result === 'Failed' ? 0 : 1);
  const bad = tasks.filter((t) => t.result === 'Failed' || t.result === 'Warning');
  bad.sort((a, b) => rank(a) - rank(b));
  return {
    total: bad.length,
    items: bad.slice(0, KEPT_OBJECTS).map((t) => ({
      objectName: t.objectName,
      result: t.result,
      reason: t.reason === undefined ? undefined : t.reason.slice(0, KEPT_REASON_CHARS),
    })),
  };
}
