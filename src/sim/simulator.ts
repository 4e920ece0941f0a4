// The EM simulator: an HTTP(S) server speaking Enterprise Manager's v1.0 REST API over seeded state, plus knobs.
// This module is its lifecycle (construct, listen, close) and the in-process controls tests, demo and bench use.
//
// Facts for client authors (em-api.md is the reference; this is what the simulator actually does):
// - Base URL: `sim.url` = http(s)://127.0.0.1:<port>/api (no trailing slash). Every Href uses it.
// - Logon: POST /api/sessionMngr/?v=latest (or v1_5..v1_7) with Basic chatops:chatops → 201, header
//   X-RestSvcSessionId (opaque), Set-Cookie, body LogonSession. Bad credentials → 401 + WWW-Authenticate.
//   The cookie wins over the header. Idle expiry after knobs.sessionIdleMs; the session's Tasks go with it.
// - Format: XML unless Accept is exactly application/json (JSON starts with a UTF-8 BOM); several Accept
//   values → 400 JSON Error "Node [root] does not exist." (EM 9.5U4).
// - Jobs: /agents/jobs (AgentBackup), /jobs (Backup on VMware/HyperV/vCloud, Replica, BackupCopy,
//   ImmediateBackupCopy), /nas/jobs (file share jobs); ?format=Entity on collections and single jobs. Entities
//   carry only the action links EM allows (backup copy: Sync, no Start; Retry after a Failed run). Actions
//   answer 202 + Task (Running → OperationFinished at half taskDurationMs, when the action takes effect →
//   Finished with the real Result); wrong state still 202, the Task ends Success=false with EM-like text.
// - Runs: BackupJobSession (JobType Backup/BackupCopy/ImmediateBackupCopy/AgentBackup + AgentManagement
//   children/NasBackup) at /backupSessions; replication runs are ReplicaJobSession at /replicaSessions. A run is
//   Working for backupDurationMs, then Stopped Success/Warning/Failed with FailureMessage null (as real EM); the
//   reason is on task sessions (…/taskSessions, …/replicaTaskSessions → Reason). A failed run the schedule started
//   (runScheduled) is retried like Veeam does: IsRetry sessions per the job's RetryOptions (retryDelayMs knob).
// - Query: /query?type=AgentBackupJob|Job|NasJob|BackupJobSession|ReplicaJobSession|Task, 100 items a page by
//   default with EM's PagingInfo (query-result.ts).
// - Tasks: per logon session; DELETE on a Finished Task removes it (204), on an unfinished one cancels it.
// - Time: options.clock (default system clock with real timers). With a ManualClock, move the clock: the next
//   request (or sim.tick()) applies everything due by then.
// - Knobs (sim.knobs, mutable at run time): see types.ts.

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../clock.js';
import { checkBasic, LogonSessions } from './auth.js';
import { Faults } from './faults.js';
import {
  type Answer,
  acceptFormat,
  apiSegments,
  drain,
  errorAnswer,
  HttpError,
  multiAcceptError,
  renderAnswer,
  sessionToken,
  templateSegment,
  writeAnswer,
} from './http-answer.js';
import { Inventory } from './inventory.js';
import { retryOf, type SimJob, type SimRetryOptions } from './inventory-model.js';
import { buildJob } from './job-factory.js';
import { DEFAULT_KNOBS, definedKnobs } from './knobs.js';
import { QueryError } from './query-service.js';
import { enterpriseManagerEl, errorEl, logonSessionEl } from './representations.js';
import type { SimContext } from './route-context.js';
import { route } from './routes.js';
import { SimScheduler } from './scheduler.js';
import { SIM_DEFAULT_CREDENTIALS } from './seed-ids.js';
import { jobView, sessionView } from './sim-views.js';
import { TaskBook } from './task-book.js';
import type {
  SimJobInit,
  SimJobView,
  SimKnobs,
  SimOptions,
  SimOutcome,
  SimSessionInit,
  SimSessionView,
  SimStats,
} from './types.js';

