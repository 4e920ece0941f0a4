// Previous / Next under `/veeam jobs`: re-lists (EM's answer of the last half minute, else afresh) and shows that page.

import { jobOverview } from '../../../ops/job-overview.js';
import type { SlackDeps } from '../../deps.js';
import { decodeJobListView } from '../../jobs-page-value.js';
import { jobListMessage } from '../../messages/job-list.js';
import { type Click, clickHandler } from './click-handler.js';

/** Long enough to page through a list just shown; short enough that a later click reads EM afresh. */
const PAGE_REUSE_MS = 30_000;

export function jobsPageButton(deps: SlackDeps, name: string) {
  return clickHandler(deps, name, async ({ value, origin }: Click) => {
    const view = decodeJobListView(value);
    if (view === undefined) {
      await origin.tellUser('That page button is not one I can read; `/veeam jobs` lists the jobs afresh.');
      return;
    }
    // A page of a list just shown: what EM said a moment ago is reused, so paging a big estate stays quick.
    const rows = await jobOverview(deps.em, deps.clock.now(), { ...view, reuseWithinMs: PAGE_REUSE_MS });
    await origin.tellUser(jobListMessage(rows, view));
  });
}
