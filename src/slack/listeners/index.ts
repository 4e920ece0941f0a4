// Entry point of the Slack surface: builds policy, approvals and per-job locks from the deps, then registers
// the listeners by kind (as in Slack's bolt-ts-starter-template), each with a register(app, surface).

import type { App } from '@slack/bolt';
import { type Approval, ApprovalBook } from '../../ops/approvals.js';
import { audit } from '../../ops/audit.js';
import { targetId } from '../../ops/intent.js';
import { JobLocks } from '../../ops/job-locks.js';
import { Policy } from '../../ops/policy.js';
import { RecentActions } from '../../ops/recent-actions.js';
import { ScheduleSwitch } from '../../ops/schedule-switch.js';
import { approvalClosedMessage } from '../blocks.js';
import type { SlackDeps } from '../deps.js';
import type { SlackSurface } from '../surface.js';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';

export type { SlackDeps } from '../deps.js';

/** How long a schedule toggle may hold its job's lock waiting for EM's Task to finish. */
const SCHEDULE_SETTLE_MS = 30_000;

/** How often pending approvals are checked for expiry; a cheap in-memory scan. */
const APPROVAL_SWEEP_MS = 1_000;

export interface SlackListeners {
  /** Stops the approval-expiry sweep. */
  stop(): void;
}

export function registerListeners(app: App, deps: SlackDeps): SlackListeners {
  const policy = new Policy(deps.config.policy, async (usergroup) => {
    const answer = await app.client.usergroups.users.list({ usergroup });
    return answer.users ?? [];
  });
  const surface: SlackSurface = {
    ...deps,
    policy,
    approvals: new ApprovalBook(deps.clock, deps.config.policy.approvalTtlMinutes),
    recentActions: new RecentActions(deps.config.policy.repeatWindowSeconds),
    schedule: new ScheduleSwitch({
      em: deps.em,
      locks: new JobLocks(),
      logger: deps.logger,
      pollIntervalMs: Math.min(deps.config.watch.pollIntervalMs, 1_000),
      settleTimeoutMs: SCHEDULE_SETTLE_MS,
      clock: deps.clock,
    }),
  };
  commands.register(app, surface);
  actions.register(app, surface);

  // An expired request must say so on its own, not only when someone clicks it.
  const sweep = setInterval(() => {
    for (const approval of surface.approvals.expireDue()) void announceExpiry(surface, app, approval);
  }, APPROVAL_SWEEP_MS);
  sweep.unref();
  return {
    stop() {
      clearInterval(sweep);
      surface.approvals.close();
      surface.recentActions.close();
    },
  };
}

async function announceExpiry(surface: SlackSurface, app: App, approval: Approval): Promise<void> {
  audit(surface.logger, {
    user: approval.requestedBy,
    channel: approval.channel,
    action: approval.action,
    target: targetId(approval.target),
    outcome: 'expired',
  });
  if (approval.messageTs === undefined) return;
  const message = approvalClosedMessage(approval);
  await app.client.chat
    .update({ channel: approval.channel, ts: approval.messageTs, text: message.text, blocks: message.blocks })
    .catch((err: unknown) =>
      surface.logger.warn('could not mark an approval request expired', { err: String(err) }),
    );
}
