// The demo's people, channels and local stack: who may do what in the scripted conversation.

import type { Logger } from '../log/logger.js';
import { type LocalStack, startLocalStack } from './local-stack.js';

export const PEOPLE = { alice: 'UALICE', bob: 'UBOB', carol: 'UCAROL' } as const;
export const CHANNELS = { ops: 'COPS', incidents: 'CINCIDENTS' } as const;
export const NAMES: Record<string, string> = {
  [PEOPLE.alice]: 'alice (operator, approver)',
  [PEOPLE.bob]: 'bob (approver)',
  [PEOPLE.carol]: 'carol (operator)',
  SONCALL: 'backup-oncall',
  [CHANNELS.ops]: 'backup-ops',
  [CHANNELS.incidents]: 'backup-incidents',
};

/** The local stack with the demo's people, channels and a simulator tuned to finish in seconds. */
export function startDemoStack(logger: Logger): Promise<LocalStack> {
  return startLocalStack({
    logger,
    sim: { taskDurationMs: 400, backupDurationMs: 1_500, failureRate: 0 },
    usergroups: { SONCALL: [PEOPLE.carol] },
    slackRetryConfig: { retries: 3, factor: 1, minTimeout: 50, maxTimeout: 200 },
    env: {
      VEEAM_OPERATORS: `${PEOPLE.alice},SONCALL`,
      // alice may approve too, but never her own request.
      VEEAM_APPROVERS: `${PEOPLE.alice},${PEOPLE.bob}`,
      VEEAM_ALLOWED_CHANNELS: `${CHANNELS.ops},${CHANNELS.incidents}`,
      VEEAM_INCIDENT_CHANNEL: CHANNELS.incidents,
      VEEAM_INCIDENT_MENTION: 'SONCALL',
      TASK_POLL_INTERVAL_MS: '200',
      // The scenario polls the monitor itself, so the timer never interleaves with it.
      VEEAM_MONITOR_INTERVAL_SECONDS: '3600',
    },
  });
}
