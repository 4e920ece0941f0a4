// What a user asked for, independent of how it was asked (slash command text or a button).

import type { JobKind, SessionKind } from '../em/types.js';
import { ACTION_NAMES, type ActionName } from './action-name.js';

/** Job actions a user can ask for by job name or ID: every action but those on a session or a Task. */
export type JobActionName = Exclude<ActionName, 'session-stop' | 'task-cancel'>;

export const JOB_ACTIONS: readonly JobActionName[] = ACTION_NAMES.filter(
  (action): action is JobActionName => action !== 'session-stop' && action !== 'task-cancel',
);

export type Intent =
  | { kind: 'help' }
  /** failedOnly: `/veeam jobs failed [text]`, only jobs whose last result is Failed. */
  | { kind: 'jobs'; filter: string; failedOnly: boolean }
  | { kind: 'job'; ref: string }
  | { kind: 'job-action'; action: JobActionName; ref: string }
  | { kind: 'session-stop'; sessionId: string }
  | { kind: 'task'; taskId: string };

/**
 * What an action works on; a job or session for EM actions, a Task for Cancel. `jobKind`/`sessionKind` say which EM
 * collection to read it from (absent: every collection is tried, as for targets saved before they existed).
 */
export type ActionTarget =
  | { kind: 'job'; jobId: string; jobName: string; jobKind?: JobKind }
  | {
      kind: 'session';
      sessionId: string;
      sessionName?: string;
      jobId?: string;
      jobName?: string;
      sessionKind?: SessionKind;
    }
  | { kind: 'task'; taskId: string };

export function targetId(target: ActionTarget): string {
  return target.kind === 'job' ? target.jobId : target.kind === 'session' ? target.sessionId : target.taskId;
}
