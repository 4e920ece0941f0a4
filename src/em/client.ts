// EmApi over HTTP: the logon session (single-flight re-logon on 401, cool-down after a rejected logon), one Accept
// format, IDs checked before URLs.

import type { Dispatcher } from 'undici';
import { type Clock, systemClock } from '../clock.js';
import type { EmConfig } from '../config.js';
import type { Logger } from '../log/logger.js';
import type { EmApi } from './api.js';
import { EmError } from './errors.js';
import { type EmHttpRequest, type EmHttpResponse, HttpTransport } from './http-transport.js';
import { requireGuid, requireTaskId } from './ids.js';
import { DEFAULT_LOGON_COOLDOWN_MS, LogonCooldown } from './logon-cooldown.js';
import {
  type EmFormat,
  parseAgentJob,
  parseBackupSession,
  parseBackupSessions,
  parseError,
  parseLogonSession,
  parseQueryResult,
  parseTask,
  parseTasks,
  sniffFormat,
} from './parse.js';
import { agentJobsByNamePath, queryPath, sessionQueryPath } from './query-filter.js';
import type { AgentBackupJob, BackupSession, SessionQuery, Task } from './types.js';

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
}

interface LogonSession {
  /** The X-RestSvcSessionId response header, sent back as-is (em-api.md fact 1). */
  token: string;
  /** The body's SessionId, for DELETE /logonSessions/{id}. */
  sessionId?: string;
}

const SESSION_HEADER = 'x-restsvcsessionid';
const LOGON_PATH = '/sessionMngr/?v=latest';
const ACCEPT: Record<EmFormat, string> = { json: 'application/json', xml: 'application/xml' };

type JobAction = 'start' | 'stop' | 'retry' | 'toggleScheduleEnabled';

export class EmClient implements EmApi {
  readonly format: EmFormat;
  private readonly config: EmConfig;
  private readonly logger: Logger;
  private readonly http: HttpTransport;
  private session?: LogonSession;
  /** The logon in progress; every caller that needs a session meanwhile awaits this one (single flight). */
  private pendingLogon?: Promise<LogonSession>;
  private readonly logonCooldown: LogonCooldown;
  private readonly clock: Clock;

  constructor(options: EmClientOptions) {
    this.config = options.config;
    this.logger = options.logger.child({ component: 'em-client' });
    this.format = options.format ?? 'json';
    this.http = new HttpTransport(options.config, options.dispatcher);
    this.clock = options.clock ?? systemClock;
    this.logonCooldown = new LogonCooldown(options.logonCooldownMs ?? DEFAULT_LOGON_COOLDOWN_MS, this.clock);
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
    if (session?.sessionId === undefined) return;
    const req: EmHttpRequest = {
      method: 'DELETE',
      path: `/logonSessions/${encodeURIComponent(session.sessionId)}`,
      headers: this.headers(session.token),
    };
    // The SessionId stays out of the logs like the token does.
    const what = 'DELETE /logonSessions/{SessionId}';
    try {
      const res = await this.http.send(req);
      this.logger.debug('Logged out of EM', { request: what, status: res.status });
    } catch (err) {
      // The session idles out on EM's side anyway; a failed logout must not fail shutdown.
      this.logger.debug('EM logout failed; ignored', { request: what, kind: (err as EmError).kind });
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
      if (retryAt !== undefined) return Promise.reject(this.logonPausedError(retryAt));
      this.session = undefined;
      this.pendingLogon = this.doLogon().finally(() => {
        this.pendingLogon = undefined;
      });
    }
    return this.pendingLogon;
  }

  private async currentSession(): Promise<LogonSession> {
    return this.session ?? this.pendingLogon ?? this.renewSession(undefined);
  }

  private async doLogon(): Promise<LogonSession> {
    const credentials = Buffer.from(`${this.config.username}:${this.config.password}`, 'utf8').toString(
      'base64',
    );
    const req: EmHttpRequest = {
      method: 'POST',
      path: LOGON_PATH,
      headers: { accept: ACCEPT[this.format], authorization: `Basic ${credentials}` },
    };
    const what = this.http.describe(req);
    const res = await this.http.send(req);
    if (res.status === 401) {
      // Only a rejection starts the cool-down: unreachable, timeout and 5xx say nothing about the password.
      const retryAt = this.logonCooldown.start();
      const emMessage = parseError(res.body)?.message;
      this.logger.error('EM rejected the logon; no new logon attempt until the cool-down ends', {
        request: what,
        status: 401,
        user: this.config.username,
        emMessage,
        nextAttemptAt: new Date(retryAt).toISOString(),
      });
      throw new EmError(
        'auth',
        `EM rejected the logon for user "${this.config.username}" (401): check VEEAM_EM_USERNAME / VEEAM_EM_PASSWORD and the account's EM role (Portal Administrator to run jobs). ${nextAttemptText(retryAt)}`,
        { status: 401, request: what, emMessage },
      );
    }
    if (res.status !== 201 && res.status !== 200) throw this.httpError(res, what);
    const token = res.headers[SESSION_HEADER];
    if (!token) {
      throw new EmError('parse', 'EM accepted the logon but sent no X-RestSvcSessionId header.', {
        status: res.status,
        request: what,
      });
    }
    let sessionId: string | undefined;
    try {
      sessionId = parseLogonSession(res.body, this.bodyFormat(res)).sessionId;
    } catch {
      // The token alone is enough to work; without SessionId only the explicit logout is skipped.
      this.logger.warn('EM logon answer had no readable SessionId; logout will be skipped', {
        request: what,
      });
    }
    const session: LogonSession = { token, sessionId };
    this.session = session;
    this.logonCooldown.clear();
    this.logger.info('Logged on to EM', { url: this.config.url, user: this.config.username });
    return session;
  }

