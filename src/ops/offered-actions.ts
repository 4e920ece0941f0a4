// Which job actions EM offers right now: read from the job's own Links (Start, Stop, Retry, Sync, ToggleScheduleEnabled).

import type { Job, JobAction } from '../em/types.js';
import type { ActionName } from './action-name.js';

const RELS: Record<JobAction, string> = {
  start: 'start',
  stop: 'stop',
  retry: 'retry',
  sync: 'sync',
  toggleScheduleEnabled: 'togglescheduleenabled',
};

/** True when the job carries EM's link for the action (EM compares Rel case-insensitively; so do we). */
export function offers(job: Pick<Job, 'links'>, action: JobAction): boolean {
  return job.links.some((link) => link.rel.toLowerCase() === RELS[action]);
}

/**
 * What "start" means for this job: backup copy jobs run with `sync` and offer no Start (em-api.md fact 15), so a
 * job that offers Sync is synced, never started.
 */
export function startActionOf(job: Pick<Job, 'links'>): JobAction {
  return offers(job, 'sync') ? 'sync' : 'start';
}

/** The EM action behind a user's job action (enable/disable/toggle all ride ToggleScheduleEnabled); undefined for others. */
export function jobActionFor(action: ActionName, job: Pick<Job, 'links'>): JobAction | undefined {
  switch (action) {
    case 'start':
      return startActionOf(job);
    case 'stop':
    case 'retry':
      return action;
    case 'enable':
    case 'disable':
    case 'toggle':
      return 'toggleScheduleEnabled';
    default:
      return undefined;
  }
}
