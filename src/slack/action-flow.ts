// The path of every write: permission → approval request or direct run → EM 202 → running parent → watcher.

import type { webApi } from '@slack/bolt';
import type { ActionName } from '../config.js';
import { describeEmError, isEmError } from '../em/errors.js';
import type { AgentBackupJob } from '../em/types.js';
import type { Approval } from '../ops/approvals.js';
import { audit } from '../ops/audit.js';
import { type ActionTarget, targetId } from '../ops/intent.js';
import { performAction } from '../ops/perform-action.js';
import { isTaskCancelRefused } from '../watch/task-cancel-refused.js';
import type { WatchSpec, WatchTarget } from '../watch/types.js';
import type { SlackMessage } from './block-kit.js';
import {
  actionFailedMessage,
  actionNotNeededMessage,
  actionSendingMessage,
  approvalOutcome,
  approvalRequestMessage,
  withContext,
} from './blocks.js';
import { describeSlackError } from './describe-slack-error.js';
import { ACTION_VERBS, describeAction } from './messages/task.js';
import { escapeMrkdwn, userMention } from './mrkdwn.js';
import type { Origin } from './origin.js';
import type { SlackSurface } from './surface.js';

type WebClient = webApi.WebClient;

export interface ActionRequest {
  action: ActionName;
  target: ActionTarget;
}

/** Writes need an operator; says why not to the user and audits the refusal (`what`: action and target as asked). */
export async function authorizeWrite(
  surface: SlackSurface,
  origin: Origin,
  what: { action: string; target: string },
): Promise<boolean> {
  const decision = await surface.policy.mayOperate(origin.user);
  if (decision.ok) return true;
  await origin.tellUser(`:no_entry: ${decision.reason}`);
  audit(surface.logger, {
    user: origin.user,
    channel: origin.channel,
    ...what,
    outcome: 'refused',
    detail: decision.reason,
  });
  return false;
}

/** For enable/disable: true (and the user told) when the job is already as wished. Not authoritative: the lock is. */
export async function alreadyInState(
  origin: Origin,
  action: ActionName,
  job: AgentBackupJob,
): Promise<boolean> {
  if ((action === 'enable' && job.scheduleEnabled) || (action === 'disable' && !job.scheduleEnabled)) {
    await origin.tellUser(
      `The schedule of *${escapeMrkdwn(job.name)}* is already ${job.scheduleEnabled ? 'enabled' : 'disabled'}; nothing to do.`,
    );
    return true;
  }
  return false;
}

/** An authorised write: ask for approval when policy says so, otherwise run it now. */
export async function requestAction(
  surface: SlackSurface,
  client: WebClient,
  origin: Origin,
  request: ActionRequest,
): Promise<void> {
  // A double click or a repeated command within seconds is a repeat, not a second order.
  const key = `${request.action}:${targetId(request.target)}`;
  const earlier = surface.recentActions.claim(key, origin.user, surface.clock.now());
  if (earlier !== undefined) {
    const ago = Math.max(0, Math.round((surface.clock.now() - earlier.at) / 1000));
    await origin.tellUser(
      `:repeat: ${describeAction(request.action, request.target)} was just asked for by ${userMention(earlier.user)} (${ago} s ago); I did not send it again. Its result will appear in its thread.`,
    );
    audit(surface.logger, {
      user: origin.user,
      channel: origin.channel,
      action: request.action,
      target: targetId(request.target),
      outcome: 'duplicate-ignored',
    });
    return;
  }
  // Only an order that reached EM (202) or an approver keeps the claim: the retry the bot suggests after a
  // failure (invite the bot, EM unreachable, …) must not be taken for a repeat.
  let placed = false;
  try {
    placed = surface.policy.needsApproval(request.action)
      ? await requestApproval(surface, client, origin, request)
      : (await executeAction(surface, client, {
          ...request,
          requestedBy: origin.user,
          channel: origin.channel,
          threadTs: origin.threadTs,
          tellUser: origin.tellUser,
        })) === 'sent';
  } finally {
    if (!placed) surface.recentActions.release(key);
  }
}

