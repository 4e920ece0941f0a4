// Watches EM Tasks (and the backup sessions they start) until they end, and posts the outcome in the Slack thread.
// One timer loop for every watch; one GET /tasks per round; EM calls capped; state saved so a restart posts every
// result exactly once (em-api.md facts 4–7, §3, §4.4).

import type { WebClient } from '@slack/web-api';
import NodeCache from 'node-cache';
import type { Clock } from '../clock.js';
import type { WatchConfig } from '../config.js';
import type { EmApi } from '../em/api.js';
import { describeEmError, isEmError } from '../em/errors.js';
import type { Task } from '../em/types.js';
import type { Logger } from '../log/logger.js';
import type { SlackMessage } from '../slack/block-kit.js';
import type { StateStore } from '../state/state-store.js';
import { type BackoffPolicy, backoffPolicy, nextPoll } from './poll-backoff.js';
import { RequestLimiter } from './request-limiter.js';
import type { TaskWatchSink, WatchSpec } from './types.js';
import { taskCancelledNotice, taskParentMessage, watchReplyMessage } from './watch-messages.js';
import {
  newWatchRecord,
  type OutboxItem,
  restoreWatches,
  type SavedWatches,
  type WatchRecord,
  watchKey,
} from './watch-record.js';
import type { WatchReport } from './watch-report.js';
import {
  onJobRead,
  onJobSessions,
  onSession,
  onTargetMissing,
  onTaskFinished,
  onTaskForgotten,
  onTimeout,
  type StepContext,
  taskMatchesSpec,
} from './watch-steps.js';

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
  /** stop() waits at most this long for work in flight (default 5 s). */
  stopWaitMs?: number;
  /** Jitter source (tests, the bench). */
  random?: () => number;
}

export interface TaskWatcherDeps {
  em: EmApi;
  slack: WebClient;
  store: StateStore;
  logger: Logger;
  clock: Clock;
  config: WatchConfig;
  tuning?: TaskWatcherTuning;
}

/** Counters for the benchmark and for tests; a snapshot, safe to keep. */
export interface WatcherStats {
  /** Watches still polling EM. */
  active: number;
  /** Watches whose polling ended but whose Slack posts are not all sent yet. */
  pendingPosts: number;
  started: number;
  resumed: number;
  finished: number;
  rounds: number;
  lastRoundMs: number;
  em: {
    listTasks: number;
    getTask: number;
    getSession: number;
    listJobSessions: number;
    getAgentJob: number;
    cancelTask: number;
    errors: number;
    /** Highest number of EM requests the watcher had in flight at once. */
    peakInFlight: number;
  };
  slack: { posts: number; updates: number; failures: number; dropped: number };
  resolvedFromTarget: number;
  timeouts: number;
}

const MIN_TICK_MS = 5;
/** The loop looks at the clock at least this often, so a clock moved by hand (tests) is noticed. */
const MAX_TICK_MS = 1_000;

/** Slack errors that no retry will fix: the post is dropped (and logged) rather than retried forever. */
const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'msg_too_long',
  'no_text',
  'invalid_arguments',
  'restricted_action',
  'thread_not_found',
]);
const BLOCK_ERRORS = new Set(['invalid_blocks', 'invalid_blocks_format']);

type EmCounter = 'listTasks' | 'getTask' | 'getSession' | 'listJobSessions' | 'getAgentJob' | 'cancelTask';

export class TaskWatcher implements TaskWatchSink {
  private readonly em: EmApi;
  private readonly slack: WebClient;
  private readonly store: StateStore;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly config: WatchConfig;
  private readonly policy: BackoffPolicy;
  private readonly emLimiter: RequestLimiter;
  private readonly slackLimiter: RequestLimiter;
  private readonly sessionSkewMs: number;
  private readonly sessionAppearMs: number;
  private readonly stopWaitMs: number;
  private readonly resolveGraceMs: number;
  private readonly random: () => number;

  /** Live watches by key; no TTL: a watch leaves only when it is done and its posts are sent. */
  private readonly watches = new NodeCache({ stdTTL: 0, checkperiod: 0, useClones: false });
  /** Keys of watches that ended, for an hour: a repeated watch() of the same Task is ignored. */
  private readonly finishedKeys = new NodeCache({ stdTTL: 3_600, checkperiod: 600, useClones: false });
  private readonly delivering = new Map<string, Promise<void>>();
  /** The outbox item being sent per watch: a newer parent update must not replace it mid-flight. */
  private readonly sending = new Map<string, number>();

