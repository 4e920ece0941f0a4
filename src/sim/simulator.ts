// The EM simulator: an HTTP(S) server speaking Enterprise Manager's v1.0 REST API over seeded state, plus knobs.
//
// Facts for client authors (em-api.md is the reference; this is what the simulator actually does):
// - Base URL: `sim.url` = http(s)://127.0.0.1:<port>/api (no trailing slash). Every Href uses it.
// - Logon: POST /api/sessionMngr/?v=latest (or v1_5..v1_7; missing v = latest) with Basic chatops:chatops → 201,
//   header X-RestSvcSessionId (base64 of 16 random bytes: NOT derivable from SessionId), Set-Cookie
//   X-RestSvcSessionId=…; Path=/api, Location, body LogonSession {UserName, SessionId (GUID), Links incl. Rel=Delete}.
//   Bad/missing credentials → 401 + WWW-Authenticate: Basic Realm=RestSvc + Error body.
//   Token: header X-RestSvcSessionId, or the cookie; if both are sent the COOKIE wins (as EM documents).
//   Idle expiry: knobs.sessionIdleMs since the last request → 401 Error; the session and its Tasks are gone.
//   DELETE /api/logonSessions/{SessionId} → 204 (its Tasks go too).
// - Format: XML (xmlns="http://www.veeam.com/ent/v1.0") unless Accept is exactly one value application/json.
//   JSON bodies START WITH A UTF-8 BOM (U+FEFF) like EM's: strip it before JSON.parse. Several Accept values
//   (comma-separated) → 400 JSON Error "Node [root] does not exist." with Status null (EM 9.5U4 behaviour).
// - Errors: XML <Error xmlns=… Message="…" StatusCode="404" Status="NotFound" />; JSON
//   {"Message":"…","StatusCode":404,"Status":"NotFound","FirstChanceExceptionMessage":null,"StackTrace":null}.
//   Non-GUID IDs in job/session paths → 400; unknown GUID → 404; task IDs must look like task-N, else 404.
// - Actions: POST /agents/jobs/{id}?action=start|stop|retry|toggleScheduleEnabled (also /jobs/{id} for the VM job,
//   Operations StartJob/StopJob/RetryJob/UpdateJob) and POST /backupSessions/{id}?action=stop → 202 + Task
//   {TaskId task-N, State Running, Operation StartJob|StopAgentJob|RetryAgentJob|UpdateJob|StopJobSession, no Result}.
//   At taskDurationMs/2 the action takes effect and the Task is OperationFinished (Result Success=true, Message
//   "OperationFinished": a placeholder); at taskDurationMs it is Finished with the real Result:
//   `Job "X" triggered to start.` / `… to stop.` / `… to retry.` / `Ok` (toggle) / `Job Session "N" triggered to stop.`
//   Wrong state still answers 202; the Task finishes Success=false: `Job "X" is already running.`,
//   `Job "X" is not running.`, `Retry is possible only for jobs that have failed.`, `Job Session "N" is not running.`
// - Tasks: GET /tasks → only this logon session's Tasks (XML <Tasks>, JSON {"Tasks":[…]}); GET /tasks/{id} of
//   another session → 404; DELETE /tasks/{id} → 204: an unfinished Task becomes Finished Success=false
//   "Task was cancelled" (a backup run it already started keeps going); a Finished Task is removed.
// - Runs: start/retry create a BackupJobSession (agent: JobType AgentBackup, plus one AgentManagement child per
//   machine; VM: Backup), State Working, Result None, Progress 0→99, EndTimeUTC absent; after backupDurationMs it is
//   Stopped with Success/Warning/Failed (FailureMessage set for Warning/Failed). Stop → Failed, "Stopped by user".
//   GET /agents/jobs/{id}/backupSessions lists the job's parent sessions (no children), NEWEST FIRST.
// - Query: GET /query?type=AgentBackupJob|BackupJobSession|Job&format=Entities|References&filter=…&sortAsc=…
//   See query-service.ts for wrapper names (JSON agent jobs: Entities.AgentBackupJob.AgentBackupJobs[]).
// - Knobs (sim.knobs, mutable at run time): see types.ts. forceStatus.path is tested against the raw request
//   path incl. query string, e.g. "/api/tasks/task-3".

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { jobEntity } from './agent-job-entity.js';
import { checkBasic, type LogonSession, LogonSessions } from './auth.js';
import type { El } from './em-element.js';
import { Inventory } from './inventory.js';
import type { SimJob, SimSession } from './inventory-model.js';
import { type PlannedAction, planJobAction, planSessionStop } from './job-actions.js';
import { QueryError, runQuery } from './query-service.js';
import { renderJson, renderJsonFragment } from './render-json.js';
import { EM_XML_NAMESPACE, renderXml, renderXmlFragment } from './render-xml.js';
import {
  enterpriseManagerEl,
  entityListEl,
  entityReferencesEl,
  errorEl,
  jobRefEl,
  logonSessionEl,
  logonSessionsEl,
  sessionEntityEl,
  sessionRefEl,
  taskEl,
} from './representations.js';
import { SIM_DEFAULT_CREDENTIALS } from './seed-ids.js';
import { type SimTask, TaskBook } from './task-book.js';
import type {
  SimJobView,
  SimKnobs,
  SimOptions,
  SimOutcome,
  SimSessionInit,
  SimSessionView,
  SimStats,
} from './types.js';

