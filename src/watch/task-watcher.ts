// Watches EM Tasks (and the job sessions they start, backup or replication) until they end, and hands each outcome
// to the publisher, which posts it in the Slack thread. This is the coordinator: one timer (round-timer.ts) runs
// rounds over every watch; task-poller.ts reads EM, watch-steps.ts decides what happened, outbox.ts delivers,
// task-cancel.ts cancels, watch-saver.ts keeps the state file, task-cleanup.ts deletes Finished Tasks once their
// result is saved. Each post is saved before it is sent and removed only after Slack said ok, so a restart loses
// no result (em-api.md facts 4–7, 14, §3, §4.4).
//
// Delivery is at least once, not exactly once. A post can be repeated in two narrow windows: the process dies
// after Slack accepted a post but before the store's next write (at most its 200 ms flush delay) records that
// it was sent, so the restarted watcher sends it again; or Slack accepted a post whose answer was lost, and the
// WebClient's own retry sends it a second time. A parent update repeated is harmless (same content); a thread
// reply then appears twice.
//
// Cost. Watches live in a Map; a round visits each watch once. watch() is O(1): the store serialises a live view
// only when it writes, and the timer moves only when the new watch is due sooner.

import type { Clock } from '../clock.js';
import type { WatchConfig } from '../config.js';
import type { EmApi } from '../em/api.js';
import type { Logger } from '../log/logger.js';
import type { StateStore } from '../state/state-store.js';
import { EmCalls } from './em-calls.js';
import { ListCadence } from './list-cadence.js';
import { Outbox } from './outbox.js';
import { type BackoffPolicy, backoffPolicy } from './poll-backoff.js';
import { RoundTimer } from './round-timer.js';
import { TaskCancel } from './task-cancel.js';
import type { TaskCancelRefused } from './task-cancel-refused.js';
import { TaskCleanup } from './task-cleanup.js';
import { type SharedReads, TaskPoller } from './task-poller.js';
import type { TaskWatchSink, WatchingEntry, WatchOptions, WatchSpec } from './types.js';
import type { WatchPublisher } from './watch-publisher.js';
import {
  newWatchRecord,
  restoreWatches,
  resumeRecord,
  type WatchRecord,
  watchDeadline,
  watchKey,
} from './watch-record.js';
import type { WatchReport } from './watch-report.js';
import { WatchSaver } from './watch-saver.js';
import { onTimeout, type StepContext } from './watch-steps.js';
import { WatchTable } from './watch-table.js';
import { WatcherCounters, type WatcherStats } from './watcher-stats.js';

export type { WatcherStats } from './watcher-stats.js';

/** Knobs with sensible defaults; the lead's constructor call needs none of them. */
export interface TaskWatcherTuning {
  /** EM requests in flight at once, across all watches (default 4). */
  maxEmInFlight?: number;
  /** Watches posting to Slack at once (default 8); WebClient queues and rate-limits below that. */
  maxSlackInFlight?: number;
  /** A started session's CreationTime may be this much before our request time (clock skew; default 2 min). */
  sessionSkewMs?: number;
  /** After "triggered to start", wait this long for the new session before saying none appeared (default 5 min). */
  sessionAppearMs?: number;
  /** A forgotten toggle's job not yet in the wanted state is re-read this long before reporting (default 60 s). */
  resolveGraceMs?: number;
  /** A Finished Task no watch waits on is swept after lists showed it this long (default 2 min; 0 at start). */
  sweepGraceMs?: number;
  /** stop() waits at most this long for work in flight (default 5 s). */
  stopWaitMs?: number;
  /** Jitter source (tests, the bench). */
  random?: () => number;
}

interface TaskWatcherDeps {
  em: EmApi;
  /** Renders and sends the watcher's posts (createBot builds it on the Slack client). */
  publisher: WatchPublisher;
  store: StateStore;
  logger: Logger;
  clock: Clock;
  config: WatchConfig;
  tuning?: TaskWatcherTuning;
}

/** A watch that ended is remembered this long: a repeated watch() of the same Task is ignored. */
const FINISHED_MEMORY_MS = 3_600_000;

