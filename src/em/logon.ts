// The logon request (POST /sessionMngr, Basic credentials) and what a rejected logon means for the next ones:
// a cool-down, so a wrong password is not retried into an Active Directory lockout (em-api.md §2.2).

import type { EmConfig } from '../config.js';
import type { Logger } from '../log/logger.js';
import { EmError } from './errors.js';
import type { EmHttpResponse, HttpTransport } from './http-transport.js';
import type { LogonCooldown } from './logon-cooldown.js';
import { type EmFormat, parseError, parseLogonSession } from './parse.js';

export interface LogonSession {
  /** The X-RestSvcSessionId response header, sent back as-is (em-api.md fact 1). */
  token: string;
  /** The body's SessionId, for DELETE /logonSessions/{id}. */
  sessionId?: string;
}

interface LogonDeps {
  config: EmConfig;
  http: HttpTransport;
  accept: string;
  logger: Logger;
  cooldown: LogonCooldown;
  /** Builds the 'http' EmError for a non-2xx answer, as every other call does. */
  httpError(res: EmHttpResponse, what: string): EmError;
  bodyFormat(res: EmHttpResponse): EmFormat;
}

export const SESSION_HEADER = 'x-restsvcsessionid';
const LOGON_PATH = '/sessionMngr/?v=latest';

export async function requestLogon(deps: LogonDeps): Promise<LogonSession> {
  const { config, http, logger } = deps;
  const credentials = Buffer.from(`${config.username}:${config.password}`, 'utf8').toString('base64');
  const req = {
    method: 'POST' as const,
    path: LOGON_PATH,
    headers: { accept: deps.accept, authorization: `Basic ${credentials}` },
  };
  const what = http.describe(req);
  const res = await http.send(req);
  if (res.status === 401) {
    // Only a rejection starts the cool-down: unreachable, timeout and 5xx say nothing about the password.
    const retryAt = deps.cooldown.start();
    const emMessage = parseError(res.body)?.message;
    logger.error('EM rejected the logon; no new logon attempt until the cool-down ends', {
      request: what,
      status: 401,
      user: config.username,
      emMessage,
      nextAttemptAt: new Date(retryAt).toISOString(),
    });
    throw new EmError(
      'auth',
      `EM rejected the logon for user "${config.username}" (401): check VEEAM_EM_USERNAME / VEEAM_EM_PASSWORD and the account's EM role (Portal Administrator to run jobs). ${nextAttemptText(retryAt)}`,
      { status: 401, request: what, emMessage },
    );
  }
  if (res.status !== 201 && res.status !== 200) throw deps.httpError(res, what);
  const token = res.headers[SESSION_HEADER];
  if (!token) {
    // A proxy's or sign-on gateway's page says so by its Content-Type: that is the better error to give.
    deps.bodyFormat(res);
    throw new EmError('parse', 'EM accepted the logon but sent no X-RestSvcSessionId header.', {
      status: res.status,
      request: what,
    });
  }
  let sessionId: string | undefined;
  try {
    sessionId = parseLogonSession(res.body, deps.bodyFormat(res)).sessionId;
  } catch {
    // The token alone is enough to work; without SessionId only the explicit logout is skipped.
    logger.warn('EM logon answer had no readable SessionId; logout will be skipped', { request: what });
  }
  deps.cooldown.clear();
  logger.info('Logged on to EM', { url: config.url, user: config.username });
  return { token, sessionId };
}

/** The refusal during the cool-down: same kind as the rejection, logged once there rather than per call. */
export function logonPausedError(config: EmConfig, retryAt: number, now: number): EmError {
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1_000));
  return new EmError(
    'auth',
    `EM rejected the last logon for user "${config.username}"; no logon is tried for another ${seconds} s so the account is not locked out. ${nextAttemptText(retryAt)} Meanwhile check VEEAM_EM_USERNAME / VEEAM_EM_PASSWORD and the account's EM role (Portal Administrator to run jobs).`,
    { status: 401, request: `POST ${LOGON_PATH}` },
  );
}

function nextAttemptText(retryAt: number): string {
  return `The next logon attempt will be made at ${new Date(retryAt).toISOString()}, on the first call after that.`;
}
