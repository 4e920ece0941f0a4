// Watches EM Tasks (and the backup sessions they start) until they end, and posts the outcome in the Slack thread.
// One timer loop for every watch; EM calls capped; each Slack post is saved in the state file before it is sent
// and removed only after Slack said ok, so a restart loses no result (em-api.md facts 4–7, §3, §4.4).
//
// Delivery is at least once, not exactly once. A post can be repeated in two narrow windows: the process dies
// after Slack accepted a post but before the store's next write (at most its 200 ms flush delay) records that
// it was sent, so the restarted watcher sends it again; or Slack accepted a post whose answer was lost, and the
// WebClient's own retry sends it a second time. A parent update repeated is harmless (same content); a thread
// reply then appears twice.
//
// Polling policy. While any watch waits on a Task, GET /tasks goes out on a steady beat of TASK_POLL_INTERVAL_MS
// (±5% jitter): it is one request for every Task of our logon session, so its cost does not grow with the number
// of watches and backing it off would only delay every reply (notify latency is at most about one beat). Reads of
// one resource each back off ×1.5 per unchanged answer to a cap, with jitter, per watch: GET /tasks/{id} for a
// Task the list no longer shows, the job read-back after a toggle, the backup session a start is followed to.
// EM errors slow the GET /tasks beat the same way (×1.5 to the cap) until a list succeeds; an error is retried,
// never reported as a result.
//
// Cost. Watches live in a Map; a round visits each watch once. watch() is O(1): it hands the store a live view of
// the section (serialised only when the store writes: its 200 ms timer, or once per round with phase changes,
// before their Slack posts) and re-arms the timer only when the new watch is due sooner.

