// The incident monitor's publisher for Slack: renders its neutral events (messages/incident.ts, messages/storm.ts)
// and sends them through the one ChannelPoster. A failed post rejects, so the monitor keeps the event for later.

import type { IncidentPost, IncidentPublisher, IncidentUpdate } from '../notify/incident-publisher.js';
import type { SlackMessage } from './block-kit.js';
import type { ChannelPoster } from './channel-poster.js';
import {
  emBackMessage,
  emDownMessage,
  incidentFollowUp,
  incidentMessage,
  longRunningEndedMessage,
  longRunningMessage,
  resolvedMessage,
  resolvedReply,
} from './messages/incident.js';
import { stormSummaryMessage } from './messages/storm.js';

export function createSlackIncidentPublisher(poster: ChannelPoster): IncidentPublisher {
  return {
    post: (channel, event, threadTs) => poster.post(channel, renderIncidentPost(event), { threadTs }),
    update: (channel, ts, event) => poster.update(channel, ts, renderIncidentUpdate(event)),
  };
}

export function renderIncidentPost(event: IncidentPost): SlackMessage {
  switch (event.kind) {
    case 'incident-opened':
      return incidentMessage(event.card, event.mention);
    case 'incident-repeated':
      return incidentFollowUp(event.card, event.session, event.mention);
    case 'incident-resolved':
      return resolvedReply(event.card, event.success);
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

export function renderIncidentUpdate(event: IncidentUpdate): SlackMessage {
  switch (event.kind) {
    case 'incident-changed':
      return incidentMessage(event.card, event.mention);
    case 'incident-resolved':
      return resolvedMessage(event.card, event.success);
    case 'storm-changed':
      return stormSummaryMessage(event.storm, event.mention);
    case 'long-running-ended':
      return longRunningEndedMessage(event.session);
  }
}
