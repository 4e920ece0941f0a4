// Environment → one typed, frozen Config. Every bad variable is named in a single error, before anything connects.

import { readFileSync } from 'node:fs';
import { ACTION_NAMES, type ActionName } from './ops/action-name.js';
import { DEFAULT_STATE_FILE, readStateConfig, type StateConfig } from './state/state-config.js';

export type { StateBackend, StateConfig } from './state/state-config.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface SlackConfig {
  botToken: string;
  /** Socket Mode when set (xapp-…); otherwise HTTP mode with signingSecret on port. */
  appToken?: string;
  signingSecret?: string;
  port: number;
  /** Base URL of the Slack Web API (ends with /api/); for the demo and tests. */
  apiUrl?: string;
  /** Least time between two posts to one channel (Slack: about one a second per channel). */
  postIntervalMs: number;
}

export interface EmConfig {
  /** e.g. https://em.example.local:9398/api, without a trailing slash. */
  url: string;
  username: string;
  password: string;
  /** PEM contents of the CA that signed EM's certificate (read from VEEAM_EM_CA_FILE). */
  ca?: string;
  caFile?: string;
  insecureTls: boolean;
  /** Deadline for each whole request (connect, headers and the entire body), not for each gap between chunks. */
  timeoutMs: number;
  /** An answer larger than this is refused unread (VEEAM_EM_MAX_BODY_BYTES); unset: the transport's 32 MB. */
  maxBodyBytes?: number;
}

export interface PolicyConfig {
  /** Slack user IDs (U…/W…) and user-group IDs (S…). Empty: every write is refused. */
  operators: readonly string[];
  approvers: readonly string[];
  /** Channel IDs; empty: any channel the bot is in. */
  allowedChannels: readonly string[];
  approvalActions: readonly ActionName[];
  approvalTtlMinutes: number;
  /** An identical write (same action, same target) asked again within this many seconds is a repeat; 0: off. */
  repeatWindowSeconds: number;
  /** Writes that first show their asker a private preview with Confirm / Cancel (VEEAM_CONFIRM_ACTIONS); empty: none. */
  confirmActions: readonly ActionName[];
}

export interface WatchConfig {
  pollIntervalMs: number;
  timeoutMinutes: number;
  stateFile: string;
}

export interface NotifyConfig {
  /** Channel ID for incident posts; unset: the monitor is off. */
  incidentChannel?: string;
  /** A user ID (U…/W…) or user-group ID (S…) mentioned on Failed. */
  incidentMention?: string;
  /** Mention on-call only when the last of Veeam's automatic attempts failed ('final'), or on each one ('every'). */
  mentionOn: 'final' | 'every';
  monitorIntervalSeconds: number;
  notifyWarnings: boolean;
  /** Unset: no "still running" posts. */
  longRunningMinutes?: number;
}

export interface LeaderConfig {
  /** Leader lease TTL among replicas sharing Redis (VEEAM_LEADER_TTL_MS): failover takes at most this plus a beat. */
  ttlMs: number;
}

export interface Config {
  slack: SlackConfig;
  em: EmConfig;
  policy: PolicyConfig;
  watch: WatchConfig;
  notify: NotifyConfig;
  state: StateConfig;
  leader: LeaderConfig;
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** 32 MB: a GET /tasks of 10,000 Tasks or a query page of 100 sessions is far below; an endless body is not. */
export const DEFAULT_EM_MAX_BODY_BYTES = 32 * 1024 * 1024;

const USER_OR_GROUP = /^[UWS][A-Z0-9]{2,}$/;
const CHANNEL = /^[CGD][A-Z0-9]{2,}$/;

/** Reads the variables; `readFile` is injectable so tests need no CA file on disk. */
export function loadConfig(
  env: Env = process.env,
  readFile: (path: string) => string = defaultReadFile,
): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);
  const slack = readSlack(read, problems);
  const em = readEm(read, problems, readFile);
  const policy = readPolicy(read);
  const notify = readNotify(read, problems);
  const state = readStateConfig((name) => read.optional(name), problems);
  const watch = readWatch(read, state);
  const logLevel = readLogLevel(read, problems);
  const leader = { ttlMs: read.integer('VEEAM_LEADER_TTL_MS', 15_000, 300, 600_000) };
  if (problems.length > 0) throw new ConfigError(problems);

  // The incident channel's buttons must work even when the list of allowed channels forgets it.
  const { allowedChannels } = policy;
  const { incidentChannel } = notify;
  if (
    allowedChannels.length > 0 &&
    incidentChannel !== undefined &&
    !allowedChannels.includes(incidentChannel)
  ) {
    policy.allowedChannels = [...allowedChannels, incidentChannel];
  }
  return deepFreeze({ slack, em, policy, watch, notify, state, leader, logLevel });
}

