// `/veeam …`: ack at once, then check the channel, parse, authorise and answer; EM is only called after the ack.

import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Intent } from '../../../ops/intent.js';
import { jobOverview } from '../../../ops/job-overview.js';
import { alreadyInState, authorizeWrite, notOffered } from '../../action-flow.js';
import { taskMessage } from '../../blocks.js';
import { helpFor } from '../../command-help.js';
import { jobCard } from '../../job-card-reader.js';
import { jobFromRef, jobTarget, sessionTarget } from '../../job-target.js';
import { jobListMessage } from '../../messages/job-list.js';
import { commandOrigin, type Origin } from '../../origin.js';
import { parseCommand } from '../../parse-command.js';
import { proposeWrite, type WriteDeps } from '../../preview-flow.js';
import { afterAck } from '../after-ack.js';
import { answerFailure } from '../answer-failure.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function veeamCommand(deps: WriteDeps) {
  return async ({ command, ack, respond }: Args): Promise<void> => {
    // Slack allows 3 s; EM may be slower than that, so nothing is awaited before the ack.
    await ack();
    await afterAck();
    const origin = commandOrigin(command.user_id, command.channel_id, respond, deps.logger);
    try {
      const parsed = parseCommand(command.text ?? '');
      // Help answers anywhere, saying where commands are taken; everything else only in an allowed channel.
      if (parsed.ok && parsed.intent.kind === 'help') {
        await origin.tellUser(await helpForUser(deps, origin));
        return;
      }
      const channel = deps.policy.channelAllowed(command.channel_id);
      if (!channel.ok) {
        await origin.tellUser(channel.reason);
        return;
      }
      if (!parsed.ok) {
        await origin.tellUser(parsed.error);
        return;
      }
      await runIntent(deps, origin, parsed.intent);
    } catch (error) {
      await answerFailure(deps, origin, '/veeam', error, 'Try again, or see `/veeam help`.');
    }
  };
}

/** The help for this user in this channel: their rights read from the policy (a group lookup may fail closed). */
async function helpForUser(deps: WriteDeps, origin: Origin): Promise<string> {
  const channel = deps.policy.channelAllowed(origin.channel);
  const operator = await deps.policy.mayOperate(origin.user);
  const approver = await deps.policy.mayApprove(origin.user);
  return helpFor({
    ...(channel.ok ? {} : { onlyIn: deps.policy.allowedChannelIds() }),
    ...(operator.ok ? {} : { operatorRefusal: operator.reason }),
    approver: approver.ok,
    needsApproval: (action) => deps.policy.needsApproval(action),
    needsPreview: (action) => deps.policy.needsPreview(action),
    approvalTtlMinutes: deps.config.policy.approvalTtlMinutes,
  });
}

async function runIntent(deps: WriteDeps, origin: Origin, intent: Intent): Promise<void> {
  switch (intent.kind) {
    case 'help':
      await origin.tellUser(await helpForUser(deps, origin));
      return;
    case 'jobs': {
      const view = { filter: intent.filter, failedOnly: intent.failedOnly, page: 0 };
      await origin.tellUser(jobListMessage(await jobOverview(deps.em, deps.clock.now(), view), view));
      return;
    }
    case 'job': {
      const job = await jobFromRef(deps, origin, intent.ref);
      if (job) await origin.tellUser(await jobCard(deps, job));
      return;
    }
    case 'task':
      await origin.tellUser(taskMessage(await deps.em.getTask(intent.taskId)));
      return;
    case 'job-action': {
      if (!(await authorizeWrite(deps, origin, { action: intent.action, target: intent.ref }))) return;
      const job = await jobFromRef(deps, origin, intent.ref, intent.action);
      if (!job || (await alreadyInState(origin, intent.action, job))) return;
      if (await notOffered(origin, intent.action, job)) return;
      await proposeWrite(deps, origin, { action: intent.action, target: jobTarget(job) });
      return;
    }
    case 'session-stop': {
      if (!(await authorizeWrite(deps, origin, { action: 'session-stop', target: intent.sessionId }))) return;
      const target = await sessionTarget(deps, origin, intent.sessionId);
      if (target) await proposeWrite(deps, origin, { action: 'session-stop', target });
      return;
    }
  }
}