/** True when the request was posted for approvers to decide. */
async function requestApproval(
  surface: SlackSurface,
  client: WebClient,
  origin: Origin,
  request: ActionRequest,
): Promise<boolean> {
  const approval = surface.approvals.create({
    action: request.action,
    target: request.target,
    requestedBy: origin.user,
    channel: origin.channel,
    threadTs: origin.threadTs,
  });
  const message = approvalRequestMessage(approval);
  try {
    const posted = await client.chat.postMessage({
      channel: origin.channel,
      ...(origin.threadTs ? { thread_ts: origin.threadTs } : {}),
      text: message.text,
      blocks: message.blocks,
    });
    if (posted.ts) surface.approvals.attachMessage(approval.id, posted.ts);
  } catch (err) {
    surface.logger.error('could not post an approval request', {
      approvalId: approval.id,
      channel: origin.channel,
      err: String(err),
    });
    await origin.tellUser(
      `:x: I could not post the approval request in this channel, so nothing was done: ${describeSlackError(err)}`,
    );
    return false;
  }
  audit(surface.logger, {
    user: origin.user,
    channel: origin.channel,
    action: request.action,
    target: targetId(request.target),
    outcome: 'approval-requested',
  });
  await origin.tellUser(
    `${describeAction(request.action, request.target)} needs an approval; I asked in the channel. It expires in ${surface.config.policy.approvalTtlMinutes} minutes.`,
  );
  return true;
}

export interface Execution extends ActionRequest {
  requestedBy: string;
  approvedBy?: string;
  channel: string;
  /** Thread to post a new parent in (when there is no parent yet). */
  threadTs?: string;
  /** An existing bot message to use as the parent (the approval request); otherwise one is posted. */
  parent?: { ts: string; threadTs: string };
  /** Appended to every state of the parent, e.g. who approved and when. */
  note?: string;
  tellUser(message: SlackMessage | string): Promise<void>;
}

/**
 * 'sent': EM answered 202 (or may have: a failure after it); 'not-sent': nothing reached EM as an order (no
 * channel to post in, EM refused or unreachable, already in state, busy).
 */
export type ExecutionResult = 'sent' | 'not-sent';

/** Runs an action now. Every failure ends up in the parent message or, failing that, with the user. */
export async function executeAction(
  surface: SlackSurface,
  client: WebClient,
  execution: Execution,
): Promise<ExecutionResult> {
  const { action, target } = execution;
  const auditBase = {
    user: execution.requestedBy,
    channel: execution.channel,
    action,
    target: targetId(target),
    approver: execution.approvedBy,
  };
  if (action === 'task-cancel' || target.kind === 'task') {
    return cancelTask(surface, client, execution, auditBase);
  }
  const parent = execution.parent ?? (await postParent(surface, client, execution));
  if (parent === undefined) return 'not-sent';
  const show = async (message: SlackMessage) => {
    const full = execution.note ? withContext(message, execution.note) : message;
    try {
      await client.chat.update({
        channel: execution.channel,
        ts: parent.ts,
        text: full.text,
        blocks: full.blocks,
      });
    } catch (err) {
      surface.logger.warn('could not update the action message', {
        channel: execution.channel,
        ts: parent.ts,
        err: String(err),
      });
      await execution.tellUser(full);
    }
  };

  const requestedAt = surface.clock.now();
  try {
    const outcome = await performAction(
      surface.em,
      surface.schedule,
      action,
      target,
      async (task, jobBefore) => {
        const spec: WatchSpec = {
          taskId: task.id,
          action,
          target: watchTarget(target),
          channel: execution.channel,
          threadTs: parent.threadTs,
          parentTs: parent.ts,
          requestedBy: execution.requestedBy,
          ...(execution.approvedBy ? { approvedBy: execution.approvedBy } : {}),
          requestedAt,
          ...wantedState(action, jobBefore),
        };
        // Registered (and so saved) before any Slack call: the watcher posts the running message itself, as the
        // first parent update of its ordered outbox, so a Slack outage delays nothing and it never hides a result.
        surface.watcher.watch(spec, { runningParent: { note: execution.note } });
        audit(surface.logger, { ...auditBase, taskId: task.id, outcome: 'accepted' });
      },
    );
    if (outcome.kind === 'already') {
      const state = outcome.job.scheduleEnabled ? 'enabled' : 'disabled';
      await show(
        actionNotNeededMessage(
          `The schedule of *${escapeMrkdwn(outcome.job.name)}* is already ${state}; nothing was changed.`,
        ),
      );
      audit(surface.logger, { ...auditBase, outcome: 'already-in-state' });
    } else if (outcome.kind === 'busy') {
      await show(
        actionFailedMessage(
          action,
          target,
          outcome.taskId === undefined
            ? 'an earlier schedule change of this job got no answer from EM and may still be applied; try again in a minute.'
            : `an earlier schedule change (EM task ${outcome.taskId}) has not finished yet; try again when it has.`,
        ),
      );
      audit(surface.logger, { ...auditBase, taskId: outcome.taskId, outcome: 'busy' });
    }
    return outcome.kind === 'accepted' ? 'sent' : 'not-sent';
  } catch (err) {
    surface.logger.error('EM action failed', { action, target: targetId(target), err: String(err) });
    await show(actionFailedMessage(action, target, describeEmError(err)));
    audit(surface.logger, { ...auditBase, outcome: 'failed', detail: describeEmError(err) });
    // An EmError comes from the EM call itself (no 202); anything else may have come after EM accepted.
    return isEmError(err) ? 'not-sent' : 'sent';
  }
}

