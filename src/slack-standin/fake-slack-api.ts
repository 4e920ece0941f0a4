// A local stand-in for the Slack Web API and response_url endpoints: it keeps channels, threads and ephemerals
// in memory so the demo can print a transcript and tests can assert on what Slack received. It refuses Block Kit
// as real Slack does (block-kit-rules.ts), so a message Slack would drop fails here too.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeHomeView, FakeHomeViews } from './fake-home-views.js';
import { type FakeRefusal, RefusalLog } from './refusal-log.js';
import { mulberry32, parseArgs, readBody, sendJson } from './wire.js';

export type { FakeHomeView } from './fake-home-views.js';
export type { FakeRefusal } from './refusal-log.js';

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as Slack receives it
type Json = any;

export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: Json[];
  /** How many times chat.update (or response_url replace_original) changed it. */
  updates: number;
  /** When chat.postMessage took it (epoch ms): tests check a channel's pace with it. */
  postedAtMs?: number;
}

export interface FakeEphemeral {
  channel?: string;
  user?: string;
  text: string;
  blocks?: Json[];
  via: 'postEphemeral' | 'response_url';
}

export interface FakeCall {
  method: string;
  args: Record<string, Json>;
}

type FakeFailure = { status: 429; retryAfterSeconds?: number } | { status: 500 } | { error: string };

/** What happened, in order, for the demo's transcript. */
export type FakeEvent =
  | { kind: 'post'; message: FakeMessage }
  | { kind: 'update'; message: FakeMessage }
  | { kind: 'ephemeral'; ephemeral: FakeEphemeral };

interface FakeSlackOptions {
  /** user-group ID → member user IDs, served by usergroups.users.list. */
  usergroups?: Record<string, string[]>;
  botUserId?: string;
  /**
   * 'fail-on-close' (default): close() throws when a call was refused and no one took the refusal with
   * takeRefusals(), so no test or demo run passes while Slack would have dropped one of its messages.
   */
  refusals?: 'fail-on-close' | 'record';
}

export class FakeSlackApi {
  readonly calls: FakeCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  /** 0..1 of chat.postMessage calls answered 429 with Retry-After: 1. */
  rateLimitFraction = 0;
  /**
   * Slack's per-channel pace: a chat.postMessage to a channel that already took this many posts in the last second
   * is answered 429 with Retry-After: 1 (undefined: no limit). Real Slack allows about 1 a second, short bursts more.
   */
  postsPerSecondPerChannel: number | undefined;
  /** Every 429 answered, by method. */
  readonly rateLimited: Record<string, number> = {};
  /** Where apps.connections.open sends a Socket Mode client (a test's WebSocket stand-in). */
  socketModeUrl: string | undefined;
  /** Deterministic by default so a rate-limited run is repeatable. */
  random: () => number = mulberry32(42);

  private readonly server: Server;
  private readonly failures = new Map<string, { failure: FakeFailure; count: number }>();
  private readonly responseUrls = new Map<string, { channel?: string; messageTs?: string }>();
  private readonly listeners = new Set<(event: FakeEvent) => void>();
  private readonly homeViews = new FakeHomeViews();
  private readonly usergroups: Record<string, string[]>;
  private readonly botUserId: string;
  private readonly failOnRefusal: boolean;
  private readonly refusalLog = new RefusalLog();
  private tsCounter = 0;
  private readonly tsBase = Math.floor(Date.now() / 1000);
  private baseUrl = '';

