// The state a write will act on (the job's schedule, its running and last sessions; or the session), read from EM,
// and what changed between two reads: a preview shows the first, Confirm refuses to act on a changed one.

import type { EmApi } from '../em/api.js';
import type { Job, JobSession } from '../em/types.js';
import type { ActionTarget } from './intent.js';
import { readJob } from './perform-action.js';

export type TargetState =
  | {
      kind: 'job';
      job: Job;
      /** The newest session still running, if any. */
      running?: JobSession;
      /** The newest finished session, if any. */
      last?: JobSession;
      /** EM did not give the sessions just now: the preview says so, and Confirm compares the schedule only. */
      sessionsUnknown: boolean;
    }
  | { kind: 'session'; session: JobSession };

/** What Confirm compares: the parts of the state an operator would decide differently on. Progress is not one. */
export interface StateMark {
  scheduleEnabled?: boolean;
  runningSession?: string;
  lastSession?: string;
  sessionsUnknown?: boolean;
  sessionState?: string;
}

export type StateChange =
  | 'started'
  | 'stopped'
  | 'schedule-enabled'
  | 'schedule-disabled'
  | 'new-result'
  | 'session-ended';

export async function readTargetState(em: EmApi, target: ActionTarget): Promise<TargetState> {
  if (target.kind === 'session') {
    return { kind: 'session', session: await em.getSession(target.sessionId, target.sessionKind) };
  }
  if (target.kind !== 'job') throw new Error('a task has no state to preview');
  const job = await readJob(em, target.jobId, target.jobKind);
  let sessions: JobSession[] | undefined;
  try {
    sessions = await em.listJobSessions(job);
  } catch {
    sessions = undefined;
  }
  const list = sessions ?? [];
  // Newest first, as EM's session query is sorted for the job card.
  const running = list.find((s) => isRunning(s));
  const last = list.find((s) => !isRunning(s));
  return { kind: 'job', job, running, last, sessionsUnknown: sessions === undefined };
}

export function isRunning(session: JobSession): boolean {
  return session.state !== 'Stopped';
}

export function markOf(state: TargetState): StateMark {
  if (state.kind === 'session') return { sessionState: state.session.state };
  return {
    scheduleEnabled: state.job.scheduleEnabled,
    runningSession: state.running?.id,
    lastSession: state.last?.id,
    sessionsUnknown: state.sessionsUnknown,
  };
}

/** Empty when nothing that matters changed; sessions are only compared when both reads had them. */
export function changesBetween(before: StateMark, after: StateMark): StateChange[] {
  const changes: StateChange[] = [];
  if (before.sessionState !== undefined || after.sessionState !== undefined) {
    if (before.sessionState !== after.sessionState && after.sessionState === 'Stopped')
      changes.push('session-ended');
    return changes;
  }
  if (before.scheduleEnabled !== after.scheduleEnabled)
    changes.push(after.scheduleEnabled ? 'schedule-enabled' : 'schedule-disabled');
  if (before.sessionsUnknown || after.sessionsUnknown) return changes;
  if (before.runningSession !== after.runningSession) {
    changes.push(after.runningSession === undefined ? 'stopped' : 'started');
  }
  if (
    before.lastSession !== after.lastSession &&
    after.runningSession === undefined &&
    before.runningSession === undefined
  )
    changes.push('new-result');
  return changes;
}
