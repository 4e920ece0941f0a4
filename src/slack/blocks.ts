// Block Kit builders: pure functions of our types. Every message has a plain `text` fallback that says the same.

import type { types } from '@slack/bolt';
import type { AgentBackupJob, Task } from '../em/types.js';
import type { Approval } from '../ops/approvals.js';
import type { ActionTarget } from '../ops/intent.js';
import { ACTION_IDS, pickJobActionId } from './action-ids.js';
import {
  actionsBlock,
  type ButtonOptions,
  button,
  confirmDialog,
  context,
  fieldsSection,
  type SlackMessage,
  section,
  slackMessage,
} from './block-kit.js';
import { formatUtc } from './format-utc.js';
import { describeAction } from './messages/task.js';
import { escapeMrkdwn, userMention } from './mrkdwn.js';

export const JOB_LIST_LIMIT = 20;

/** Slack's limit on the elements of one actions block. */
const ACTIONS_BLOCK_LIMIT = 25;

type Button = types.Button;

export function plainMessage(text: string): SlackMessage {
  return slackMessage(text, [section(text)]);
}

export function jobListMessage(jobs: readonly AgentBackupJob[], filter: string): SlackMessage {
  if (jobs.length === 0) {
    return plainMessage(
      filter
        ? `No agent backup job name contains "${escapeMrkdwn(filter)}". Try \`/veeam jobs\` for all of them.`
        : 'EM has no agent backup jobs.',
    );
  }
  const shown = [...jobs].sort((a, b) => a.name.localeCompare(b.name)).slice(0, JOB_LIST_LIMIT);
  const heading = filter
    ? `Agent backup jobs matching "${escapeMrkdwn(filter)}" (${jobs.length}):`
    : `Agent backup jobs (${jobs.length}):`;
  const lines = shown.map(jobLine);
  const blocks: types.KnownBlock[] = [
    section(`*${heading}*`),
    ...shown.map((job, i) =>
      section(lines[i] ?? escapeMrkdwn(job.name), button(ACTION_IDS.jobDetails, 'Details', job.id)),
    ),
  ];
  const more = jobs.length - shown.length;
  let text = [heading, ...lines].join('\n');
  if (more > 0) {
    const hint = `…and ${more} more; narrow it with \`/veeam jobs <text>\`.`;
    blocks.push(context(hint));
    text += `\n${hint}`;
  }
  return slackMessage(text, blocks);
}

function jobLine(job: AgentBackupJob): string {
  return `*${escapeMrkdwn(job.name)}* · ${platformName(job.platform)} · schedule ${scheduleWord(job)} · next run ${formatNextRun(job.nextRun)}`;
}

export function jobCardMessage(job: AgentBackupJob): SlackMessage {
  const retention = describeRetention(job);
  const includes =
    job.includes.length > 0
      ? escapeMrkdwn(job.includes.map((i) => i.displayName || i.name).join(', '))
      : 'none listed';
  const name = escapeMrkdwn(job.name);
  const summary = job.schedule.summary === undefined ? 'none' : escapeMrkdwn(job.schedule.summary);
  const fields = [
    `*Platform:* ${platformName(job.platform)}`,
    `*Schedule:* ${job.scheduleConfigured ? 'configured' : 'not configured'}, ${job.scheduleEnabled ? 'enabled' : 'disabled'}`,
    `*Next run:* ${formatNextRun(job.nextRun)}`,
    `*Retention:* ${retention}`,
  ];
  const lines = [
    `*${name}*${job.description ? ` — ${escapeMrkdwn(job.description)}` : ''}`,
    ...fields,
    `*Schedule details:* ${summary}`,
    `*Included:* ${includes}`,
    `ID \`${job.id}\``,
  ];
  const buttons: Button[] = [
    confirmButton(ACTION_IDS.jobStart, 'Start', job, 'primary', `Start *${name}* now?`),
    confirmButton(ACTION_IDS.jobStop, 'Stop', job, 'danger', `Stop *${name}* if it is running?`),
    confirmButton(ACTION_IDS.jobRetry, 'Retry', job, undefined, `Retry the failed part of *${name}*?`),
    job.scheduleEnabled
      ? confirmButton(
          ACTION_IDS.jobDisable,
          'Disable schedule',
          job,
          'danger',
          `Disable the schedule of *${name}*? It will not run on its own until enabled again.`,
        )
      : confirmButton(
          ACTION_IDS.jobEnable,
          'Enable schedule',
          job,
          undefined,
          `Enable the schedule of *${name}*?`,
        ),
  ];
  return slackMessage(lines.join('\n'), [
    section(lines[0] ?? name),
    fieldsSection(fields),
    section(`*Schedule details:* ${summary}\n*Included:* ${includes}`),
    context(`ID \`${job.id}\` · UID \`${job.uid}\``),
    actionsBlock(`job:${job.id}`, buttons),
  ]);
}

export function pickJobMessage(jobs: readonly AgentBackupJob[], ref: string): SlackMessage {
  const shown = jobs.slice(0, JOB_LIST_LIMIT);
  const text = `"${escapeMrkdwn(ref)}" matches ${jobs.length} jobs; pick one:\n${shown.map((j) => `• ${escapeMrkdwn(j.name)}`).join('\n')}`;
  return slackMessage(text, [
    section(`"${escapeMrkdwn(ref)}" matches ${jobs.length} jobs; pick one (or type more of the name):`),
    ...chunk(shown, ACTIONS_BLOCK_LIMIT).map((group, i) =>
      actionsBlock(
        `pick:${i}`,
        group.map((job, j) => button(pickJobActionId(i * ACTIONS_BLOCK_LIMIT + j), job.name, job.id)),
      ),
    ),
  ]);
}