  constructor(options: FakeSlackOptions = {}) {
    this.usergroups = options.usergroups ?? {};
    this.botUserId = options.botUserId ?? 'UBOT0001';
    this.failOnRefusal = (options.refusals ?? 'fail-on-close') === 'fail-on-close';
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fake_internal_error', detail: String(err) }));
      });
    });
    this.server.keepAliveTimeout = 100;
  }

  /** Base URL for WebClient's slackApiUrl, ending in /api/. */
  get url(): string {
    return `${this.baseUrl}/api/`;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.url;
  }

  /** Stops the server; then, unless refusals are only recorded, throws if any call was refused unexpectedly. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    const unexpected = this.refusalLog.unexpected();
    if (this.failOnRefusal && unexpected !== undefined) throw unexpected;
  }

  /** Every call refused as real Slack would refuse it, in order. */
  get refusals(): readonly FakeRefusal[] {
    return this.refusalLog.all;
  }

  /** The refusals since the last take, marked as expected so close() does not fail on them. */
  takeRefusals(): FakeRefusal[] {
    return this.refusalLog.take();
  }

  onEvent(listener: (event: FakeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A fresh response_url; a replace_original answer to it edits the message at messageTs. */
  responseUrl(channel?: string, messageTs?: string): string {
    const id = randomUUID();
    this.responseUrls.set(id, { channel, messageTs });
    return `${this.baseUrl}/response/${id}`;
  }

  failNext(method: string, failure: FakeFailure, count = 1): void {
    this.failures.set(method, { failure, count });
  }

  thread(channel: string, ts: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === ts && m.ts !== ts);
  }

  topLevel(channel: string): FakeMessage[] {
    return this.messages.filter(
      (m) => m.channel === channel && (m.threadTs === undefined || m.threadTs === m.ts),
    );
  }

  /** The Home tab as `user` would see it now (views.publish's last accepted view), or undefined. */
  homeView(user: string): FakeHomeView | undefined {
    return this.homeViews.view(user);
  }

  /** How many views.publish calls for `user` were accepted. */
  homePublishes(user: string): number {
    return this.homeViews.publishes(user);
  }

  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private emit(event: FakeEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${this.tsBase}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'POST' && path.startsWith('/response/')) {
      this.handleResponseUrl(path.slice('/response/'.length), raw, res);
      return;
    }
    if (req.method !== 'POST' || !path.startsWith('/api/')) {
      sendJson(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    const method = path.slice('/api/'.length);
    const args = parseArgs(raw, req.headers['content-type']);
    const auth = req.headers.authorization ?? (typeof args.token === 'string' ? `Bearer ${args.token}` : '');
    // Bot tokens for the Web API; the app-level token only opens Socket Mode connections.
    const appTokenCall = method === 'apps.connections.open';
    if (!(appTokenCall ? /^Bearer xapp-/ : /^Bearer xox[bp]-/).test(auth)) {
      sendJson(res, 200, { ok: false, error: 'not_authed' });
      return;
    }
    delete args.token;
    this.calls.push({ method, args });

    const failure = this.takeFailure(method) ?? this.channelPaceFailure(method, args);
    if (failure !== undefined) {
      if ('error' in failure) return sendJson(res, 200, { ok: false, error: failure.error });
      if (failure.status === 429) {
        this.rateLimited[method] = (this.rateLimited[method] ?? 0) + 1;
        res.setHeader('retry-after', String(failure.retryAfterSeconds ?? 1));
        return sendJson(res, 429, { ok: false, error: 'ratelimited' });
      }
      return sendJson(res, failure.status, { ok: false, error: 'internal_error' });
    }

    sendJson(res, 200, this.refusalLog.check(method, args) ?? this.answer(method, args));
  }

  private takeFailure(method: string): FakeFailure | undefined {
    const entry = this.failures.get(method);
    if (entry !== undefined) {
      entry.count -= 1;
      if (entry.count <= 0) this.failures.delete(method);
      return entry.failure;
    }
    if (
      method === 'chat.postMessage' &&
      this.rateLimitFraction > 0 &&
      this.random() < this.rateLimitFraction
    ) {
      return { status: 429, retryAfterSeconds: 1 };
    }
    return undefined;
  }

  /** postsPerSecondPerChannel: a post beyond the channel's pace is refused as Slack refuses it. */
  private channelPaceFailure(method: string, args: Record<string, Json>): FakeFailure | undefined {
    const limit = this.postsPerSecondPerChannel;
    if (method !== 'chat.postMessage' || limit === undefined) return undefined;
    const since = Date.now() - 1_000;
    const recent = this.messages.filter(
      (m) => m.channel === args.channel && m.postedAtMs !== undefined && m.postedAtMs > since,
    );
    return recent.length >= limit ? { status: 429, retryAfterSeconds: 1 } : undefined;
  }

  private answer(method: string, args: Record<string, Json>): Record<string, Json> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.local/',
          team: 'Fake',
          user: 'veeam',
          team_id: 'T0FAKE',
          user_id: this.botUserId,
          bot_id: 'B0FAKE',
        };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.updateMessage(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'views.publish':
        return this.homeViews.publish(args);
      case 'apps.connections.open':
        return this.socketModeUrl === undefined
          ? { ok: false, error: 'socket_mode_not_enabled' }
          : { ok: true, url: this.socketModeUrl };
      case 'usergroups.users.list': {
        const users = this.usergroups[String(args.usergroup)];
        return users === undefined ? { ok: false, error: 'no_such_subteam' } : { ok: true, users };
      }
      default:
        return { ok: true };
    }
  }

  private postMessage(args: Record<string, Json>): Record<string, Json> {
    if (typeof args.channel !== 'string' || args.channel === '')
      return { ok: false, error: 'channel_not_found' };
    if (!args.text && !args.blocks) return { ok: false, error: 'no_text' };
    const ts = this.nextTs();
    const message: FakeMessage = {
      channel: args.channel,
      ts,
      threadTs: typeof args.thread_ts === 'string' ? args.thread_ts : undefined,
      text: String(args.text ?? ''),
      blocks: args.blocks,
      updates: 0,
      postedAtMs: Date.now(),
    };
    this.messages.push(message);
    this.emit({ kind: 'post', message });
    return { ok: true, channel: args.channel, ts, message: { text: message.text, ts } };
  }

  private updateMessage(args: Record<string, Json>): Record<string, Json> {
    const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
    if (message === undefined) return { ok: false, error: 'message_not_found' };
    if (args.text !== undefined) message.text = String(args.text);
    if (args.blocks !== undefined) message.blocks = args.blocks;
    message.updates += 1;
    this.emit({ kind: 'update', message });
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
  }

  private postEphemeral(args: Record<string, Json>): Record<string, Json> {
    const ephemeral: FakeEphemeral = {
      channel: args.channel,
      user: args.user,
      text: String(args.text ?? ''),
      blocks: args.blocks,
      via: 'postEphemeral',
    };
    this.ephemerals.push(ephemeral);
    this.emit({ kind: 'ephemeral', ephemeral });
    return { ok: true, message_ts: this.nextTs() };
  }

  private handleResponseUrl(id: string, raw: string, res: ServerResponse): void {
    const target = this.responseUrls.get(id);
    if (target === undefined) {
      res.writeHead(404).end('unknown response_url');
      return;
    }
    const body = JSON.parse(raw || '{}') as Json;
    this.calls.push({ method: 'response_url', args: body });
    // Slack checks a response_url message as it checks chat.postMessage, and answers a refusal with HTTP 200.
    const refused = this.refusalLog.check('response_url', body);
    if (refused !== undefined) {
      sendJson(res, 200, refused);
      return;
    }
    const original =
      target.messageTs === undefined
        ? undefined
        : this.messages.find((m) => m.channel === target.channel && m.ts === target.messageTs);
    if (body.replace_original === true && original !== undefined) {
      original.text = String(body.text ?? '');
      original.blocks = body.blocks;
      original.updates += 1;
      this.emit({ kind: 'update', message: original });
    } else if (body.response_type === 'in_channel' && target.channel !== undefined) {
      const message: FakeMessage = {
        channel: target.channel,
        ts: this.nextTs(),
        text: String(body.text ?? ''),
        blocks: body.blocks,
        updates: 0,
      };
      this.messages.push(message);
      this.emit({ kind: 'post', message });
    } else {
      const ephemeral: FakeEphemeral = {
        channel: target.channel,
        text: String(body.text ?? ''),
        blocks: body.blocks,
        via: 'response_url',
      };
      this.ephemerals.push(ephemeral);
      this.emit({ kind: 'ephemeral', ephemeral });
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  }
}
