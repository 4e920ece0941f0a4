// Slack's per-channel pace in front of the one ChannelPoster: chat.postMessage allows about one message a second
// per channel (short bursts only; slack-notes.md), so each channel gets a queue that sends its posts one at a time,
// at least `intervalMs` apart, in the order they were asked for (a thread's replies stay in order). Channels do
// not wait for each other. Updates keep their place in the queue (a card is never updated before the reply it
// follows) but take no turn of their own: chat.update is limited per workspace, not per channel.
//
// A 429 makes the channel's queue wait Retry-After and send the same message again: nothing is dropped. The
// WebClient waits out 429s itself unless told to reject them; this covers a client that rejects (and says when).

import type { SlackMessage } from './block-kit.js';
import type { ChannelPoster } from './channel-poster.js';

/** Slack's guidance for chat.postMessage: one message per second per channel. */
export const DEFAULT_POST_INTERVAL_MS = 1_000;
/** 429s answered for one message before its caller hears of it (the caller then retries later, as for any error). */
const MAX_RATE_LIMITED_SENDS = 5;
const RATE_LIMITED_CODE = 'slack_webapi_rate_limited_error';

interface PaceOptions {
  /** Least time between two posts to one channel (default 1 s); 0 sends as fast as Slack answers, still in order. */
  intervalMs?: number;
}

/** The same ChannelPoster, paced per channel. */
export function pacedChannelPoster(poster: ChannelPoster, options: PaceOptions = {}): ChannelPoster {
  const intervalMs = Math.max(0, options.intervalMs ?? DEFAULT_POST_INTERVAL_MS);
  // One lane per channel the bot posts in (a handful): kept for the life of the poster.
  const lanes = new Map<string, ChannelLane>();
  const lane = (channel: string): ChannelLane => {
    let found = lanes.get(channel);
    if (found === undefined) {
      found = new ChannelLane(intervalMs);
      lanes.set(channel, found);
    }
    return found;
  };
  return {
    post(channel: string, message: SlackMessage, postOptions?: Parameters<ChannelPoster['post']>[2]) {
      return lane(channel).send(true, () => poster.post(channel, message, postOptions));
    },
    update(channel: string, ts: string, message: SlackMessage, updateOptions?: { textOnly?: boolean }) {
      return lane(channel).send(false, () => poster.update(channel, ts, message, updateOptions));
    },
  };
}

/** One channel's queue: sends run one after another; posts wait for their turn, everything waits out a 429. */
class ChannelLane {
  private tail: Promise<unknown> = Promise.resolve();
  /** Epoch ms before which no post may go to this channel. */
  private nextPostAt = 0;
  /** Epoch ms until which Slack asked this channel to wait (Retry-After). */
  private pausedUntil = 0;

  constructor(private readonly intervalMs: number) {}

  send<T>(paced: boolean, call: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.sendInTurn(paced, call));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async sendInTurn<T>(paced: boolean, call: () => Promise<T>): Promise<T> {
    for (let sends = 1; ; sends += 1) {
      await waitUntil(Math.max(this.pausedUntil, paced ? this.nextPostAt : 0));
      try {
        const value = await call();
        // Counted from Slack's answer, so two posts never reach Slack closer than the interval.
        if (paced) this.nextPostAt = Date.now() + this.intervalMs;
        return value;
      } catch (error) {
        const retryAfterMs = rateLimitedFor(error);
        if (retryAfterMs === undefined || sends >= MAX_RATE_LIMITED_SENDS) throw error;
        this.pausedUntil = Date.now() + retryAfterMs;
      }
    }
  }
}

/** Retry-After of a 429 the WebClient rejected (rejectRateLimitedCalls); undefined for any other failure. */
function rateLimitedFor(error: unknown): number | undefined {
  const { code, retryAfter } = (error ?? {}) as { code?: unknown; retryAfter?: unknown };
  if (code !== RATE_LIMITED_CODE) return undefined;
  return typeof retryAfter === 'number' && Number.isFinite(retryAfter) ? retryAfter * 1_000 : 1_000;
}

function waitUntil(epochMs: number): Promise<void> {
  const ms = epochMs - Date.now();
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}