function readSlack(read: EnvReader, problems: string[]): SlackConfig {
  const botToken = read.required('SLACK_BOT_TOKEN', 'a bot token (xoxb-…)');
  const appToken = read.optional('SLACK_APP_TOKEN');
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    problems.push(
      'SLACK_APP_TOKEN: expected an app-level token starting with xapp- (leave it unset for HTTP mode)',
    );
  }
  const signingSecret = read.optional('SLACK_SIGNING_SECRET');
  if (appToken === undefined && signingSecret === undefined) {
    problems.push(
      'SLACK_APP_TOKEN or SLACK_SIGNING_SECRET: set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET (with PORT) for HTTP mode',
    );
  }
  const port = read.integer('PORT', 3000, 0, 65535);
  const apiUrl = read.url('SLACK_API_URL');
  const postIntervalMs = read.integer('VEEAM_SLACK_POST_INTERVAL_MS', 1_000, 0, 60_000);
  return {
    botToken,
    appToken,
    signingSecret,
    port,
    apiUrl: apiUrl && withTrailingSlash(apiUrl),
    postIntervalMs,
  };
}

function readEm(read: EnvReader, problems: string[], readFile: (path: string) => string): EmConfig {
  // Undefined only when the URL was bad, which is then among the problems and stops loadConfig.
  const url = readEmUrl(read, problems) ?? '';
  const username = read.required('VEEAM_EM_USERNAME', 'the EM account name, e.g. CORP\\svc-chatops');
  const password = read.required('VEEAM_EM_PASSWORD', "the EM account's password");
  const caFile = read.optional('VEEAM_EM_CA_FILE');
  const ca = caFile === undefined ? undefined : readCaFile(caFile, problems, readFile);
  const insecureTls = read.boolean('VEEAM_EM_INSECURE_TLS', false);
  const timeoutMs = read.integer('VEEAM_EM_TIMEOUT_MS', 30_000, 100, 600_000);
  const maxBodyBytes = read.integer(
    'VEEAM_EM_MAX_BODY_BYTES',
    DEFAULT_EM_MAX_BODY_BYTES,
    1_024,
    1_073_741_824,
  );
  return {
    url: url.replace(/\/+$/, ''),
    username,
    password,
    ca,
    caFile,
    insecureTls,
    timeoutMs,
    maxBodyBytes,
  };
}

const EM_URL_EXAMPLE = 'https://em.example.local:9398/api';

/**
 * EM's base URL: every request path is appended to it, so a query or fragment breaks every call; a `user:pass@`
 * would be logged with the URL (the logon line). Both are refused, and the error never shows what came before an
 * `@` (that would be the password).
 */
function readEmUrl(read: EnvReader, problems: string[]): string | undefined {
  const name = 'VEEAM_EM_URL';
  const raw = read.required(name, `a URL such as ${EM_URL_EXAMPLE}`);
  if (raw === '') return undefined;
  const shown = raw.includes('@') ? 'a value with an "@" (not shown: it may hold a password)' : `"${raw}"`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${name}: expected an http:// or https:// URL such as ${EM_URL_EXAMPLE}, got ${shown}`);
    return undefined;
  }
  const wrong =
    url.protocol !== 'https:' && url.protocol !== 'http:'
      ? `expected an http:// or https:// URL such as ${EM_URL_EXAMPLE}`
      : url.username !== '' || url.password !== '' || raw.includes('@')
        ? 'must not carry a user name or password (user:pass@); set VEEAM_EM_USERNAME and VEEAM_EM_PASSWORD'
        : url.search !== '' || raw.includes('?')
          ? 'must not carry a query (?…): it is the base every EM request path is appended to'
          : url.hash !== '' || raw.includes('#')
            ? 'must not carry a fragment (#…): it is the base every EM request path is appended to'
            : undefined;
  if (wrong === undefined) return raw;
  problems.push(`${name}: ${wrong}, got ${shown}`);
  return undefined;
}

