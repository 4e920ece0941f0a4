// Tells the incident channel once when the shared store (Redis) is lost and once when it is back. Every replica
// sees the outage; only the one that led when it began speaks (nobody can take the lease while Redis is down),
// and the same replica says it is back.

import type { Clock } from './clock.js';
import type { Logger } from './log/logger.js';
import type { ChannelPoster } from './slack/channel-poster.js';
import { storeBackMessage, storeDownMessage } from './slack/messages/store-outage.js';

interface StoreOutageNoticeDeps {
  poster: ChannelPoster;
  channel: string;
  clock: Clock;
  logger: Logger;
  /** Did this replica lead when the store went away (or within a lease's length before: the lease goes first)? */
  ledRecently(): boolean;
}

/** How often a notice that Slack refused is tried again. */
const RETRY_MS = 5_000;

export class StoreOutageNotice {
  private downSince: number | undefined;
  /** Set once the outage was told here: only then is "back" told. */
  private toldDown = false;
  private available = true;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly deps: StoreOutageNoticeDeps) {}

  /** The store's availability changed (its own reconnecting client decides). */
  changed(available: boolean): void {
    if (available === this.available) return;
    this.available = available;
    clearTimeout(this.retry);
    if (!available && this.deps.ledRecently()) {
      this.downSince = this.deps.clock.now();
      void this.tell();
    } else if (available && this.toldDown) {
      void this.tell();
    }
  }

  stop(): void {
    clearTimeout(this.retry);
  }

  private async tell(): Promise<void> {
    const since = this.downSince as number;
    const back = this.available;
    const message = back ? storeBackMessage(since, this.deps.clock.now()) : storeDownMessage(since);
    try {
      await this.deps.poster.post(this.deps.channel, message);
      this.toldDown = !back;
    } catch (error) {
      this.deps.logger.warn('could not tell the incident channel about the state store; trying again', {
        error,
      });
      // Only while nothing changed since: a newer state has its own post to make.
      if (this.available === back) {
        this.retry = setTimeout(() => void this.tell(), RETRY_MS);
        this.retry.unref();
      }
    }
  }
}
