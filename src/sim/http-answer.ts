// The simulator's HTTP edge: reading a request (path, Accept, session token) and writing an answer in EM's
// XML or JSON (JSON with a UTF-8 BOM like EM's, em-api.md §1), with EM's Error body on failures (§6).

import type http from 'node:http';
import type { LogonSession } from './auth.js';
import type { El } from './em-element.js';
import { renderJson } from './render-json.js';
import { renderXml } from './render-xml.js';
import { errorEl } from './representations.js';

export interface Answer {
  status: number;
  body?: El;
  /** Pre-rendered body (GET /tasks), used instead of `body`; `rawBody(json)` gives the text for the format. */
  rawBody?: (json: boolean) => string;
  headers?: Record<string, string | string[]>;
  /** Force JSON even when XML was asked (EM's multi-Accept 400 comes back as JSON). */
  json?: boolean;
  /** A body that is not EM's (the proxyPage fault): `rawBody` sent as it is, with this Content-Type. */
  contentType?: string;
}

/** An authenticated API request, path split after /api. */
export interface SimRequest {
  method: string;
  segments: string[];
  params: URLSearchParams;
  json: boolean;
  session: LogonSession;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const TASK_ID = /^task-\d+$/;

export function errorAnswer(status: number, message: string): Answer {
  const answer: Answer = { status, body: errorEl(status, message) };
  if (status === 401) answer.headers = { 'WWW-Authenticate': 'Basic Realm=RestSvc' };
  return answer;
}

export function multiAcceptError(): Answer {
  return { status: 400, body: errorEl(400, 'Node [root] does not exist.', null), json: true };
}

/** The body text, or undefined for a bodiless answer. */
function answerText(answer: Answer, json: boolean): string | undefined {
  if (answer.rawBody) return answer.rawBody(json);
  if (!answer.body) return undefined;
  return json ? renderJson(answer.body) : renderXml(answer.body);
}

/** An answer as it goes on the wire. */
export interface RenderedAnswer {
  status: number;
  headers: Record<string, string | string[] | number>;
  body?: Buffer;
}

/** Encodes the answer; `mangle` may alter the encoded body (the malformedBodies fault). */
export function renderAnswer(
  answer: Answer,
  json: boolean,
  mangle: (body: Buffer) => Buffer = (b) => b,
): RenderedAnswer {
  const headers: Record<string, string | string[] | number> = { ...answer.headers };
  const text = answerText(answer, json);
  let body: Buffer | undefined;
  if (text !== undefined && answer.contentType !== undefined) {
    // Not EM's answer (a proxy page): sent as given, no BOM.
    body = mangle(Buffer.from(text, 'utf8'));
    headers['Content-Type'] = answer.contentType;
  } else if (text !== undefined) {
    // EM puts a UTF-8 BOM in front of JSON (em-api.md §1); clients must strip it.
    body = mangle(Buffer.from(json ? `\uFEFF${text}` : text, 'utf8'));
    headers['Content-Type'] = json ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8';
  }
  headers['Content-Length'] = body?.length ?? 0;
  return { status: answer.status, headers, body };
}

/** Writes a rendered answer at once. */
export function writeRendered(res: http.ServerResponse, rendered: RenderedAnswer): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(rendered.status, rendered.headers);
  res.end(rendered.body);
}

/** Writes the answer; `mangle` may alter the encoded body (the malformedBodies fault). */
export function writeAnswer(
  res: http.ServerResponse,
  answer: Answer,
  json: boolean,
  mangle: (body: Buffer) => Buffer = (b) => b,
): void {
  writeRendered(res, renderAnswer(answer, json, mangle));
}

/** Path segments after /api, or undefined when the path is not under /api. */
export function apiSegments(pathname: string): string[] | undefined {
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
export function templateSegment(segment: string): string {
  return GUID.test(segment) || TASK_ID.test(segment) ? '{id}' : segment;
}

export function sessionToken(req: http.IncomingMessage): string | undefined {
  // The cookie wins over the header when both are sent (em-api.md §1).
  const cookie = /(?:^|;\s*)X-RestSvcSessionId=([^;]+)/i.exec(req.headers.cookie ?? '')?.[1];
  if (cookie) return cookie.trim();
  const header = req.headers['x-restsvcsessionid'];
  return Array.isArray(header) ? header[0] : header;
}

export function acceptFormat(accept: string | undefined): 'xml' | 'json' | 'several' {
  if (!accept) return 'xml';
  const values = accept
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (values.length > 1) return 'several';
  return /^application\/json\s*(;|$)/i.test(values[0] ?? '') ? 'json' : 'xml';
}

export function onlyGet(r: SimRequest): void {
  if (r.method !== 'GET') throw new HttpError(405, `Method ${r.method} is not allowed here.`);
}

export function requireGuid(text: string): string {
  if (!GUID.test(text)) throw new HttpError(400, `"${text}" is not a valid ID: expected a GUID.`);
  return text.toLowerCase();
}

export function isEntityFormat(params: URLSearchParams): boolean {
  return (params.get('format') ?? '').toLowerCase() === 'entity';
}

export function drain(req: http.IncomingMessage): Promise<void> {
  if (req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.resume();
  });
}