import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';
import type { WatchConfig } from '../config.js';
import type { EmApi } from '../em/api.js';
import { describeEmError, isEmError } from '../em/errors.js';
import type { Task } from '../em/types.js';
import type { Logger } from '../log/logger.js';
import type { SlackMessage } from '../slack/block-kit.js';
import type { StateStore } from '../state/state-store.js';
import { ListCadence } from './list-cadence.js';
import { type BackoffPolicy, backoffPolicy, nextPoll } from './poll-backoff.js';
import { RequestLimiter } from './request-limiter.js';
import { TaskCancelRefused } from './task-cancel-refused.js';
import type { TaskWatchSink, WatchOptions, WatchSpec } from './types.js';
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
import { WatchTable } from './watch-table.js';

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
/** A watch that ended is remembered this long: a repeated watch() of the same Task is ignored. */
const FINISHED_MEMORY_MS = 3_600_000;
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

  /** Live watches by key; a watch leaves only when it is done and its posts are sent. */
  private readonly watches = new WatchTable();
  /** Keys of watches that ended → when to forget them (insertion order is expiry order). */
  private readonly finishedKeys = new Map<string, number>();
  private readonly delivering = new Map<string, Promise<void>>();
  /** The outbox item being sent per watch: a newer parent update must not replace it mid-flight. */
  private readonly sending = new Map<string, number>();
  /** Watches that got Slack posts to send since the last round ended. */
  private readonly toDeliver = new Set<WatchRecord>();
  /** The GET /tasks beat. */
  private readonly cadence: ListCadence;
  /** What the store serialises when it writes: every watch as it is at that moment. */
  private readonly section: SavedWatches;
  /** changeSeq counts changes; savedSeq is the count at our last flush; an outbox item remembers its count. */
  private changeSeq = 0;
  private savedSeq = 0;
  private readonly enqueuedSeq = new WeakMap<OutboxItem, number>();

  private running = false;
  /** After stop(): nothing more is written to the store (a new watcher may own the file by now). */
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private round: Promise<void> | undefined;
  /** True from the moment a round starts (before `round` is set): wake-ups then only lower `wakeAt`. */
  private inRound = false;
  /** The earliest moment a watch needs attention (besides the GET /tasks beat), as far as is known. */
  private wakeAt = Number.POSITIVE_INFINITY;

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
    this.cadence = new ListCadence(this.policy, this.random);
    const watches = this.watches;
    this.section = {
      version: 1,
      get watches() {
        return watches.values();
      },
    };
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
      // A resumed Task may have finished while we were down: list at once.
      if (r.phase === 'task') this.cadence.dueBy(now);
    }
    if (skipped > 0) this.logger.warn('skipped unreadable saved watches', { skipped });
    if (records.length > 0) this.logger.info('resumed saved watches', { count: records.length });
    this.running = true;
    this.closed = false;
    for (const r of this.watches.values()) if (r.outbox.length > 0) this.deliver(r);
    if (this.watches.size > 0) this.wakeBy(now);
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
    if (!this.closed) {
      // A snapshot, not the live view: whoever uses this store next must not see this watcher's later state.
      const saved: SavedWatches = { version: 1, watches: this.watches.values() };
      this.store.write('watches', saved);
      this.store.flush();
      this.savedSeq = this.changeSeq;
    }
    this.closed = true;
  }

  /**
   * Registers the watch (saved with the store's next write, before any Slack post). `runningParent` becomes the
   * first parent update of its outbox, so a Slack outage cannot delay the watch or overwrite a later result.
   */
  watch(spec: WatchSpec, options: WatchOptions = {}): void {
    const key = watchKey(spec);
    if (this.closed) {
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
    this.changed();
    if (options.runningParent !== undefined && spec.parentTs !== undefined) {
      // Sent by the next round (in MIN_TICK_MS), after its single save: a burst of watches costs one write.
      this.enqueue(record, 'parent', options.runningParent);
      this.wakeBy(now);
    }
    // O(1): the beat starts if it was idle; the timer moves only if the beat is now due sooner.
    this.cadence.start(now);
    this.scheduleNext();
  }

  /**
   * DELETE /tasks/{id}, then tell the thread who cancelled; the watch ends with the Task's final state as usual.
   * Refused (TaskCancelRefused, nothing deleted) unless a live watch waits on the Task and a fresh GET shows it is
   * still ours and unfinished: a task ID on an old card may name a newer Task after a re-logon (em-api.md §3.6),
   * and DELETE on a Finished Task only removes it (§3.5) while the backup it started runs on.
   */
  async cancel(taskId: string, byUser: string): Promise<void> {
    const record = await this.cancellableWatch(taskId);
    try {
      await this.callEm('cancelTask', () => this.em.cancelTask(taskId));
    } catch (err) {
      // Gone between our GET and the DELETE: nothing was cancelled; the next poll resolves it from the target.
      if (isNotFound(err) || isInvalidId(err)) throw new TaskCancelRefused('gone', taskId);
      throw err;
    }
    // A round saw the Task Finished while the DELETE was on its way: it hit a finished Task and cancelled nothing.
    if (record.phase !== 'task') throw new TaskCancelRefused('finished', taskId);
    this.logger.info('EM task cancelled', { taskId, byUser });
    record.cancelledBy = byUser;
    const now = this.clock.now();
    this.enqueue(record, 'reply', taskCancelledNotice(record.spec, byUser));
    // Read the final state soon: a fresh list for a Task watch, the next read for the others.
    record.nextPollAt = now;
    if (record.phase === 'task') this.cadence.dueBy(now);
    else this.wakeBy(now);
    this.changed();
    this.saveNow();
    this.deliver(record);
    this.scheduleNext();
  }

  /** What cancel() would refuse now, without deleting anything (the Cancel button asks before its approval). */
  async checkCancel(
    taskId: string,
    card: { watchKey?: string } = {},
  ): Promise<TaskCancelRefused | undefined> {
    try {
      if (card.watchKey !== undefined) {
        // The card belongs to one watch: the task ID must still be that watch's, not a newer request's.
        const mine = this.watches.get(card.watchKey);
        if (mine === undefined) return new TaskCancelRefused('not-watched', taskId);
        if (mine.spec.taskId !== taskId || this.newestWatchOf(taskId) !== mine) {
          return new TaskCancelRefused('gone', taskId);
        }
      }
      await this.cancellableWatch(taskId);
      return undefined;
    } catch (err) {
      if (err instanceof TaskCancelRefused) return err;
      throw err;
    }
  }

  /**
   * The live Task-phase watch that owns this ID, once a fresh GET shows its Task unfinished and still the action
   * it watches. A Task found Finished is handed to the watch at once, so it moves on (e.g. to the backup session).
   */
  private async cancellableWatch(taskId: string): Promise<WatchRecord> {
    const owner = this.newestWatchOf(taskId);
    if (owner === undefined) throw new TaskCancelRefused('not-watched', taskId);
    if (owner.phase !== 'task') throw new TaskCancelRefused('finished', taskId);
    let task: Task;
    try {
      task = await this.callEm('getTask', () => this.em.getTask(taskId));
    } catch (err) {
      if (isNotFound(err) || isInvalidId(err)) throw new TaskCancelRefused('gone', taskId);
      throw err;
    }
    // The GET took a while: a round may have moved the watch on, or a newer watch may own the ID now.
    if (this.newestWatchOf(taskId) !== owner) throw new TaskCancelRefused('not-watched', taskId);
    if (owner.phase !== 'task') throw new TaskCancelRefused('finished', taskId);
    if (!taskMatchesSpec(owner.spec, task)) throw new TaskCancelRefused('gone', taskId);
    if (task.state === 'Finished') {
      this.onTaskFinished(owner, task);
      this.saveNow();
      this.deliver(owner);
      this.scheduleNext();
      throw new TaskCancelRefused('finished', taskId);
    }
    return owner;
  }

  /** Counters for the benchmark and tests. */
  stats(): WatcherStats {
    let active = 0;
    let pendingPosts = 0;
    for (const r of this.watches.values()) {
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
    return this.watches.values().map((r) => ({
      key: r.key,
      taskId: r.spec.taskId,
      action: r.spec.action,
      phase: r.phase,
      pendingPosts: r.outbox.length,
    }));
  }

  // -------------------------------------------------------------------------------------------------------------
  // The loop

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Something needs attention at `at`: O(1); the timer moves only if that is sooner than it is set for. */
  private wakeBy(at: number): void {
    if (at >= this.wakeAt) return;
    this.wakeAt = at;
    this.scheduleNext();
  }

  /** Sets the single timer to the earlier of the next GET /tasks and the earliest moment a watch is due. */
  private scheduleNext(): void {
    if (!this.running || this.inRound) return;
    const next = Math.min(this.wakeAt, this.cadence.dueAt);
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
    if (!this.running || this.inRound) return;
    this.inRound = true;
    const startedAt = this.clock.now();
    this.round = this.pollRound()
      .catch((err: unknown) => this.logger.error('watch round failed', { error: errorText(err) }))
      .finally(() => {
        this.counters.rounds += 1;
        this.counters.lastRoundMs = this.clock.now() - startedAt;
        this.round = undefined;
        this.inRound = false;
        this.scheduleNext();
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
    this.wakeAt = Number.POSITIVE_INFINITY;
    let next = Number.POSITIVE_INFINITY;
    const listDue = now >= this.cadence.dueAt;
    let waitingOnTasks = false;
    const taskWatches: WatchRecord[] = [];
    const work: Promise<void>[] = [];
    // Watches on the same job or session share one read per round.
    const reads = new Map<string, Promise<unknown>>();

    for (const r of this.watches.values()) {
      if (r.phase !== 'done') {
        const deadline = this.deadlineOf(r);
        if (now >= deadline) {
          this.counters.timeouts += 1;
          this.logger.warn('stopped watching: timeout', { taskId: r.spec.taskId, phase: r.phase });
          this.apply(r, onTimeout(r, this.config.timeoutMinutes));
        } else {
          next = Math.min(next, deadline);
          if (r.phase === 'task') {
            waitingOnTasks = true;
            if (listDue) taskWatches.push(r);
          } else if (r.nextPollAt <= now) {
            work.push(this.pollTarget(r, reads));
          } else {
            next = Math.min(next, r.nextPollAt);
          }
        }
      }
      if (r.outbox.length > 0) this.toDeliver.add(r);
    }
    this.wakeBy(next);
    if (!waitingOnTasks) this.cadence.stop();
    else if (listDue) work.push(this.pollTasks(taskWatches, now));
    await Promise.all(work);

    // Phase changes are on disk before their Slack posts are attempted.
    this.saveNow();
    const after = this.clock.now();
    for (const r of this.toDeliver) {
      if (r.outbox.length === 0 || this.delivering.has(r.key)) continue;
      if (r.nextDeliveryAt <= after) this.deliver(r);
      else this.wakeBy(r.nextDeliveryAt);
    }
    this.toDeliver.clear();
  }

  /** One GET /tasks for every Task watch; GET /tasks/{id} only for those the list does not show. */
  private async pollTasks(taskWatches: WatchRecord[], sentAt: number): Promise<void> {
    let list: Task[];
    try {
      list = await this.callEm('listTasks', () => this.em.listTasks());
    } catch (err) {
      this.counters.em.errors += 1;
      const retryInMs = this.cadence.failed(this.clock.now());
      this.logger.warn('EM poll failed; will retry with backoff', {
        request: 'GET /tasks',
        watches: taskWatches.length,
        retryInMs,
        error: errorText(err),
      });
      return;
    }
    this.cadence.succeeded(sentAt);
    const byId = new Map<string, Task>();
    for (const t of list) byId.set(t.id, t);
    // Task IDs are per logon session: if two watches share one, the newer request owns it (em-api.md fact 7).
    const owner = new Map<string, WatchRecord>();
    for (const r of taskWatches) {
      const held = owner.get(r.spec.taskId);
      if (held === undefined || held.spec.requestedAt < r.spec.requestedAt) owner.set(r.spec.taskId, r);
    }
    const individual: Promise<void>[] = [];
    for (const r of taskWatches) {
      if (r.phase !== 'task') continue;
      const task = byId.get(r.spec.taskId);
      const mine = owner.get(r.spec.taskId) === r;
      // Due for a read of its own: a list sent before a new Task existed must not count as "gone".
      const due = r.nextPollAt <= sentAt;
      if (task !== undefined && mine && taskMatchesSpec(r.spec, task)) {
        this.onListedTask(r, task);
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
      if (!taskMatchesSpec(r.spec, task)) {
        this.forget(r);
      } else if (!this.onTaskFinished(r, task)) {
        r.lastState = task.state;
        this.backoff(r);
      }
    } catch (err) {
      if (r.phase !== 'task') return;
      if (isNotFound(err) || isInvalidId(err)) this.forget(r);
      else this.pollFailed([r], err, `GET /tasks/${r.spec.taskId}`);
    }
  }

  /** The list shows the Task: no read of its own is needed, so its own backoff starts afresh. */
  private onListedTask(r: WatchRecord, task: Task): void {
    if (this.onTaskFinished(r, task)) return;
    r.lastState = task.state;
    r.intervalMs = this.policy.baseMs;
  }

  /** Only Finished is final: OperationFinished's Result is a placeholder, unknown states keep being polled. */
  private onTaskFinished(r: WatchRecord, task: Task): boolean {
    if (task.state !== 'Finished') return false;
    this.apply(r, onTaskFinished(r, task, this.stepContext()));
    return true;
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

  /** A per-resource read: the next one waits ×1.5 longer, to the cap, with jitter. */
  private backoff(r: WatchRecord): void {
    const { delayMs, nextIntervalMs } = nextPoll(this.policy, r.intervalMs, this.random);
    r.nextPollAt = this.clock.now() + delayMs;
    r.intervalMs = nextIntervalMs;
    // A Task watch's own read is looked at when the next list comes back; the others need a wake-up.
    if (r.phase !== 'task') this.wakeBy(r.nextPollAt);
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

  /** The newest request with this task ID owns it (em-api.md fact 7); O(watches). */
  private newestWatchOf(taskId: string): WatchRecord | undefined {
    let newest: WatchRecord | undefined;
    for (const r of this.watches.values()) {
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
      this.finishedKeys.set(r.key, this.clock.now() + FINISHED_MEMORY_MS);
      this.logger.info('watch ended', {
        taskId: r.spec.taskId,
        action: r.spec.action,
        reports: reports.length,
      });
      if (r.outbox.length === 0) this.remove(r);
    } else if (r.phase !== 'task') {
      // A new phase polls at once (watch-steps enter()); settling reads have just been backed off.
      this.wakeBy(r.nextPollAt);
    }
    this.changed();
  }

  private enqueue(r: WatchRecord, kind: OutboxItem['kind'], message: SlackMessage): void {
    if (kind === 'parent') {
      // Only the latest state of the parent matters: drop older updates not yet on their way.
      const inFlight = this.sending.get(r.key);
      r.outbox = r.outbox.filter((item) => item.kind !== 'parent' || item.id === inFlight);
    }
    const item: OutboxItem = { id: r.nextOutboxId, kind, message };
    r.outbox.push(item);
    r.nextOutboxId += 1;
    this.changed();
    this.enqueuedSeq.set(item, this.changeSeq);
    this.toDeliver.add(r);
  }

  private remove(r: WatchRecord): void {
    this.watches.delete(r.key);
    this.changed();
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
        // Left over: a failed post waits for its retry, or an item came in as the drain ended.
        if (r.outbox.length > 0 && this.watches.has(r.key)) this.wakeBy(r.nextDeliveryAt);
      });
    this.delivering.set(r.key, drain);
  }

  private async drain(r: WatchRecord): Promise<void> {
    while (r.outbox.length > 0 && this.running) {
      const item = r.outbox[0] as OutboxItem;
      // The state that asked for this post is on disk first (a round saves before it delivers; this covers an
      // item that joined a drain already running).
      if ((this.enqueuedSeq.get(item) ?? 0) > this.savedSeq) this.saveNow();
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
        this.changed();
      }
    }
    if (r.phase === 'done' && r.outbox.length === 0) this.remove(r);
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

  /**
   * O(1): tells the store the section changed. The store serialises the live view when it writes (its 200 ms
   * timer coalesces bursts), so a watch() costs no serialisation. After stop() a newer watcher owns the file.
   */
  private changed(): void {
    this.changeSeq += 1;
    if (!this.closed) this.store.write('watches', this.section);
  }

  /** Writes the file now if anything changed since our last save (before Slack posts that depend on it). */
  private saveNow(): void {
    if (this.closed || this.savedSeq === this.changeSeq) return;
    this.store.flush();
    this.savedSeq = this.changeSeq;
  }

  /** finishedKeys expire in insertion order: drop the expired ones from the front. */
  private forgetFinishedKeys(now: number): void {
    for (const [key, until] of this.finishedKeys) {
      if (until > now) break;
      this.finishedKeys.delete(key);
    }
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
