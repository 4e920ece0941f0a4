// Reads EM for the watches that are due and hands what it finds to watch-steps. Polling policy: while any watch
// waits on a Task, GET /tasks goes out on a steady beat (one request for every Task of our logon session, so its
// cost does not grow with the watches); reads of one resource each (GET /tasks/{id} for a Task the list no longer
// shows, the job read-back, the backup session) back off ×1.5 per unchanged answer to a cap, with jitter, per
// watch. An EM error is retried with backoff, never reported as a result (em-api.md facts 4–7, §3).

import type { Clock } from '../clock.js';
import type { EmApi } from '../em/api.js';
import type { Job, JobSession, Task } from '../em/types.js';
import type { Logger } from '../log/logger.js';
import type { EmCalls } from './em-calls.js';
import { isUnknownToEm } from './is-unknown-to-em.js';
import type { ListCadence } from './list-cadence.js';
import { type BackoffPolicy, nextPoll } from './poll-backoff.js';
import type { WatchRecord } from './watch-record.js';
import { type FailedObjects, failedObjectsOf, type WatchReport } from './watch-report.js';
import {
  needsFailedObjects,
  onJobRead,
  onJobSessions,
  onSession,
  onTargetMissing,
  onTaskFinished,
  onTaskForgotten,
  type StepContext,
  taskMatchesSpec,
} from './watch-steps.js';
import type { WatcherCounters } from './watcher-stats.js';

interface TaskPollerDeps {
  em: EmApi;
  calls: EmCalls;
  cadence: ListCadence;
  policy: BackoffPolicy;
  random: () => number;
  clock: Clock;
  logger: Logger;
  counters: WatcherCounters;
  stepContext(): StepContext;
  /** Records what a step decided (the watcher's outbox and phase bookkeeping). */
  apply(r: WatchRecord, reports: WatchReport[]): void;
  /** A watch recorded this Finished Task: it may be deleted once that is saved (task-cleanup.ts). */
  taskRecorded(task: Task): void;
  /** GET /tasks answered; `waiting`: the Task IDs watches waited on when it was sent (for the sweep). */
  onList(list: readonly Task[], waiting: ReadonlySet<string>): void;
  wakeBy(at: number): void;
}

/** Reads shared by the watches of one round: watches on the same job or session cost one request. */
export type SharedReads = Map<string, Promise<unknown>>;

/** Why-it-failed reads tried this many times (transient EM errors) before the reply says it could not be read. */
const REASON_READ_ATTEMPTS = 3;
/** Jobs remembered for their session reads (a job's kind and UID never change); oldest forgotten first. */
const KNOWN_JOBS = 1_000;

