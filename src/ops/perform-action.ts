// Sends one action to EM and reports what happened; knows neither Slack nor who asked.

import type { EmApi } from '../em/api.js';
import type { AgentBackupJob, Task } from '../em/types.js';
import type { ActionName } from './action-name.js';
import type { ActionTarget } from './intent.js';
import type { ScheduleSwitch } from './schedule-switch.js';

export type ActionOutcome =
  | { kind: 'accepted'; task: Task }
  | { kind: 'already'; job: AgentBackupJob }
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
  onAccepted: (task: Task, jobBefore?: AgentBackupJob) => Promise<void>,
): Promise<ActionOutcome> {
  if (action === 'session-stop') {
    if (target.kind !== 'session') throw new Error('session-stop needs a session target');
    const task = await em.stopSession(target.sessionId);
    await onAccepted(task);
    return { kind: 'accepted', task };
  }
  if (target.kind !== 'job') throw new Error(`${action} needs a job target`);
  if (action === 'enable' || action === 'disable' || action === 'toggle') {
    const wanted = action === 'toggle' ? undefined : action === 'enable';
    const change = await schedule.set(target.jobId, wanted, onAccepted);
    return change.kind === 'toggled' ? { kind: 'accepted', task: change.task } : change;
  }
  const send = { start: em.startJob, stop: em.stopJob, retry: em.retryJob }[action];
  const task = await send.call(em, target.jobId);
  await onAccepted(task);
  return { kind: 'accepted', task };
}