const SUPPORTED_VERSIONS = new Set(['latest', 'v1_5', 'v1_6', 'v1_7']);
const DAY_MS = 24 * 60 * 60 * 1000;

export class EmSimulator {
  readonly knobs: SimKnobs;
  readonly stats: SimStats = { requests: 0, logons: 0, byRoute: {}, finishedTasksRemoved: 0 };
  private readonly options: SimOptions;
  private readonly scheduler: SimScheduler;
  private readonly inventory: Inventory;
  private readonly logons: LogonSessions;
  /** Every logon session handed out, ended or not: secrets a test checks its bot's log lines against. */
  readonly issuedLogons: { id: string; token: string }[] = [];
  private readonly tasks: TaskBook;
  private readonly faults: Faults;
  private readonly listeners = new Set<(taskId: string, atMs: number) => void>();
  private readonly context: SimContext;
  private server?: http.Server;
  private baseUrl?: string;

  constructor(options: SimOptions = {}) {
    this.options = options;
    this.knobs = { ...DEFAULT_KNOBS, taskDurationJitterMs: 0, ...definedKnobs(options) };
    const random = options.random ?? Math.random;
    const clock = options.clock ?? systemClock;
    // Real timers only with the system clock: a ManualClock's time moves when the test says so.
    this.scheduler = new SimScheduler(clock, clock === systemClock);
    this.faults = new Faults(this.knobs);
    this.inventory = new Inventory({ knobs: this.knobs, random, scheduler: this.scheduler });
    if (options.seedInventory !== false) this.inventory.seed();
    this.tasks = new TaskBook({
      scheduler: this.scheduler,
      // random() only when jitter is on, so seeded runs without it draw the same numbers as before.
      durationMs: () => {
        const jitter = this.knobs.taskDurationJitterMs ?? 0;
        return this.knobs.taskDurationMs + (jitter > 0 ? random() * jitter : 0);
      },
      onFinished: (task) => {
        for (const listener of this.listeners) listener(task.id, task.finishedAt ?? this.scheduler.now());
      },
      onRemoved: () => {
        this.stats.finishedTasksRemoved += 1;
      },
    });
    this.logons = new LogonSessions({
      now: () => this.scheduler.now(),
      idleMs: () => this.knobs.sessionIdleMs,
      onEnded: (session) => this.tasks.dropOwner(session.id),
    });
    const sim = this;
    this.context = {
      get base() {
        return sim.url;
      },
      inventory: this.inventory,
      tasks: this.tasks,
      logons: this.logons,
      knobs: this.knobs,
    };
  }

  /** 'http://127.0.0.1:<port>/api' (https with tls) once listening. */
  get url(): string {
    if (!this.baseUrl) throw new Error('EmSimulator is not listening yet: call listen() first');
    return this.baseUrl;
  }

