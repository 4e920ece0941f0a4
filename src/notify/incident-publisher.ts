// What the incident monitor hands to whoever shows incidents (the bot passes a Slack publisher in): neutral events
// saying what happened, never how it looks. Posts and updates of one channel's messages, addressed by their ts.

import type { Logger } from '../log/logger.js';
import type { Attempt, IncidentCard, SessionRecord, Storm } from './monitor-state.js';

/** Something new to post (top-level, or a reply when a thread ts is given). */
export type IncidentPost =
  /** A job's first problem run: its incident card. `mention` is who to page (only a failure pages). */
  | { kind: 'incident-opened'; card: IncidentCard; mention?: string }
  /** A further problem run of a job with an open incident; `card` already counts it. */
  | { kind: 'incident-repeated'; card: IncidentCard; session: SessionRecord; mention?: string }
  /** The first success after an incident; `recoveredOn` when it was one of Veeam's own retries. */
  | { kind: 'incident-resolved'; card: IncidentCard; success: SessionRecord; recoveredOn?: Attempt }
  /** No retry followed a failed attempt in time: it was the last one (`card.attempt.last`), and on-call is paged. */
  | { kind: 'retries-over'; card: IncidentCard; mention?: string }
  /** Many jobs failed at once: the summary whose thread takes their cards. */
  | { kind: 'storm-opened'; storm: Storm; mention?: string }
  /** A session running longer than the configured limit. */
  | { kind: 'long-running'; session: SessionRecord; nowMs: number }
  /** EM failed several polls in a row; `description` is describeEmError's text. */
  | { kind: 'em-down'; description: string; sinceMs: number; failedPolls: number }
  /** EM answers again after an em-down post. */
  | { kind: 'em-back'; sinceMs: number; nowMs: number };

/** A change to a message posted before. */
export type IncidentUpdate =
  /** The incident's tally or newest run changed. */
  | { kind: 'incident-changed'; card: IncidentCard; mention?: string }
  /** The incident resolved: its card keeps the facts and loses the buttons. */
  | { kind: 'incident-resolved'; card: IncidentCard; success: SessionRecord; recoveredOn?: Attempt }
  /** Jobs joined, changed or resolved in the storm. */
  | { kind: 'storm-changed'; storm: Storm; mention?: string }
  /** The long-running session ended. */
  | { kind: 'long-running-ended'; session: SessionRecord };

export interface IncidentPublisher {
  /**
   * Resolves with the new message's ts. Rejects with DroppedForGood when no retry can ever post it (the channel is
   * gone, the bot is not in it): the monitor logs and moves on. Any other rejection: the monitor tries again later.
   */
  post(channel: string, event: IncidentPost, threadTs?: string): Promise<string>;
  update(channel: string, ts: string, event: IncidentUpdate): Promise<void>;
}

/** The publisher's word that an event can never be shown: retrying it would only hold later events back. */
export class DroppedForGood extends Error {
  readonly code = 'dropped-for-good';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DroppedForGood';
  }
}

export function isDroppedForGood(error: unknown): error is DroppedForGood {
  return error instanceof DroppedForGood;
}

/** An update that fails leaves a stale message, which is logged but not retried. */
export async function updateBestEffort(
  publisher: IncidentPublisher,
  logger: Logger,
  target: { channel: string; ts: string },
  event: IncidentUpdate,
  context: Record<string, unknown>,
): Promise<void> {
  try {
    await publisher.update(target.channel, target.ts, event);
  } catch (error) {
    logger.warn('could not update an incident message', { ...context, error });
  }
}
