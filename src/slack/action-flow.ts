// The path of every write: permission → approval request or direct run → EM 202 → running parent → watcher.

import { describeEmError, isEmError } from '../em/errors.js';
import type { Job, Task } from '../em/types.js';
import type { ActionName } from '../ops/action-name.js';
import type { Approval } from '../ops/approvals.js';
import { audit } from '../ops/audit.js';
import type { InFlightLog } from '../ops/in-flight.js';
import { type ActionTarget, targetId } from '../ops/intent.js';
import { jobActionFor, offers } from '../ops/offered-actions.js';
import { type ActionOutcome, performAction } from '../ops/perform-action.js';
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
import type { SlackDeps } from './deps.js';
import { describeSlackError } from './describe-slack-error.js';
import { emErrorMrkdwn } from './em-error-mrkdwn.js';
import { ACTION_VERBS, describeAction } from './messages/task.js';
import { escapeMrkdwn, userMention } from './mrkdwn.js';
import type { Origin } from './origin.js';

/** `inFlight`, where given, hears of every approval request and accepted order (previews mention them). */
type FlowDeps = SlackDeps & { inFlight?: InFlightLog };

interface ActionRequest {
  action: ActionName;
  target: ActionTarget;
}

/** Writes need an operator; says why not to the user and audits the refusal (`what`: action and target as asked). */
export async function authorizeWrite(
  deps: SlackDeps,
  origin: Origin,
  what: { action: string; target: string },
): Promise<boolean> {
  const decision = await deps.policy.mayOperate(origin.user);
  if (decision.ok) return true;
  await origin.tellUser(`:no_entry: ${decision.reason}`);
  audit(deps.logger, {
    user: origin.user,
    channel: origin.channel,
    ...what,
    outcome: 'refused',
    detail: decision.reason,
  });
  return false;
}

/** For enable/disable: true (and the user told) when the job is already as wished. Not authoritative: the lock is. */
export async function alreadyInState(origin: Origin, action: ActionName, job: Job): Promise<boolean> {
  if ((action === 'enable' && job.scheduleEnabled) || (action === 'disable' && !job.scheduleEnabled)) {
    await origin.tellUser(
      `The schedule of *${escapeMrkdwn(job.name)}* is already ${job.scheduleEnabled ? 'enabled' : 'disabled'}; nothing to do.`,
    );
    return true;
  }
  return false;
}

/**
 * True (and the user told, privately) when EM offers no link for the action on this job right now: nothing is
 * asked for or sent. performAction checks again on the job it reads, for a change in between.
 */
export async function notOffered(origin: Origin, action: ActionName, job: Job): Promise<boolean> {
  const emAction = jobActionFor(action, job);
  if (emAction === undefined || offers(job, emAction)) return false;
  const what =
    action === 'enable' || action === 'disable' || action === 'toggle' ? 'schedule toggle' : action;
  const hint =
    action === 'retry'
      ? ' EM offers Retry only after a failed run.'
      : action === 'stop'
        ? ' It offers Stop only while the job runs.'
        : '';
  await origin.tellUser(
    `Enterprise Manager offers no ${what} for *${escapeMrkdwn(job.name)}* right now, so nothing was sent.${hint} \`/veeam job ${escapeMrkdwn(job.name)}\` shows what it offers.`,
  );
  return true;
}

