// What the incident channel is told when the shared state store (Redis) goes away and when it is back: once each,
// like the EM outage posts, so operators know failures may go unannounced meanwhile.

import { formatDurationFixed } from '../../watch/format-duration.js';
import { type SlackMessage, section, slackMessage } from '../block-kit.js';
import { formatUtc } from '../format-utc.js';

/** Posted once by the replica that was leading when the store stopped answering. */
export function storeDownMessage(sinceMs: number): SlackMessage {
  const line = `:rotating_light: The bot's shared state store (Redis) is unreachable since ${formatUtc(sinceMs)}. Failed jobs and task results are not being reported meanwhile, and actions that need to be recorded are refused; everything is picked up again as soon as the store answers.`;
  return slackMessage(line, [section(line)]);
}

/** Posted once by the same replica when the store answers again. */
export function storeBackMessage(sinceMs: number, nowMs: number): SlackMessage {
  const line = `:large_green_circle: The shared state store answers again (it was unreachable for ${formatDurationFixed(nowMs - sinceMs)}, since ${formatUtc(sinceMs)}). Runs that ended meanwhile are being checked now.`;
  return slackMessage(line, [section(line)]);
}