  private running = false;
  /** After stop(): nothing more is written to the store (a new watcher may own the file by now). */
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private round: Promise<void> | undefined;
  private dirty = false;
  /** When GET /tasks last went out: at most one per poll interval, however many watches are due in between. */
  private lastListAt = Number.NEGATIVE_INFINITY;

  private readonly counters = {
    started: 0,
    resumed: 0,
    finished: 0,
    rounds: 0,
    lastRoundMs: 0,
    em: {
      listTasks: 0,
      getTask: 0,
      getSession: 0,
      listJobSessions: 0,
      getAgentJob: 0,
      cancelTask: 0,
      errors: 0,
    },
    slack: { posts: 0, updates: 0, failures: 0, dropped: 0 },
    resolvedFromTarget: 0,
    timeouts: 0,
  };

  constructor(deps: TaskWatcherDeps) {
    const tuning = deps.tuning ?? {};
    this.em = deps.em;
    this.slack = deps.slack;
    this.store = deps.store;
    this.logger = deps.logger;
    this.clock = deps.clock;
    this.config = deps.config;
    this.policy = backoffPolicy(deps.config.pollIntervalMs);
    this.emLimiter = new RequestLimiter(tuning.maxEmInFlight ?? 4);
    this.slackLimiter = new RequestLimiter(tuning.maxSlackInFlight ?? 8);
    this.sessionSkewMs = tuning.sessionSkewMs ?? 120_000;
    this.sessionAppearMs = tuning.sessionAppearMs ?? 300_000;
    this.stopWaitMs = tuning.stopWaitMs ?? 5_000;
    this.resolveGraceMs = tuning.resolveGraceMs ?? 60_000;
    this.random = tuning.random ?? Math.random;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Public surface

  /** Resumes every saved watch (a restarted process posts every result) and starts the loop. */
  start(): void {
    if (this.running) return;
    const { records, skipped } = restoreWatches(this.store.read('watches'));
    const now = this.clock.now();
    for (const r of records) {
      if (this.watches.has(r.key)) continue;
      this.normalizeRestored(r, now);
      this.watches.set(r.key, r);
      this.counters.resumed += 1;
    }
    if (skipped > 0) this.logger.warn('skipped unreadable saved watches', { skipped });
    if (records.length > 0) this.logger.info('resumed saved watches', { count: records.length });
    this.running = true;
    this.closed = false;
    for (const r of this.records()) if (r.outbox.length > 0) this.deliver(r);
    this.scheduleNext();
  }

  /** Stops the loop, waits (bounded) for requests and posts in flight, and saves the state. */
  async stop(): Promise<void> {
    if (!this.running && this.closed) return;
    this.running = false;
    this.clearTimer();
    const pending = [this.round, ...this.delivering.values()].filter(
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
    this.dirty = true;
    this.persist();
    this.store.flush();
    this.closed = true;
    this.finishedKeys.close();
    this.watches.close();
  }

  watch(spec: WatchSpec): void {
    const key = watchKey(spec);
    if (this.closed) {
      this.logger.warn('task handed to the watcher after it stopped; it will not be watched', {
        taskId: spec.taskId,
      });
      return;
    }
    if (this.watches.has(key) || this.finishedKeys.has(key)) {
      this.logger.debug('already watching this task', { taskId: spec.taskId, key });
      return;
    }
    const record = newWatchRecord(spec, this.clock.now(), this.config.pollIntervalMs);
    this.watches.set(key, record);
    this.counters.started += 1;
    this.logger.info('watching EM task', { taskId: spec.taskId, action: spec.action, channel: spec.channel });
    this.dirty = true;
    this.persist();
    this.scheduleNext();
  }

  /** DELETE /tasks/{id}, then tell the thread who cancelled; the watch ends with the Task's final state as usual. */
  async cancel(taskId: string, byUser: string): Promise<void> {
    const record = this.newestWatchOf(taskId);
    let forgotten = false;
    try {
      await this.callEm('cancelTask', () => this.em.cancelTask(taskId));
    } catch (err) {
      if (!isNotFound(err) || record === undefined) throw err;
      forgotten = true;
    }
    this.logger.info('EM task cancelled', { taskId, byUser, watched: record !== undefined });
    if (record === undefined || record.phase === 'done') return;
    record.cancelledBy = byUser;
    if (forgotten) {
      // With cancelledBy set, a forgotten Task ends as "cancelled" rather than being resolved from the target.
      this.apply(record, onTaskForgotten(record, this.stepContext()));
    } else {
      this.enqueue(record, 'reply', taskCancelledNotice(record.spec, byUser));
      record.nextPollAt = this.clock.now();
    }
    this.dirty = true;
    this.persist();
    this.store.flush();
    this.deliver(record);
    this.scheduleNext();
  }

  /** Counters for the benchmark and tests. */
  stats(): WatcherStats {
    let active = 0;
    let pendingPosts = 0;
    for (const r of this.records()) {
      if (r.phase !== 'done') active += 1;
      else if (r.outbox.length > 0) pendingPosts += 1;
    }
    return {
      active,
      pendingPosts,
      started: this.counters.started,
      resumed: this.counters.resumed,
      finished: this.counters.finished,
      rounds: this.counters.rounds,
      lastRoundMs: this.counters.lastRoundMs,
      em: { ...this.counters.em, peakInFlight: this.emLimiter.peak },
      slack: { ...this.counters.slack },
      resolvedFromTarget: this.counters.resolvedFromTarget,
      timeouts: this.counters.timeouts,
    };
  }

  /** What is being watched right now (for a future `/veeam tasks`, and tests). */
  watching(): { key: string; taskId: string; action: string; phase: string; pendingPosts: number }[] {
    return this.records().map((r) => ({
      key: r.key,
      taskId: r.spec.taskId,
      action: r.spec.action,
      phase: r.phase,
      pendingPosts: r.outbox.length,
    }));
  }

  // -------------------------------------------------------------------------------------------------------------
  // The loop

  private records(): WatchRecord[] {
    const out: WatchRecord[] = [];
    for (const key of this.watches.keys()) {
      const r = this.watches.get<WatchRecord>(key);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Sets the single timer to the earliest moment any watch needs attention. */
  private scheduleNext(): void {
    if (!this.running || this.round !== undefined) return;
    let next = Number.POSITIVE_INFINITY;
    const listAllowedAt = this.lastListAt + this.policy.baseMs;
    for (const r of this.records()) {
      const pollAt = r.phase === 'task' ? Math.max(r.nextPollAt, listAllowedAt) : r.nextPollAt;
      if (r.phase !== 'done') next = Math.min(next, pollAt, this.deadlineOf(r));
      if (r.outbox.length > 0 && !this.delivering.has(r.key)) next = Math.min(next, r.nextDeliveryAt);
    }
    if (next === Number.POSITIVE_INFINITY) {
      this.clearTimer();
      return;
    }
    const now = this.clock.now();
    const delay = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, next - now));
    if (this.timer !== undefined && this.timerAt <= now + delay) return;
    this.clearTimer();
    this.timerAt = now + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.runRound();
    }, delay);
  }

