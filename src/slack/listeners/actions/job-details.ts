// "Details" (job list) and a pick from an ambiguous name: both show the job card to the clicking user.

import { isEmError } from '../../../em/errors.js';
import { requireGuid } from '../../../em/ids.js';
import type { Job } from '../../../em/types.js';
import type { SlackDeps } from '../../deps.js';
import { jobCard } from '../../job-card-reader.js';
import { type Click, clickHandler } from './click-handler.js';

export function jobDetails(deps: SlackDeps, name: string) {
  return clickHandler(deps, name, async ({ value, origin }: Click) => {
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