export function jobNotFoundMessage(ref: string, closest: readonly string[]): SlackMessage {
  const hint =
    closest.length > 0 ? ` Did you mean ${closest.map((n) => `"${escapeMrkdwn(n)}"`).join(', ')}?` : '';
  return plainMessage(
    `No agent backup job is called "${escapeMrkdwn(ref)}".${hint} \`/veeam jobs\` lists them all.`,
  );
}

export function taskMessage(task: Task): SlackMessage {
  const result = task.result
    ? `${task.result.success ? 'succeeded' : 'failed'}${task.result.message ? `: ${escapeMrkdwn(task.result.message)}` : ''}`
    : 'no result yet';
  const text = `EM task ${task.id} (${escapeMrkdwn(task.operation || 'unknown operation')}): ${escapeMrkdwn(task.state)}, ${result}.`;
  const blocks: types.KnownBlock[] = [section(text)];
  if (task.state !== 'Finished') {
    blocks.push(
      actionsBlock(`task:${task.id}`, [
        button(ACTION_IDS.taskCancel, 'Cancel task', task.id, {
          style: 'danger',
          confirm: confirmDialog({
            title: 'Cancel this EM task?',
            text: `Cancel EM task ${task.id}?`,
            confirm: 'Cancel task',
            deny: 'Cancel',
          }),
        }),
      ]),
    );
  }
  return slackMessage(text, blocks);
}

/** The pending parent message of a direct action, before EM has answered. */
export function actionSendingMessage(
  action: Approval['action'],
  target: ActionTarget,
  requestedBy: string,
): SlackMessage {
  return plainMessage(
    `:arrow_forward: ${userMention(requestedBy)} asked to ${describeAction(action, target)}; sending it to Enterprise Manager…`,
  );
}

export function actionFailedMessage(
  action: Approval['action'],
  target: ActionTarget,
  reason: string,
): SlackMessage {
  return plainMessage(`:x: ${describeAction(action, target)} failed: ${reason}`);
}

export function actionNotNeededMessage(text: string): SlackMessage {
  return plainMessage(`:information_source: ${text}`);
}

export function approvalRequestMessage(approval: Approval): SlackMessage {
  const what = describeAction(approval.action, approval.target);
  const text = `:raised_hand: ${userMention(approval.requestedBy)} asks to ${what}. An approver other than the requester must decide (expires ${formatUtc(approval.expiresAt, 'minutes')}).`;
  return slackMessage(text, [
    section(text),
    actionsBlock(`approval:${approval.id}`, [
      button(ACTION_IDS.approve, 'Approve', approval.id, {
        style: 'primary',
        confirm: confirmDialog({
          title: 'Approve?',
          text: `Approve: ${what}, asked by ${userMention(approval.requestedBy)}?`,
          confirm: 'Approve',
          deny: 'Cancel',
        }),
      }),
      button(ACTION_IDS.deny, 'Deny', approval.id, { style: 'danger' }),
    ]),
  ]);
}

/** The request after a decision or expiry: the same words, who decided and when, and no buttons. */
export function approvalClosedMessage(approval: Approval): SlackMessage {
  const what = describeAction(approval.action, approval.target);
  const text = `${userMention(approval.requestedBy)} asked to ${what}. ${approvalOutcome(approval)}`;
  const icon =
    approval.status === 'approved'
      ? ':white_check_mark:'
      : approval.status === 'denied'
        ? ':no_entry:'
        : ':hourglass:';
  return plainMessage(`${icon} ${text}`);
}

export function approvalOutcome(approval: Approval): string {
  const when = formatUtc(approval.decidedAt ?? approval.expiresAt, 'minutes');
  // ApprovalBook.decide sets decidedBy with every approve or deny.
  const decider = userMention(String(approval.decidedBy));
  switch (approval.status) {
    case 'approved':
      return `Approved by ${decider} at ${when}.`;
    case 'denied':
      return `Denied by ${decider} at ${when}; nothing was done.`;
    case 'expired':
      return `This request expired at ${when} without a decision; nothing was done. Ask again if it is still needed.`;
    default:
      return 'Waiting for an approver.';
  }
}

/** Appends a context line (e.g. who approved) to a message, in blocks and in the text fallback. */
export function withContext(message: SlackMessage, line: string): SlackMessage {
  return slackMessage(`${message.text}\n${line}`, [...message.blocks, context(line)]);
}

function platformName(platform: string): string {
  if (platform === 'AgentForWindows') return 'Windows';
  if (platform === 'AgentForLinux') return 'Linux';
  return platform || 'unknown platform';
}

function scheduleWord(job: AgentBackupJob): string {
  if (!job.scheduleConfigured) return 'not configured';
  return job.scheduleEnabled ? 'on' : 'off';
}

function describeRetention(job: AgentBackupJob): string {
  const r = job.retention;
  const base =
    r.retainLimitType === 'Days' && r.retainDaysToKeep !== undefined
      ? `${r.retainDaysToKeep} days`
      : r.retainCycles !== undefined
        ? `${r.retainCycles} restore points`
        : 'not set';
  return r.gfsEnabled ? `${base}, GFS on` : base;
}

/** EM leaves NextRun out (or empty) when the job has no schedule to run by. */
function formatNextRun(iso: string | undefined): string {
  return iso ? formatUtc(iso, 'minutes') : 'not scheduled';
}

/** A job button that asks `question` first; its dialog is titled "<label>?" and goes ahead with "<label>". */
function confirmButton(
  actionId: string,
  text: string,
  job: AgentBackupJob,
  style: ButtonOptions['style'],
  question: string,
): Button {
  return button(actionId, text, job.id, {
    style,
    confirm: confirmDialog({ title: `${text}?`, text: question, confirm: text, deny: 'Cancel' }),
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
