// A send a later leader must not repeat (a thread reply, an incident post): the store keeps a mark, holding what
// the send returned, from the moment Slack said ok; whoever finds the mark takes it instead of sending again.

import type { Logger } from '../log/logger.js';
import type { StateStore } from './state-store.js';

interface Mark {
  key: string;
  ttlMs: number;
  /** What is sent, for the log lines ("reply", "incident post"). */
  what: string;
  /** Log fields that say which one (no message text: it may carry EM's words). */
  context?: Record<string, unknown>;
}

/**
 * The earlier send's mark when there is one; otherwise `send()`, whose answer (undefined: nothing was sent) is
 * marked. A store that cannot be read or written costs the guarantee, never the send: the log says so.
 */
export async function sendMarkedOnce(
  store: StateStore,
  logger: Logger,
  mark: Mark,
  send: () => Promise<string | undefined>,
): Promise<{ earlier: string } | { sent: string | undefined }> {
  const earlier = await store.holder(mark.key).catch(() => undefined);
  if (earlier !== undefined) {
    logger.info(`${mark.what} already sent by an earlier leader; not sent again`, mark.context);
    return { earlier };
  }
  const sent = await send();
  if (sent !== undefined) {
    await store.claim(mark.key, mark.ttlMs, sent).catch((error: unknown) =>
      logger.warn(`could not mark a sent ${mark.what} in the store; a new leader may send it again`, {
        error,
      }),
    );
  }
  return { sent };
}
