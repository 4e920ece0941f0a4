// Start / Stop / Retry / Enable / Disable buttons on a job card: same rules as the commands, for the clicking user.

import { isEmError } from '../../../em/errors.js';
import { requireGuid } from '../../../em/ids.js';
import type { Job } from '../../../em/types.js';
import type { JobActionName } from '../../../ops/intent.js';
import { alreadyInState, authorizeWrite, notOffered, requestAction } from '../../action-flow.js';
import type { SlackDeps } from '../../deps.js';
import { jobTarget } from '../../job-target.js';
import { type Click, clickHandler } from './click-handler.js';

export function jobActionButton(deps: SlackDeps, action: JobActionName) {
  return clickHandler(deps, `job ${action}`, async ({ value, origin }: Click) => {
    const jobId = requireGuid(value, 'job ID');
    // Checked against the user who clicked, whoever posted the card.
    if (!(await authorizeWrite(deps, origin, { action, target: jobId }))) return;
    let job: Job;
    try {
      // A bare GUID (cards and incident posts of every kind carry one): EM's collections are tried in turn.
      job = await deps.em.getJob(jobId);
    } catch (err) {
      if (!(isEmError(err) && err.status === 404)) throw err;
      await origin.tellUser(
        'That job no longer exists in Enterprise Manager. `/veeam jobs` lists the current ones.',
      );
      return;
    }
    if (await alreadyInState(origin, action, job)) return;
    if (await notOffered(origin, action, job)) return;
    await requestAction(deps, origin, { action, target: jobTarget(job) });
  });
}
