// Sends one action to EM and reports what happened; knows neither Slack nor who asked.

import type { EmApi } from '../em/api.js';
import { EmError, isEmError } from '../em/errors.js';
import type { Job, JobAction, JobKind, Task } from '../em/types.js';
import type { ActionName } from './action-name.js';
import type { ActionTarget } from './intent.js';
import { startActionOf } from './offered-actions.js';
import type { ScheduleSwitch } from './schedule-switch.js';

export type ActionOutcome =
  | { kind: 'accepted'; task: Task }
  | { kind: 'already'; job: Job }
  /** taskId: the earlier toggle still settling, when EM answered it with a Task. */
  | { kind: 'busy'; taskId?: string };

/**
 * `onAccepted` runs as soon as EM answers 202, before the result is returned: for schedule changes that is
 * still inside the per-job lock, so the watcher is told about the Task before the next request can look.
 */
export async function performAction(
  em: EmApi,
  schedule: ScheduleSwitch,
  action: Exclude<ActionName, 'task-cancel'>,
  target: ActionTarget,
  /** jobBefore: the job as read right before a schedule toggle (absent for other actions). */
  onAccepted: (task: Task, jobBefore?: Job) => Promise<void>,
): Promise<ActionOutcome> {
  if (action === 'session-stop') {
    if (target.kind !== 'session') throw new Error('session-stop needs a session target');
    // Read first: the Stop link EM gives on the session (backup or replica) is where the stop goes.
    const session = await em.getSession(target.sessionId, target.sessionKind);
    const task = await em.stopSession(session);
    await onAccepted(task);
    return { kind: 'accepted', task };
  }
  if (target.kind !== 'job') throw new Error(`${action} needs a job target`);
  if (action === 'enable' || action === 'disable' || action === 'toggle') {
    const wanted = action === 'toggle' ? undefined : action === 'enable';
    const change = await schedule.set(target.jobId, wanted, onAccepted, target.jobKind);
    return change.kind === 'toggled' ? { kind: 'accepted', task: change.task } : change;
  }
  // Read the job first: its links say what EM allows now (no link: 'action-unavailable', nothing sent).
  const job = await readJob(em, target.jobId, target.jobKind);
  const emAction: JobAction = action === 'start' ? startActionOf(job) : action;
  const task = await em.runJobAction(job, emAction);
  await onAccepted(task);
  return { kind: 'accepted', task };
}

/** The job as EM has it now; a job deleted since it was listed is a clear refusal, not a bare 404. */
export async function readJob(em: EmApi, jobId: string, kind: JobKind | undefined): Promise<Job> {
  try {
    return await em.getJob(jobId, kind);
  } catch (err) {
    if (isEmError(err) && err.status === 404) {
      throw new EmError(
        'action-unavailable',
        'That job no longer exists in Enterprise Manager (deleted since it was listed?), so nothing was sent. `/veeam jobs` lists the current ones.',
        { status: 404, request: err.request, cause: err },
      );
    }
    throw err;
  }
}