/** Slash commands cannot be typed in threads: the bot posts its own parent and threads the result under it. */
async function postParent(
  surface: SlackSurface,
  client: WebClient,
  execution: Execution,
): Promise<{ ts: string; threadTs: string } | undefined> {
  const message = actionSendingMessage(execution.action, execution.target, execution.requestedBy);
  try {
    const posted = await client.chat.postMessage({
      channel: execution.channel,
      ...(execution.threadTs ? { thread_ts: execution.threadTs } : {}),
      text: message.text,
      blocks: message.blocks,
    });
    if (!posted.ts) throw new Error('chat.postMessage returned no ts');
    return { ts: posted.ts, threadTs: execution.threadTs ?? posted.ts };
  } catch (err) {
    surface.logger.error('could not post the action message', {
      channel: execution.channel,
      err: String(err),
    });
    await execution.tellUser(
      `:x: I could not post in this channel, so I did not send ${ACTION_VERBS[execution.action]} to EM: ${describeSlackError(err)}`,
    );
    return undefined;
  }
}

async function cancelTask(
  surface: SlackSurface,
  client: WebClient,
  execution: Execution,
  auditBase: { user: string; channel: string; action: string; target: string; approver?: string },
): Promise<ExecutionResult> {
  const taskId = execution.target.kind === 'task' ? execution.target.taskId : '';
  try {
    await surface.watcher.cancel(taskId, execution.approvedBy ?? execution.requestedBy);
    audit(surface.logger, { ...auditBase, taskId, outcome: 'accepted' });
    if (execution.parent) {
      const sent = actionNotNeededMessage(`Cancel of EM task ${taskId} was sent to Enterprise Manager.`);
      const done = execution.note ? withContext(sent, execution.note) : sent;
      await client.chat
        .update({ channel: execution.channel, ts: execution.parent.ts, text: done.text, blocks: done.blocks })
        .catch((err: unknown) =>
          surface.logger.warn('could not update the cancel message', { err: String(err) }),
        );
    }
    return 'sent';
  } catch (err) {
    surface.logger.error('task cancel failed', { taskId, err: String(err) });
    // A refusal (finished, not watched, reused ID) says why in its own words; anything else is EM's.
    const reason = isTaskCancelRefused(err) ? err.message : describeEmError(err);
    audit(surface.logger, { ...auditBase, taskId, outcome: 'failed', detail: reason });
    await execution.tellUser(`:x: Could not cancel EM task ${taskId}: ${reason}`);
    return 'not-sent';
  }
}

/** Runs an approved request with the request message as the parent. */
export function executeApproved(
  surface: SlackSurface,
  client: WebClient,
  approval: Approval,
  tellUser: Execution['tellUser'],
) {
  const ts = approval.messageTs ?? '';
  return executeAction(surface, client, {
    action: approval.action,
    target: approval.target,
    requestedBy: approval.requestedBy,
    approvedBy: approval.decidedBy,
    channel: approval.channel,
    parent: { ts, threadTs: approval.threadTs ?? ts },
    note: approvalOutcome(approval),
    tellUser,
  });
}

function watchTarget(target: ActionTarget): WatchTarget {
  if (target.kind === 'task') throw new Error('a task is not watched as a target');
  return target;
}

function wantedState(
  action: ActionName,
  jobBefore: AgentBackupJob | undefined,
): { wantedScheduleEnabled?: boolean } {
  if (action === 'enable') return { wantedScheduleEnabled: true };
  if (action === 'disable') return { wantedScheduleEnabled: false };
  if (action === 'toggle' && jobBefore) return { wantedScheduleEnabled: !jobBefore.scheduleEnabled };
  return {};
}
