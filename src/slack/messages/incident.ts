// Slack messages of the incident monitor: pure functions of session records and incident counts, no I/O.
//
// Every job kind gets the same card and buttons (Retry only when EM offered it on the job; Job details; Disable
// schedule): the buttons carry the bare job GUID, which the handlers look up in every job collection. A long-running
// agent run stops by its job (Stop job); any other run by its session GUID (Stop session), backup or replica alike.

import type { types } from '@slack/bolt';
import type { Attempt, IncidentCard, SessionRecord } from '../../notify/monitor-state.js';
import { formatDurationFixed } from '../../watch/format-duration.js';
import { ACTION_IDS } from '../action-ids.js';
import {
  actionsBlock,
  button,
  confirmDialog,
  context,
  fieldsSection,
  type SlackMessage,
  section,
  slackMessage,
} from '../block-kit.js';
import { formatUtc } from '../format-utc.js';
import { escapeMrkdwn, mentionFor } from '../mrkdwn.js';
import { attemptFailedLine, attemptLabel, attemptOutlook, attemptSuffix } from './incident-attempts.js';
import { reasonMrkdwn, reasonOneLine } from './incident-reasons.js';

/** What the card calls a job of each JobType EM gives (em-api.md fact 15); an unknown one is named as EM names it. */
const KIND_LABELS: Record<string, string> = {
  AgentBackup: 'Agent backup job',
  Backup: 'VM backup job',
  Replica: 'Replication job',
  BackupCopy: 'Backup copy job',
  ImmediateBackupCopy: 'Backup copy job (immediate)',
  NasBackup: 'File share backup job',
};

function jobKindLabel(jobType: string): string {
  if (Object.hasOwn(KIND_LABELS, jobType)) return KIND_LABELS[jobType] as string;
  return jobType === '' ? 'Job' : `Job (${jobType})`;
}

// EM text is escaped, then cut (Slack counts after escaping): these caps leave room in every text object for the
// words around them; the block-kit primitives still cap each whole text object to Slack's limit.
/** A job name as shown (escaped): fits a confirm dialog's 300 characters with its sentence. */
const MAX_NAME_CHARS = 200;
/** The reason in a message's plain `text` (notifications; the text-only fallback). */
const MAX_FALLBACK_REASON_CHARS = 300;
const MAX_RESULT_CHARS = 40;
const MAX_TIME_CHARS = 40;
const MAX_DESCRIPTION_CHARS = 1_500;

/** The job's name, escaped and capped: safe in any mrkdwn text of these messages. */
function nameOf(jobName: string): string {
  return escapeMrkdwn(jobName, MAX_NAME_CHARS);
}

/** EM's times as people read them; a time EM garbled comes back as EM's text, so it is escaped and capped too. */
function timeOf(time: string | number): string {
  return escapeMrkdwn(formatUtc(time), MAX_TIME_CHARS);
}

function resultOf(result: string): string {
  return escapeMrkdwn(result, MAX_RESULT_CHARS);
}

function fallbackReason(session: SessionRecord): string {
  return escapeMrkdwn(reasonOneLine(session), MAX_FALLBACK_REASON_CHARS);
}

/** "Backup" for every kind but replication, whose runs replicate. */
function runNoun(jobType: string): string {
  return jobType === 'Replica' ? 'Replication' : 'Backup';
}

function sessionDuration(session: SessionRecord, nowMs?: number): string {
  const start = Date.parse(session.creationTime);
  const end = session.endTime !== undefined ? Date.parse(session.endTime) : nowMs;
  if (Number.isNaN(start) || end === undefined || Number.isNaN(end)) return 'unknown';
  return formatDurationFixed(end - start);
}

function sessionFields(session: SessionRecord): types.KnownBlock {
  return fieldsSection([
    `*Job*\n${nameOf(session.jobName)}`,
    `*Result*\n${resultOf(session.result)}`,
    `*Started*\n${timeOf(session.creationTime)}`,
    `*Ended*\n${session.endTime ? timeOf(session.endTime) : 'not yet'}`,
    `*Duration*\n${sessionDuration(session)}`,
    `*Kind*\n${escapeMrkdwn(jobKindLabel(session.jobType))}`,
  ]);
}

function reasonBlock(session: SessionRecord): types.KnownBlock {
  return section(reasonMrkdwn(session));
}

/** "failed 3 times since …", "failed once, 1 warning since …". */
function incidentTally(card: Pick<IncidentCard, 'failures' | 'warnings' | 'openedAt'>): string {
  const parts: string[] = [];
  if (card.failures > 0) parts.push(card.failures === 1 ? 'failed once' : `failed ${card.failures} times`);
  if (card.warnings > 0) parts.push(card.warnings === 1 ? '1 warning' : `${card.warnings} warnings`);
  return `${parts.join(', ')} since ${timeOf(card.openedAt)}`;
}

