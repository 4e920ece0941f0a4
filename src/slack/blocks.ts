// Block Kit builders: pure functions of our types. Every message has a plain `text` fallback that says the same.

import type { types } from '@slack/bolt';
import type { Job, Task } from '../em/types.js';
import type { Approval } from '../ops/approvals.js';
import type { ActionTarget, JobActionName } from '../ops/intent.js';
import { ACTION_IDS, approvalBlockId, pickJobActionId } from './action-ids.js';
import {
  actionsBlock,
  button,
  confirmDialog,
  context,
  type SlackMessage,
  section,
  slackMessage,
} from './block-kit.js';
import { formatUtc } from './format-utc.js';
import { ACTION_VERBS, describeAction } from './messages/task.js';
import { escapeMrkdwn, userMention } from './mrkdwn.js';
import { encodePick } from './pick-value.js';

const JOB_LIST_LIMIT = 20;

/** EM's words in a task answer: its result message, and its ID, operation and state (a word each, normally). */
const EM_TEXT_MAX = 1_500;
const EM_NAME_MAX = 200;

/** Slack's limit on the elements of one actions block. */
const ACTIONS_BLOCK_LIMIT = 25;

export function plainMessage(text: string): SlackMessage {
  return slackMessage(text, [section(text)]);
}

export { jobCardMessage } from './messages/job-card.js';
export { jobListMessage } from './messages/job-list.js';

/** `action`: the write asked for by name, which a pick continues (its preview, or the action); absent: the card. */
export function pickJobMessage(jobs: readonly Job[], ref: string, action?: JobActionName): SlackMessage {
  const shown = jobs.slice(0, JOB_LIST_LIMIT);
  const asked = action === undefined ? '' : ` to ${ACTION_VERBS[action].toLowerCase()}`;
  const text = `"${escapeMrkdwn(ref)}" matches ${jobs.length} jobs; pick one${asked}:\n${shown.map((j) => `• ${escapeMrkdwn(j.name)}`).join('\n')}`;
  return slackMessage(text, [
    section(
      `"${escapeMrkdwn(ref)}" matches ${jobs.length} jobs; pick one${asked} (or type more of the name):`,
    ),
    ...pickButtons('pick', shown, action),
  ]);
}

/** "Did you mean" names are buttons too, continuing the same action (plain names have none). */
export function jobNotFoundMessage(
  ref: string,
  closest: readonly (Pick<Job, 'id' | 'name'> | string)[],
  action?: JobActionName,
): SlackMessage {
  const names = closest.map((c) => (typeof c === 'string' ? c : c.name));
  const hint =
    names.length > 0 ? ` Did you mean ${names.map((n) => `"${escapeMrkdwn(n)}"`).join(', ')}?` : '';
  const text = `No job is called "${escapeMrkdwn(ref)}".${hint} \`/veeam jobs\` lists them all.`;
  const jobs = closest.filter((c): c is Pick<Job, 'id' | 'name'> => typeof c !== 'string');
  return slackMessage(text, [section(text), ...pickButtons('suggest', jobs, action)]);
}

function pickButtons(
  blockPrefix: string,
  jobs: readonly Pick<Job, 'id' | 'name'>[],
  action: JobActionName | undefined,
): types.ActionsBlock[] {
  return chunk(jobs, ACTIONS_BLOCK_LIMIT).map((group, i) =>
    actionsBlock(
      `${blockPrefix}:${i}`,
      group.map((job, j) =>
        button(pickJobActionId(i * ACTIONS_BLOCK_LIMIT + j), job.name, encodePick(job.id, action)),
      ),
    ),
  );
}

export function taskMessage(task: Task): SlackMessage {
  // Every piece is EM's text: escaped, then cut, so the one section stays under Slack's 3,000 characters.
  const result = task.result
    ? `${task.result.success ? 'succeeded' : 'failed'}${task.result.message ? `: ${escapeMrkdwn(task.result.message, EM_TEXT_MAX)}` : ''}`
    : 'no result yet';
  const text = `EM task ${escapeMrkdwn(task.id, EM_NAME_MAX)} (${escapeMrkdwn(task.operation || 'unknown operation', EM_NAME_MAX)}): ${escapeMrkdwn(task.state, EM_NAME_MAX)}, ${result}.`;
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
    actionsBlock(approvalBlockId(approval.id), [
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

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
