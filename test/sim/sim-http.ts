// Test helper: talk to the simulator over real HTTP with undici (no EM client).

import { Agent, request } from 'undici';
import type { Clock } from '../../src/clock.js';
import { SIM_DEFAULT_CREDENTIALS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';

export const agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as sent (Buffer.toString keeps a BOM, unlike undici's body.text()). */
  raw: Buffer;
  text: string;
  /** JSON.parse of the body (BOM stripped) when it was JSON. */
  json?: any;
}

export interface CallOptions {
  method?: string;
  token?: string;
  accept?: string;
  headers?: Record<string, string>;
}

/** `path` is relative to sim.url, e.g. '/tasks'. */
export async function call(sim: EmSimulator, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['X-RestSvcSessionId'] = options.token;
  if (options.accept) headers.Accept = options.accept;
  const res = await request(`${sim.url}${path}`, {
    method: (options.method ?? 'GET') as 'GET',
    headers,
    dispatcher: agent,
  });
  const raw = Buffer.from(await res.body.arrayBuffer());
  const text = raw.toString('utf8');
  const reply: Reply = { status: res.statusCode, headers: res.headers, raw, text };
  if (String(res.headers['content-type'] ?? '').startsWith('application/json')) {
    reply.json = JSON.parse(text.replace(/^\uFEFF/, ''));
  }
  return reply;
}

export function basic(
  username: string = SIM_DEFAULT_CREDENTIALS.username,
  password: string = SIM_DEFAULT_CREDENTIALS.password,
): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** A simulator on a clock the test moves, logged on once: what the simulator's HTTP test files share. */
export async function startLoggedOn(
  clock: Clock,
  taskDurationMs: number,
  backupDurationMs: number,
): Promise<{ sim: EmSimulator; token: string }> {
  const sim = await startEmSimulator({ clock, taskDurationMs, backupDurationMs });
  const { token } = await logon(sim);
  return { sim, token };
}

/** Closes the simulator and the shared client pool (idle sockets would hold vitest open). */
export async function stopSimulator(sim: EmSimulator | undefined): Promise<void> {
  await sim?.close();
  await agent.close();
}

/** Logs on; returns the X-RestSvcSessionId header value and the body's SessionId. */
export async function logon(sim: EmSimulator): Promise<{ token: string; sessionId: string }> {
  const reply = await call(sim, '/sessionMngr/?v=latest', {
    method: 'POST',
    accept: 'application/json',
    headers: { Authorization: basic() },
  });
  if (reply.status !== 201) throw new Error(`logon answered ${reply.status}: ${reply.text}`);
  return { token: String(reply.headers['x-restsvcsessionid']), sessionId: reply.json.SessionId };
}

/** The Reason of each BackupTaskSession of a job session (by UID or ID), in processing order (JSON). */
export async function reasons(sim: EmSimulator, token: string, session: string): Promise<(string | null)[]> {
  const id = session.slice(session.lastIndexOf(':') + 1);
  const reply = await call(sim, `/backupSessions/${id}/taskSessions?format=Entity`, {
    token,
    accept: 'application/json',
  });
  if (reply.status !== 200) throw new Error(`taskSessions answered ${reply.status}: ${reply.text}`);
  return reply.json.BackupTaskSessions.map((t: { Reason: string | null }) => t.Reason);
}
