// One HTTP exchange with EM over a keep-alive undici pool; network failures become EmError (unreachable/timeout).

import { Agent, type Dispatcher, request } from 'undici';
import type { EmConfig } from '../config.js';
import { EmError } from './errors.js';

export interface EmHttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

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

  async send(req: EmHttpRequest): Promise<EmHttpResponse> {
    const what = this.describe(req);
    try {
      const res = await request(`${this.baseUrl}${req.path}`, {
        method: req.method,
        headers: req.headers,
        dispatcher: this.dispatcher,
        // Per request as well, so a dispatcher passed in by the caller still honours VEEAM_EM_TIMEOUT_MS.
        headersTimeout: this.config.timeoutMs,
        bodyTimeout: this.config.timeoutMs,
      });
      const body = await res.body.text();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined)
          headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: res.statusCode, headers, body };
    } catch (err) {
      throw this.networkError(err, what);
    }
  }

  async close(): Promise<void> {
    await this.ownAgent?.close();
  }

  private networkError(err: unknown, what: string): EmError {
    if (err instanceof EmError) return err;
    const codes = errorCodes(err);
    const target = `EM at ${this.origin()}`;
    if (codes.some((code) => TIMEOUT_CODES.has(code))) {
      return new EmError(
        'timeout',
        `${target} did not answer ${what} within ${this.config.timeoutMs} ms (VEEAM_EM_TIMEOUT_MS).`,
        { request: what, cause: err },
      );
    }
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