export class TaskPoller {
  /** A job's entity, read once per job: listJobSessions needs its kind and UID. */
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly deps: TaskPollerDeps) {}

  /** One GET /tasks for every Task watch; GET /tasks/{id} only for those the list does not show. */
  async pollTasks(taskWatches: WatchRecord[], sentAt: number): Promise<void> {
    const { cadence, clock, counters, logger } = this.deps;
    let list: Task[];
    try {
      list = await this.deps.calls.run('listTasks', () => this.deps.em.listTasks());
    } catch (error) {
      counters.em.errors += 1;
      const retryInMs = cadence.failed(clock.now());
      logger.warn('EM poll failed; will retry with backoff', {
        request: 'GET /tasks',
        watches: taskWatches.length,
        retryInMs,
        error,
      });
      return;
    }
    cadence.succeeded(sentAt);
    this.deps.onList(list, new Set(taskWatches.map((r) => r.spec.taskId)));
    const byId = new Map<string, Task>();
    for (const t of list) byId.set(t.id, t);
    const owner = ownersByTaskId(taskWatches);
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

  /** Only Finished is final: OperationFinished's Result is a placeholder, unknown states keep being polled. */
  onTaskFinished(r: WatchRecord, task: Task): boolean {
    if (task.state !== 'Finished') return false;
    this.deps.apply(r, onTaskFinished(r, task, this.deps.stepContext()));
    this.deps.taskRecorded(task);
    return true;
  }

  /** read-job, find-session and session phases: one request each, through the in-flight cap. */
  async pollTarget(r: WatchRecord, reads: SharedReads): Promise<void> {
    const phase = r.phase;
    try {
      if (!(await this.readTarget(r, reads))) {
        this.deps.apply(r, onTargetMissing(r));
        return;
      }
      if (r.phase === phase) this.backoff(r);
    } catch (err) {
      if (r.phase !== phase) return;
      if (isUnknownToEm(err)) this.deps.apply(r, onTargetMissing(r));
      else this.pollFailed(r, err, targetRequest(r));
    }
  }

  /** Reads what the watch's phase follows and applies it; false when the phase has nothing to read. */
  private async readTarget(r: WatchRecord, reads: SharedReads): Promise<boolean> {
    const shared = <T>(key: string, counter: Parameters<EmCalls['run']>[0], request: () => Promise<T>) => {
      let read = reads.get(key) as Promise<T> | undefined;
      if (read === undefined) {
        read = this.deps.calls.run(counter, request);
        reads.set(key, read);
      }
      return read;
    };
    const { em } = this.deps;
    const phase = r.phase;
    const target = r.spec.target;
    const jobId = target.jobId;
    const jobKind = target.kind === 'job' ? target.jobKind : undefined;
    const sessionId = r.sessionId;
    if (phase === 'read-job' && jobId !== undefined) {
      const job = await shared(`job:${jobId}`, 'getJob', () => em.getJob(jobId, jobKind));
      this.remember(job);
      if (r.phase === phase) this.deps.apply(r, onJobRead(r, job, this.deps.stepContext()));
    } else if (phase === 'find-session' && jobId !== undefined) {
      const sessions = await shared(`sessions:${jobId}`, 'listJobSessions', async () =>
        em.listJobSessions(await this.jobOf(jobId, jobKind, shared)),
      );
      if (r.phase === phase) this.deps.apply(r, onJobSessions(r, sessions, this.deps.stepContext()));
    } else if (phase === 'session' && sessionId !== undefined) {
      const kind = r.sessionKind;
      // Without a kind (an older saved watch), EM's client tries backup sessions, then replica sessions.
      const session = await shared(`session:${sessionId}`, 'getSession', () =>
        this.deps.em.getSession(sessionId, kind),
      );
      if (r.phase !== phase) return true;
      if (!needsFailedObjects(r, session)) {
        this.deps.apply(r, onSession(r, session, this.deps.stepContext()));
        return true;
      }
      const failed = await this.failedObjects(r, session, shared);
      if (failed !== undefined && r.phase === phase) {
        this.deps.apply(r, onSession(r, session, this.deps.stepContext(), failed));
      }
    } else {
      return false;
    }
    return true;
  }

  /** The job entity (cached): listJobSessions needs its kind (and a replica job's UID). */
  private async jobOf(
    jobId: string,
    kind: Job['kind'] | undefined,
    shared: <T>(key: string, counter: 'getJob', request: () => Promise<T>) => Promise<T>,
  ): Promise<Job> {
    const known = this.jobs.get(jobId);
    if (known !== undefined) return known;
    const job = await shared(`job:${jobId}`, 'getJob', () => this.deps.em.getJob(jobId, kind));
    this.remember(job);
    return job;
  }

  private remember(job: Job): void {
    this.jobs.delete(job.id);
    this.jobs.set(job.id, job);
    if (this.jobs.size > KNOWN_JOBS) {
      const oldest = this.jobs.keys().next().value;
      if (oldest !== undefined) this.jobs.delete(oldest);
    }
  }

  /**
   * Which objects failed and why (task sessions). A failed read is retried with the session's backoff, a few
   * times; then (or when EM does not know them) the reply says the reasons could not be read. Undefined: retry.
   */
  private async failedObjects(
    r: WatchRecord,
    session: JobSession,
    shared: <T>(key: string, counter: 'listTaskSessions', request: () => Promise<T>) => Promise<T>,
  ): Promise<FailedObjects | undefined> {
    try {
      const tasks = await shared(`tasks:${session.id}`, 'listTaskSessions', () =>
        this.deps.em.listTaskSessions(session),
      );
      return failedObjectsOf(tasks);
    } catch (error) {
      this.deps.counters.em.errors += 1;
      r.reasonReadFailures = (r.reasonReadFailures ?? 0) + 1;
      const giveUp = isUnknownToEm(error) || r.reasonReadFailures >= REASON_READ_ATTEMPTS;
      this.deps.logger.warn(
        giveUp
          ? 'could not read why the session failed; reporting without the reasons'
          : 'could not read why the session failed; will retry',
        { taskId: r.spec.taskId, sessionId: session.id, attempts: r.reasonReadFailures, error },
      );
      return giveUp ? { unreadable: true } : undefined;
    }
  }

  private async pollTaskById(r: WatchRecord): Promise<void> {
    try {
      const task = await this.deps.calls.run('getTask', () => this.deps.em.getTask(r.spec.taskId));
      if (r.phase !== 'task') return;
      if (!taskMatchesSpec(r.spec, task)) {
        this.forget(r);
      } else if (!this.onTaskFinished(r, task)) {
        r.lastState = task.state;
        this.backoff(r);
      }
    } catch (err) {
      if (r.phase !== 'task') return;
      if (isUnknownToEm(err)) this.forget(r);
      else this.pollFailed(r, err, `GET /tasks/${r.spec.taskId}`);
    }
  }

  /** The list shows the Task: no read of its own is needed, so its own backoff starts afresh. */
  private onListedTask(r: WatchRecord, task: Task): void {
    if (this.onTaskFinished(r, task)) return;
    r.lastState = task.state;
    r.intervalMs = this.deps.policy.baseMs;
  }

  private forget(r: WatchRecord): void {
    if (r.cancelledBy === undefined) this.deps.counters.resolvedFromTarget += 1;
    this.deps.logger.info('EM no longer knows the task; resolving from its target', {
      taskId: r.spec.taskId,
      action: r.spec.action,
    });
    this.deps.apply(r, onTaskForgotten(r, this.deps.stepContext()));
  }

  private pollFailed(r: WatchRecord, error: unknown, request: string): void {
    this.deps.counters.em.errors += 1;
    this.deps.logger.warn('EM poll failed; will retry with backoff', { request, watches: 1, error });
    r.pollErrors += 1;
    this.backoff(r);
  }

  /** A per-resource read: the next one waits ×1.5 longer, to the cap, with jitter. */
  private backoff(r: WatchRecord): void {
    const { delayMs, nextIntervalMs } = nextPoll(this.deps.policy, r.intervalMs, this.deps.random);
    r.nextPollAt = this.deps.clock.now() + delayMs;
    r.intervalMs = nextIntervalMs;
    // A Task watch's own read is looked at when the next list comes back; the others need a wake-up.
    if (r.phase !== 'task') this.deps.wakeBy(r.nextPollAt);
  }
}

/** Task IDs are per logon session: if two watches share one, the newer request owns it (em-api.md fact 7). */
function ownersByTaskId(taskWatches: WatchRecord[]): Map<string, WatchRecord> {
  const owner = new Map<string, WatchRecord>();
  for (const r of taskWatches) {
    const held = owner.get(r.spec.taskId);
    if (held === undefined || held.spec.requestedAt < r.spec.requestedAt) owner.set(r.spec.taskId, r);
  }
  return owner;
}

/** The EM read a target phase makes, for the log. */
function targetRequest(r: WatchRecord): string {
  const jobId = r.spec.target.jobId;
  if (r.phase === 'read-job') return `read job ${jobId}`;
  if (r.phase === 'find-session') return `list sessions of job ${jobId}`;
  return `read ${r.sessionKind ?? ''} session ${r.sessionId}`.replace('  ', ' ');
}