export const DEFAULT_KNOBS: SimKnobs = {
  latencyMs: 0,
  taskDurationMs: 1000,
  backupDurationMs: 5000,
  failureRate: 0,
  warningRate: 0,
  sessionIdleMs: 15 * 60 * 1000,
  malformedBodies: 0,
  dropConnections: 0,
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TASK_ID = /^task-\d+$/;
const SUPPORTED_VERSIONS = new Set(['latest', 'v1_5', 'v1_6', 'v1_7']);

interface Answer {
  status: number;
  body?: El;
  /** Pre-rendered body (GET /tasks), used instead of `body`; `rawBody(json)` gives the text for the format. */
  rawBody?: (json: boolean) => string;
  headers?: Record<string, string | string[]>;
  /** Force JSON even when XML was asked (EM's multi-Accept 400 comes back as JSON). */
  json?: boolean;
}

interface Request {
  method: string;
  segments: string[];
  params: URLSearchParams;
  json: boolean;
  session: LogonSession;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class EmSimulator {
  readonly knobs: SimKnobs;
  readonly stats: SimStats = { requests: 0, logons: 0, byRoute: {} };
  private readonly options: SimOptions;
  private readonly inventory: Inventory;
  private readonly logons: LogonSessions;
  private readonly tasks: TaskBook;
  private readonly listeners = new Set<(taskId: string, atMs: number) => void>();
  private readonly pendingDelays = new Set<NodeJS.Timeout>();
  private server?: http.Server;
  private baseUrl?: string;

  constructor(options: SimOptions = {}) {
    this.options = options;
    this.knobs = {
      latencyMs: options.latencyMs ?? DEFAULT_KNOBS.latencyMs,
      taskDurationMs: options.taskDurationMs ?? DEFAULT_KNOBS.taskDurationMs,
      taskDurationJitterMs: options.taskDurationJitterMs ?? 0,
      backupDurationMs: options.backupDurationMs ?? DEFAULT_KNOBS.backupDurationMs,
      failureRate: options.failureRate ?? DEFAULT_KNOBS.failureRate,
      warningRate: options.warningRate ?? DEFAULT_KNOBS.warningRate,
      sessionIdleMs: options.sessionIdleMs ?? DEFAULT_KNOBS.sessionIdleMs,
      forceStatus: options.forceStatus,
      malformedBodies: options.malformedBodies ?? DEFAULT_KNOBS.malformedBodies,
      dropConnections: options.dropConnections ?? DEFAULT_KNOBS.dropConnections,
    };
    const now = Date.now;
    const random = options.random ?? Math.random;
    this.inventory = new Inventory({ knobs: this.knobs, random, now });
    if (options.seedInventory !== false) this.inventory.seed();
    this.tasks = new TaskBook({
      now,
      // random() only when jitter is on, so seeded runs without it draw the same numbers as before.
      durationMs: () => {
        const jitter = this.knobs.taskDurationJitterMs ?? 0;
        return this.knobs.taskDurationMs + (jitter > 0 ? random() * jitter : 0);
      },
      onFinished: (task) => {
        for (const listener of this.listeners) listener(task.id, task.finishedAt ?? now());
      },
    });
    this.logons = new LogonSessions({
      now,
      idleMs: () => this.knobs.sessionIdleMs,
      onEnded: (session) => this.tasks.dropOwner(session.id),
    });
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
          this.write(res, { status: 500, body: errorEl(500, `Simulator error: ${String(error)}`) }, false);
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
    this.tasks.close();
    this.inventory.close();
    for (const timer of this.pendingDelays) clearTimeout(timer);
    this.pendingDelays.clear();
    this.listeners.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Every logon session ends: the next call with an old X-RestSvcSessionId gets 401. */
  expireAllLogonSessions(): void {
    this.logons.expireAll();
  }

  /** EM lost its Tasks (GET /tasks/{id} → 404); actions already delivered still take effect. */
  forgetAllTasks(): void {
    this.tasks.forgetAll();
  }

  /** The next backup session of that job (start or retry) ends with this outcome. */
  setNextRunOutcome(jobId: string, outcome: SimOutcome): void {
    this.requireJob(jobId).nextOutcome = outcome;
  }

  /** Injects a session (Working ones stay Working until finishSession). */
  addSession(init: SimSessionInit): SimSessionView {
    this.requireJob(init.jobId);
    return this.sessionView(this.inventory.addSession(init));
  }

  /** Ends a Working session (and its AgentManagement children) now. */
  finishSession(sessionId: string, outcome: SimOutcome): void {
    const session = this.inventory.session(sessionId);
    if (!session) throw new Error(`No simulated backup session with ID ${sessionId}`);
    this.inventory.finish(session, outcome);
  }

  listJobs(): SimJobView[] {
    return [...this.inventory.jobs.values()].map((j) => ({
      id: j.id,
      name: j.name,
      platform: j.platform,
      kind: j.kind,
      scheduleEnabled: j.scheduleEnabled,
    }));
  }

  /**
   * Adds an agent backup job beyond the seeded six (e.g. for a many-jobs outage), schedule enabled, one machine,
   * with one Success session a day earlier like the seeded jobs. Returns its view; its ID is a fresh GUID.
   */
  addAgentJob(init: { name: string; platform?: 'AgentForWindows' | 'AgentForLinux' }): SimJobView {
    const id = randomUUID();
    const machine = `${init.name.toLowerCase().replaceAll(/[^a-z0-9]+/g, '-')}.tech.local`;
    this.inventory.jobs.set(id, {
      id,
      name: init.name,
      description: `Backup of ${init.name}`,
      kind: 'agent',
      jobType: 'AgentBackup',
      platform: init.platform ?? 'AgentForWindows',
      scheduleConfigured: true,
      scheduleEnabled: true,
      schedule: {
        dailyEnabled: true,
        dailyKind: 'Everyday',
        days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
        time: '22:00:00.0000000+01:00',
        monthlyEnabled: false,
        periodicallyEnabled: false,
      },
      includes: [{ id: randomUUID(), name: init.name }],
      machines: [machine],
      retention: { cycles: 7, days: 7 },
    });
    const start = Date.now() - 24 * 60 * 60 * 1000;
    this.inventory.addSession({
      jobId: id,
      state: 'Stopped',
      result: 'Success',
      creationTime: start,
      endTime: start + 9 * 60_000,
    });
    return this.listJobs().find((j) => j.id === id) as SimJobView;
  }

  /** All sessions, oldest first (children included). */
  listSessions(): SimSessionView[] {
    return [...this.inventory.sessions.values()].map((s) => this.sessionView(s));
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

  private sessionView(s: SimSession): SimSessionView {
    return {
      id: s.id,
      jobId: s.jobId,
      jobName: s.jobName,
      jobType: s.jobType,
      state: s.state,
      result: s.result,
      creationTime: s.creationTime,
      endTime: s.endTime,
      failureMessage: s.failureMessage,
    };
  }

  // ---- HTTP ----

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.stats.requests += 1;
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://sim.invalid');
    const method = req.method ?? 'GET';
    const segments = apiSegments(url.pathname);
    const routeKey = `${method} /${(segments ?? url.pathname.split('/').filter(Boolean)).map(templateSegment).join('/')}`;
    this.stats.byRoute[routeKey] = (this.stats.byRoute[routeKey] ?? 0) + 1;

    if (this.knobs.dropConnections > 0) {
      this.knobs.dropConnections -= 1;
      req.socket.destroy();
      return;
    }
    await drain(req);
    if (this.knobs.latencyMs > 0) await this.delay(this.knobs.latencyMs);
    if (res.destroyed) return;

    const accept = acceptFormat(req.headers.accept);
    const json = accept === 'json';
    const answer =
      this.forcedAnswer(rawUrl) ??
      (accept === 'several' ? multiAcceptError() : this.answer(req, method, segments, url, json));
    this.write(res, answer, answer.json ?? json);
  }

  private forcedAnswer(rawUrl: string): Answer | undefined {
    const force = this.knobs.forceStatus;
    if (!force || force.count <= 0) return undefined;
    if (force.path) {
      force.path.lastIndex = 0;
      if (!force.path.test(rawUrl)) return undefined;
    }
    force.count -= 1;
    if (force.count <= 0) this.knobs.forceStatus = undefined;
    const answer: Answer = {
      status: force.status,
      body: errorEl(force.status, force.message ?? `Simulated failure (HTTP ${force.status}).`),
    };
    if (force.status === 401) answer.headers = { 'WWW-Authenticate': 'Basic Realm=RestSvc' };
    return answer;
  }

  private answer(
    req: http.IncomingMessage,
    method: string,
    segments: string[] | undefined,
    url: URL,
    json: boolean,
  ): Answer {
    if (!segments) return errorAnswer(404, `Resource ${url.pathname} was not found.`);
    const base = this.url;
    try {
      if (segments.length === 0) {
        if (method !== 'GET') throw new HttpError(405, 'Method not allowed.');
        return { status: 200, body: enterpriseManagerEl(base) };
      }
      if (segments[0]?.toLowerCase() === 'sessionmngr' && segments.length === 1) {
        if (method !== 'POST') throw new HttpError(405, 'Method not allowed.');
        return this.logon(req, url.searchParams);
      }
      const session = this.logons.authenticate(sessionToken(req));
      if (!session) {
        throw new HttpError(
          401,
          'Authorization header expected but not found, or found but expired. Log on again.',
        );
      }
      return this.route({ method, segments, params: url.searchParams, json, session });
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
    if (!user) {
      return {
        status: 401,
        body: errorEl(401, 'The user name or password is incorrect.'),
        headers: { 'WWW-Authenticate': 'Basic Realm=RestSvc' },
      };
    }
    const session = this.logons.create(user);
    this.stats.logons += 1;
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

  private route(r: Request): Answer {
    const [first, ...rest] = r.segments;
    switch (first?.toLowerCase()) {
      case 'logonsessions':
        return this.routeLogonSessions(r, rest);
      case 'agents':
        if (rest[0]?.toLowerCase() === 'jobs') return this.routeJobs(r, rest.slice(1), 'agent');
        if (rest[0]?.toLowerCase() === 'backupsessions' && rest.length === 1) {
          onlyGet(r);
          const sessions = [...this.inventory.sessions.values()].filter(
            (s) => s.jobType === 'AgentBackup' || s.jobType === 'AgentManagement',
          );
          return this.sessionList(r, sessions);
        }
        break;
      case 'jobs':
        return this.routeJobs(r, rest, 'vm');
      case 'backupsessions':
        return this.routeSessions(r, rest);
      case 'tasks':
        return this.routeTasks(r, rest);
      case 'query':
        if (rest.length === 0) {
          onlyGet(r);
          return { status: 200, body: runQuery(this.url, this.inventory, r.params) };
        }
        break;
    }
    throw new HttpError(404, `Resource /${r.segments.join('/')} was not found.`);
  }

  private routeLogonSessions(r: Request, rest: string[]): Answer {
    if (rest.length === 0) {
      onlyGet(r);
      return { status: 200, body: logonSessionsEl(this.url, this.logons.list()) };
    }
    if (rest.length !== 1) throw new HttpError(404, 'Resource was not found.');
    const id = requireGuid(rest[0] as string);
    const target = this.logons.byId(id);
    if (!target) throw new HttpError(404, `Logon session ${id} was not found.`);
    if (r.method === 'DELETE') {
      this.logons.end(target);
      return { status: 204 };
    }
    onlyGet(r);
    return { status: 200, body: logonSessionEl(this.url, target) };
  }

  private routeJobs(r: Request, rest: string[], kind: 'agent' | 'vm'): Answer {
    const base = this.url;
    if (rest.length === 0) {
      onlyGet(r);
      const jobs = [...this.inventory.jobs.values()].filter((j) => j.kind === kind);
      if (isEntityFormat(r.params)) {
        return {
          status: 200,
          body: entityListEl(
            kind === 'agent' ? 'AgentBackupJobs' : 'Jobs',
            jobs.map((j) => jobEntity(base, j)),
          ),
        };
      }
      return { status: 200, body: entityReferencesEl(jobs.map((j) => jobRefEl(base, j, 'Ref'))) };
    }
    const id = requireGuid(rest[0] as string);
    const job = this.inventory.job(id);
    if (!job || job.kind !== kind) throw new HttpError(404, `Job with ID "${id}" was not found.`);
    if (rest.length === 1) {
      if (r.method === 'POST') {
        const action = r.params.get('action');
        if (!action) throw new HttpError(400, 'The action parameter is required.');
        const plan = planJobAction(this.inventory, job, action);
        if (!plan) throw new HttpError(400, `Action "${action}" is not supported for this job.`);
        return this.startTask(r, plan);
      }
      onlyGet(r);
      return {
        status: 200,
        body: isEntityFormat(r.params) ? jobEntity(base, job) : jobRefEl(base, job, 'EntityRef'),
      };
    }
    if (rest.length === 2 && rest[1]?.toLowerCase() === 'backupsessions') {
      onlyGet(r);
      return this.sessionList(r, this.inventory.jobSessions(job.id));
    }
    throw new HttpError(404, 'Resource was not found.');
  }

  private routeSessions(r: Request, rest: string[]): Answer {
    if (rest.length === 0) {
      onlyGet(r);
      return this.sessionList(r, [...this.inventory.sessions.values()]);
    }
    const id = requireGuid(rest[0] as string);
    const session = this.inventory.session(id);
    if (!session) throw new HttpError(404, `Backup session with ID "${id}" was not found.`);
    if (rest.length === 1) {
      if (r.method === 'POST') {
        const action = r.params.get('action');
        if (action?.toLowerCase() !== 'stop')
          throw new HttpError(400, `Action "${action ?? ''}" is not supported for a backup session.`);
        return this.startTask(r, planSessionStop(this.inventory, session));
      }
      onlyGet(r);
      if (isEntityFormat(r.params)) {
        return { status: 200, body: this.sessionEntity(session) };
      }
      return { status: 200, body: sessionRefEl(this.url, session, 'EntityRef') };
    }
    if (rest.length === 2 && rest[1]?.toLowerCase() === 'agentmanagementsessions') {
      onlyGet(r);
      return this.sessionList(r, this.inventory.children(session.id));
    }
    throw new HttpError(404, 'Resource was not found.');
  }

  private routeTasks(r: Request, rest: string[]): Answer {
    if (rest.length === 0) {
      onlyGet(r);
      const tasks = this.tasks.list(r.session.id);
      return { status: 200, rawBody: (json) => this.tasksBody(tasks, json) };
    }
    const id = rest[0] as string;
    const task = rest.length === 1 && TASK_ID.test(id) ? this.tasks.get(r.session.id, id) : undefined;
    if (!task) throw new HttpError(404, `Task with ID "${id}" was not found.`);
    if (r.method === 'DELETE') {
      this.tasks.cancel(task);
      return { status: 204 };
    }
    onlyGet(r);
    return { status: 200, body: taskEl(this.url, task) };
  }

  private startTask(r: Request, plan: PlannedAction): Answer {
    const task = this.tasks.create(r.session.id, plan.operation, plan.apply);
    return { status: 202, body: taskEl(this.url, task) };
  }

  /** A collection of sessions: refs by default, entities with ?format=Entity (<BackupJobSessions>). */
  private sessionList(r: Request, sessions: SimSession[]): Answer {
    if (isEntityFormat(r.params)) {
      return {
        status: 200,
        body: entityListEl(
          'BackupJobSessions',
          sessions.map((s) => this.sessionEntity(s)),
        ),
      };
    }
    return { status: 200, body: entityReferencesEl(sessions.map((s) => sessionRefEl(this.url, s, 'Ref'))) };
  }

  private sessionEntity(session: SimSession): El {
    const job = this.inventory.job(session.jobId) as SimJob;
    return sessionEntityEl(this.url, session, job, this.inventory.progress(session));
  }

  /**
   * GET /tasks body (XML <Tasks>, JSON {"Tasks":[…]}) from per-Task cached fragments: the benchmark keeps 10,000
   * Tasks in one logon session and lists them every round, and a Task's rendering only changes with its State.
   */
  private tasksBody(tasks: SimTask[], json: boolean): string {
    const parts: string[] = [];
    for (const task of tasks) {
      if (task.cache?.state !== task.state) task.cache = { state: task.state };
      const cache = task.cache;
      if (json) {
        cache.json = cache.json ?? renderJsonFragment(taskEl(this.url, task));
        parts.push(cache.json);
      } else {
        cache.xml = cache.xml ?? renderXmlFragment(taskEl(this.url, task));
        parts.push(cache.xml);
      }
    }
    if (json) return `{"Tasks":[${parts.join(',')}]}`;
    return parts.length === 0
      ? `<Tasks xmlns="${EM_XML_NAMESPACE}" />`
      : `<Tasks xmlns="${EM_XML_NAMESPACE}">${parts.join('')}</Tasks>`;
  }

  private write(res: http.ServerResponse, answer: Answer, json: boolean): void {
    if (res.destroyed || res.writableEnded) return;
    let body: Buffer | undefined;
    const headers: Record<string, string | string[] | number> = { ...answer.headers };
    const text = answer.rawBody
      ? answer.rawBody(json)
      : answer.body
        ? json
          ? renderJson(answer.body)
          : renderXml(answer.body)
        : undefined;
    if (text !== undefined) {
      // EM puts a UTF-8 BOM in front of JSON (em-api.md §1); clients must strip it.
      body = Buffer.from(json ? `\uFEFF${text}` : text, 'utf8');
      if (this.knobs.malformedBodies > 0) {
        this.knobs.malformedBodies -= 1;
        body = body.subarray(0, Math.floor(body.length / 2));
      }
      headers['Content-Type'] = json ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8';
    }
    headers['Content-Length'] = body?.length ?? 0;
    res.writeHead(answer.status, headers);
    res.end(body);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pendingDelays.delete(timer);
        resolve();
      }, ms);
      this.pendingDelays.add(timer);
    });
  }
}

/** Constructs and listens. */
export async function startEmSimulator(options?: SimOptions): Promise<EmSimulator> {
  const sim = new EmSimulator(options);
  await sim.listen();
  return sim;
}

/** Path segments after /api, or undefined when the path is not under /api. */
function apiSegments(pathname: string): string[] | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeSegment);
  if (parts[0]?.toLowerCase() !== 'api') return undefined;
  return parts.slice(1);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** For stats: IDs become {id}, so "GET /tasks/{id}" counts every task read. */
