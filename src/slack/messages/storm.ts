// The top message of a failure storm: many jobs failing at once get one summary post listing them grouped by their
// reason (pure, no I/O); each job's usual incident card (messages/incident.ts) is a reply in its thread.

import type { types } from '@slack/bolt';
import { MAX_STORM_REASON_CHARS } from '../../notify/failure-storm.js';
import type { Storm, StormJob } from '../../notify/monitor-state.js';
import { context, SLACK_LIMITS, type SlackMessage, section, slackMessage } from '../block-kit.js';
import { formatUtc } from '../format-utc.js';
import { escapeMrkdwn, mentionFor } from '../mrkdwn.js';

/**
 * Jobs are grouped by their reason (a repository outage is one line, not fifty): at most MAX_GROUPS reasons, each
 * with at most MAX_NAMES_PER_GROUP job names; the rest are counted. With the per-name caps below this keeps the
 * message to a few sections, far from Slack's 50 blocks and 3,000 characters per section.
 */
const MAX_GROUPS = 10;
const MAX_NAMES_PER_GROUP = 15;
const MAX_NAME_CHARS = 80;
const MAX_RESULT_CHARS = 40;
/** Room left in a section after the group texts (each section is checked). */
const SECTION_BUDGET = SLACK_LIMITS.section - 100;

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

/** "50 jobs failed", "7 jobs finished with warnings", "9 jobs had problems (…)". */
function whatHappened({ total, failed, warned }: ReturnType<typeof counts>): string {
  const jobs = plural(total, 'job');
  if (warned === 0) return `${jobs} failed`;
  if (failed === 0) return `${jobs} finished with warnings`;
  return `${jobs} had problems (${failed} failed, ${warned} with warnings)`;
}

function plural(n: number, noun: string): string {
  return n === 1 ? `1 ${noun}` : `${n} ${noun}s`;
}

function progress({ total, resolved }: ReturnType<typeof counts>): string {
  if (resolved === total) return 'all resolved';
  return resolved === 0 ? 'none resolved yet' : `${resolved} resolved so far`;
}

/** Jobs by reason; groups with open jobs first, bigger groups first, open jobs first inside each. */
function groupByReason(jobs: StormJob[]): StormJob[][] {
  const groups = new Map<string, StormJob[]>();
  for (const job of jobs) groups.set(job.reason, [...(groups.get(job.reason) ?? []), job]);
  const open = (group: StormJob[]) => group.some((j) => !j.resolved);
  return [...groups.values()]
    .map((group) => [...group.filter((j) => !j.resolved), ...group.filter((j) => j.resolved)])
    .sort((a, b) => Number(open(b)) - Number(open(a)) || b.length - a.length);
}

function jobName(job: StormJob): string {
  const name = escapeMrkdwn(job.jobName, MAX_NAME_CHARS);
  if (job.resolved) return `~${name}~ (resolved)`;
  return job.result === 'Failed' ? name : `${name} (${escapeMrkdwn(job.result, MAX_RESULT_CHARS)})`;
}

/** One reason: how many jobs it hit, then their names. */
function groupText(group: StormJob[]): string {
  const unresolved = group.filter((j) => !j.resolved);
  const icon =
    unresolved.length === 0
      ? ':white_check_mark:'
      : unresolved.some((j) => j.result === 'Failed')
        ? ':red_circle:'
        : ':warning:';
  const reason = escapeMrkdwn((group[0] as StormJob).reason, MAX_STORM_REASON_CHARS);
  const resolved = group.length - unresolved.length;
  const note = resolved > 0 ? ` (${resolved} resolved)` : '';
  const names = group.slice(0, MAX_NAMES_PER_GROUP).map(jobName);
  const more = group.length > names.length ? `, …and ${group.length - names.length} more` : '';
  return `${icon} *${reason}*: ${plural(group.length, 'job')}${note}\n${names.join(', ')}${more}`;
}

/** List lines packed into as few sections as Slack's per-section limit allows. */
function listSections(lines: string[]): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [];
  let chunk = '';
  for (const line of lines) {
    if (chunk !== '' && chunk.length + 1 + line.length > SECTION_BUDGET) {
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk = chunk === '' ? line : `${chunk}\n${line}`;
  }
  if (chunk !== '') blocks.push(section(chunk));
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

  const groups = groupByReason(Object.values(storm.jobs));
  const listed = groups.slice(0, MAX_GROUPS);
  const blocks: types.KnownBlock[] = [section(title), ...listSections(listed.map(groupText))];
  const rest = groups.slice(listed.length);
  if (rest.length > 0) {
    const jobs = rest.reduce((n, group) => n + group.length, 0);
    blocks.push(context(`…and ${plural(rest.length, 'more reason')} (${plural(jobs, 'job')}).`));
  }
  blocks.push(
    context(
      allResolved
        ? "Every job's card, runs and resolution are in the thread."
        : "Each job's incident card (with its buttons), later runs and its resolution are in the thread.",
    ),
  );
  return slackMessage(`${whatHappened(tally)} since ${since}: ${progress(tally)}.${ping}`, blocks);
}
