// Start / Stop / Retry / Enable / Disable buttons on a job card, and a pick that continues an action: same rules
// as the commands, for the clicking user.

import { isEmError } from '../../../em/errors.js';
import { requireGuid } from '../../../em/ids.js';
import type { Job } from '../../../em/types.js';
import type { JobActionName } from '../../../ops/intent.js';
import { alreadyInState, authorizeWrite, notOffered } from '../../action-flow.js';
import { jobTarget } from '../../job-target.js';
import type { Origin } from '../../origin.js';
import { proposeWrite, type WriteDeps } from '../../preview-flow.js';
import { type Click, clickHandler } from './click-handler.js';

export function jobActionButton(deps: WriteDeps, action: JobActionName) {
  return clickHandler(deps, `job ${action}`, async ({ value, origin }: Click) => {
    await jobActionOn(deps, origin, action, requireGuid(value, 'job ID'));
  });
}

/** A write on a job named by its GUID (a card, an incident post, a pick): rights first, then EM's job, then on. */
export async function jobActionOn(
  deps: WriteDeps,
  origin: Origin,
  action: JobActionName,
  jobId: string,
): Promise<void> {
  // Checked against the user who clicked, whoever posted the card.
  if (!(await authorizeWrite(deps, origin, { action, target: jobId }))) return;
  const job = await jobStillInEm(deps, origin, jobId);
  if (job === undefined) return;
  if (await alreadyInState(origin, action, job)) return;
  if (await notOffered(origin, action, job)) return;
  await proposeWrite(deps, origin, { action, target: jobTarget(job) });
}

/**
 * EM's job named by a bare GUID (cards and incident posts of every kind carry one; EM's collections are tried in
 * turn). Undefined, with the user told, when EM no longer has it.
 */
export async function jobStillInEm(deps: WriteDeps, origin: Origin, jobId: string): Promise<Job | undefined> {
  try {
    return await deps.em.getJob(jobId);
  } catch (err) {
    if (!(isEmError(err) && err.status === 404)) throw err;
    await origin.tellUser(
      'That job no longer exists in Enterprise Manager. `/veeam jobs` lists the current ones.',
    );
    return undefined;
  }
}
