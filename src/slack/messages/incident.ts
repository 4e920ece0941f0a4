// Slack messages of the incident monitor: pure functions of session records and incident counts, no I/O.
//
// VM jobs (JobType Backup) get the same incident facts but NO buttons: every job button of this bot (Retry,
// Job details, Disable schedule) acts on /agents/jobs/{id} (em/api.ts), which does not know VM jobs; a context line
// says so instead. A long-running VM session still gets a Stop button: it stops the session (/backupSessions/{id}),
// which EM offers for VM and agent sessions alike.

import type { types } from '@slack/bolt';
import type { IncidentCard, SessionRecord } from '../../notify/monitor-state.js';
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
  truncate,
} from '../block-kit.js';
import { formatUtc } from '../format-utc.js';
import { escapeMrkdwn, mentionFor } from '../mrkdwn.js';

/** Slack caps a section's text at 3,000 characters; EM failure messages can carry whole stack traces. */
const MAX_REASON_CHARS = 1_500;

export function isVmJob(jobType: string): boolean {
  return jobType === 'Backup';
}

export function sessionDuration(session: SessionRecord, nowMs?: number): string {
  const start = Date.parse(session.creationTime);
  const end = session.endTime !== undefined ? Date.parse(session.endTime) : nowMs;
  if (Number.isNaN(start) || end === undefined || Number.isNaN(end)) return 'unknown';
  return formatDurationFixed(end - start);
}

export function failureReason(session: SessionRecord): string {
  const reason = session.failureMessage?.trim();
  if (!reason) return 'EM gave no failure message.';
  return truncate(reason, MAX_REASON_CHARS);
}

function jobKind(jobType: string): string {
  return isVmJob(jobType) ? 'VM backup job' : 'Agent backup job';
}

function sessionFields(session: SessionRecord): types.KnownBlock {
  return fieldsSection([
    `*Job*\n${escapeMrkdwn(session.jobName)}`,
    `*Result*\n${escapeMrkdwn(session.result)}`,
    `*Started*\n${formatUtc(session.creationTime)}`,
    `*Ended*\n${session.endTime ? formatUtc(session.endTime) : 'not yet'}`,
    `*Duration*\n${sessionDuration(session)}`,
    `*Kind*\n${jobKind(session.jobType)}`,
  ]);
}

function reasonBlock(session: SessionRecord): types.KnownBlock {
  return section(`*Reason (from EM)*\n${escapeMrkdwn(failureReason(session))}`);
}

/** "failed 3 times since …", "failed once, 1 warning since …". */
export function incidentTally(card: Pick<IncidentCard, 'failures' | 'warnings' | 'openedAt'>): string {
  const parts: string[] = [];
  if (card.failures > 0) parts.push(card.failures === 1 ? 'failed once' : `failed ${card.failures} times`);
  if (card.warnings > 0) parts.push(card.warnings === 1 ? '1 warning' : `${card.warnings} warnings`);
  return `${parts.join(', ')} since ${formatUtc(card.openedAt)}`;
}

function headline(card: IncidentCard): string {
  const name = `*${escapeMrkdwn(card.jobName)}*`;
  return card.failures > 0
    ? `:red_circle: Backup failed: ${name}`
    : `:warning: Backup finished with warnings: ${name}`;
}

