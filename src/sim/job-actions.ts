// What each EM action does to the simulated backup server, and the Task Message it leaves (em-api.md §3.2, §4).
// Wrong-state actions still answer 202; their Task ends Finished with Success=false and an explanatory Message.
// Which actions a job has: agent jobs start/stop/retry/toggle; /jobs and /nas/jobs the same, except that backup
// copy jobs sync instead of start (fact 15); the Retry *link* is there only after a Failed run (§4.1).

import type { El } from './em-element.js';
import { link } from './em-element.js';
import { type Inventory, STOPPED_BY_USER } from './inventory.js';
import type { SimJob, SimSession } from './inventory-model.js';
import type { TaskResult } from './task-book.js';

export interface PlannedAction {
  operation: string;
  /** Runs when the Task reaches OperationFinished; returns the Task's final Result. */
  apply: () => TaskResult;
}

const AGENT_OPERATIONS: Record<string, string> = {
  start: 'StartJob',
  stop: 'StopAgentJob',
  retry: 'RetryAgentJob',
  togglescheduleenabled: 'UpdateJob',
};
const JOB_OPERATIONS: Record<string, string> = {
  start: 'StartJob',
  stop: 'StopJob',
  retry: 'RetryJob',
  togglescheduleenabled: 'UpdateJob',
};
// The Operation name of a sync is not documented (inferred).
const BACKUP_COPY_OPERATIONS: Record<string, string> = {
  sync: 'SyncJob',
  stop: 'StopJob',
  retry: 'RetryJob',
  togglescheduleenabled: 'UpdateJob',
};

const LINK_NAMES: Record<string, string> = {
  start: 'Start',
  stop: 'Stop',
  retry: 'Retry',
  sync: 'Sync',
  togglescheduleenabled: 'ToggleScheduleEnabled',
};
const LINK_ACTIONS: Record<string, string> = {
  start: 'start',
  stop: 'stop',
  retry: 'retry',
  sync: 'sync',
  togglescheduleenabled: 'toggleScheduleEnabled',
};

function operationsOf(job: SimJob): Record<string, string> {
  if (job.kind === 'agent') return AGENT_OPERATIONS;
  return job.jobType === 'BackupCopy' ? BACKUP_COPY_OPERATIONS : JOB_OPERATIONS;
}

/** Action links of a job entity, in the order Start, Stop, Retry, Sync, ToggleScheduleEnabled. */
export function jobActionLinks(href: string, job: SimJob, lastResult: string | undefined): El[] {
  const ops = operationsOf(job);
  return (
    ['start', 'stop', 'retry', 'sync', 'togglescheduleenabled']
      .filter((a) => a in ops)
      // The seed's agent entity shows Retry whatever the last result; EM's /jobs offer it only after a failure.
      .filter((a) => a !== 'retry' || job.kind === 'agent' || lastResult === 'Failed')
      .map((a) => link(LINK_NAMES[a] as string, `${href}?action=${LINK_ACTIONS[a]}`))
  );
}

/** undefined when the job has no such action (→ 400). */
export function planJobAction(inventory: Inventory, job: SimJob, action: string): PlannedAction | undefined {
  const key = action.toLowerCase();
  const operation = operationsOf(job)[key];
  if (!operation) return undefined;
  return { operation, apply: () => applyJobAction(inventory, job, key) };
}

function applyJobAction(inventory: Inventory, job: SimJob, key: string): TaskResult {
  const label = `Job "${job.name}"`;
  const running = inventory.runningSession(job.id);
  switch (key) {
    case 'start':
    case 'sync':
      if (running) return { success: false, message: `${label} is already running.` };
      inventory.startRun(job, false);
      return { success: true, message: `${label} triggered to ${key}.` };
    case 'stop':
      if (!running) return { success: false, message: `${label} is not running.` };
      inventory.finish(running, { result: 'Failed', message: STOPPED_BY_USER });
      return { success: true, message: `${label} triggered to stop.` };
    case 'retry':
      if (running) return { success: false, message: `${label} is already running.` };
      if (inventory.lastSession(job.id)?.result !== 'Failed') {
        return { success: false, message: 'Retry is possible only for jobs that have failed.' };
      }
      inventory.startRun(job, true);
      return { success: true, message: `${label} triggered to retry.` };
    default:
      // toggleScheduleEnabled flips whatever the state is (em-api.md fact 8).
      job.scheduleEnabled = !job.scheduleEnabled;
      return { success: true, message: 'Ok' };
  }
}

/** POST /backupSessions/{id}?action=stop or /replicaSessions/{id}?action=stop (Operation StopJobSession). */
export function planSessionStop(inventory: Inventory, session: SimSession): PlannedAction {
  return {
    operation: 'StopJobSession',
    apply: () => {
      if (session.state !== 'Working') {
        return { success: false, message: `Job Session "${session.name}" is not running.` };
      }
      inventory.finish(session, { result: 'Failed', message: STOPPED_BY_USER });
      return { success: true, message: `Job Session "${session.name}" triggered to stop.` };
    },
  };
}