function readCaFile(
  caFile: string,
  problems: string[],
  readFile: (path: string) => string,
): string | undefined {
  try {
    const ca = readFile(caFile);
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      problems.push(`VEEAM_EM_CA_FILE: ${caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    }
    return ca;
  } catch (err) {
    problems.push(
      `VEEAM_EM_CA_FILE: cannot read ${caFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
    return undefined;
  }
}

function readPolicy(read: EnvReader): PolicyConfig {
  const userOrGroup = 'Slack user IDs (U…) or user-group IDs (S…)';
  return {
    operators: read.idList('VEEAM_OPERATORS', USER_OR_GROUP, userOrGroup),
    approvers: read.idList('VEEAM_APPROVERS', USER_OR_GROUP, userOrGroup),
    allowedChannels: read.idList('VEEAM_ALLOWED_CHANNELS', CHANNEL, 'Slack channel IDs (C…/G…)'),
    approvalActions: read.actionList('VEEAM_APPROVAL_ACTIONS', ['stop', 'disable', 'session-stop']),
    approvalTtlMinutes: read.integer('VEEAM_APPROVAL_TTL_MINUTES', 15, 1, 24 * 60),
    repeatWindowSeconds: read.integer('VEEAM_REPEAT_WINDOW_SECONDS', 10, 0, 3600),
    // Every write but Cancel task, which already asks in Slack's own dialog and acts on nothing a preview could show.
    confirmActions: read.actionList(
      'VEEAM_CONFIRM_ACTIONS',
      ACTION_NAMES.filter((a) => a !== 'task-cancel'),
    ),
  };
}

function readNotify(read: EnvReader, problems: string[]): NotifyConfig {
  const incidentChannel = read.optional('VEEAM_INCIDENT_CHANNEL');
  if (incidentChannel !== undefined && !CHANNEL.test(incidentChannel)) {
    problems.push(`VEEAM_INCIDENT_CHANNEL: expected a channel ID like C0123ABCD, got "${incidentChannel}"`);
  }
  const incidentMention = read.optional('VEEAM_INCIDENT_MENTION');
  if (incidentMention !== undefined && !USER_OR_GROUP.test(incidentMention)) {
    problems.push(
      `VEEAM_INCIDENT_MENTION: expected a user ID (U…) or user-group ID (S…), got "${incidentMention}"`,
    );
  }
  return {
    incidentChannel,
    incidentMention,
    mentionOn: readMentionOn(read, problems),
    monitorIntervalSeconds: read.integer('VEEAM_MONITOR_INTERVAL_SECONDS', 60, 1, 86_400),
    notifyWarnings: read.boolean('VEEAM_NOTIFY_WARNINGS', false),
    longRunningMinutes: read.optionalInteger('VEEAM_LONG_RUNNING_MINUTES', 1, 7 * 24 * 60),
  };
}

function readMentionOn(read: EnvReader, problems: string[]): NotifyConfig['mentionOn'] {
  const value = read.optional('VEEAM_MENTION_ON')?.toLowerCase() ?? 'final';
  if (value === 'final' || value === 'every') return value;
  problems.push(`VEEAM_MENTION_ON: expected "final" or "every", got "${value}"`);
  return 'final';
}

function readWatch(read: EnvReader, state: StateConfig): WatchConfig {
  return {
    // The file store's path; with Redis, the default (unused by the store).
    stateFile: state.backend.kind === 'file' ? state.backend.path : DEFAULT_STATE_FILE,
    pollIntervalMs: read.integer('TASK_POLL_INTERVAL_MS', 1_500, 10, 600_000),
    timeoutMinutes: read.integer('TASK_TIMEOUT_MINUTES', 60, 1, 7 * 24 * 60),
  };
}

function readLogLevel(read: EnvReader, problems: string[]): LogLevel {
  const raw = (read.optional('LOG_LEVEL') ?? 'info').toLowerCase();
  const level = (['debug', 'info', 'warn', 'error'] as const).find((l) => l === raw);
  if (level === undefined) problems.push(`LOG_LEVEL: expected debug, info, warn or error, got "${raw}"`);
  return level ?? 'info';
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string, expected: string): string {
    const value = this.optional(name);
    if (value === undefined) this.problems.push(`${name}: required; expected ${expected}`);
    return value ?? '';
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    return this.optionalInteger(name, min, max) ?? fallback;
  }

  optionalInteger(name: string, min: number, max: number): number | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    // Number('') and Number('1e3') would pass silently; only plain digits are accepted.
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
      return undefined;
    }
    return Number(raw);
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name}: expected true or false, got "${raw}"`);
    return fallback;
  }

  url(name: string): string | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return raw;
    try {
      const url = new URL(raw);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('protocol');
      return raw;
    } catch {
      this.problems.push(`${name}: expected an http:// or https:// URL, got "${raw}"`);
      return undefined;
    }
  }

  idList(name: string, pattern: RegExp, expected: string): string[] {
    const items = (this.optional(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((item) => !pattern.test(item));
    if (bad.length > 0)
      this.problems.push(`${name}: expected a comma list of ${expected}; not valid: ${bad.join(', ')}`);
    return items.filter((item) => pattern.test(item));
  }

  actionList(name: string, fallback: ActionName[]): ActionName[] {
    // Empty means the default, as for every other variable; turning approvals off takes an explicit "none".
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (raw.toLowerCase() === 'none') return [];
    const items = raw
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const bad = items.filter((item) => !(ACTION_NAMES as readonly string[]).includes(item));
    if (bad.length > 0) {
      this.problems.push(
        `${name}: unknown action(s) ${bad.join(', ')}; expected a comma list of ${ACTION_NAMES.join(', ')}`,
      );
    }
    return items.filter((item): item is ActionName => (ACTION_NAMES as readonly string[]).includes(item));
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function defaultReadFile(path: string): string {
  return readFileSync(path, 'utf8');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
