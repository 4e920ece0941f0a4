// What each EM action does to the simulated backup server, and the Task Message it leaves (em-api.md §3.2, §4).
// Wrong-state actions still answer 202; their Task ends Finished with Success=false and an explanatory Message.

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
const VM_OPERATIONS: Record<string, string> = {
  start: 'StartJob',
  stop: 'StopJob',
  retry: 'RetryJob',
  togglescheduleenabled: 'UpdateJob',
};

/** undefined when the action is unknown (→ 400). */
export function planJobAction(inventory: Inventory, job: SimJob, action: string): PlannedAction | undefined {
  const key = action.toLowerCase();
  const operation = (job.kind === 'agent' ? AGENT_OPERATIONS : VM_OPERATIONS)[key];
  if (!operation) return undefined;
  const label = `Job "${job.name}"`;
  const apply = (): TaskResult => {
    const running = inventory.runningSession(job.id);
    switch (key) {
      case 'start':
        if (running) return { success: false, message: `${label} is already running.` };
        inventory.startRun(job, false);
        return { success: true, message: `${label} triggered to start.` };
      case 'stop':
        if (!running) return { success: false, message: `${label} is not running.` };
        inventory.finish(running, { result: 'Failed', message: STOPPED_BY_USER });
        return { success: true, message: `${label} triggered to stop.` };
      case 'retry': {
        if (running) return { success: false, message: `${label} is already running.` };
        if (inventory.lastSession(job.id)?.result !== 'Failed') {
          return { success: false, message: 'Retry is possible only for jobs that have failed.' };
        }
        inventory.startRun(job, true);
        return { success: true, message: `${label} triggered to retry.` };
      }
      default:
        // toggleScheduleEnabled flips whatever the state is (em-api.md fact 8).
        job.scheduleEnabled = !job.scheduleEnabled;
        return { success: true, message: 'Ok' };
    }
  };
  return { operation, apply };
}

/** POST /backupSessions/{id}?action=stop (Operation StopJobSession). */
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