export class TaskWatcher implements TaskWatchSink {
  private readonly store: StateStore;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly config: WatchConfig;
  private readonly policy: BackoffPolicy;
  private readonly steps: Omit<StepContext, 'now'>;
  private readonly stopWaitMs: number;

  /** Live watches by key; a watch leaves only when it is done and its posts are sent. */
  private readonly watches = new WatchTable();
  /** Keys of watches that ended → when to forget them (insertion order is expiry order). */
  private readonly finishedKeys = new Map<string, number>();
  readonly counters = new WatcherCounters();
  private readonly calls: EmCalls;
  /** The GET /tasks beat. */
  private readonly cadence: ListCadence;
  private readonly saver: WatchSaver;
  private readonly timer: RoundTimer;
  private readonly outbox: Outbox;
  private readonly poller: TaskPoller;
  private readonly canceller: TaskCancel;
  private readonly cleanup: TaskCleanup;
  private readonly sweepGraceMs: number;
  /** The first GET /tasks after start() sweeps every Finished Task nobody waits on (a restart leaves none). */
  private sweepPending = false;
  private running = false;

  constructor(deps: TaskWatcherDeps) {
    const tuning = deps.tuning ?? {};
    this.store = deps.store;
    this.logger = deps.logger;
    this.clock = deps.clock;
    this.config = deps.config;
    this.policy = backoffPolicy(deps.config.pollIntervalMs);
    this.stopWaitMs = tuning.stopWaitMs ?? 5_000;
    this.sweepGraceMs = tuning.sweepGraceMs ?? 120_000;
    this.steps = {
      sessionSkewMs: tuning.sessionSkewMs ?? 120_000,
      sessionAppearMs: tuning.sessionAppearMs ?? 300_000,
      pollIntervalMs: this.policy.baseMs,
      resolveGraceMs: tuning.resolveGraceMs ?? 60_000,
    };
    const random = tuning.random ?? Math.random;
    this.calls = new EmCalls(tuning.maxEmInFlight ?? 4, this.counters);
    this.cadence = new ListCadence(this.policy, random);
    this.saver = new WatchSaver(deps.store, () => this.watches.values());
    this.timer = new RoundTimer(
      deps.clock,
      () => this.cadence.dueAt,
      () => this.runRound(),
    );
    const common = {
      em: deps.em,
      calls: this.calls,
      cadence: this.cadence,
      saver: this.saver,
      counters: this.counters,
      logger: deps.logger,
      clock: deps.clock,
      random,
      wakeBy: (at: number) => this.timer.wakeBy(at),
    };
    this.outbox = new Outbox({
      ...common,
      publisher: deps.publisher,
      maxInFlight: tuning.maxSlackInFlight ?? 8,
      retryBaseMs: Math.max(250, deps.config.pollIntervalMs),
      onDrained: (r) => this.remove(r),
      isLive: (r) => this.watches.has(r.key),
    });
    this.cleanup = new TaskCleanup({ ...common, waitingTaskIds: () => this.watches.waitingTaskIds() });
    this.poller = new TaskPoller({
      ...common,
      policy: this.policy,
      stepContext: () => ({ ...this.steps, now: this.clock.now() }),
      apply: (r, reports) => this.apply(r, reports),
      taskRecorded: (task) => this.cleanup.recorded(task),
      onList: (list, waiting) => {
        this.cleanup.sweep(list, waiting, this.sweepPending ? 0 : this.sweepGraceMs);
        this.sweepPending = false;
      },
    });
    const parts = { watches: this.watches, poller: this.poller, outbox: this.outbox, timer: this.timer };
    // afterSave: outside a round, a cancel found the Task Finished and saved its result.
    const afterSave = () => this.running && this.cleanup.flushSoon();
    this.canceller = new TaskCancel({ ...common, ...parts, afterSave });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Public surface

  /** Resumes every saved watch (a restarted process posts every result) and starts the loop. */
  start(): void {
    if (this.running) return;
    // A section whose restore throws is dropped (and the file copied aside) by the store: the bot always starts.
    const { records, skipped, droppedPosts } = this.store.restore('watches', restoreWatches, {
      records: [],
      skipped: 0,
      droppedPosts: 0,
    });
    const now = this.clock.now();
    for (const r of records) {
      if (this.watches.has(r.key)) continue;
      resumeRecord(r, now, this.policy.baseMs);
      this.watches.set(r.key, r);
      this.counters.resumed += 1;
      // A resumed Task may have finished while we were down: list at once.
      if (r.phase === 'task') this.cadence.dueBy(now);
    }
    if (skipped > 0) this.logger.warn('skipped unreadable saved watches', { skipped });
    if (droppedPosts > 0) this.logger.warn('dropped unreadable saved Slack posts', { droppedPosts });
    if (records.length > 0) this.logger.info('resumed saved watches', { count: records.length });
    this.running = true;
    // One GET /tasks soon, watches or not: Finished Tasks an earlier run recorded but did not delete go now.
    this.sweepPending = true;
    this.cadence.dueBy(now);
    this.saver.open();
    this.outbox.start();
    this.timer.start();
    for (const r of this.watches.values()) if (r.outbox.length > 0) this.outbox.deliver(r);
    if (this.watches.size > 0) this.timer.wakeBy(now);
  }

  /** Stops the loop, waits (bounded) for requests and posts in flight, and saves the state. */
  async stop(): Promise<void> {
    if (!this.running && this.saver.isClosed) return;
    this.running = false;
    const pending = [this.timer.stop(), ...this.outbox.stop()].filter(
      (p): p is Promise<void> => p !== undefined,
    );
    if (pending.length > 0) {
      let timeout: NodeJS.Timeout | undefined;
      const bounded = new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, this.stopWaitMs);
      });
      await Promise.race([Promise.allSettled(pending), bounded]);
      clearTimeout(timeout);
    }
    await this.saver.close();
  }

  /**
   * Registers the watch (saved with the store's next write, before any Slack post). `runningParent` becomes the
   * first parent update of its outbox, so a Slack outage cannot delay the watch or overwrite a later result.
   */
  watch(spec: WatchSpec, options: WatchOptions = {}): void {
    const key = watchKey(spec);
    if (this.saver.isClosed) {
      this.logger.warn('task handed to the watcher after it stopped; it will not be watched', {
        taskId: spec.taskId,
      });
      return;
    }
    const now = this.clock.now();
    if (this.watches.has(key) || (this.finishedKeys.get(key) ?? 0) > now) {
      this.logger.debug('already watching this task', { taskId: spec.taskId, key });
      return;
    }
    const record = newWatchRecord(spec, now, this.config.pollIntervalMs);
    this.watches.set(key, record);
    this.counters.started += 1;
    this.logger.info('watching EM task', { taskId: spec.taskId, action: spec.action, channel: spec.channel });
    this.saver.changed();
    if (options.runningParent !== undefined && spec.parentTs !== undefined) {
      // Sent by the next round (in a few ms), after its single save: a burst of watches costs one write.
      const note = options.runningParent.note;
      this.outbox.enqueue(record, 'parent', note ? { type: 'running', note } : { type: 'running' });
      this.timer.wakeBy(now);
    }
    // O(1): the beat starts if it was idle; the timer moves only if the beat is now due sooner.
    this.cadence.start(now);
    this.timer.schedule();
  }

  /**
   * DELETE /tasks/{id}, then tell the thread who cancelled. Refused (TaskCancelRefused, nothing deleted) unless a
   * live watch waits on the Task and a fresh GET shows it still ours and unfinished (see task-cancel.ts).
   */
  cancel(taskId: string, byUser: string): Promise<void> {
    return this.canceller.cancel(taskId, byUser);
  }

  /** What cancel() would refuse now, without deleting anything (the Cancel button asks before its approval). */
  checkCancel(taskId: string, card: { watchKey?: string } = {}): Promise<TaskCancelRefused | undefined> {
    return this.canceller.check(taskId, card);
  }

  /**
   * Runs a round now and resolves when it is done. The timer follows the clock only when it is set, so a test that
   * moves an injected clock by hand calls this to have the watcher look at the new time.
   */
  pollNow(): Promise<void> {
    return this.timer.runNow();
  }

  /** Counters for the benchmark and tests. */
  stats(): WatcherStats {
    return this.counters.snapshot(this.watches.values(), this.calls.peak);
  }

  /** What is being watched right now (for a future `/veeam tasks`, and tests). */
  watching(): WatchingEntry[] {
    return this.watches.values().map(({ key, spec, phase, outbox }) => {
      return { key, taskId: spec.taskId, action: spec.action, phase, pendingPosts: outbox.length, spec };
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Rounds

  private runRound(): Promise<void> {
    const startedAt = this.clock.now();
    return this.pollRound()
      .catch((error: unknown) => this.logger.error('watch round failed', { error }))
      .finally(() => {
        this.counters.rounds += 1;
        this.counters.lastRoundMs = this.clock.now() - startedAt;
      });
  }

  /**
   * One pass over the watches (each visited once): timeouts, per-resource reads that are due, the GET /tasks
   * if the beat is due, then one save of what changed, then the Slack posts.
   */
  private async pollRound(): Promise<void> {
    const now = this.clock.now();
    this.forgetFinishedKeys(now);
    // Rebuilt by this pass; wake-ups asked for while the round runs lower it further.
    this.timer.resetWake();
    const listDue = now >= this.cadence.dueAt;
    const taskWatches: WatchRecord[] = [];
    const work: Promise<void>[] = [];
    // Watches on the same job or session share one read per round.
    const reads: SharedReads = new Map();
    let next = Number.POSITIVE_INFINITY;
    let waitingOnTasks = false;
    for (const r of this.watches.values()) {
      if (r.phase !== 'done') next = Math.min(next, this.visit(r, now, listDue, taskWatches, work, reads));
      if (r.phase === 'task') waitingOnTasks = true;
      this.outbox.markPending(r);
    }
    this.timer.wakeBy(next);
    if (!waitingOnTasks && !this.sweepPending) this.cadence.stop();
    else if (listDue) work.push(this.poller.pollTasks(taskWatches, now));
    await Promise.all(work);
    // Phase changes are on disk before their Slack posts are attempted, and before their Tasks are deleted.
    await this.saver.saveNow();
    this.outbox.flushPending();
    await this.cleanup.flush();
  }

  /** One live watch in a round: its timeout, or the read it is due for. The next moment it needs attention. */
  private visit(
    r: WatchRecord,
    now: number,
    listDue: boolean,
    taskWatches: WatchRecord[],
    work: Promise<void>[],
    reads: SharedReads,
  ): number {
    const deadline = watchDeadline(r, this.config.timeoutMinutes);
    if (now >= deadline) {
      this.counters.timeouts += 1;
      this.logger.warn('stopped watching: timeout', { taskId: r.spec.taskId, phase: r.phase });
      this.apply(r, onTimeout(r, this.config.timeoutMinutes));
      return Number.POSITIVE_INFINITY;
    }
    if (r.phase === 'task') {
      if (listDue) taskWatches.push(r);
    } else if (r.nextPollAt <= now) {
      work.push(this.poller.pollTarget(r, reads));
    } else {
      return Math.min(deadline, r.nextPollAt);
    }
    return deadline;
  }

  /** Records what a step decided: a new phase polls afresh; each report becomes a reply and a parent update. */
  private apply(r: WatchRecord, reports: WatchReport[]): void {
    for (const report of reports) {
      this.outbox.enqueue(r, 'reply', { type: 'report', report });
      if (r.spec.parentTs !== undefined) this.outbox.enqueue(r, 'parent', { type: 'report', report });
    }
    if (r.phase === 'done') {
      this.counters.finished += 1;
      this.finishedKeys.set(r.key, this.clock.now() + FINISHED_MEMORY_MS);
      this.logger.info('watch ended', {
        taskId: r.spec.taskId,
        action: r.spec.action,
        reports: reports.length,
      });
      if (r.outbox.length === 0) this.remove(r);
    } else if (r.phase !== 'task') {
      // A new phase polls at once (watch-steps enter()); settling reads have just been backed off.
      this.timer.wakeBy(r.nextPollAt);
    }
    this.saver.changed();
  }

  private remove(r: WatchRecord): void {
    this.watches.delete(r.key);
    this.saver.changed();
  }

  /** finishedKeys expire in insertion order: drop the expired ones from the front. */
  private forgetFinishedKeys(now: number): void {
    for (const [key, until] of this.finishedKeys) {
      if (until > now) break;
      this.finishedKeys.delete(key);
    }
  }
}