  private runRound(): void {
    if (!this.running || this.round !== undefined) return;
    const startedAt = this.clock.now();
    this.round = this.pollRound()
      .catch((err: unknown) => this.logger.error('watch round failed', { error: errorText(err) }))
      .finally(() => {
        this.counters.rounds += 1;
        this.counters.lastRoundMs = this.clock.now() - startedAt;
        this.round = undefined;
        this.scheduleNext();
      });
  }

  private async pollRound(): Promise<void> {
    const now = this.clock.now();
    const all = this.records();

    for (const r of all) {
      if (r.phase !== 'done' && now >= this.deadlineOf(r)) {
        this.counters.timeouts += 1;
        this.logger.warn('stopped watching: timeout', { taskId: r.spec.taskId, phase: r.phase });
        this.apply(r, onTimeout(r, this.config.timeoutMinutes));
      }
    }

    const live = all.filter((r) => r.phase !== 'done');
    const work: Promise<void>[] = [];
    const taskWatches = live.filter((r) => r.phase === 'task');
    const listAllowed = now >= this.lastListAt + this.policy.baseMs;
    if (listAllowed && taskWatches.some((r) => r.nextPollAt <= now)) {
      this.lastListAt = now;
      work.push(this.pollTasks(taskWatches, now));
    }
    // Watches on the same job or session share one read per round.
    const reads = new Map<string, Promise<unknown>>();
    for (const r of live) {
      if (r.phase !== 'task' && r.nextPollAt <= now) work.push(this.pollTarget(r, reads));
    }
    await Promise.all(work);

    if (this.dirty) {
      // Phase changes are on disk before their Slack posts are attempted.
      this.persist();
      this.store.flush();
    }
    const after = this.clock.now();
    for (const r of this.records()) {
      if (r.outbox.length > 0 && r.nextDeliveryAt <= after) this.deliver(r);
    }
  }

