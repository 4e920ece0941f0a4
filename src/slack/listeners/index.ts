// Entry point of the Slack surface: builds policy, approvals and per-job locks from the deps, then registers
// the listeners by kind (as in Slack's bolt-ts-starter-template), each with a register(app, surface).

import type { App } from '@slack/bolt';
import { ApprovalBook } from '../../ops/approvals.js';
import { JobLocks } from '../../ops/job-locks.js';
import { Policy } from '../../ops/policy.js';
import { ScheduleSwitch } from '../../ops/schedule-switch.js';
import type { SlackDeps } from '../deps.js';
import type { SlackSurface } from '../surface.js';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';

export type { SlackDeps } from '../deps.js';

/** How long a schedule toggle may hold its job's lock waiting for EM's Task to finish. */
const SCHEDULE_SETTLE_MS = 30_000;

export function registerListeners(app: App, deps: SlackDeps): void {
  const policy = new Policy(deps.config.policy, async (usergroup) => {
    const answer = await app.client.usergroups.users.list({ usergroup });
    return answer.users ?? [];
  });
  const surface: SlackSurface = {
    ...deps,
    policy,
    approvals: new ApprovalBook(deps.clock, deps.config.policy.approvalTtlMinutes),
    schedule: new ScheduleSwitch({
      em: deps.em,
      locks: new JobLocks(),
      logger: deps.logger,
      pollIntervalMs: Math.min(deps.config.watch.pollIntervalMs, 1_000),
      settleTimeoutMs: SCHEDULE_SETTLE_MS,
    }),
  };
  commands.register(app, surface);
  actions.register(app, surface);
}
