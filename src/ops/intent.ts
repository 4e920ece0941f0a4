// What a user asked for, independent of how it was asked (slash command text or a button).

import type { ActionName } from '../config.js';
import { escapeMrkdwn } from '../slack/mrkdwn.js';

/** Job actions a user can ask for by job name or ID. */
export type JobActionName = Extract<ActionName, 'start' | 'stop' | 'retry' | 'enable' | 'disable' | 'toggle'>;

export const JOB_ACTIONS: readonly JobActionName[] = [
  'start',
  'stop',
  'retry',
  'enable',
  'disable',
  'toggle',
];

export type Intent =
  | { kind: 'help' }
  | { kind: 'jobs'; filter: string }
  | { kind: 'job'; ref: string }
  | { kind: 'job-action'; action: JobActionName; ref: string }
  | { kind: 'session-stop'; sessionId: string }
  | { kind: 'task'; taskId: string };

/** What an action works on; a job or session for EM actions, a Task for Cancel. */
export type ActionTarget =
  | { kind: 'job'; jobId: string; jobName: string }
  | { kind: 'session'; sessionId: string; sessionName?: string; jobId?: string; jobName?: string }
  | { kind: 'task'; taskId: string };

/** mrkdwn naming the target; names come from EM and are escaped, so a job called "<!channel>" pings nobody. */
export function describeActionTarget(target: ActionTarget): string {
  switch (target.kind) {
    case 'job':
      return `*${escapeMrkdwn(target.jobName)}*`;
    case 'session':
      return `session *${escapeMrkdwn(target.sessionName ?? target.sessionId)}*`;
    case 'task':
      return `EM task ${target.taskId}`;
  }
}

export function targetId(target: ActionTarget): string {
  return target.kind === 'job' ? target.jobId : target.kind === 'session' ? target.sessionId : target.taskId;
}
