// `/veeam jobs`: one page of every job of every kind, with Previous/Next buttons to page through the rest.

import type { types } from '@slack/bolt';
import { type JobRow, LAST_RESULT_DAYS } from '../../ops/job-overview.js';
import { ACTION_IDS } from '../action-ids.js';
import { actionsBlock, button, context, type SlackMessage, section, slackMessage } from '../block-kit.js';
import { describeSessionResult, formatNextRun, kindName, platformName, scheduleWord } from '../job-words.js';
import { encodeJobListView, type JobListView } from '../jobs-page-value.js';
import { escapeMrkdwn } from '../mrkdwn.js';

/** Jobs a page: one section each plus heading, hint and buttons stays far below Slack's 50 blocks. */
export const JOBS_PAGE_SIZE = 20;

export function jobListMessage(rows: readonly JobRow[], view: JobListView): SlackMessage {
  if (rows.length === 0) return emptyListMessage(view);
  const pages = Math.ceil(rows.length / JOBS_PAGE_SIZE);
  const page = Math.min(view.page, pages - 1);
  const shown = rows.slice(page * JOBS_PAGE_SIZE, (page + 1) * JOBS_PAGE_SIZE);
  const heading = `${headingOf(view)} (${rows.length})${pages > 1 ? `, page ${page + 1} of ${pages}` : ''}:`;
  const lines = shown.map(jobLine);
  const blocks: types.KnownBlock[] = [
    section(`*${heading}*`),
    ...shown.map((row, i) =>
      section(lines[i] ?? escapeMrkdwn(row.job.name), button(ACTION_IDS.jobDetails, 'Details', row.job.id)),
    ),
  ];
  const from = page * JOBS_PAGE_SIZE + 1;
  const more =
    pages > 1
      ? ` Showing ${from}–${from + shown.length - 1} of ${rows.length}; narrow it with \`/veeam jobs <text>\`.`
      : '';
  const note = `Last result: newest run that ended in the last ${LAST_RESULT_DAYS} days.${more}`;
  blocks.push(context(note));
  const buttons = pageButtons(view, page, pages);
  if (buttons.length > 0) blocks.push(actionsBlock(`jobs_page:${page}`, buttons));
  return slackMessage([heading, ...lines, note].join('\n'), blocks);
}

function headingOf(view: JobListView): string {
  const what = view.failedOnly ? 'Jobs whose last run failed' : 'Jobs';
  return view.filter ? `${what} matching "${escapeMrkdwn(view.filter)}"` : what;
}

function emptyListMessage(view: JobListView): SlackMessage {
  if (view.failedOnly) {
    const scope = view.filter ? ` among jobs matching "${escapeMrkdwn(view.filter)}"` : '';
    return plain(
      `No job's last run (last ${LAST_RESULT_DAYS} days) failed${scope}. \`/veeam jobs\` lists them all.`,
    );
  }
  return plain(
    view.filter
      ? `No job name contains "${escapeMrkdwn(view.filter)}". Try \`/veeam jobs\` for all of them.`
      : 'Enterprise Manager has no jobs.',
  );
}

function plain(text: string): SlackMessage {
  return slackMessage(text, [section(text)]);
}

function jobLine({ job, last }: JobRow): string {
  const result = last ? describeSessionResult(last) : 'no recent run';
  return `*${escapeMrkdwn(job.name)}* · ${kindName(job)} · ${platformName(job)} · schedule ${scheduleWord(job)} · last ${result} · next run ${formatNextRun(job.nextRun)}`;
}

/** Previous/Next carry the whole view, so a click re-lists from EM whatever the bot remembers. */
function pageButtons(view: JobListView, page: number, pages: number): types.Button[] {
  const out: types.Button[] = [];
  if (page > 0)
    out.push(button(ACTION_IDS.jobsPrevPage, 'Previous', encodeJobListView({ ...view, page: page - 1 })));
  if (page < pages - 1)
    out.push(button(ACTION_IDS.jobsNextPage, 'Next', encodeJobListView({ ...view, page: page + 1 })));
  return out;
}
