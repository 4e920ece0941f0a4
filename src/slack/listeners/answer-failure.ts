// What every listener does when its work throws: log it with context, and tell the user in plain words (no stack).

import { isStoreUnavailable } from '../../state/store-unavailable.js';
import type { SlackDeps } from '../deps.js';
import { describeSlackError, isSlackApiError } from '../describe-slack-error.js';
import { emErrorMrkdwn } from '../em-error-mrkdwn.js';
import type { Origin } from '../origin.js';

/** `what`: the listener, for the log line; `nextStep`: what the user can type or click instead. */
export async function answerFailure(
  deps: SlackDeps,
  origin: Origin,
  what: string,
  error: unknown,
  nextStep: string,
): Promise<void> {
  deps.logger.error(`${what} failed`, { user: origin.user, channel: origin.channel, error });
  if (isStoreUnavailable(error)) {
    await origin.tellUser(
      ":x: The bot's shared state (Redis) is unreachable; nothing was done. Try again shortly.",
    );
    return;
  }
  const reason = isSlackApiError(error) ? describeSlackError(error) : emErrorMrkdwn(error);
  await origin.tellUser(`:x: That did not work: ${reason}\n${nextStep}`);
}