  /** One GET /tasks for every Task watch; GET /tasks/{id} only for those the list does not show. */
  private async pollTasks(taskWatches: WatchRecord[], now: number): Promise<void> {
    let list: Task[];
    try {
      list = await this.callEm('listTasks', () => this.em.listTasks());
    } catch (err) {
      this.pollFailed(
        taskWatches.filter((r) => r.nextPollAt <= now),
        err,
        'GET /tasks',
      );
      return;
    }
    const byId = new Map(list.map((t) => [t.id, t]));
    // Task IDs are per logon session: if two watches share one, the newer request owns it (em-api.md fact 7).
    const owner = new Map<string, WatchRecord>();
    for (const r of taskWatches) {
      const held = owner.get(r.spec.taskId);
      if (held === undefined || held.spec.requestedAt < r.spec.requestedAt) owner.set(r.spec.taskId, r);
    }
    const individual: Promise<void>[] = [];
    for (const r of taskWatches) {
      if (r.phase !== 'task') continue;
      const due = r.nextPollAt <= now;
      const task = byId.get(r.spec.taskId);
      const mine = owner.get(r.spec.taskId) === r;
      if (task !== undefined && mine && taskMatchesSpec(r.spec, task)) {
        this.onTask(r, task, due);
      } else if (!due) {
        // Not due yet: its own GET waits for its turn.
      } else if (!mine || task !== undefined) {
        // The ID now names another Task: ours is gone with its logon session.
        this.forget(r);
      } else {
        individual.push(this.pollTaskById(r));
      }
    }
    await Promise.all(individual);
  }

  private async pollTaskById(r: WatchRecord): Promise<void> {
    try {
      const task = await this.callEm('getTask', () => this.em.getTask(r.spec.taskId));
      if (r.phase !== 'task') return;
      if (taskMatchesSpec(r.spec, task)) this.onTask(r, task, true);
      else this.forget(r);
    } catch (err) {
      if (r.phase !== 'task') return;
      if (isNotFound(err) || isInvalidId(err)) this.forget(r);
      else this.pollFailed([r], err, `GET /tasks/${r.spec.taskId}`);
    }
  }

  private onTask(r: WatchRecord, task: Task, due: boolean): void {
    // Only Finished is final: OperationFinished's Result is a placeholder, unknown states keep being polled.
    if (task.state === 'Finished') {
      this.apply(r, onTaskFinished(r, task, this.stepContext()));
      return;
    }
    r.lastState = task.state;
    if (due) this.backoff(r);
  }

  private forget(r: WatchRecord): void {
    if (r.cancelledBy === undefined) this.counters.resolvedFromTarget += 1;
    this.logger.info('EM no longer knows the task; resolving from its target', {
      taskId: r.spec.taskId,
      action: r.spec.action,
    });
    this.apply(r, onTaskForgotten(r, this.stepContext()));
  }

  /** read-job, find-session and session phases: one request each, through the in-flight cap. */
  private async pollTarget(r: WatchRecord, reads: Map<string, Promise<unknown>>): Promise<void> {
    const shared = <T>(key: string, counter: EmCounter, request: () => Promise<T>): Promise<T> => {
      let read = reads.get(key) as Promise<T> | undefined;
      if (read === undefined) {
        read = this.callEm(counter, request);
        reads.set(key, read);
      }
      return read;
    };
    const phase = r.phase;
    const target = r.spec.target;
    const jobId = target.jobId;
    let what = '';
    try {
      if (phase === 'read-job' && jobId !== undefined) {
        what = `GET /agents/jobs/${jobId}`;
        const job = await shared(`job:${jobId}`, 'getAgentJob', () => this.em.getAgentJob(jobId));
        if (r.phase === phase) this.apply(r, onJobRead(r, job, this.stepContext()));
      } else if (phase === 'find-session' && jobId !== undefined) {
        what = `GET /agents/jobs/${jobId}/backupSessions`;
        const sessions = await shared(`sessions:${jobId}`, 'listJobSessions', () =>
          this.em.listJobSessions(jobId),
        );
        if (r.phase === phase) this.apply(r, onJobSessions(r, sessions, this.stepContext()));
      } else if (phase === 'session' && r.sessionId !== undefined) {
        const sessionId = r.sessionId;
        what = `GET /backupSessions/${sessionId}`;
        const session = await shared(`session:${sessionId}`, 'getSession', () =>
          this.em.getSession(sessionId),
        );
        if (r.phase === phase) this.apply(r, onSession(r, session, this.stepContext()));
      } else {
        this.apply(r, onTargetMissing(r));
        return;
      }
      if (r.phase === phase) this.backoff(r);
    } catch (err) {
      if (r.phase !== phase) return;
      if (isNotFound(err) || isInvalidId(err)) this.apply(r, onTargetMissing(r));
      else this.pollFailed([r], err, what);
    }
  }

