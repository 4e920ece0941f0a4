// EmApi over HTTP: the logon session (single-flight re-logon on 401 that first ends the stale session, cool-down
// after a rejected logon, back-off when EM refuses requests right after a good logon), one Accept format, IDs
// checked before URLs.

import type { Dispatcher } from 'undici';
import { type Clock, systemClock } from '../clock.js';
import type { EmConfig } from '../config.js';
import type { Logger } from '../log/logger.js';
import type { EmApi } from './api.js';
import { EmError } from './errors.js';
import {
  type EmHttpRequest,
  type EmHttpResponse,
  type EmRequestObserver,
  HttpTransport,
} from './http-transport.js';
import { requireTaskId } from './ids.js';
import { findJobsByName, getJob, listJobs, listSessionsOfJob, runJobAction } from './job-calls.js';
import { type LogonSession, logonPausedError, requestLogon, SESSION_HEADER } from './logon.js';
import { DEFAULT_LOGON_COOLDOWN_MS, LogonCooldown } from './logon-cooldown.js';
import { type EmFormat, notEmAnswer, parseError, parseTask, parseTasks, sniffFormat } from './parse.js';
import { RefusalBackoff } from './refusal-backoff.js';
import type { EmRequester } from './requester.js';
import {
  deleteFinishedTask,
  getJobSession,
  listTaskSessionsOf,
  queryJobSessions,
  stopJobSession,
} from './session-calls.js';
import type {
  Job,
  JobAction,
  JobKind,
  JobSession,
  SessionKind,
  SessionQuery,
  Task,
  TaskSession,
} from './types.js';

export interface EmClientOptions {
  config: EmConfig;
  logger: Logger;
  /** A pool to use instead of the client's own (tests, the demo); the caller closes it. */
  dispatcher?: Dispatcher;
  /** Default JSON: smaller and cheaper to parse when the watcher polls thousands of Tasks. */
  format?: EmFormat;
  /**
   * After EM rejects the logon (401 on sessionMngr), no new logon is tried for this long (default 5 minutes):
   * the watcher, the monitor and every Slack command would otherwise retry a wrong password many times a
   * minute and trip an Active Directory lockout.
   */
  logonCooldownMs?: number;
  /** Reads the time for the logon cool-down; tests move a ManualClock instead of waiting. */
  clock?: Clock;
  /** Told of every HTTP exchange with EM (route template, status, seconds): the bot's metrics. */
  observer?: EmRequestObserver;
}

const ACCEPT: Record<EmFormat, string> = { json: 'application/json', xml: 'application/xml' };

export class EmClient implements EmApi {
  readonly format: EmFormat;
  private readonly config: EmConfig;
  private readonly logger: Logger;
  private readonly http: HttpTransport;
  private session?: LogonSession;
  /** The logon in progress; every caller that needs a session meanwhile awaits this one (single flight). */
  private pendingLogon?: Promise<LogonSession>;
  private readonly logonCooldown: LogonCooldown;
  /** After a request still got 401 right after a fresh logon: no re-logon until this ends. */
  private readonly refusalBackoff: RefusalBackoff;
  private readonly clock: Clock;
  /** What em/job-calls.ts and em/session-calls.ts may use: logged-on requests, not the session itself. */
  private readonly requester: EmRequester;

