// The incident monitor's publisher for Slack: renders its neutral events (incident.ts, storm.ts)
// and sends them through the one ChannelPoster. When Slack refuses the blocks, the text goes alone: an incident is
// never lost to a layout Slack did not take. A post that can be retried rejects, so the monitor keeps it for later.

import type { Logger } from '../../log/logger.js';
import {
  DroppedForGood,
  type IncidentPost,
  type IncidentPublisher,
  type IncidentUpdate,
} from '../../notify/incident-publisher.js';
import type { SlackMessage } from '../block-kit.js';
import { type ChannelPoster, classifyPostFailure } from '../channel-poster.js';
import { slackErrorCode } from '../describe-slack-error.js';
import {
  emBackMessage,
  emDownMessage,
  incidentFollowUp,
  incidentMessage,
  longRunningEndedMessage,
  longRunningMessage,
  resolvedMessage,
  resolvedReply,
  retriesOverReply,
} from './incident.js';
import { stormSummaryMessage } from './storm.js';

export function createIncidentPublisher(poster: ChannelPoster, logger: Logger): IncidentPublisher {
  return {
    async post(channel, event, threadTs) {
      const message = renderIncidentPost(event);
      const send = (textOnly: boolean) => poster.post(channel, message, { threadTs, textOnly });
      return sendOrFallBack(send, logger, { what: 'post', kind: event.kind, channel, threadTs });
    },
    async update(channel, ts, event) {
      const message = renderIncidentUpdate(event);
      const send = (textOnly: boolean) => poster.update(channel, ts, message, { textOnly });
      await sendOrFallBack(send, logger, { what: 'update', kind: event.kind, channel, ts });
    },
  };
}

/**
 * Sends the message; when Slack refuses its blocks (invalid_blocks), sends its text alone and logs why. A refusal
 * no retry fixes becomes DroppedForGood (logged here); anything else rejects as it came, to be tried again.
 */
async function sendOrFallBack<T>(
  send: (textOnly: boolean) => Promise<T>,
  logger: Logger,
  context: Record<string, unknown>,
): Promise<T> {
  try {
    return await send(false);
  } catch (error) {
    const failure = classifyPostFailure(error);
    if (failure === 'retry') throw error;
    if (failure === 'permanent') throw dropped(error, logger, context);
    logger.error('Slack refused the blocks of an incident message (a bot bug); sending its text alone', {
      ...context,
      slackError: slackErrorCode(error),
      slackErrors: slackErrorDetails(error),
    });
  }
  try {
    return await send(true);
  } catch (error) {
    if (classifyPostFailure(error) === 'retry') throw error;
    // Slack refused the text alone too: the same text will never pass.
    throw dropped(error, logger, context);
  }
}

function dropped(error: unknown, logger: Logger, context: Record<string, unknown>): DroppedForGood {
  const code = slackErrorCode(error) ?? 'unknown';
  logger.error('Slack will never take this incident message; it is dropped', {
    ...context,
    slackError: code,
  });
  return new DroppedForGood(`Slack refused the incident message for good (${code})`, { cause: error });
}

/** Slack's own list of what it disliked in the blocks (response_metadata.messages), for the log. */
function slackErrorDetails(error: unknown): unknown {
  const data = (error as { data?: { errors?: unknown; response_metadata?: { messages?: unknown } } }).data;
  return data?.errors ?? data?.response_metadata?.messages;
}

function renderIncidentPost(event: IncidentPost): SlackMessage {
  switch (event.kind) {
    case 'incident-opened':
      return incidentMessage(event.card, event.mention);
    case 'incident-repeated':
      return incidentFollowUp(event.card, event.session, event.mention);
    case 'incident-resolved':
      return resolvedReply(event.card, event.success, event.recoveredOn);
    case 'retries-over':
      return retriesOverReply(event.card, event.mention);
    case 'storm-opened':
      return stormSummaryMessage(event.storm, event.mention);
    case 'long-running':
      return longRunningMessage(event.session, event.nowMs);
    case 'em-down':
      return emDownMessage(event.description, event.sinceMs, event.failedPolls);
    case 'em-back':
      return emBackMessage(event.sinceMs, event.nowMs);
  }
}

function renderIncidentUpdate(event: IncidentUpdate): SlackMessage {
  switch (event.kind) {
    case 'incident-changed':
      return incidentMessage(event.card, event.mention);
    case 'incident-resolved':
      return resolvedMessage(event.card, event.success, event.recoveredOn);
    case 'storm-changed':
      return stormSummaryMessage(event.storm, event.mention);
    case 'long-running-ended':
      return longRunningEndedMessage(event.session);
  }
}
