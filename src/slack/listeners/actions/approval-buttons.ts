// Approve / Deny on an approval request: approver rights for the clicking user, one decision ever, then run it.

import type { Approval, DecideResult, Verdict } from '../../../ops/approvals.js';
import { type AuditEntry, audit } from '../../../ops/audit.js';
import { targetId } from '../../../ops/intent.js';
import { executeApproved } from '../../action-flow.js';
import type { SlackMessage } from '../../block-kit.js';
import { approvalClosedMessage, approvalOutcome, plainMessage } from '../../blocks.js';
import type { SlackDeps } from '../../deps.js';
import type { Origin } from '../../origin.js';
import { type Click, clickHandler } from './click-handler.js';

export function approvalButton(deps: SlackDeps, verdict: Verdict) {
  return clickHandler(deps, verdict, async ({ value, origin, body }: Click) => {
    const allowed = await deps.policy.mayApprove(origin.user);
    if (!allowed.ok) {
      await refuseNonApprover(deps, origin, value, verdict, allowed.reason);
      return;
    }
    // decide() is synchronous: nothing awaits between reading "pending" and writing the decision.
    const result = deps.approvals.decide(value, origin.user, verdict);
    await answerDecision(deps, origin, body.message?.ts, result);
  });
}

async function refuseNonApprover(
  deps: SlackDeps,
  origin: Origin,
  approvalId: string,
  verdict: Verdict,
  reason: string,
): Promise<void> {
  await origin.tellUser(`:no_entry: ${reason}`);
  // The request may be unknown by now; the click is audited either way, against what it names.
  const approval = deps.approvals.get(approvalId);
  audit(deps.logger, {
    user: approval?.requestedBy ?? origin.user,
    channel: approval?.channel ?? origin.channel,
    action: approval?.action ?? verdict,
    target: approval ? targetId(approval.target) : approvalId,
    approver: origin.user,
    outcome: 'refused',
    detail: reason,
  });
}

/** `clickedTs`: the message the button was on, closed when the request behind it is no longer known. */
async function answerDecision(
  deps: SlackDeps,
  origin: Origin,
  clickedTs: string | undefined,
  result: DecideResult,
): Promise<void> {
  switch (result.kind) {
    case 'unknown':
      await closeMessage(
        deps,
        origin.channel,
        clickedTs,
        plainMessage(
          ':hourglass: This approval request is no longer known (it expired or the bot restarted); nothing was done. Ask again if it is still needed.',
        ),
      );
      await origin.tellUser(
        'That approval request is no longer known (expired, or the bot restarted). Nothing was done; the requester can ask again.',
      );
      return;
    case 'expired': {
      const { approval } = result;
      await closeMessage(deps, approval.channel, approval.messageTs, approvalClosedMessage(approval));
      await origin.tellUser('That request has expired; nothing was done. The requester can ask again.');
      auditClosed(deps, origin, approval, 'expired');
      return;
    }
    case 'self':
      await origin.tellUser(
        ':no_entry: You asked for this yourself, so you cannot decide it: another approver must approve or deny it.',
      );
      auditClosed(deps, origin, result.approval, 'self-approval-refused');
      return;
    case 'already':
      await origin.tellUser(`This request was already decided: ${approvalOutcome(result.approval)}`);
      return;
    case 'decided': {
      const { approval } = result;
      await closeMessage(deps, approval.channel, approval.messageTs, approvalClosedMessage(approval));
      auditClosed(deps, origin, approval, approval.status);
      if (approval.status === 'approved') await executeApproved(deps, approval, origin.tellUser);
      return;
    }
  }
}

async function closeMessage(
  deps: SlackDeps,
  channel: string,
  ts: string | undefined,
  message: SlackMessage,
): Promise<void> {
  if (!ts) return;
  await deps.slack.chat
    .update({ channel, ts, text: message.text, blocks: message.blocks })
    .catch((error: unknown) => deps.logger.warn('could not update the approval message', { ts, error }));
}

/** The audit line of a click on a request: it closed it (expired, approved, denied) or was refused (self). */
function auditClosed(
  deps: SlackDeps,
  origin: Origin,
  approval: Approval,
  outcome: AuditEntry['outcome'],
): void {
  audit(deps.logger, {
    user: approval.requestedBy,
    channel: approval.channel,
    action: approval.action,
    target: targetId(approval.target),
    approver: origin.user,
    outcome,
  });
}
