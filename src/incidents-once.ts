// Replicas on a shared store: an incident post an earlier leader already made is not made again. The monitor
// saves what it announced with the section's coalesced write after its poll; a leader killed before that write
// leaves the sessions unannounced in the store, and the next leader would post them twice. Each post is marked
// in the store with its message ts right after Slack's ok; the next leader finds the mark and takes that ts.

import type { Logger } from './log/logger.js';
import type { IncidentPost, IncidentPublisher } from './notify/incident-publisher.js';
import { sendMarkedOnce } from './state/marked-once.js';
import type { StateStore } from './state/state-store.js';

/** Longer than the monitor remembers announced sessions (3 days). */
const POSTED_MARK_MS = 4 * 24 * 3_600_000;

/** What makes a post the same post on any replica; undefined: not marked (EM down/back say so once anyway). */
function postKey(event: IncidentPost): string | undefined {
  switch (event.kind) {
    case 'incident-opened':
      return `incident:${event.card.latest.id}`;
    case 'incident-repeated':
      return `incident:${event.session.id}`;
    case 'incident-resolved':
      return `resolved:${event.success.id}`;
    case 'storm-opened':
      return `storm:${event.storm.since}`;
    case 'long-running':
      return `long-running:${event.session.id}`;
    default:
      return undefined;
  }
}

export function incidentsOnce(
  publisher: IncidentPublisher,
  store: StateStore,
  logger: Logger,
): IncidentPublisher {
  return {
    update: (channel, ts, event) => publisher.update(channel, ts, event),
    async post(channel, event, threadTs) {
      const id = postKey(event);
      if (id === undefined) return publisher.post(channel, event, threadTs);
      const outcome = await sendMarkedOnce(
        store,
        logger,
        {
          key: `posted:${channel}:${id}`,
          ttlMs: POSTED_MARK_MS,
          what: 'incident post',
          context: { kind: event.kind },
        },
        () => publisher.post(channel, event, threadTs),
      );
      // The earlier leader's mark holds its message's ts: threads and updates go on from that message.
      return 'earlier' in outcome ? outcome.earlier : (outcome.sent as string);
    },
  };
}