/** The incident's buttons; their value is the job GUID (contracts: job buttons carry the job GUID). */
function incidentActions(card: IncidentCard): types.KnownBlock {
  const name = escapeMrkdwn(card.jobName);
  return actionsBlock(`incident:${card.jobId}`, [
    // Same rule as the job card: every button that changes something asks first.
    button(ACTION_IDS.jobRetry, 'Retry', card.jobId, {
      style: 'primary',
      confirm: confirmDialog({
        title: 'Retry the job?',
        text: `Retry *${name}* now?`,
        confirm: 'Retry',
        deny: 'Not now',
      }),
    }),
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
  const title = `${headline(card)}${ping}`;
  const reason = failureReason(card.latest);
  const blocks: types.KnownBlock[] = [section(title), sessionFields(card.latest), reasonBlock(card.latest)];
  if (card.failures + card.warnings > 1)
    blocks.push(context(`:repeat: ${incidentTally(card)}. Details of each run are in the thread.`));
  if (isVmJob(card.jobType)) {
    blocks.push(
      context("VM job: the bot's buttons act on agent jobs only; retry or change it in the Veeam console."),
    );
  } else {
    blocks.push(incidentActions(card));
  }
  const verb = card.failures > 0 ? 'failed' : 'finished with warnings';
  const tally = card.failures + card.warnings > 1 ? ` (${incidentTally(card)})` : '';
  return {
    text: `Backup ${verb}: ${escapeMrkdwn(card.jobName)}${tally}: ${escapeMrkdwn(reason)}${ping}`,
    blocks,
  };
}

/** A further problem run of a job whose incident is open: a reply in the incident's thread. */
export function incidentFollowUp(card: IncidentCard, session: SessionRecord, mention?: string): SlackMessage {
  const failed = session.result === 'Failed';
  // Mention only when a warnings-only incident turns into a failure: the top post did not page anyone then.
  const ping = mention !== undefined && failed && card.failures === 1 ? ` ${mentionFor(mention)}` : '';
  const line = failed
    ? `:red_circle: Failed again (${incidentTally(card)}).${ping}`
    : `:warning: Finished with warnings again (${incidentTally(card)}).`;
  return {
    text: `${line} ${escapeMrkdwn(failureReason(session))}`,
    blocks: [section(line), sessionFields(session), reasonBlock(session)],
  };
}

/** The thread reply when the first successful run after an incident arrives. */
export function resolvedReply(card: IncidentCard, success: SessionRecord): SlackMessage {
  const line = `:white_check_mark: *${escapeMrkdwn(card.jobName)}* succeeded (ended ${success.endTime ? formatUtc(success.endTime) : 'now'}, took ${sessionDuration(success)}). Incident resolved; it had ${incidentTally(card)}.`;
  return { text: line, blocks: [section(line)] };
}

/** The top message once resolved: the last problem's facts stay for the record, the buttons go. */
export function resolvedMessage(card: IncidentCard, success: SessionRecord): SlackMessage {
  const line = `:white_check_mark: Resolved: *${escapeMrkdwn(card.jobName)}* succeeded at ${success.endTime ? formatUtc(success.endTime) : 'now'} (${incidentTally(card)}).`;
  return {
    text: `Resolved: ${escapeMrkdwn(card.jobName)} succeeded again (${incidentTally(card)}).`,
    blocks: [
      section(line),
      sessionFields(card.latest),
      reasonBlock(card.latest),
      context('Last problem run shown above; the thread has every run.'),
    ],
  };
}

/** Stop button of a long-running session: VM sessions stop by session GUID, agent jobs by job GUID. */
function stopButton(session: SessionRecord): types.KnownBlock {
  const vm = isVmJob(session.jobType);
  const name = escapeMrkdwn(session.jobName);
  return actionsBlock(`long-running:${session.id}`, [
    button(
      vm ? ACTION_IDS.sessionStop : ACTION_IDS.jobStop,
      vm ? 'Stop session' : 'Stop job',
      vm ? session.id : session.jobId,
      {
        style: 'danger',
        confirm: confirmDialog({
          title: vm ? 'Stop this session?' : 'Stop this job?',
          text: `Stop the running backup of *${name}*? The run ends unfinished.`,
          confirm: 'Stop',
          deny: 'Let it run',
        }),
      },
    ),
  ]);
}

/** One post per session that runs longer than VEEAM_LONG_RUNNING_MINUTES. */
export function longRunningMessage(session: SessionRecord, nowMs: number): SlackMessage {
  const progress = session.progress !== undefined ? `, ${session.progress}% done` : '';
  const line = `:hourglass_flowing_sand: *${escapeMrkdwn(session.jobName)}* is still running after ${sessionDuration(session, nowMs)} (started ${formatUtc(session.creationTime)}${progress}).`;
  return {
    text: `${escapeMrkdwn(session.jobName)} is still running after ${sessionDuration(session, nowMs)}.`,
    blocks: [section(line), stopButton(session)],
  };
}

/** chat.update of a long-running post once the session ended: the Stop button would only fail now. */
export function longRunningEndedMessage(session: SessionRecord): SlackMessage {
  const line = `:stopwatch: *${escapeMrkdwn(session.jobName)}* ran long and has ended: ${escapeMrkdwn(session.result)} after ${sessionDuration(session)} (started ${formatUtc(session.creationTime)}).`;
  return {
    text: `${escapeMrkdwn(session.jobName)} ran long and ended: ${escapeMrkdwn(session.result)}.`,
    blocks: [section(line)],
  };
}

/** Posted once when EM failed several polls in a row; `description` comes from describeEmError. */
export function emDownMessage(description: string, sinceMs: number, failedPolls: number): SlackMessage {
  const line = `:rotating_light: The incident monitor cannot reach Enterprise Manager (${failedPolls} polls in a row since ${formatUtc(sinceMs)}). ${escapeMrkdwn(description)}\nFailed backups are not being reported meanwhile; they will be checked as soon as EM answers again.`;
  return { text: line, blocks: [section(line)] };
}

/** Posted once when EM answers again after an emDownMessage. */
export function emBackMessage(sinceMs: number, nowMs: number): SlackMessage {
  const line = `:large_green_circle: Enterprise Manager answers again (it was unreachable for ${formatDurationFixed(nowMs - sinceMs)}, since ${formatUtc(sinceMs)}). Backups that ended meanwhile are being checked now.`;
  return { text: line, blocks: [section(line)] };
}
