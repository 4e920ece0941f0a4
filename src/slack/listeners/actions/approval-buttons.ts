// Approve / Deny on an approval request: approver rights for the clicking user, a click on the request's own
// message only, one decision ever, then run it.

import type { Approval, DecideResult, Verdict } from '../../../ops/approvals.js';
import { type AuditEntry, audit } from '../../../ops/audit.js';
import { targetId } from '../../../ops/intent.js';
import { executeApproved } from '../../action-flow.js';
import { approvalBlockId } from '../../action-ids.js';
import type { SlackMessage } from '../../block-kit.js';
import { approvalClosedMessage, approvalOutcome } from '../../blocks.js';
import type { SlackDeps } from '../../deps.js';
import { isHomeClick } from '../../home/home-click-place.js';
import type { Origin } from '../../origin.js';
import { type Click, clickHandler } from './click-handler.js';

const UNKNOWN_REQUEST =
  'That approval request is no longer known (expired, or the bot restarted). Nothing was done; the requester can ask again.';

export function approvalButton(deps: SlackDeps, verdict: Verdict) {
  return clickHandler(deps, verdict, async ({ value, origin, body }: Click) => {
    const allowed = await deps.policy.mayApprove(origin.user);
    if (!allowed.ok) {
      await refuseNonApprover(deps, origin, value, verdict, allowed.reason);
      return;
    }
    // The check below is only for the click's origin; decide() is the atomic compare-and-set in the store.
    const approval = await deps.approvals.get(value);
    // Unknown: the clicked message is left as it is, whatever it is; only the clicking user is told.
    if (approval === undefined) return origin.tellUser(UNKNOWN_REQUEST);
    const elsewhere = clickedElsewhere(approval, body);
    if (elsewhere !== undefined) return refuseElsewhere(deps, origin, approval, elsewhere);
    await answerDecision(deps, origin, await deps.approvals.decide(value, origin.user, verdict));
  });
}

/**
 * Why a click is not on the request its value names, or undefined when it is: an approval ID is only honoured from
 * the request's own message (its channel and ts, as posted) and its own Approve/Deny block.
 */
function clickedElsewhere(approval: Approval, body: Click['body']): string | undefined {
  // The Home tab shows the request's own block (only the bot publishes it): the block check below applies.
  if (!isHomeClick(body as { view?: { type?: string } })) {
    if (body.channel?.id !== approval.channel) return 'clicked in another channel than the request';
    if (approval.messageTs === undefined || body.message?.ts !== approval.messageTs) {
      return 'clicked on another message than the request';
    }
  }
  if (body.actions[0]?.block_id !== approvalBlockId(approval.id))
    return 'clicked in another block than the request';
  return undefined;
}

/** A click that names a request from somewhere else: nothing is decided or updated; the user and the audit say why. */
async function refuseElsewhere(
  deps: SlackDeps,
  origin: Origin,
  approval: Approval,
  why: string,
): Promise<void> {
  deps.logger.warn('refused an approval click not on its request', {
    approvalId: approval.id,
    user: origin.user,
    channel: origin.channel,
    why,
  });
  auditClosed(deps, origin, approval, 'refused', why);
  await origin.tellUser(
    ':no_entry: That button does not belong to the approval request it names, so nothing was done. Use the Approve or Deny button on the request itself.',
  );
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
  const approval = await deps.approvals.get(approvalId).catch(() => undefined);
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

async function answerDecision(deps: SlackDeps, origin: Origin, result: DecideResult): Promise<void> {
  switch (result.kind) {
    case 'unknown':
      await origin.tellUser(UNKNOWN_REQUEST);
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

/** The audit line of a click on a request: it closed it (expired, approved, denied) or was refused (self, elsewhere). */
function auditClosed(
  deps: SlackDeps,
  origin: Origin,
  approval: Approval,
  outcome: AuditEntry['outcome'],
  detail?: string,
): void {
  audit(deps.logger, {
    user: approval.requestedBy,
    channel: approval.channel,
    action: approval.action,
    target: targetId(approval.target),
    approver: origin.user,
    outcome,
    ...(detail === undefined ? {} : { detail }),
  });
}
