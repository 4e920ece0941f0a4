// The top message of a failure storm: many jobs failing at once get one summary post listing them (pure, no I/O);
// each job's usual incident card (messages/incident.ts) is a reply in its thread.

import type { types } from '@slack/bolt';
import { MAX_STORM_REASON_CHARS } from '../../notify/failure-storm.js';
import type { Storm, StormJob } from '../../notify/monitor-state.js';
import type { SlackMessage } from '../block-kit.js';
import { formatUtc } from '../format-utc.js';
import { escapeMrkdwn, mentionFor, TEXT_LIMITS } from '../mrkdwn.js';
import { cappedContext, cappedFallback, cappedSection } from './capped-blocks.js';

/**
 * Jobs listed by name in the summary; the rest are counted ("…and N more"). With the per-line caps below this
 * keeps the message to a few sections, far from Slack's 50 blocks and 3,000 characters per section.
 */
const MAX_LISTED_JOBS = 30;
const MAX_NAME_CHARS = 80;
const MAX_RESULT_CHARS = 40;
/** Room left in a section after the list lines (escaping may lengthen them; each section is checked). */
const SECTION_BUDGET = TEXT_LIMITS.section - 100;

function counts(storm: Storm): { total: number; failed: number; warned: number; resolved: number } {
  const jobs = Object.values(storm.jobs);
  const failed = jobs.filter((j) => j.result === 'Failed').length;
  return {
    total: jobs.length,
    failed,
    warned: jobs.length - failed,
    resolved: jobs.filter((j) => j.resolved).length,
  };
}

/** "50 backup jobs failed", "7 backup jobs finished with warnings", "9 backup jobs had problems (…)". */
function whatHappened({ total, failed, warned }: ReturnType<typeof counts>): string {
  const jobs = total === 1 ? '1 backup job' : `${total} backup jobs`;
  if (warned === 0) return `${jobs} failed`;
  if (failed === 0) return `${jobs} finished with warnings`;
  return `${jobs} had problems (${failed} failed, ${warned} with warnings)`;
}

function progress({ total, resolved }: ReturnType<typeof counts>): string {
  if (resolved === total) return 'all resolved';
  return resolved === 0 ? 'none resolved yet' : `${resolved} resolved so far`;
}

function jobLine(job: StormJob): string {
  const icon = job.resolved ? ':white_check_mark:' : job.result === 'Failed' ? ':red_circle:' : ':warning:';
  // Escaped first, then cut: Slack counts the escapes, and a cut must not split one.
  const name = escapeMrkdwn(job.jobName, MAX_NAME_CHARS);
  const reason = escapeMrkdwn(job.reason, MAX_STORM_REASON_CHARS);
  const result = escapeMrkdwn(job.result, MAX_RESULT_CHARS);
  return `${icon} *${name}*: ${result}${job.resolved ? ', resolved' : ''}. ${reason}`;
}

/** List lines packed into as few sections as Slack's per-section limit allows. */
function listSections(lines: string[]): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [];
  let chunk = '';
  for (const line of lines) {
    if (chunk !== '' && chunk.length + 1 + line.length > SECTION_BUDGET) {
      blocks.push(cappedSection(chunk));
      chunk = '';
    }
    chunk = chunk === '' ? line : `${chunk}\n${line}`;
  }
  if (chunk !== '') blocks.push(cappedSection(chunk));
  return blocks;
}

/**
 * The storm's summary: first post and every chat.update as jobs join or resolve. Open jobs are listed first.
 * `mention` pages once, here, and only when something failed (warnings alone page nobody, as for incidents).
 */
export function stormSummaryMessage(storm: Storm, mention?: string): SlackMessage {
  const tally = counts(storm);
  const allResolved = tally.resolved === tally.total;
  const icon = allResolved ? ':white_check_mark:' : tally.failed > 0 ? ':red_circle:' : ':warning:';
  const ping = mention !== undefined && tally.failed > 0 ? ` ${mentionFor(mention)}` : '';
  // A time EM garbled comes back as EM's text: escaped and capped like any EM text.
  const since = escapeMrkdwn(formatUtc(storm.since), 40);
  const title = `${icon} *${whatHappened(tally)}* (since ${since}): ${progress(tally)}.${ping}`;

  const jobs = Object.values(storm.jobs);
  const ordered = [...jobs.filter((j) => !j.resolved), ...jobs.filter((j) => j.resolved)];
  const listed = ordered.slice(0, MAX_LISTED_JOBS);
  const blocks: types.KnownBlock[] = [cappedSection(title), ...listSections(listed.map(jobLine))];
  if (ordered.length > listed.length)
    blocks.push(cappedContext(`…and ${ordered.length - listed.length} more.`));
  blocks.push(
    cappedContext(
      allResolved
        ? "Every job's card, runs and resolution are in the thread."
        : "Each job's incident card (with its buttons), later runs and its resolution are in the thread.",
    ),
  );
  return {
    text: cappedFallback(`${whatHappened(tally)} since ${since}: ${progress(tally)}.${ping}`),
    blocks,
  };
}
