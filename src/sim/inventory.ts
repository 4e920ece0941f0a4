// Jobs and sessions in memory, and how a run goes: Working → Stopped with Success/Warning/Failed, per-object
// task sessions carrying the reason (real EM leaves the session's FailureMessage null: em-api.md fact 12).

import { randomUUID } from 'node:crypto';
import {
  retryOf,
  type SessionResult,
  type SimJob,
  type SimSession,
  type SimTaskSession,
} from './inventory-model.js';
import type { SimScheduler } from './scheduler.js';
import { seededJobs } from './seed-jobs.js';
import type { SimKnobs, SimOutcome, SimSessionInit } from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a Failed run says (the first is the one the brief and docs quote). */
const FAILURE_MESSAGES = [
  'Error: Agent failed to process method {Backup.Disk}: The network path was not found.',
  'Error: Failed to connect to the backup repository: the connection attempt timed out.',
  'Error: Failed to create VSS snapshot: The writer experienced a transient error.',
];
const WARNING_MESSAGES = [
  'Warning: Changed block tracking is not available, the whole volume was read.',
  'Warning: Failed to truncate Microsoft SQL Server transaction logs.',
];
export const STOPPED_BY_USER = 'Stopped by user';

interface InventoryDeps {
  knobs: SimKnobs;
  random: () => number;
  scheduler: SimScheduler;
}

export class Inventory {
  readonly jobs = new Map<string, SimJob>();
  /** Insertion order = creation order (oldest first). */
  readonly sessions = new Map<string, SimSession>();
  private readonly taskSessions = new Map<string, SimTaskSession>();

  constructor(private readonly deps: InventoryDeps) {}

  now(): number {
    return this.deps.scheduler.now();
  }

  seed(): void {
    for (const job of seededJobs()) this.addJob(job);
  }

  /** Adds a job with one finished Success session a day earlier, so "newest session" always exists. */
  addJob(job: SimJob): SimJob {
    this.jobs.set(job.id, job);
    const start = this.now() - DAY_MS;
    this.addSession({
      jobId: job.id,
      state: 'Stopped',
      result: 'Success',
      creationTime: start,
      endTime: start + 9 * 60_000,
    });
    return job;
  }

  job(id: string): SimJob | undefined {
    return this.jobs.get(id.toLowerCase());
  }

  session(id: string): SimSession | undefined {
    return this.sessions.get(id.toLowerCase());
  }

  taskSession(id: string): SimTaskSession | undefined {
    return this.taskSessions.get(id.toLowerCase());
  }

  /** Parent sessions of a job (no AgentManagement children), newest first. */
  jobSessions(jobId: string): SimSession[] {
    const out: SimSession[] = [];
    for (const s of this.sessions.values()) if (s.jobId === jobId && s.parentId === undefined) out.push(s);
    return out.reverse();
  }

  children(parentId: string): SimSession[] {
    return [...this.sessions.values()].filter((s) => s.parentId === parentId);
  }

  runningSession(jobId: string): SimSession | undefined {
    return this.jobSessions(jobId).find((s) => s.state === 'Working');
  }

  lastSession(jobId: string): SimSession | undefined {
    return this.jobSessions(jobId)[0];
  }

  /** 0-100; derived from the clock so reads stay cheap. */
  progress(session: SimSession): number {
    if (session.state === 'Stopped') return 100;
    if (session.plannedEnd === undefined) return 50;
    const total = session.plannedEnd - session.creationTime;
    if (total <= 0) return 99;
    return Math.max(0, Math.min(99, Math.floor(((this.now() - session.creationTime) / total) * 100)));
  }

  /**
   * A run started by start/retry/sync or the schedule: Working now, Stopped after backupDurationMs with the decided
   * outcome. `retriesLeft` (runs the schedule started) is how often Veeam retries it by itself should it fail.
   */
  startRun(job: SimJob, isRetry: boolean, retriesLeft = 0): SimSession {
    const outcome = job.nextOutcome ?? job.outcomes?.shift() ?? this.randomOutcome();
    job.nextOutcome = undefined;
    const duration = outcome.durationMs ?? this.deps.knobs.backupDurationMs;
    const parent = this.addSession({ jobId: job.id, state: 'Working', result: 'None' });
    parent.plannedEnd = parent.creationTime + duration;
    for (const s of [parent, ...this.children(parent.id)]) {
      s.isRetry = isRetry;
      s.plannedEnd = parent.plannedEnd;
    }
    parent.retriesLeft = retriesLeft;
    parent.timer = this.deps.scheduler.at(parent.plannedEnd, () => this.finish(parent, outcome));
    return parent;
  }

  /** The job's schedule fires now: a run Veeam retries by itself (its RetryOptions) while it keeps failing. */
  startScheduledRun(job: SimJob): SimSession {
    const retry = retryOf(job);
    return this.startRun(job, false, retry.specified ? Math.max(0, retry.times) : 0);
  }

