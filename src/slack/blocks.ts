// Block Kit builders: pure functions of our types. Every message has a plain `text` fallback that says the same.

import type { types } from '@slack/bolt';
import type { AgentBackupJob, Task } from '../em/types.js';
import type { Approval } from '../ops/approvals.js';
import { type ActionTarget, describeActionTarget } from '../ops/intent.js';
import { ACTION_VERBS, type SlackMessage } from '../watch/watch-messages.js';
import { ACTION_IDS } from './action-ids.js';

export const JOB_LIST_LIMIT = 20;

type Button = types.Button;

export function plainMessage(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

export function jobListMessage(jobs: readonly AgentBackupJob[], filter: string): SlackMessage {
  if (jobs.length === 0) {
    return plainMessage(
      filter
        ? `No agent backup job name contains "${filter}". Try \`/veeam jobs\` for all of them.`
        : 'EM has no agent backup jobs.',
    );
  }
  const shown = [...jobs].sort((a, b) => a.name.localeCompare(b.name)).slice(0, JOB_LIST_LIMIT);
  const heading = filter
    ? `Agent backup jobs matching "${filter}" (${jobs.length}):`
    : `Agent backup jobs (${jobs.length}):`;
  const lines = shown.map(jobLine);
  const blocks: types.KnownBlock[] = [
    section(`*${heading}*`),
    ...shown.map((job, i) => ({
      type: 'section' as const,
      text: { type: 'mrkdwn' as const, text: lines[i] ?? job.name },
      accessory: button(ACTION_IDS.jobDetails, 'Details', job.id),
    })),
  ];
  const more = jobs.length - shown.length;
  let text = [heading, ...lines].join('\n');
  if (more > 0) {
    const hint = `…and ${more} more; narrow it with \`/veeam jobs <text>\`.`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: hint }] });
    text += `\n${hint}`;
  }
  return { text, blocks };
}

function jobLine(job: AgentBackupJob): string {
  return `*${job.name}* · ${platformName(job.platform)} · schedule ${scheduleWord(job)} · next run ${formatTime(job.nextRun)}`;
}

export function jobCardMessage(job: AgentBackupJob): SlackMessage {
  const retention = describeRetention(job);
  const includes =
    job.includes.length > 0 ? job.includes.map((i) => i.displayName || i.name).join(', ') : 'none listed';
  const fields = [
    `*Platform:* ${platformName(job.platform)}`,
    `*Schedule:* ${job.scheduleConfigured ? 'configured' : 'not configured'}, ${job.scheduleEnabled ? 'enabled' : 'disabled'}`,
    `*Next run:* ${formatTime(job.nextRun)}`,
    `*Retention:* ${retention}`,
  ];
  const lines = [
    `*${job.name}*${job.description ? ` — ${job.description}` : ''}`,
    ...fields,
    `*Schedule details:* ${job.schedule.summary ?? 'none'}`,
    `*Included:* ${includes}`,
    `ID \`${job.id}\``,
  ];
  const buttons: Button[] = [
    confirmButton(ACTION_IDS.jobStart, 'Start', job, 'primary', `Start *${job.name}* now?`),
    confirmButton(ACTION_IDS.jobStop, 'Stop', job, 'danger', `Stop *${job.name}* if it is running?`),
    confirmButton(ACTION_IDS.jobRetry, 'Retry', job, undefined, `Retry the failed part of *${job.name}*?`),
    job.scheduleEnabled
      ? confirmButton(
          ACTION_IDS.jobDisable,
          'Disable schedule',
          job,
          'danger',
          `Disable the schedule of *${job.name}*? It will not run on its own until enabled again.`,
        )
      : confirmButton(
          ACTION_IDS.jobEnable,
          'Enable schedule',
          job,
          undefined,
          `Enable the schedule of *${job.name}*?`,
        ),
  ];
  return {
    text: lines.join('\n'),
    blocks: [
      section(lines[0] ?? job.name),
      { type: 'section', fields: fields.map((f) => ({ type: 'mrkdwn' as const, text: f })) },
      section(`*Schedule details:* ${job.schedule.summary ?? 'none'}\n*Included:* ${includes}`),
      { type: 'context', elements: [{ type: 'mrkdwn', text: `ID \`${job.id}\` · UID \`${job.uid}\`` }] },
      { type: 'actions', block_id: `job:${job.id}`, elements: buttons },
    ],
  };
}

export function pickJobMessage(jobs: readonly AgentBackupJob[], ref: string): SlackMessage {
  const shown = jobs.slice(0, JOB_LIST_LIMIT);
  const text = `"${ref}" matches ${jobs.length} jobs; pick one:\n${shown.map((j) => `• ${j.name}`).join('\n')}`;
  return {
    text,
    blocks: [
      section(`"${ref}" matches ${jobs.length} jobs; pick one (or type more of the name):`),
      ...chunk(shown, 25).map((group, i) => ({
        type: 'actions' as const,
        block_id: `pick:${i}`,
        elements: group.map((job) => button(ACTION_IDS.pickJob, truncate(job.name, 75), job.id)),
      })),
    ],
  };
}