  private pollFailed(records: WatchRecord[], err: unknown, request: string): void {
    this.counters.em.errors += 1;
    this.logger.warn('EM poll failed; will retry with backoff', {
      request,
      watches: records.length,
      error: errorText(err),
    });
    for (const r of records) {
      r.pollErrors += 1;
      this.backoff(r);
    }
  }

  private backoff(r: WatchRecord): void {
    const { delayMs, nextIntervalMs } = nextPoll(this.policy, r.intervalMs, this.random);
    r.nextPollAt = this.clock.now() + delayMs;
    r.intervalMs = nextIntervalMs;
  }

  private callEm<T>(counter: EmCounter, request: () => Promise<T>): Promise<T> {
    return this.emLimiter.run(() => {
      this.counters.em[counter] += 1;
      return request();
    });
  }

  private stepContext(): StepContext {
    return {
      now: this.clock.now(),
      sessionSkewMs: this.sessionSkewMs,
      sessionAppearMs: this.sessionAppearMs,
      pollIntervalMs: this.policy.baseMs,
      resolveGraceMs: this.resolveGraceMs,
    };
  }

  private timeoutMs(): number {
    return this.config.timeoutMinutes * 60_000;
  }

  /**
   * config.timeoutMinutes after the request; a watch resumed after a long outage still gets up to a minute to
   * read its result (or resolve it from the target) before the thread is told the bot gave up.
   */
  private deadlineOf(r: WatchRecord): number {
    const timeoutMs = this.timeoutMs();
    const byRequest = r.spec.requestedAt + timeoutMs;
    return r.resumedAt === undefined
      ? byRequest
      : Math.max(byRequest, r.resumedAt + Math.min(timeoutMs, 60_000));
  }