  addSession(init: SimSessionInit): SimSession {
    const job = this.job(init.jobId);
    if (!job) throw new Error(`No simulated job with ID ${init.jobId}`);
    const creationTime = init.creationTime ?? this.now();
    const state = init.state ?? (init.endTime !== undefined ? 'Stopped' : 'Working');
    const result = init.result ?? (state === 'Working' ? 'None' : 'Success');
    const jobType = init.jobType ?? (job.kind === 'agent' ? 'AgentBackup' : job.jobType);
    const endTime = state === 'Stopped' ? (init.endTime ?? this.now()) : undefined;
    const session = this.newSession(job, jobType, { creationTime, state, result, endTime });
    const reason =
      result === 'Failed' || result === 'Warning'
        ? (init.failureMessage ?? this.reasonFor(result))
        : undefined;
    session.reason = reason;
    if (jobType === 'AgentManagement') return session;
    session.tasks = job.machines.map((machine) => this.newTaskSession(session, machine));
    this.settleTasks(session, result, reason);
    if (jobType !== 'AgentBackup') return session;
    for (const machine of job.machines) {
      const child = this.newSession(job, 'AgentManagement', { creationTime, state, result, endTime });
      child.reason = reason;
      child.name = `${job.name} - ${machine}@${timestamp(creationTime)}`;
      child.parentId = session.id;
    }
    return session;
  }

  /** Ends a Working session (and its children and task sessions) now with the outcome. */
  finish(session: SimSession, outcome: SimOutcome): void {
    session.timer?.cancel();
    session.timer = undefined;
    if (session.state !== 'Working') return;
    const reason =
      outcome.message ?? (outcome.result === 'Success' ? undefined : this.reasonFor(outcome.result));
    const end = this.now();
    for (const s of [session, ...this.children(session.id)]) {
      if (s.state !== 'Working') continue;
      s.state = 'Stopped';
      s.result = outcome.result;
      s.reason = reason;
      s.endTime = end;
      s.plannedEnd = undefined;
    }
    this.settleTasks(session, outcome.result, reason, outcome.objectsAffected);
    // Veeam retries only a failed run its schedule started, never one a user stopped (VBR guide, "Job Retry").
    if (outcome.result === 'Failed' && outcome.message !== STOPPED_BY_USER) this.planRetry(session);
  }

  /** After RetryTimeout minutes (or the retryDelayMs knob), a retry session (IsRetry true) unless one runs. */
  private planRetry(session: SimSession): void {
    const left = session.retriesLeft ?? 0;
    const job = this.job(session.jobId);
    if (left <= 0 || job === undefined) return;
    const delay = this.deps.knobs.retryDelayMs ?? retryOf(job).timeoutMinutes * 60_000;
    this.deps.scheduler.at(this.now() + delay, () => {
      if (this.jobs.get(job.id) !== job || this.runningSession(job.id) !== undefined) return;
      this.startRun(job, true, left - 1);
    });
  }

  close(): void {
    for (const s of this.sessions.values()) s.timer?.cancel();
  }

  /** The first `affected` objects carry the session's result and reason; the others succeeded (or still run). */
  private settleTasks(
    session: SimSession,
    result: SessionResult,
    reason: string | undefined,
    affected = 1,
  ): void {
    session.tasks.forEach((task, i) => {
      if (session.state === 'Working') return;
      task.state = 'Completed';
      task.endTime = session.endTime;
      task.result = i < affected ? result : 'Success';
      task.reason = i < affected ? reason : undefined;
    });
  }

  private newSession(
    job: SimJob,
    jobType: SimSession['jobType'],
    at: Pick<SimSession, 'creationTime' | 'state' | 'result' | 'endTime'>,
  ): SimSession {
    const session: SimSession = {
      id: randomUUID(),
      jobId: job.id,
      jobName: job.name,
      jobType,
      name: `${job.name}@${timestamp(at.creationTime)}`,
      ...at,
      isRetry: false,
      tasks: [],
    };
    this.sessions.set(session.id, session);
    return session;
  }

  private newTaskSession(session: SimSession, objectName: string): SimTaskSession {
    const task: SimTaskSession = {
      id: randomUUID(),
      sessionId: session.id,
      objectName,
      creationTime: session.creationTime,
      state: 'InProgress',
      result: 'None',
    };
    this.taskSessions.set(task.id, task);
    return task;
  }

  private reasonFor(result: 'Failed' | 'Warning'): string {
    return this.pick(result === 'Failed' ? FAILURE_MESSAGES : WARNING_MESSAGES);
  }

  private randomOutcome(): SimOutcome {
    const r = this.deps.random();
    const { failureRate, warningRate } = this.deps.knobs;
    if (r < failureRate) return { result: 'Failed' };
    if (r < failureRate + warningRate) return { result: 'Warning' };
    return { result: 'Success' };
  }

  private pick(list: string[]): string {
    return list[Math.floor(this.deps.random() * list.length) % list.length] as string;
  }
}

/** "yyyy-MM-dd HH:mm:ss" as in session names (em-api.md §4.4). */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
