// Refuses a signed Slack request that was already handled, or whose timestamp is more than 5 minutes off our clock.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../clock.js';

/**
 * Slack's replay window (slack-notes.md): Bolt refuses a request signed longer ago than this, but not one stamped
 * in the future, and it remembers nothing, so the same bytes run again as often as they are sent within it.
 */
const SLACK_REQUEST_WINDOW_MS = 5 * 60_000;

/** How often handled signatures past their window are dropped (they are only kept while a replay could pass). */
const SWEEP_EVERY_MS = 10_000;

/**
 * Remembers every verified request by its signature (an HMAC of the timestamp and the whole body, so a replay
 * carries the same one and any other request, a new click included, another) for as long as its timestamp stays
 * acceptable. Only requests that carry Slack's valid signature are remembered: forged ones cannot fill the memory.
 */
export class ReplayGuard {
  /** signature → when (clock ms) its request leaves the window: kept through that very ms, as the skew check is. */
  private readonly handled = new Map<string, number>();
  private nextSweep = 0;

  constructor(
    private readonly signingSecret: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Why this request is refused, or undefined to let it through. A request without Slack's valid signature is let
   * through too: Bolt's own verification refuses it (and logs it) as before. Check and record happen in one
   * synchronous call, so two copies arriving together cannot both pass.
   */
  refusal(headers: IncomingHttpHeaders, rawBody: string): string | undefined {
    const signature = oneHeader(headers['x-slack-signature']);
    const timestamp = oneHeader(headers['x-slack-request-timestamp']);
    if (signature === undefined || timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return undefined;
    if (!this.signedBySlack(signature, timestamp, rawBody)) return undefined;
    const now = this.clock.now();
    const stampedAt = Number(timestamp) * 1000;
    const skewSeconds = Math.round((stampedAt - now) / 1000);
    if (Math.abs(stampedAt - now) > SLACK_REQUEST_WINDOW_MS) {
      return `its timestamp is ${Math.abs(skewSeconds)} s ${skewSeconds > 0 ? 'ahead of' : 'behind'} the bot's clock (more than 5 minutes)`;
    }
    this.sweep(now);
    if (this.handled.has(signature)) return 'it was already handled (a replay of the same signed request)';
    this.handled.set(signature, Math.max(now, stampedAt) + SLACK_REQUEST_WINDOW_MS);
    return undefined;
  }

  private signedBySlack(signature: string, timestamp: string, rawBody: string): boolean {
    const expected = `v0=${createHmac('sha256', this.signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
    const given = Buffer.from(signature);
    const wanted = Buffer.from(expected);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + SWEEP_EVERY_MS;
    for (const [signature, until] of this.handled) if (until < now) this.handled.delete(signature);
  }
}

function oneHeader(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
