// What a watch found out, in our words: neutral input for the thread replies and parent updates (slack/messages/task.ts).

import type { BackupSession } from '../em/types.js';

/** The parts of a backup session a reply shows. */
export interface SessionSummary {
  id: string;
  name: string;
  state: string;
  /** Success | Warning | Failed (None while running). */
  result: string;
  failureMessage?: string;
  /** Creation to end (or to now while it runs); undefined when EM's times are unreadable. */
  durationMs?: number;
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

export function summarizeSession(session: BackupSession, now: number): SessionSummary {
  const start = Date.parse(session.creationTime);
  const end = session.endTime === undefined ? now : Date.parse(session.endTime);
  const durationMs = Number.isNaN(start) || Number.isNaN(end) ? undefined : Math.max(0, end - start);
  return {
    id: session.id,
    name: session.name,
    state: session.state,
    result: session.result,
    failureMessage: session.failureMessage,
    durationMs,
  };
}
