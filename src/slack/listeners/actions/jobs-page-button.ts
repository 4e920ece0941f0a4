// Previous / Next under `/veeam jobs`: re-lists from EM (the estate may have changed) and shows the page asked for.

import { jobOverview } from '../../../ops/job-overview.js';
import type { SlackDeps } from '../../deps.js';
import { decodeJobListView } from '../../jobs-page-value.js';
import { jobListMessage } from '../../messages/job-list.js';
import { type Click, clickHandler } from './click-handler.js';

export function jobsPageButton(deps: SlackDeps, name: string) {
  return clickHandler(deps, name, async ({ value, origin }: Click) => {
    const view = decodeJobListView(value);
    if (view === undefined) {
      await origin.tellUser('That page button is not one I can read; `/veeam jobs` lists the jobs afresh.');
      return;
    }
    const rows = await jobOverview(deps.em, deps.clock.now(), view);
    await origin.tellUser(jobListMessage(rows, view));
  });
}