function headline(card: IncidentCard): string {
  const name = `*${nameOf(card.jobName)}*`;
  const run = runNoun(card.jobType);
  return card.failures > 0
    ? `:red_circle: ${run} failed: ${name}`
    : `:warning: ${run} finished with warnings: ${name}`;
}

/**
 * The incident's buttons; their value is the bare job GUID (contracts: job buttons carry the job GUID). Retry only
 * when EM offered it (a state file from before every job kind has no flag: those were agent cards, always Retry).
 */
function incidentActions(card: IncidentCard): types.KnownBlock {
  const name = nameOf(card.jobName);
  // Same rule as the job card: every button that changes something asks first.
  const retry = button(ACTION_IDS.jobRetry, 'Retry', card.jobId, {
    style: 'primary',
    confirm: confirmDialog({
      title: 'Retry the job?',
      text: `Retry *${name}* now?`,
      confirm: 'Retry',
      deny: 'Not now',
    }),
  });
  return actionsBlock(`incident:${card.jobId}`, [
    ...(card.retryOffered === false ? [] : [retry]),
    button(ACTION_IDS.jobDetails, 'Job details', card.jobId),
    button(ACTION_IDS.jobDisable, 'Disable schedule', card.jobId, {
      style: 'danger',
      confirm: confirmDialog({
        title: 'Disable the schedule?',
        text: `*${name}* will not run on its schedule until someone enables it again.`,
        confirm: 'Disable schedule',
        deny: 'Keep it',
      }),
    }),
  ]);
}

/**
 * The incident's top message: first post, and every chat.update while it stays open (the tally grows).
 * `mention` is only used when the incident holds a failure (warnings alone page nobody).
 */
export function incidentMessage(card: IncidentCard, mention?: string): SlackMessage {
  const ping = mention !== undefined && card.failures > 0 ? ` ${mentionFor(mention)}` : '';
  const title = `${headline(card)}${attemptSuffix(card)}${ping}`;
  const blocks: types.KnownBlock[] = [section(title), sessionFields(card.latest), reasonBlock(card.latest)];
  const outlook = attemptOutlook(card);
  if (outlook !== undefined) blocks.push(context(outlook));
  if (card.failures + card.warnings > 1)
    blocks.push(context(`:repeat: ${incidentTally(card)}. Details of each run are in the thread.`));
  if (card.retryOffered === false && card.failures > 0) {
    blocks.push(context('EM offers no retry of this job right now, so there is no Retry button.'));
  }
  blocks.push(incidentActions(card));
  const verb = card.failures > 0 ? 'failed' : 'finished with warnings';
  const tally = card.failures + card.warnings > 1 ? ` (${incidentTally(card)})` : '';
  // The mention before EM's reason, so no cut of the text can take it away.
  const reason = fallbackReason(card.latest);
  return slackMessage(
    `${runNoun(card.jobType)} ${verb}: ${nameOf(card.jobName)}${attemptSuffix(card)}${tally}${ping}: ${reason}`,
    blocks,
  );
}

/** A further problem run of a job whose incident is open: a reply in the incident's thread. */
export function incidentFollowUp(card: IncidentCard, session: SessionRecord, mention?: string): SlackMessage {
  const failed = session.result === 'Failed';
  // Without retries: mention only when a warnings-only incident turns into a failure (the top post paged no one).
  // With retries the monitor decides (VEEAM_MENTION_ON) and sends the mention only when this attempt pages.
  const pages = card.attempt !== undefined || card.failures === 1;
  const ping = mention !== undefined && failed && pages ? ` ${mentionFor(mention)}` : '';
  const failedLine = card.attempt === undefined ? 'Failed again' : attemptFailedLine(card.attempt);
  const line = failed
    ? `:red_circle: ${failedLine} (${incidentTally(card)}).${ping}`
    : `:warning: Finished with warnings again (${incidentTally(card)}).`;
  return slackMessage(`${line} ${fallbackReason(session)}`, [
    section(line),
    sessionFields(session),
    reasonBlock(session),
  ]);
}

function endedAt(session: SessionRecord): string {
  return session.endTime ? timeOf(session.endTime) : 'now';
}

/** "succeeded" or, when one of Veeam's retries did it, "recovered on attempt 2 of 3". */
function successVerb(recovered: Attempt | undefined): string {
  return recovered === undefined ? 'succeeded' : `recovered on ${attemptLabel(recovered)}`;
}