/** An authorised write: ask for approval when policy says so, otherwise run it now. */
export async function requestAction(deps: FlowDeps, origin: Origin, request: ActionRequest): Promise<void> {
  // A double click or a repeated command within seconds is a repeat, not a second order.
  const key = `${request.action}:${targetId(request.target)}`;
  const earlier = await deps.recentActions.claim(key, origin.user);
  if (earlier !== undefined) {
    const ago = Math.max(0, Math.round((deps.clock.now() - earlier.at) / 1000));
    await origin.tellUser(
      `:repeat: ${describeAction(request.action, request.target)} was just asked for by ${userMention(earlier.user)} (${ago} s ago); I did not send it again. Its result will appear in its thread.`,
    );
    audit(deps.logger, {
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
    placed = deps.policy.needsApproval(request.action)
      ? await requestApproval(deps, origin, request)
      : (await executeAction(deps, {
          ...request,
          requestedBy: origin.user,
          channel: origin.channel,
          threadTs: origin.threadTs,
          tellUser: origin.tellUser,
        })) === 'sent';
  } finally {
    if (!placed) await deps.recentActions.release(key);
  }
}

/** True when the request was posted for approvers to decide. */
async function requestApproval(deps: FlowDeps, origin: Origin, request: ActionRequest): Promise<boolean> {
  const approval = await deps.approvals.create({
    action: request.action,
    target: request.target,
    requestedBy: origin.user,
    channel: origin.channel,
    threadTs: origin.threadTs,
  });
  const message = approvalRequestMessage(approval);
  try {
    const posted = await deps.slack.chat.postMessage({
      channel: origin.channel,
      ...(origin.threadTs ? { thread_ts: origin.threadTs } : {}),
      text: message.text,
      blocks: message.blocks,
    });
    if (posted.ts) await deps.approvals.attachMessage(approval.id, posted.ts);
  } catch (error) {
    deps.logger.error('could not post an approval request', {
      approvalId: approval.id,
      channel: origin.channel,
      error,
    });
    await origin.tellUser(
      `:x: I could not post the approval request in this channel, so nothing was done: ${describeSlackError(error)}`,
    );
    return false;
  }
  audit(deps.logger, {
    user: origin.user,
    channel: origin.channel,
    action: request.action,
    target: targetId(request.target),
    outcome: 'approval-requested',
  });
  deps.inFlight?.note(targetId(request.target), {
    kind: 'approval-requested',
    action: request.action,
    user: origin.user,
    approvalId: approval.id,
  });
  await origin.tellUser(
    `${describeAction(request.action, request.target)} needs an approval; I asked in the channel. It expires in ${deps.config.policy.approvalTtlMinutes} minutes.`,
  );
  return true;
}

interface Execution extends ActionRequest {
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
type ExecutionResult = 'sent' | 'not-sent';

type AuditBase = { user: string; channel: string; action: string; target: string; approver?: string };
type Parent = { ts: string; threadTs: string };
type ShowOnParent = (message: SlackMessage) => Promise<void>;

/** Runs an action now. Every failure ends up in the parent message or, failing that, with the user. */
export async function executeAction(deps: FlowDeps, execution: Execution): Promise<ExecutionResult> {
  const { action, target } = execution;
  const auditBase: AuditBase = {
    user: execution.requestedBy,
    channel: execution.channel,
    action,
    target: targetId(target),
    approver: execution.approvedBy,
  };
  if (action === 'task-cancel' || target.kind === 'task') {
    return cancelTask(deps, execution, auditBase);
  }
  const parent = execution.parent ?? (await postParent(deps, execution));
  if (parent === undefined) return 'not-sent';
  const show = showOnParent(deps, execution, parent);
  const onAccepted = watchAccepted(deps, execution, parent, auditBase);
  try {
    const outcome = await performAction(deps.em, deps.schedule, action, target, onAccepted);
    if (outcome.kind !== 'accepted') await showNothingSent(deps, execution, show, outcome, auditBase);
    return outcome.kind === 'accepted' ? 'sent' : 'not-sent';
  } catch (error) {
    deps.logger.error('EM action failed', { action, target: targetId(target), error });
    await show(actionFailedMessage(action, target, emErrorMrkdwn(error)));
    audit(deps.logger, { ...auditBase, outcome: 'failed', detail: describeEmError(error) });
    // An EmError comes from the EM call itself (no 202); anything else may have come after EM accepted.
    return isEmError(error) ? 'not-sent' : 'sent';
  }
}

/** Shows a state on the parent (with the execution's note); when Slack refuses the update, tells the user instead. */
function showOnParent(deps: SlackDeps, execution: Execution, parent: Parent): ShowOnParent {
  return async (message) => {
    const full = execution.note ? withContext(message, execution.note) : message;
    try {
      await deps.slack.chat.update({
        channel: execution.channel,
        ts: parent.ts,
        text: full.text,
        blocks: full.blocks,
      });
    } catch (error) {
      deps.logger.warn('could not update the action message', {
        channel: execution.channel,
        ts: parent.ts,
        error,
      });
      await execution.tellUser(full);
    }
  };
}

/** What happens on EM's 202: the watcher takes the Task over, and the order is audited as accepted. */
function watchAccepted(deps: FlowDeps, execution: Execution, parent: Parent, auditBase: AuditBase) {
  const { action, target } = execution;
  const requestedAt = deps.clock.now();
  return async (task: Task, jobBefore?: Job): Promise<void> => {
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
    deps.watcher.watch(spec, { runningParent: { note: execution.note } });
    audit(deps.logger, { ...auditBase, taskId: task.id, outcome: 'accepted' });
    deps.inFlight?.note(targetId(target), {
      kind: 'sent',
      action,
      user: execution.requestedBy,
      taskId: task.id,
    });
  };
}

/** A schedule change that needed no order (already as wished) or could not be sent yet (an earlier one settling). */
async function showNothingSent(
  deps: SlackDeps,
  execution: Execution,
  show: ShowOnParent,
  outcome: Exclude<ActionOutcome, { kind: 'accepted' }>,
  auditBase: AuditBase,
): Promise<void> {
  if (outcome.kind === 'already') {
    const state = outcome.job.scheduleEnabled ? 'enabled' : 'disabled';
    await show(
      actionNotNeededMessage(
        `The schedule of *${escapeMrkdwn(outcome.job.name)}* is already ${state}; nothing was changed.`,
      ),
    );
    audit(deps.logger, { ...auditBase, outcome: 'already-in-state' });
    return;
  }
  const reason =
    outcome.taskId === undefined
      ? 'an earlier schedule change of this job got no answer from EM and may still be applied; try again in a minute.'
      : `an earlier schedule change (EM task ${outcome.taskId}) has not finished yet; try again when it has.`;
  await show(actionFailedMessage(execution.action, execution.target, reason));
  audit(deps.logger, { ...auditBase, taskId: outcome.taskId, outcome: 'busy' });
}

/** Slash commands cannot be typed in threads: the bot posts its own parent and threads the result under it. */
async function postParent(
  deps: SlackDeps,
  execution: Execution,
): Promise<{ ts: string; threadTs: string } | undefined> {
  const message = actionSendingMessage(execution.action, execution.target, execution.requestedBy);
  try {
    const posted = await deps.slack.chat.postMessage({
      channel: execution.channel,
      ...(execution.threadTs ? { thread_ts: execution.threadTs } : {}),
      text: message.text,
      blocks: message.blocks,
    });
    if (!posted.ts) throw new Error('chat.postMessage returned no ts');
    return { ts: posted.ts, threadTs: execution.threadTs ?? posted.ts };
  } catch (error) {
    deps.logger.error('could not post the action message', {
      channel: execution.channel,
      error,
    });
    await execution.tellUser(
      `:x: I could not post in this channel, so I did not send ${ACTION_VERBS[execution.action]} to EM: ${describeSlackError(error)}`,
    );
    return undefined;
  }
}

async function cancelTask(
  deps: SlackDeps,
  execution: Execution,
  auditBase: AuditBase,
): Promise<ExecutionResult> {
  const taskId = execution.target.kind === 'task' ? execution.target.taskId : '';
  try {
    await deps.watcher.cancel(taskId, execution.approvedBy ?? execution.requestedBy);
    audit(deps.logger, { ...auditBase, taskId, outcome: 'accepted' });
    if (execution.parent) {
      const sent = actionNotNeededMessage(`Cancel of EM task ${taskId} was sent to Enterprise Manager.`);
      const done = execution.note ? withContext(sent, execution.note) : sent;
      await deps.slack.chat
        .update({ channel: execution.channel, ts: execution.parent.ts, text: done.text, blocks: done.blocks })
        .catch((error: unknown) => deps.logger.warn('could not update the cancel message', { error }));
    }
    return 'sent';
  } catch (error) {
    deps.logger.error('task cancel failed', { taskId, error });
    // A refusal (finished, not watched, reused ID) says why in its own words; anything else is EM's.
    const reason = isTaskCancelRefused(error) ? error.message : describeEmError(error);
    audit(deps.logger, { ...auditBase, taskId, outcome: 'failed', detail: reason });
    const shown = isTaskCancelRefused(error) ? escapeMrkdwn(reason) : emErrorMrkdwn(error);
    await execution.tellUser(`:x: Could not cancel EM task ${escapeMrkdwn(taskId)}: ${shown}`);
    return 'not-sent';
  }
}

/** Runs an approved request with the request message as the parent. */
export function executeApproved(deps: FlowDeps, approval: Approval, tellUser: Execution['tellUser']) {
  const ts = approval.messageTs ?? '';
  return executeAction(deps, {
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

function wantedState(action: ActionName, jobBefore: Job | undefined): { wantedScheduleEnabled?: boolean } {
  if (action === 'enable') return { wantedScheduleEnabled: true };
  if (action === 'disable') return { wantedScheduleEnabled: false };
  if (action === 'toggle' && jobBefore) return { wantedScheduleEnabled: !jobBefore.scheduleEnabled };
  return {};
}