function templateSegment(segment: string): string {
  return GUID.test(segment) || TASK_ID.test(segment) ? '{id}' : segment;
}

function sessionToken(req: http.IncomingMessage): string | undefined {
  // The cookie wins over the header when both are sent (em-api.md §1).
  const cookie = /(?:^|;\s*)X-RestSvcSessionId=([^;]+)/i.exec(req.headers.cookie ?? '')?.[1];
  if (cookie) return cookie.trim();
  const header = req.headers['x-restsvcsessionid'];
  return Array.isArray(header) ? header[0] : header;
}

function acceptFormat(accept: string | undefined): 'xml' | 'json' | 'several' {
  if (!accept) return 'xml';
  const values = accept
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (values.length > 1) return 'several';
  return /^application\/json\s*(;|$)/i.test(values[0] ?? '') ? 'json' : 'xml';
}

function multiAcceptError(): Answer {
  return { status: 400, body: errorEl(400, 'Node [root] does not exist.', null), json: true };
}

function errorAnswer(status: number, message: string): Answer {
  const answer: Answer = { status, body: errorEl(status, message) };
  if (status === 401) answer.headers = { 'WWW-Authenticate': 'Basic Realm=RestSvc' };
  return answer;
}

function onlyGet(r: Request): void {
  if (r.method !== 'GET') throw new HttpError(405, `Method ${r.method} is not allowed here.`);
}

function requireGuid(text: string): string {
  if (!GUID.test(text)) throw new HttpError(400, `"${text}" is not a valid ID: expected a GUID.`);
  return text.toLowerCase();
}

function isEntityFormat(params: URLSearchParams): boolean {
  return (params.get('format') ?? '').toLowerCase() === 'entity';
}

function drain(req: http.IncomingMessage): Promise<void> {
  if (req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.resume();
  });
}