/** The thread reply when the first successful run after an incident arrives. */
export function resolvedReply(card: IncidentCard, success: SessionRecord, recovered?: Attempt): SlackMessage {
  const line = `:white_check_mark: *${nameOf(card.jobName)}* ${successVerb(recovered)} (ended ${endedAt(success)}, took ${sessionDuration(success)}). Incident resolved; it had ${incidentTally(card)}.`;
  return slackMessage(line, [section(line)]);
}

/** The top message once resolved: the last problem's facts stay for the record, the buttons go. */
export function resolvedMessage(
  card: IncidentCard,
  success: SessionRecord,
  recovered?: Attempt,
): SlackMessage {
  const verb = successVerb(recovered);
  const line = `:white_check_mark: Resolved: *${nameOf(card.jobName)}* ${verb} at ${endedAt(success)} (${incidentTally(card)}).`;
  const again = recovered === undefined ? 'succeeded again' : verb;
  return slackMessage(`Resolved: ${nameOf(card.jobName)} ${again} (${incidentTally(card)}).`, [
    section(line),
    sessionFields(card.latest),
    reasonBlock(card.latest),
    context('Last problem run shown above; the thread has every run.'),
  ]);
}

/** A thread reply when no retry followed a failed attempt in time: it was the last one, so on-call is paged now. */
export function retriesOverReply(card: IncidentCard, mention?: string): SlackMessage {
  const ping = mention !== undefined ? ` ${mentionFor(mention)}` : '';
  const attempt = card.attempt === undefined ? 'the failed run' : attemptLabel(card.attempt);
  const line = `:red_circle: No retry of *${nameOf(card.jobName)}* followed ${attempt}: it was the last attempt (Veeam retries only runs its schedule started).${ping}`;
  return slackMessage(line, [section(line)]);
}

/**
 * Stop button of a long-running session: an agent run stops by its job GUID (Stop job, as before); every other run
 * by its session GUID (Stop session), which the handler finds among backup and replica sessions alike.
 */
function stopButton(session: SessionRecord): types.KnownBlock {
  const bySession = session.jobType !== 'AgentBackup';
  const run = runNoun(session.jobType).toLowerCase();
  return actionsBlock(`long-running:${session.id}`, [
    button(
      bySession ? ACTION_IDS.sessionStop : ACTION_IDS.jobStop,
      bySession ? 'Stop session' : 'Stop job',
      bySession ? session.id : session.jobId,
      {
        style: 'danger',
        confirm: confirmDialog({
          title: bySession ? 'Stop this session?' : 'Stop this job?',
          text: `Stop the running ${run} of *${nameOf(session.jobName)}*? The run ends unfinished.`,
          confirm: 'Stop',
          deny: 'Let it run',
        }),
      },
    ),
  ]);
}

/** One post per session that runs longer than VEEAM_LONG_RUNNING_MINUTES. */
export function longRunningMessage(session: SessionRecord, nowMs: number): SlackMessage {
  const progress = Number.isFinite(session.progress) ? `, ${session.progress}% done` : '';
  const name = nameOf(session.jobName);
  const line = `:hourglass_flowing_sand: *${name}* is still running after ${sessionDuration(session, nowMs)} (started ${timeOf(session.creationTime)}${progress}).`;
  return slackMessage(`${name} is still running after ${sessionDuration(session, nowMs)}.`, [
    section(line),
    stopButton(session),
  ]);
}

/** chat.update of a long-running post once the session ended: the Stop button would only fail now. */
export function longRunningEndedMessage(session: SessionRecord): SlackMessage {
  const name = nameOf(session.jobName);
  const result = resultOf(session.result);
  const line = `:stopwatch: *${name}* ran long and has ended: ${result} after ${sessionDuration(session)} (started ${timeOf(session.creationTime)}).`;
  return slackMessage(`${name} ran long and ended: ${result}.`, [section(line)]);
}

/** Posted once when EM failed several polls in a row; `description` comes from describeEmError. */
export function emDownMessage(description: string, sinceMs: number, failedPolls: number): SlackMessage {
  const line = `:rotating_light: The incident monitor cannot reach Enterprise Manager (${failedPolls} polls in a row since ${timeOf(sinceMs)}). ${escapeMrkdwn(description, MAX_DESCRIPTION_CHARS)}\nFailed jobs are not being reported meanwhile; they will be checked as soon as EM answers again.`;
  return slackMessage(line, [section(line)]);
}

/** Posted once when EM answers again after an emDownMessage. */
export function emBackMessage(sinceMs: number, nowMs: number): SlackMessage {
  const line = `:large_green_circle: Enterprise Manager answers again (it was unreachable for ${formatDurationFixed(nowMs - sinceMs)}, since ${timeOf(sinceMs)}). Runs that ended meanwhile are being checked now.`;
  return slackMessage(line, [section(line)]);
}