  private newestWatchOf(taskId: string): WatchRecord | undefined {
    let newest: WatchRecord | undefined;
    for (const r of this.records()) {
      if (r.spec.taskId !== taskId) continue;
      if (newest === undefined || r.spec.requestedAt > newest.spec.requestedAt) newest = r;
    }
    return newest;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Reports → outbox → Slack

  /** Records what a step decided: a new phase polls afresh; each report becomes a reply and a parent update. */
  private apply(r: WatchRecord, reports: WatchReport[]): void {
    for (const report of reports) {
      this.enqueue(r, 'reply', watchReplyMessage(r.spec, report));
      if (r.spec.parentTs !== undefined) this.enqueue(r, 'parent', taskParentMessage(r.spec, report));
    }
    if (r.phase === 'done') {
      this.counters.finished += 1;
      this.finishedKeys.set(r.key, true);
      this.logger.info('watch ended', {
        taskId: r.spec.taskId,
        action: r.spec.action,
        reports: reports.length,
      });
      if (r.outbox.length === 0) this.remove(r);
    }
    this.dirty = true;
  }

  private enqueue(r: WatchRecord, kind: OutboxItem['kind'], message: SlackMessage): void {
    if (kind === 'parent') {
      // Only the latest state of the parent matters: drop older updates not yet on their way.
      const inFlight = this.sending.get(r.key);
      r.outbox = r.outbox.filter((item) => item.kind !== 'parent' || item.id === inFlight);
    }
    r.outbox.push({ id: r.nextOutboxId, kind, message });
    r.nextOutboxId += 1;
  }

  private remove(r: WatchRecord): void {
    this.watches.del(r.key);
    this.dirty = true;
  }

  /** Sends a watch's outbox in order; one drain per watch at a time. */
  private deliver(r: WatchRecord): void {
    if (!this.running || this.delivering.has(r.key) || r.outbox.length === 0) return;
    const drain = this.slackLimiter
      .run(() => this.drain(r))
      .catch((err: unknown) =>
        this.logger.error('Slack delivery failed unexpectedly', { error: errorText(err) }),
      )
      .finally(() => {
        this.delivering.delete(r.key);
        this.scheduleNext();
      });
    this.delivering.set(r.key, drain);
  }

  private async drain(r: WatchRecord): Promise<void> {
    while (r.outbox.length > 0 && this.running) {
      const item = r.outbox[0] as OutboxItem;
      this.sending.set(r.key, item.id);
      try {
        await this.send(r.spec, item);
        r.outbox = r.outbox.filter((i) => i.id !== item.id);
        r.deliveryFailures = 0;
        if (item.kind === 'reply') this.counters.slack.posts += 1;
        else this.counters.slack.updates += 1;
      } catch (err) {
        const code = slackErrorCode(err);
        if (code !== undefined && BLOCK_ERRORS.has(code) && !item.textOnly) {
          this.logger.warn('Slack refused the blocks; sending the text alone', {
            error: code,
            taskId: r.spec.taskId,
          });
          item.textOnly = true;
        } else if (code !== undefined && PERMANENT_SLACK_ERRORS.has(code)) {
          this.counters.slack.dropped += 1;
          this.logger.error('Slack refused a watch post for good; dropping it', {
            error: code,
            kind: item.kind,
            taskId: r.spec.taskId,
            channel: r.spec.channel,
          });
          r.outbox = r.outbox.filter((i) => i.id !== item.id);
        } else {
          this.counters.slack.failures += 1;
          r.deliveryFailures += 1;
          const base = Math.max(250, this.config.pollIntervalMs);
          const delay = Math.min(60_000, base * 2 ** Math.min(r.deliveryFailures - 1, 8));
          r.nextDeliveryAt = this.clock.now() + Math.round(delay * (0.8 + this.random() * 0.4));
          this.logger.warn('Slack post failed; kept, will retry', {
            error: code ?? errorText(err),
            kind: item.kind,
            taskId: r.spec.taskId,
            failures: r.deliveryFailures,
          });
          return;
        }
      } finally {
        this.sending.delete(r.key);
        this.dirty = true;
        this.persist();
      }
    }
    if (r.phase === 'done' && r.outbox.length === 0) {
      this.remove(r);
      this.persist();
    }
  }

  private async send(spec: WatchSpec, item: OutboxItem): Promise<void> {
    const blocks = item.textOnly ? undefined : item.message.blocks;
    if (item.kind === 'reply') {
      await this.slack.chat.postMessage({
        channel: spec.channel,
        thread_ts: spec.threadTs,
        text: item.message.text,
        blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
    } else if (spec.parentTs !== undefined) {
      // New blocks replace the old ones, which removes the Cancel button (chat.update keeps blocks otherwise).
      await this.slack.chat.update({
        channel: spec.channel,
        ts: spec.parentTs,
        text: item.message.text,
        blocks: blocks ?? [],
      });
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // State

  /** Hands the whole section to the store, which coalesces writes; after stop() a newer watcher owns the file. */
  private persist(): void {
    if (this.closed || !this.dirty) return;
    const saved: SavedWatches = { version: 1, watches: this.records() };
    this.store.write('watches', saved);
    this.dirty = false;
  }

  /** Polling and delivery restart at once after a restart; the rest of the record is as it was saved. */
  private normalizeRestored(r: WatchRecord, now: number): void {
    r.resumedAt = now;
    r.nextPollAt = now;
    r.intervalMs = this.policy.baseMs;
    r.pollErrors = 0;
    r.nextDeliveryAt = now;
    r.deliveryFailures = 0;
    const maxId = r.outbox.reduce((m, item) => Math.max(m, item.id), 0);
    r.nextOutboxId = Math.max(typeof r.nextOutboxId === 'number' ? r.nextOutboxId : 1, maxId + 1);
  }
}

function isNotFound(err: unknown): boolean {
  return isEmError(err) && err.kind === 'http' && err.status === 404;
}

function isInvalidId(err: unknown): boolean {
  return isEmError(err) && err.kind === 'invalid-id';
}

function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

function errorText(err: unknown): string {
  return isEmError(err)
    ? `${err.code}: ${describeEmError(err)}`
    : err instanceof Error
      ? err.message
      : String(err);
}
