// Each watch's unsent Slack messages, delivered in order through the publisher: one drain per watch at a time,
// a failed post kept and retried with backoff, a post Slack refuses for good dropped and logged. Delivery is at
// least once (see task-watcher.ts for the two windows in which a post can repeat).

import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import { RequestLimiter } from './request-limiter.js';
import type { PublishResult, WatchMessage, WatchPublisher } from './watch-publisher.js';
import type { OutboxItem, WatchRecord } from './watch-record.js';
import type { WatchSaver } from './watch-saver.js';
import type { WatcherCounters } from './watcher-stats.js';

interface OutboxDeps {
  publisher: WatchPublisher;
  saver: WatchSaver;
  counters: WatcherCounters;
  logger: Logger;
  clock: Clock;
  random: () => number;
  /** Watches posting to Slack at once. */
  maxInFlight: number;
  /** The first retry after a failed post waits about this long (doubling to a minute). */
  retryBaseMs: number;
  /** A watch whose polling ended and whose posts are all sent: the watcher lets it go. */
  onDrained(r: WatchRecord): void;
  /** Is the watch still live (not removed meanwhile)? */
  isLive(r: WatchRecord): boolean;
  wakeBy(at: number): void;
}

export class Outbox {
  private readonly limiter: RequestLimiter;
  private readonly delivering = new Map<string, Promise<void>>();
  /** The item being sent per watch: a newer parent update must not replace it mid-flight. */
  private readonly sending = new Map<string, number>();
  /** Watches that got posts to send since the last round ended. */
  private readonly pending = new Set<WatchRecord>();
  private running = false;

  constructor(private readonly deps: OutboxDeps) {
    this.limiter = new RequestLimiter(deps.maxInFlight);
  }

  start(): void {
    this.running = true;
  }

  /** Stops starting new posts; returns the drains in flight. */
  stop(): Promise<void>[] {
    this.running = false;
    return [...this.delivering.values()];
  }

  /** Queues a message; the caller saves, then delivers (or the round does). */
  enqueue(r: WatchRecord, kind: WatchMessage['kind'], post: WatchMessage['post']): void {
    if (kind === 'parent') {
      // Only the latest state of the parent matters: drop older updates not yet on their way.
      const inFlight = this.sending.get(r.key);
      r.outbox = r.outbox.filter((item) => item.kind !== 'parent' || item.id === inFlight);
    }
    const item: OutboxItem = { id: r.nextOutboxId, kind, post };
    r.outbox.push(item);
    r.nextOutboxId += 1;
    this.deps.saver.changed();
    this.deps.saver.track(item);
    this.pending.add(r);
  }

  /** A round saw posts waiting on this watch. */
  markPending(r: WatchRecord): void {
    if (r.outbox.length > 0) this.pending.add(r);
  }

  /** End of a round (after its save): sends what is due, asks to be woken for what waits on a retry. */
  flushPending(): void {
    const now = this.deps.clock.now();
    for (const r of this.pending) {
      if (r.outbox.length === 0 || this.delivering.has(r.key)) continue;
      if (r.nextDeliveryAt <= now) this.deliver(r);
      else this.deps.wakeBy(r.nextDeliveryAt);
    }
    this.pending.clear();
  }

  /** Sends a watch's outbox in order; one drain per watch at a time. */
  deliver(r: WatchRecord): void {
    if (!this.running || this.delivering.has(r.key) || r.outbox.length === 0) return;
    const drain = this.limiter
      .run(() => this.drain(r))
      .catch((error: unknown) => this.deps.logger.error('Slack delivery failed unexpectedly', { error }))
      .finally(() => {
        this.delivering.delete(r.key);
        // Left over: a failed post waits for its retry, or an item came in as the drain ended.
        if (r.outbox.length > 0 && this.deps.isLive(r)) this.deps.wakeBy(r.nextDeliveryAt);
      });
    this.delivering.set(r.key, drain);
  }

  private async drain(r: WatchRecord): Promise<void> {
    while (r.outbox.length > 0 && this.running) {
      const item = r.outbox[0] as OutboxItem;
      // The state that asked for this post is on disk first (a round saves before it delivers; this covers an
      // item that joined a drain already running).
      await this.deps.saver.saveBefore(item);
      this.sending.set(r.key, item.id);
      let result: PublishResult;
      try {
        result = await this.deps.publisher.publish(r.spec, item);
      } finally {
        this.sending.delete(r.key);
      }
      const goOn = this.settle(r, item, result);
      this.deps.saver.changed();
      if (!goOn) return;
    }
    if (r.phase === 'done' && r.outbox.length === 0) this.deps.onDrained(r);
  }

  /** Records what came of one post; false when the drain should stop and wait for a retry. */
  private settle(r: WatchRecord, item: OutboxItem, result: PublishResult): boolean {
    const { counters, logger } = this.deps;
    if (result.outcome === 'retry') {
      counters.slack.failures += 1;
      r.deliveryFailures += 1;
      r.nextDeliveryAt = this.deps.clock.now() + this.retryDelay(r.deliveryFailures);
      logger.warn('Slack post failed; kept, will retry', {
        error: result.error,
        kind: item.kind,
        taskId: r.spec.taskId,
        failures: r.deliveryFailures,
      });
      return false;
    }
    r.outbox = r.outbox.filter((i) => i.id !== item.id);
    if (result.outcome === 'dropped') {
      counters.slack.dropped += 1;
      logger.error('Slack refused a watch post for good; dropping it', {
        error: result.error,
        kind: item.kind,
        taskId: r.spec.taskId,
        channel: r.spec.channel,
      });
      return true;
    }
    r.deliveryFailures = 0;
    if (item.kind === 'reply') {
      counters.slack.posts += 1;
      this.timeResult(r, item);
    } else counters.slack.updates += 1;
    return true;
  }

  /** The reply carrying the Task's result (the Task's own report, or a toggle's read-back) is out: time it. */
  private timeResult(r: WatchRecord, item: OutboxItem): void {
    const { onResultPosted } = this.deps.counters;
    if (onResultPosted === undefined || r.task === undefined || item.post.type !== 'report') return;
    const { kind } = item.post.report;
    if (kind === 'task' || kind === 'schedule') onResultPosted(this.deps.clock.now() - r.task.finishedAt);
  }

  /** Doubles per failure from the base to a minute, ±20% jitter. */
  private retryDelay(failures: number): number {
    const delay = Math.min(60_000, this.deps.retryBaseMs * 2 ** Math.min(failures - 1, 8));
    return Math.round(delay * (0.8 + this.deps.random() * 0.4));
  }
}
