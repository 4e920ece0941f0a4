// An approval request that expired says so on its own message, not only when someone clicks it.

import type { Approval } from '../ops/approvals.js';
import { audit } from '../ops/audit.js';
import { targetId } from '../ops/intent.js';
import { approvalClosedMessage } from './blocks.js';
import type { SlackDeps } from './deps.js';

export async function announceExpiry(deps: SlackDeps, approval: Approval): Promise<void> {
  audit(deps.logger, {
    user: approval.requestedBy,
    channel: approval.channel,
    action: approval.action,
    target: targetId(approval.target),
    outcome: 'expired',
  });
  if (approval.messageTs === undefined) return;
  const message = approvalClosedMessage(approval);
  await deps.slack.chat
    .update({ channel: approval.channel, ts: approval.messageTs, text: message.text, blocks: message.blocks })
    .catch((error: unknown) =>
      deps.logger.warn('could not mark an approval request expired', { approvalId: approval.id, error }),
    );
}
