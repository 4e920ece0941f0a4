// Replicas on a shared store: a thread reply an earlier leader already sent is not sent again. The watcher's
// outbox saves its removal of a sent post with the section's coalesced write; a leader killed inside that window
// leaves the post behind for the next leader. Marking each reply in the store right after Slack's ok shrinks the
// window to one round trip, and the next leader checks the mark before it posts.

import type { Logger } from './log/logger.js';
import { sendMarkedOnce } from './state/marked-once.js';
import type { StateStore } from './state/state-store.js';
import type { WatchSpec } from './watch/types.js';
import type { PublishResult, WatchMessage, WatchPublisher } from './watch/watch-publisher.js';
import { watchKey } from './watch/watch-record.js';

/** Long past any watch's life (TASK_TIMEOUT_MINUTES tops out at a week of watching, results go out at once). */
const SENT_MARK_MS = 7 * 24 * 3_600_000;

export function repliesOnce(publisher: WatchPublisher, store: StateStore, logger: Logger): WatchPublisher {
  return {
    async publish(spec: WatchSpec, message: WatchMessage): Promise<PublishResult> {
      // The outbox hands over its saved item, whose id is stable across leaders; a parent update twice is harmless.
      const id = (message as { id?: unknown }).id;
      if (message.kind !== 'reply' || typeof id !== 'number') return publisher.publish(spec, message);
      let result: PublishResult = { outcome: 'sent' };
      await sendMarkedOnce(
        store,
        logger,
        {
          key: `sent:${watchKey(spec)}:${id}`,
          ttlMs: SENT_MARK_MS,
          what: 'reply',
          context: { taskId: spec.taskId },
        },
        async () => {
          result = await publisher.publish(spec, message);
          return result.outcome === 'sent' ? 'sent' : undefined;
        },
      );
      return result;
    },
  };
}