  /** The refusal during the cool-down: same kind as the rejection, logged once there rather than per call. */
  private logonPausedError(retryAt: number): EmError {
    const seconds = Math.max(1, Math.ceil((retryAt - this.clock.now()) / 1_000));
    return new EmError(
      'auth',
      `EM rejected the last logon for user "${this.config.username}"; no logon is tried for another ${seconds} s so the account is not locked out. ${nextAttemptText(retryAt)} Meanwhile check VEEAM_EM_USERNAME / VEEAM_EM_PASSWORD and the account's EM role (Portal Administrator to run jobs).`,
      { status: 401, request: `POST ${LOGON_PATH}` },
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Requests

  /** Sends with the current session; on 401 logs on again once and repeats once (em-api.md fact 2). */
  private async call(method: EmHttpRequest['method'], path: string): Promise<EmHttpResponse> {
    const what = `${method} ${path}`;
    const session = await this.currentSession();
    let res = await this.send(method, path, session.token);
    if (res.status === 401) {
      this.logger.info('EM session expired; logging on again', { request: what });
      const fresh = await this.renewSession(session.token);
      res = await this.send(method, path, fresh.token);
      if (res.status === 401) {
        throw new EmError(
          'auth',
          `EM still answered 401 to ${what} right after a fresh logon: check the EM account's role and VEEAM_EM_USERNAME / VEEAM_EM_PASSWORD.`,
          { status: 401, request: what, emMessage: parseError(res.body)?.message },
        );
      }
    }
    if (res.status < 200 || res.status >= 300) throw this.httpError(res, what);
    return res;
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
          cause: err,
        });
      }
      throw err;
    }
  }

  /** The response's own Content-Type decides, since EM may answer errors in the other format; else sniff. */
  private bodyFormat(res: EmHttpResponse): EmFormat {
    const type = res.headers['content-type'] ?? '';
    if (type.includes('json')) return 'json';
    if (type.includes('xml')) return 'xml';
    return sniffFormat(res.body);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Agent jobs

  async getAgentJob(id: string): Promise<AgentBackupJob> {
    const guid = requireGuid(id, 'job ID');
    return this.read('GET', `/agents/jobs/${guid}?format=Entity`, parseAgentJob);
  }

  async listAgentJobs(): Promise<AgentBackupJob[]> {
    return this.read('GET', queryPath('AgentBackupJob'), (body, format) =>
      parseQueryResult(body, format, 'AgentBackupJob'),
    );
  }

  async findAgentJobsByName(name: string): Promise<AgentBackupJob[]> {
    return this.read('GET', agentJobsByNamePath(name), (body, format) =>
      parseQueryResult(body, format, 'AgentBackupJob'),
    );
  }

  async toggleSchedule(jobId: string): Promise<Task> {
    return this.jobAction(jobId, 'toggleScheduleEnabled');
  }

  async startJob(jobId: string): Promise<Task> {
    return this.jobAction(jobId, 'start');
  }

  async stopJob(jobId: string): Promise<Task> {
    return this.jobAction(jobId, 'stop');
  }

  async retryJob(jobId: string): Promise<Task> {
    return this.jobAction(jobId, 'retry');
  }

  private async jobAction(jobId: string, action: JobAction): Promise<Task> {
    const guid = requireGuid(jobId, 'job ID');
    return this.read('POST', `/agents/jobs/${guid}?action=${action}`, parseTask);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Sessions

  async stopSession(sessionId: string): Promise<Task> {
    const guid = requireGuid(sessionId, 'backup session ID');
    return this.read('POST', `/backupSessions/${guid}?action=stop`, parseTask);
  }

  async listJobSessions(jobId: string): Promise<BackupSession[]> {
    const guid = requireGuid(jobId, 'job ID');
    const sessions = await this.read(
      'GET',
      `/agents/jobs/${guid}/backupSessions?format=Entity`,
      parseBackupSessions,
    );
    return sessions.sort((a, b) => timeOf(b) - timeOf(a));
  }

  async getSession(sessionId: string): Promise<BackupSession> {
    const guid = requireGuid(sessionId, 'backup session ID');
    return this.read('GET', `/backupSessions/${guid}?format=Entity`, parseBackupSession);
  }

  async querySessions(query: SessionQuery): Promise<BackupSession[]> {
    const sessions = await this.read('GET', sessionQueryPath(query), (body, format) =>
      parseQueryResult(body, format, 'BackupJobSession'),
    );
    // EM sorts already (sortAsc=CreationTime); sorting again keeps the order a promise of ours, not of EM's.
    return sessions.sort((a, b) => timeOf(a) - timeOf(b));
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
}

function nextAttemptText(retryAt: number): string {
  return `The next logon attempt will be made at ${new Date(retryAt).toISOString()}, on the first call after that.`;
}

function timeOf(session: BackupSession): number {
  const ms = Date.parse(session.creationTime);
  return Number.isNaN(ms) ? 0 : ms;
}
