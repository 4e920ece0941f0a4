// The value of a pick-list or "did you mean" button: the job's GUID, and the action it continues when one was asked.

import { guidFrom } from '../em/ids.js';
import { JOB_ACTIONS, type JobActionName } from '../ops/intent.js';

export interface PickValue {
  jobId: string;
  /** Absent: the pick shows the job card (`/veeam job …`). */
  action?: JobActionName;
}

export function encodePick(jobId: string, action?: JobActionName): string {
  return action === undefined ? jobId : `${action}:${jobId}`;
}

/** Undefined for anything but `<GUID>` or `<job action>:<GUID>`: a forged value names nothing. */
export function decodePick(value: string): PickValue | undefined {
  const match = /^(?:([a-z-]{1,16}):)?([0-9a-fA-F-]{36})$/.exec(value);
  if (!match) return undefined;
  const jobId = guidFrom(match[2] ?? '');
  if (jobId === undefined) return undefined;
  if (match[1] === undefined) return { jobId };
  const action = JOB_ACTIONS.find((a) => a === match[1]);
  return action === undefined ? undefined : { jobId, action };
}