  async listen(): Promise<string> {
    if (this.baseUrl) return this.baseUrl;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          writeAnswer(res, { status: 500, body: errorEl(500, `Simulator error: ${String(error)}`) }, false);
        }
      });
    };
    const server = this.options.tls
      ? https.createServer({ key: this.options.tls.key, cert: this.options.tls.cert }, handler)
      : http.createServer(handler);
    this.server = server;
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const linkHost =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.baseUrl = `${this.options.tls ? 'https' : 'http'}://${linkHost}:${port}/api`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    this.scheduler.close();
    this.inventory.close();
    this.faults.close();
    this.listeners.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Applies everything due by the clock's now (requests do this themselves; for listeners after a clock move). */
  tick(): void {
    this.scheduler.runDue();
  }

  /** Every logon session ends: the next call with an old X-RestSvcSessionId gets 401. */
  expireAllLogonSessions(): void {
    this.logons.expireAll();
  }

  /** How many logon sessions EM holds now (not ended by logout or idle expiry). */
  liveLogonSessions(): number {
    return this.logons.list().length;
  }

  /** EM lost its Tasks (GET /tasks/{id} → 404); actions already delivered still take effect. */
  forgetAllTasks(): void {
    this.tasks.forgetAll();
  }

  /** The next run of that job (start, retry or sync) ends with this outcome. */
  setNextRunOutcome(jobId: string, outcome: SimOutcome): void {
    this.requireJob(jobId).nextOutcome = outcome;
  }

  /** Runs of that job end with these outcomes, one per run, Veeam's retries included (then as the knobs say). */
  setRunOutcomes(jobId: string, outcomes: SimOutcome[]): void {
    this.requireJob(jobId).outcomes = [...outcomes];
  }

  /** The job's JobScheduleOptions/RetryOptions (unset parts keep the current settings). */
  setRetryOptions(jobId: string, retry: Partial<SimRetryOptions>): void {
    const job = this.requireJob(jobId);
    job.retry = { ...retryOf(job), ...retry };
  }

  /** The job's schedule fires now: should the run fail, Veeam retries it by itself (IsRetry sessions). */
  runScheduled(jobId: string): SimSessionView {
    return sessionView(this.inventory.startScheduledRun(this.requireJob(jobId)));
  }

  /** Injects a session (Working ones stay Working until finishSession). */
  addSession(init: SimSessionInit): SimSessionView {
    this.requireJob(init.jobId);
    return sessionView(this.inventory.addSession(init));
  }

  /**
   * Adds `count` finished sessions spread over the last day (newest last), e.g. a busy night of 300 runs for
   * paging tests; `jobIds` are used round-robin (default every job), results cycle through `results`.
   */
  addFinishedSessions(init: {
    count: number;
    jobIds?: string[];
    results?: SimOutcome['result'][];
  }): SimSessionView[] {
    const jobIds = init.jobIds ?? [...this.inventory.jobs.keys()];
    const results = init.results ?? ['Success'];
    const now = this.scheduler.now();
    return Array.from({ length: init.count }, (_, i) => {
      const creationTime = now - DAY_MS + Math.floor((i * DAY_MS) / (init.count + 1));
      const session = this.addSession({
        jobId: jobIds[i % jobIds.length] as string,
        state: 'Stopped',
        result: results[i % results.length],
        creationTime,
        endTime: creationTime + 60_000,
      });
      return session;
    });
  }

  /** Ends a Working session (and its AgentManagement children and task sessions) now. */
  finishSession(sessionId: string, outcome: SimOutcome): void {
    const session = this.inventory.session(sessionId);
    if (!session) throw new Error(`No simulated backup session with ID ${sessionId}`);
    this.inventory.finish(session, outcome);
  }

  listJobs(): SimJobView[] {
    return [...this.inventory.jobs.values()].map(jobView);
  }

  /** Adds a job of any kind (default agent), schedule enabled, with one Success session a day earlier. */
  addJob(init: SimJobInit): SimJobView {
    return jobView(this.inventory.addJob(buildJob(init)));
  }

  /** Adds `count` jobs named "<prefix> 001"… (e.g. 250 for paging tests). */
  addJobs(init: { count: number; prefix?: string } & Omit<SimJobInit, 'name'>): SimJobView[] {
    const { count, prefix = `${init.jobType ?? 'AgentBackup'} Job`, ...rest } = init;
    return Array.from({ length: count }, (_, i) =>
      this.addJob({ ...rest, name: `${prefix} ${String(i + 1).padStart(3, '0')}` }),
    );
  }

  /** An agent job beyond the seed (kept for callers written before addJob). */
  addAgentJob(init: { name: string; platform?: 'AgentForWindows' | 'AgentForLinux' }): SimJobView {
    return this.addJob({ name: init.name, jobType: 'AgentBackup', platform: init.platform });
  }

  /** All sessions, oldest first (children included). */
  listSessions(): SimSessionView[] {
    return [...this.inventory.sessions.values()].map(sessionView);
  }

  /** Called with (taskId, epoch ms) when a Task becomes Finished; returns an unsubscribe function. */
  onTaskFinished(listener: (taskId: string, atMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private requireJob(jobId: string): SimJob {
    const job = this.inventory.job(jobId);
    if (!job) throw new Error(`No simulated job with ID ${jobId}`);
    return job;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.stats.requests += 1;
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://sim.invalid');
    const method = req.method ?? 'GET';
    const segments = apiSegments(url.pathname);
    const routeKey = `${method} /${(segments ?? url.pathname.split('/').filter(Boolean)).map(templateSegment).join('/')}`;
    this.stats.byRoute[routeKey] = (this.stats.byRoute[routeKey] ?? 0) + 1;
    if (this.faults.takeDrop()) {
      req.socket.destroy();
      return;
    }
    await drain(req);
    await this.faults.delay();
    if (res.destroyed) return;
    // Everything due by now happens before the answer, so it always reflects the clock.
    this.scheduler.runDue();
    const accept = acceptFormat(req.headers.accept);
    const json = accept === 'json';
    const answer =
      this.faults.forcedAnswer(rawUrl) ??
      this.faults.proxyPage(rawUrl) ??
      (accept === 'several' ? multiAcceptError() : this.answer(req, method, segments, url, json));
    const rendered = renderAnswer(answer, answer.json ?? json, (body) => this.faults.mangle(body));
    this.faults.deliver(res, rendered, rawUrl);
  }

  private answer(
    req: http.IncomingMessage,
    method: string,
    segments: string[] | undefined,
    url: URL,
    json: boolean,
  ): Answer {
    if (!segments) return errorAnswer(404, `Resource ${url.pathname} was not found.`);
    try {
      if (segments.length === 0) {
        if (method !== 'GET') throw new HttpError(405, 'Method not allowed.');
        return { status: 200, body: enterpriseManagerEl(this.url) };
      }
      if (segments[0]?.toLowerCase() === 'sessionmngr' && segments.length === 1) {
        if (method !== 'POST') throw new HttpError(405, 'Method not allowed.');
        return this.logon(req, url.searchParams);
      }
      const session = this.logons.authenticate(sessionToken(req));
      if (!session || this.faults.takeRefusal(segments)) {
        throw new HttpError(
          401,
          'Authorization header expected but not found, or found but expired. Log on again.',
        );
      }
      return route(this.context, this.faults, { method, segments, params: url.searchParams, json, session });
    } catch (error) {
      if (error instanceof HttpError) return errorAnswer(error.status, error.message);
      if (error instanceof QueryError) return errorAnswer(400, error.message);
      throw error;
    }
  }

  private logon(req: http.IncomingMessage, params: URLSearchParams): Answer {
    const version = params.get('v') ?? 'latest';
    if (!SUPPORTED_VERSIONS.has(version))
      throw new HttpError(400, `API version "${version}" is not supported.`);
    const username = this.options.username ?? SIM_DEFAULT_CREDENTIALS.username;
    const password = this.options.password ?? SIM_DEFAULT_CREDENTIALS.password;
    const user = checkBasic(req.headers.authorization, username, password);
    if (!user) return errorAnswer(401, 'The user name or password is incorrect.');
    const session = this.logons.create(user);
    this.stats.logons += 1;
    this.issuedLogons.push({ id: session.id, token: session.token });
    return {
      status: 201,
      body: logonSessionEl(this.url, session),
      headers: {
        'X-RestSvcSessionId': session.token,
        'Set-Cookie': `X-RestSvcSessionId=${session.token}; Path=/api;`,
        Location: `${this.url}/logonSessions/${session.id}`,
      },
    };
  }
}

/** Constructs and listens. */
export async function startEmSimulator(options?: SimOptions): Promise<EmSimulator> {
  const sim = new EmSimulator(options);
  await sim.listen();
  return sim;
}

export { DEFAULT_KNOBS } from './knobs.js';