export function jobNotFoundMessage(ref: string, closest: readonly string[]): SlackMessage {
  const hint = closest.length > 0 ? ` Did you mean ${closest.map((n) => `"${n}"`).join(', ')}?` : '';
  return plainMessage(`No agent backup job is called "${ref}".${hint} \`/veeam jobs\` lists them all.`);
}

export function taskMessage(task: Task): SlackMessage {
  const result = task.result
    ? `${task.result.success ? 'succeeded' : 'failed'}${task.result.message ? `: ${task.result.message}` : ''}`
    : 'no result yet';
  const text = `EM task ${task.id} (${task.operation || 'unknown operation'}): ${task.state}, ${result}.`;
  const blocks: types.KnownBlock[] = [section(text)];
  if (task.state !== 'Finished') {
    blocks.push({
      type: 'actions',
      block_id: `task:${task.id}`,
      elements: [
        {
          ...button(ACTION_IDS.taskCancel, 'Cancel task', task.id),
          style: 'danger',
          confirm: confirmDialog('Cancel this EM task?', `Cancel EM task ${task.id}?`, 'Cancel task'),
        },
      ],
    });
  }
  return { text, blocks };
}

/** The pending parent message of a direct action, before EM has answered. */
export function actionSendingMessage(
  action: Approval['action'],
  target: ActionTarget,
  requestedBy: string,
): SlackMessage {
  return plainMessage(
    `:arrow_forward: <@${requestedBy}> asked to ${ACTION_VERBS[action]} ${describeActionTarget(target)}; sending it to Enterprise Manager…`,
  );
}

export function actionFailedMessage(
  action: Approval['action'],
  target: ActionTarget,
  reason: string,
): SlackMessage {
  return plainMessage(`:x: ${ACTION_VERBS[action]} ${describeActionTarget(target)} failed: ${reason}`);
}

export function actionNotNeededMessage(text: string): SlackMessage {
  return plainMessage(`:information_source: ${text}`);
}

export function approvalRequestMessage(approval: Approval): SlackMessage {
  const what = `${ACTION_VERBS[approval.action]} ${describeActionTarget(approval.target)}`;
  const text = `:raised_hand: <@${approval.requestedBy}> asks to ${what}. An approver other than the requester must decide (expires ${formatTime(new Date(approval.expiresAt).toISOString())}).`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: `approval:${approval.id}`,
        elements: [
          {
            ...button(ACTION_IDS.approve, 'Approve', approval.id),
            style: 'primary',
            confirm: confirmDialog(
              'Approve?',
              `Approve: ${what}, asked by <@${approval.requestedBy}>?`,
              'Approve',
            ),
          },
          { ...button(ACTION_IDS.deny, 'Deny', approval.id), style: 'danger' },
        ],
      },
    ],
  };
}

/** The request after a decision or expiry: the same words, who decided and when, and no buttons. */
export function approvalClosedMessage(approval: Approval): SlackMessage {
  const what = `${ACTION_VERBS[approval.action]} ${describeActionTarget(approval.target)}`;
  const text = `<@${approval.requestedBy}> asked to ${what}. ${approvalOutcome(approval)}`;
  const icon =
    approval.status === 'approved'
      ? ':white_check_mark:'
      : approval.status === 'denied'
        ? ':no_entry:'
        : ':hourglass:';
  return plainMessage(`${icon} ${text}`);
}

export function approvalOutcome(approval: Approval): string {
  const when = formatTime(new Date(approval.decidedAt ?? approval.expiresAt).toISOString());
  switch (approval.status) {
    case 'approved':
      return `Approved by <@${approval.decidedBy}> at ${when}.`;
    case 'denied':
      return `Denied by <@${approval.decidedBy}> at ${when}; nothing was done.`;
    case 'expired':
      return `This request expired at ${when} without a decision; nothing was done. Ask again if it is still needed.`;
    default:
      return 'Waiting for an approver.';
  }
}

/** Appends a context line (e.g. who approved) to a message, in blocks and in the text fallback. */
export function withContext(message: SlackMessage, line: string): SlackMessage {
  return {
    text: `${message.text}\n${line}`,
    blocks: [...message.blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: line }] }],
  };
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

export function formatTime(iso: string | undefined): string {
  if (!iso) return 'not scheduled';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function section(text: string): types.SectionBlock {
  // Section text is limited to 3,000 characters.
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

function button(actionId: string, text: string, value: string): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text }, value };
}

function confirmButton(
  actionId: string,
  text: string,
  job: AgentBackupJob,
  style: Button['style'],
  question: string,
): Button {
  return {
    ...button(actionId, text, job.id),
    ...(style ? { style } : {}),
    confirm: confirmDialog(`${text}?`, question, text),
  };
}

function confirmDialog(title: string, text: string, confirm: string): types.ConfirmationDialog {
  return {
    title: { type: 'plain_text', text: truncate(title, 100) },
    text: { type: 'mrkdwn', text },
    confirm: { type: 'plain_text', text: confirm },
    deny: { type: 'plain_text', text: 'Cancel' },
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
