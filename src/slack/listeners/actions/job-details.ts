// "Details" (job list) and a pick from an ambiguous or mistyped name: the job card, or the action the pick continues.

import { isEmError } from '../../../em/errors.js';
import { requireGuid } from '../../../em/ids.js';
import type { Job } from '../../../em/types.js';
import { jobCard } from '../../job-card-reader.js';
import { decodePick } from '../../pick-value.js';
import type { WriteDeps } from '../../preview-flow.js';
import { type Click, clickHandler } from './click-handler.js';
import { jobActionOn } from './job-action-button.js';

export function jobDetails(deps: WriteDeps, name: string) {
  return clickHandler(deps, name, async ({ value, origin }: Click) => {
    const pick = decodePick(value);
    // A pick after `/veeam stop serv` goes on with the stop (rights checked again for whoever clicks).
    if (pick?.action !== undefined) return jobActionOn(deps, origin, pick.action, pick.jobId);
    const jobId = requireGuid(value, 'job ID');
    let job: Job;
    try {
      job = await deps.em.getJob(jobId);
    } catch (err) {
      if (!(isEmError(err) && err.status === 404)) throw err;
      await origin.tellUser(
        'That job no longer exists in Enterprise Manager. `/veeam jobs` lists the current ones.',
      );
      return;
    }
    await origin.tellUser(await jobCard(deps, job));
  });
}
