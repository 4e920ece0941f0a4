// The whole Home view for one viewer: heading, their pending approvals, open incidents, actions in flight, then one
// page of jobs. Slack holds at most 100 blocks in a view: the jobs fill what the rest leaves, and Previous / More
// buttons republish the view at another offset.

import type { types } from '@slack/bolt';
import type { OpenIncident } from '../../notify/monitor-state.js';
import type { Approval } from '../../ops/approvals.js';
import type { WatchingEntry } from '../../watch/types.js';
import { actionsBlock, button, context, section } from '../block-kit.js';
import { formatUtc } from '../format-utc.js';
import { HOME_ACTION_IDS } from './home-action-ids.js';
import { type HomePlace, homeMetadata } from './home-click-place.js';
import type { HomeJob } from './home-estate.js';
import { jobRow } from './home-job-rows.js';
import { approvalBlocks, incidentBlocks, inFlightBlocks } from './home-sections.js';

/** Slack's limit on a Home view's blocks. */
export const HOME_BLOCK_LIMIT = 100;
/** Jobs a page at most, however much room the rest leaves: a Home tab is read, not scrolled. */
const MAX_JOBS_PAGE = 40;
/** Blocks kept for the jobs' footer: the paging buttons and the note. */
const FOOTER_BLOCKS = 2;

export interface HomeViewInput {
  now: number;
  /** undefined: EM could not be read just now (the rest is still shown). */
  jobs: readonly HomeJob[] | undefined;
  /** Requests this viewer may decide (never their own). */
  approvals: readonly Approval[];
  incidents: readonly Readonly<OpenIncident>[];
  watches: readonly WatchingEntry[];
  workspaceUrl?: string;
  /** Where buttons without a place of their own act. */
  place: HomePlace;
  /** Incident threads by job GUID (lower case): a job's buttons act there. */
  incidentPlaces: ReadonlyMap<string, HomePlace>;
  operator: boolean;
  /** Index of the first job shown. */
  offset: number;
}

export interface HomeView {
  type: 'home';
  blocks: types.KnownBlock[];
  private_metadata: string;
}

export function homeView(input: HomeViewInput): HomeView {
  const where = /^[CG]/.test(input.place.channel) ? ` in <#${input.place.channel}>` : ' in a direct message';
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Veeam backups' } },
    context(
      `Updated ${formatUtc(input.now, 'minutes')}. Buttons here act as they do on messages; answers appear${where}, only to you.`,
    ),
    ...approvalBlocks(input.approvals),
    ...incidentBlocks(input.incidents, input.workspaceUrl),
    ...inFlightBlocks(input.watches, input.workspaceUrl),
    { type: 'divider' },
  ];
  blocks.push(...jobBlocks(input, HOME_BLOCK_LIMIT - blocks.length));
  return { type: 'home', blocks, private_metadata: homeMetadata(input.place) };
}

function jobBlocks(input: HomeViewInput, room: number): types.KnownBlock[] {
  const { jobs } = input;
  if (jobs === undefined)
    return [
      section(
        '*Jobs*\nEnterprise Manager did not answer just now; this tab refreshes when it is opened again.',
      ),
    ];
  if (jobs.length === 0) return [section('*Jobs*\nEnterprise Manager has no jobs.')];
  const pageSize = Math.max(1, Math.min(MAX_JOBS_PAGE, room - 1 - FOOTER_BLOCKS));
  const offset = Math.min(Math.max(0, input.offset), Math.floor((jobs.length - 1) / pageSize) * pageSize);
  const shown = jobs.slice(offset, offset + pageSize);
  const problems = jobs.filter((j) => j.group === 'problem').length;
  const running = jobs.filter((j) => j.running !== undefined).length;
  const blocks: types.KnownBlock[] = [
    section(
      `*Jobs (${jobs.length})*: ${problems} failed or with warnings, ${running} running · showing ${offset + 1}–${offset + shown.length}`,
    ),
    ...shown.map((row) =>
      jobRow(row, input.incidentPlaces.get(row.job.id.toLowerCase()) ?? input.place, input.operator),
    ),
  ];
  const paging: types.Button[] = [];
  if (offset > 0)
    paging.push(button(HOME_ACTION_IDS.jobsPrev, 'Previous jobs', String(Math.max(0, offset - pageSize))));
  if (offset + shown.length < jobs.length)
    paging.push(button(HOME_ACTION_IDS.jobsNext, 'More jobs', String(offset + shown.length)));
  if (paging.length > 0) blocks.push(actionsBlock('home-jobs-paging', paging));
  blocks.push(context('Failed and warning jobs first, then running ones, then the rest by next run.'));
  return blocks;
}