  constructor(options: EmClientOptions) {
    this.config = options.config;
    this.logger = options.logger.child({ component: 'em-client' });
    this.format = options.format ?? 'json';
    this.http = new HttpTransport(options.config, options.dispatcher, options.observer);
    this.clock = options.clock ?? systemClock;
    this.logonCooldown = new LogonCooldown(options.logonCooldownMs ?? DEFAULT_LOGON_COOLDOWN_MS, this.clock);
    this.refusalBackoff = new RefusalBackoff(this.clock);
    const noted = new Set<string>();
    this.requester = {
      logger: this.logger,
      read: (method, path, parse) => this.read(method, path, parse),
      send: async (method, path) => {
        await this.call(method, path);
      },
      firstTime: (key) => {
        if (noted.has(key)) return false;
        noted.add(key);
        return true;
      },
    };
    if (options.config.insecureTls) {
      this.logger.warn(
        `TLS verification is OFF for EM ${options.config.url} (VEEAM_EM_INSECURE_TLS=true): anyone on the path can read the EM password; set VEEAM_EM_CA_FILE instead`,
      );
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Logon session

  async logon(): Promise<void> {
    await this.currentSession();
  }

  async logout(): Promise<void> {
    const session = this.session ?? (await this.pendingLogon?.catch(() => undefined));
    this.session = undefined;
    if (session) await this.endSession(session, 'Logged out of EM');
  }

  /**
   * DELETE /logonSessions/{SessionId}: on logout, and before every re-logon, so a session EM stopped taking is not
   * left open beside the new one (EM keeps it, with its Tasks, until it idles out).
   */
  private async endSession(session: LogonSession, done: string): Promise<void> {
    if (session.sessionId === undefined) return;
    const req: EmHttpRequest = {
      method: 'DELETE',
      path: `/logonSessions/${encodeURIComponent(session.sessionId)}`,
      headers: this.headers(session.token),
    };
    // The SessionId stays out of the logs like the token does.
    const what = 'DELETE /logonSessions/{SessionId}';
    try {
      const res = await this.http.send(req);
      this.logger.debug(done, { request: what, status: res.status });
    } catch (err) {
      // The session idles out on EM's side anyway; a failed logout must not fail shutdown or the next logon.
      this.logger.debug('Ending the EM logon session failed; ignored', {
        request: what,
        kind: (err as EmError).kind,
      });
    }
  }

  /** Logs out, then closes the connection pool (when it is ours). */
  async close(): Promise<void> {
    await this.logout();
    await this.http.close();
  }

  /**
   * A fresh session unless someone already replaced `staleToken`: concurrent calls that met the same expired
   * session share one logon. While a rejected logon cools down, refuses without sending anything.
   */
  private renewSession(staleToken: string | undefined): Promise<LogonSession> {
    if (this.session && this.session.token !== staleToken) return Promise.resolve(this.session);
    if (!this.pendingLogon) {
      const retryAt = this.logonCooldown.activeUntil();
      if (retryAt !== undefined)
        return Promise.reject(logonPausedError(this.config, retryAt, this.clock.now()));
      const stale = this.session;
      this.session = undefined;
      this.pendingLogon = this.replaceSession(stale).finally(() => {
        this.pendingLogon = undefined;
      });
    }
    return this.pendingLogon;
  }

  private async currentSession(): Promise<LogonSession> {
    return this.session ?? this.pendingLogon ?? this.renewSession(undefined);
  }

  private async replaceSession(stale: LogonSession | undefined): Promise<LogonSession> {
    if (stale) await this.endSession(stale, 'Ended the stale EM logon session before logging on again');
    return this.doLogon();
  }

  private async doLogon(): Promise<LogonSession> {
    const session = await requestLogon({
      config: this.config,
      http: this.http,
      accept: ACCEPT[this.format],
      logger: this.logger,
      cooldown: this.logonCooldown,
      httpError: (res, what) => this.httpError(res, what),
      bodyFormat: (res) => this.bodyFormat(res),
    });
    this.session = session;
    return session;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Requests

  /**
   * Sends with the current session; on 401 logs on again once and repeats once (em-api.md fact 2). When that is
   * 401 too, EM takes the logon but not the request: no re-logon until the back-off ends, so calls meanwhile fail
   * at once instead of each opening another logon session.
   */
  private async call(method: EmHttpRequest['method'], path: string): Promise<EmHttpResponse> {
    const what = `${method} ${path}`;
    const session = await this.currentSession();
    let res = await this.send(method, path, session.token);
    if (res.status === 401) {
      const waiting = this.refusalBackoff.activeUntil();
      if (waiting !== undefined) throw this.refusedError(res, what, waiting);
      this.logger.info('EM session expired; logging on again', { request: what });
      const fresh = await this.renewSession(session.token);
      res = await this.send(method, path, fresh.token);
      if (res.status === 401) {
        const retryAt = this.refusalBackoff.refused();
        this.logger.warn(
          'EM accepted the logon but still answered 401; no new logon until the back-off ends',
          {
            request: what,
            user: this.config.username,
            nextLogonAt: new Date(retryAt).toISOString(),
          },
        );
        throw this.refusedError(res, what, retryAt);
      }
    }
    if (res.status < 200 || res.status >= 300) throw this.httpError(res, what);
    this.refusalBackoff.clear();
    return res;
  }

  private refusedError(res: EmHttpResponse, what: string, retryAt: number): EmError {
    return new EmError(
      'auth',
      `EM accepted the logon for user "${this.config.username}" but answered 401 to ${what}: check the EM account's role (Portal Administrator to run jobs). No new logon is tried before ${new Date(retryAt).toISOString()}.`,
      {
        status: 401,
        request: what,
        emMessage: parseError(res.body)?.message,
        reason: 'refused-after-logon',
      },
    );
  }

  private async send(method: EmHttpRequest['method'], path: string, token: string): Promise<EmHttpResponse> {
    const req: EmHttpRequest = { method, path, headers: this.headers(token) };
    const res = await this.http.send(req);
    this.logger.debug('EM request', { request: this.http.describe(req), status: res.status });
    return res;
  }

  private headers(token: string): Record<string, string> {
    // Exactly one Accept value (em-api.md §1); the token as a header, never a cookie (a cookie would win).
    return { accept: ACCEPT[this.format], [SESSION_HEADER]: token };
  }

  private httpError(res: EmHttpResponse, what: string): EmError {
    const body = parseError(res.body);
    const emMessage = body?.message;
    return new EmError('http', `EM answered ${res.status} to ${what}${emMessage ? `: ${emMessage}` : ''}`, {
      status: res.status,
      emMessage,
      request: what,
    });
  }

  /** Runs a parser and names the request when EM's body does not read. */
  private async read<T>(
    method: EmHttpRequest['method'],
    path: string,
    parse: (body: string, format: EmFormat) => T,
  ): Promise<T> {
    const res = await this.call(method, path);
    try {
      return parse(res.body, this.bodyFormat(res));
    } catch (err) {
      if (err instanceof EmError && err.kind === 'parse') {
        this.logger.warn('EM answer could not be parsed', {
          request: `${method} ${path}`,
          status: res.status,
          error: err,
        });
        throw new EmError('parse', err.message, {
          status: res.status,
          request: `${method} ${path}`,
          reason: err.reason,
          cause: err,
        });
      }
      throw err;
    }
  }

  /**
   * The response's own Content-Type decides, since EM may answer errors in the other format; without one, sniff.
   * Any other type (text/html from a proxy or a sign-on gateway) is not EM's answer, however well-formed.
   */
  private bodyFormat(res: EmHttpResponse): EmFormat {
    const type = (res.headers['content-type'] ?? '').toLowerCase();
    if (type.includes('json')) return 'json';
    if (type.includes('xml')) return 'xml';
    const mediaType = type.split(';')[0]?.trim() ?? '';
    if (mediaType !== '') throw notEmAnswer(`the Content-Type is ${mediaType.slice(0, 60)}, not XML or JSON`);
    return sniffFormat(res.body);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Jobs of every kind (em/job-calls.ts)

  listJobs(): Promise<Job[]> {
    return listJobs(this.requester);
  }

  getJob(idOrUid: string, kind?: JobKind): Promise<Job> {
    return getJob(this.requester, idOrUid, kind);
  }

  findJobsByName(name: string): Promise<Job[]> {
    return findJobsByName(this.requester, name);
  }

  runJobAction(job: Job, action: JobAction): Promise<Task> {
    return runJobAction(this.requester, job, action);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Sessions (em/session-calls.ts)

  stopSession(session: JobSession): Promise<Task> {
    return stopJobSession(this.requester, session);
  }

  /** Newest first. */
  listJobSessions(job: Job): Promise<JobSession[]> {
    return listSessionsOfJob(this.requester, job);
  }

  getSession(sessionId: string, kind?: SessionKind): Promise<JobSession> {
    return getJobSession(this.requester, sessionId, kind);
  }

  /** BackupJobSession and ReplicaJobSession, every page, oldest first. */
  querySessions(query: SessionQuery): Promise<JobSession[]> {
    return queryJobSessions(this.requester, query);
  }

  listTaskSessions(session: Pick<JobSession, 'id' | 'kind'>): Promise<TaskSession[]> {
    return listTaskSessionsOf(this.requester, session);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Tasks

  async getTask(taskId: string): Promise<Task> {
    const id = requireTaskId(taskId);
    return this.read('GET', `/tasks/${id}`, parseTask);
  }

  async listTasks(): Promise<Task[]> {
    return this.read('GET', '/tasks', parseTasks);
  }

  async cancelTask(taskId: string): Promise<void> {
    const id = requireTaskId(taskId);
    await this.call('DELETE', `/tasks/${id}`);
  }

  deleteFinishedTask(task: Task | string): Promise<void> {
    return deleteFinishedTask(this.requester, task);
  }
}
