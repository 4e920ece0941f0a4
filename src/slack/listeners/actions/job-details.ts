// "Details" (job list) and a pick from an ambiguous or mistyped name: the job card, or the action the pick continues.

import { requireGuid } from '../../../em/ids.js';
import { jobCard } from '../../job-card-reader.js';
import { decodePick } from '../../pick-value.js';
import type { WriteDeps } from '../../preview-flow.js';
import { type Click, clickHandler } from './click-handler.js';
import { jobActionOn, jobStillInEm } from './job-action-button.js';

export function jobDetails(deps: WriteDeps, name: string) {
  return clickHandler(deps, name, async ({ value, origin }: Click) => {
    const pick = decodePick(value);
    // A pick after `/veeam stop serv` goes on with the stop (rights checked again for whoever clicks).
    if (pick?.action !== undefined) return jobActionOn(deps, origin, pick.action, pick.jobId);
    const jobId = requireGuid(value, 'job ID');
    const job = await jobStillInEm(deps, origin, jobId);
    if (job === undefined) return;
    await origin.tellUser(await jobCard(deps, job));
  });
}
