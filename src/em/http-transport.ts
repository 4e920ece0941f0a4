// One HTTP exchange with EM over a keep-alive undici pool, under one deadline for the whole request and a byte cap
// on the answer; network failures become EmError (unreachable/timeout), an answer over the cap EmError too-large.

import { Agent, type Dispatcher, request } from 'undici';
import type { EmConfig } from '../config.js';
import { emRoute } from './em-route.js';
import { EmError } from './errors.js';

/** The cap when the config sets none (VEEAM_EM_MAX_BODY_BYTES' default). */
const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface EmHttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

/** Told of every finished exchange (metrics): the route template, the HTTP status or error kind, and seconds. */
export type EmRequestObserver = (route: string, status: string, seconds: number) => void;

export interface EmHttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path and query relative to config.url, starting with '/'. */
  path: string;
  headers: Record<string, string>;
}

// Codes Node and OpenSSL use when the server's certificate is not trusted or does not match.
const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Keep-alive connections to EM at most; enough for the watcher's in-flight cap and a busy channel. */
const EM_MAX_CONNECTIONS = 32;

export class HttpTransport {
  private readonly dispatcher: Dispatcher;
  /** Only a pool we created is ours to close. */
  private readonly ownAgent?: Agent;
  private readonly baseUrl: string;

  constructor(
    private readonly config: EmConfig,
    dispatcher?: Dispatcher,
    private readonly observer?: EmRequestObserver,
  ) {
    this.baseUrl = config.url.replace(/\/+$/, '');
    if (dispatcher) {
      this.dispatcher = dispatcher;
    } else {
      this.ownAgent = new Agent({
        // A burst of Slack requests must not become a burst of new TLS connections to EM; requests queue instead.
        connections: EM_MAX_CONNECTIONS,
        connect: {
          timeout: config.timeoutMs,
          ca: config.ca,
          rejectUnauthorized: !config.insecureTls,
        },
        headersTimeout: config.timeoutMs,
        bodyTimeout: config.timeoutMs,
      });
      this.dispatcher = this.ownAgent;
    }
  }

  /** "GET /tasks/task-1": what errors and logs name; never carries headers, so never the token or password. */
  describe(req: Pick<EmHttpRequest, 'method' | 'path'>): string {
    return `${req.method} ${req.path}`;
  }

  /**
   * undici's headers and body timeouts only bound each wait (a body trickling a few bytes a second never trips
   * them), so the whole exchange, body included, runs under one deadline of VEEAM_EM_TIMEOUT_MS.
   */
  async send(req: EmHttpRequest): Promise<EmHttpResponse> {
    if (!this.observer) return this.exchange(req);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const route = emRoute(req.method, req.path);
    try {
      const res = await this.exchange(req);
      this.observer(route, String(res.status), seconds());
      return res;
    } catch (err) {
      this.observer(route, err instanceof EmError ? err.kind : 'error', seconds());
      throw err;
    }
  }

  private async exchange(req: EmHttpRequest): Promise<EmHttpResponse> {
    const what = this.describe(req);
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort();
    }, this.config.timeoutMs);
    try {
      const res = await request(`${this.baseUrl}${req.path}`, {
        method: req.method,
        headers: req.headers,
        dispatcher: this.dispatcher,
        signal: deadline.signal,
        // Per request as well, so a dispatcher passed in by the caller still honours VEEAM_EM_TIMEOUT_MS.
        headersTimeout: this.config.timeoutMs,
        bodyTimeout: this.config.timeoutMs,
      });
      const body = await this.readBody(res, what);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined)
          headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: res.statusCode, headers, body };
    } catch (err) {
      if (timedOut && !(err instanceof EmError)) throw this.timeoutError(what, err);
      throw this.networkError(err, what);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The body as text, refused (and the connection dropped) once it passes the cap, declared or counted. */
  private async readBody(res: Dispatcher.ResponseData, what: string): Promise<string> {
    const cap = this.config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > cap) {
      res.body.destroy();
      throw this.tooLarge(what, res.statusCode, `declares ${declared} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > cap) {
        res.body.destroy();
        throw this.tooLarge(what, res.statusCode, `passed ${cap} bytes and was cut off`);
      }
      chunks.push(buffer);
    }
    // TextDecoder drops a leading UTF-8 BOM (EM's JSON has one, em-api.md §1), as undici's body.text() did.
    return new TextDecoder().decode(Buffer.concat(chunks, size));
  }

  private tooLarge(what: string, status: number, detail: string): EmError {
    const cap = this.config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    return new EmError(
      'too-large',
      `EM at ${this.origin()} answered ${what} with more than ${cap} bytes (VEEAM_EM_MAX_BODY_BYTES): the answer ${detail}; it was not read.`,
      { status, request: what },
    );
  }

  private timeoutError(what: string, cause: unknown): EmError {
    return new EmError(
      'timeout',
      `EM at ${this.origin()} did not finish ${what} within ${this.config.timeoutMs} ms (VEEAM_EM_TIMEOUT_MS, the deadline for the whole request).`,
      { request: what, cause },
    );
  }

  async close(): Promise<void> {
    await this.ownAgent?.close();
  }

  private networkError(err: unknown, what: string): EmError {
    if (err instanceof EmError) return err;
    const codes = errorCodes(err);
    const target = `EM at ${this.origin()}`;
    if (codes.some((code) => TIMEOUT_CODES.has(code))) return this.timeoutError(what, err);
    const tlsCode = codes.find((code) => TLS_CODES.test(code));
    if (tlsCode !== undefined) {
      return new EmError(
        'unreachable',
        `TLS to ${target} failed: the server certificate was refused (${tlsCode}). Set VEEAM_EM_CA_FILE to the CA that signed EM's certificate.`,
        { request: what, cause: err },
      );
    }
    const code = codes[0] ?? (err as Error)?.name ?? 'error';
    return new EmError('unreachable', `Could not reach ${target} for ${what} (${code}).`, {
      request: what,
      cause: err,
    });
  }

  private origin(): string {
    try {
      return new URL(this.baseUrl).origin;
    } catch {
      return this.baseUrl;
    }
  }
}

/** Every `code` along the cause chain (undici wraps socket and TLS errors). */
function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if (current instanceof AggregateError) {
      for (const inner of current.errors) codes.push(...errorCodes(inner));
    }
    current = current.cause;
  }
  return codes;
}
