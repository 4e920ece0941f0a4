// EM's XML and JSON bodies → our types. The only module that knows EM's two raw shapes (em-api.md §7, §8).
//
// Both formats are first brought to one "raw" shape, the JSON one: XML attributes and child elements become
// flat properties (em-api.md §7 rule 1), so every mapper below reads a single shape.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EmError } from './errors.js';
import type {
  AgentBackupJob,
  BackupSession,
  JobInclude,
  Link,
  RetentionPolicy,
  ScheduleOptionsSummary,
  Task,
} from './types.js';

export type EmFormat = 'json' | 'xml';

type Raw = Record<string, unknown>;

/** The logon answer's body: SessionId is what DELETE /logonSessions/{id} takes (em-api.md §2.2, §2.4). */
export interface LogonSessionInfo {
  sessionId?: string;
  userName?: string;
}

/** EM's Error body (em-api.md §6); every field optional because EM fills them unevenly. */
export interface EmErrorBody {
  message?: string;
  statusCode?: number;
  status?: string;
}

// Elements EM repeats; forced to arrays so one item and many items look alike. Collection items (Task,
// BackupJobSession, …) are arrays only below the root, so a single-entity document stays an object.
const REPEATED = new Set(['Link', 'Days', 'Months', 'Path', 'Day', 'Ref', 'ObjectInAgentBackupJob']);
const COLLECTION_ITEMS = new Set(['Task', 'BackupJobSession', 'AgentBackupJob', 'LogonSession']);

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // IDs like 0012 or "true" must stay strings; scalars are converted below, field by field.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  jPath: true,
  isArray: (tagName, jPath, _isLeaf, isAttribute) => {
    if (isAttribute) return false;
    if (REPEATED.has(tagName)) return true;
    return COLLECTION_ITEMS.has(tagName) && typeof jPath === 'string' && jPath.includes('.');
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Documents

/** Detects the format from the body itself: errors may come back as JSON when XML was asked for (em-api.md §6). */
export function sniffFormat(body: string): EmFormat {
  return stripBom(body).trimStart().startsWith('<') ? 'xml' : 'json';
}

/** The JSON-shaped content of a document: XML's root element content, or the JSON object. */
function readDocument(body: string, format: EmFormat, what: string): Raw {
  const text = stripBom(body).trim();
  if (text === '') throw parseFailure(`${what}: the body is empty`);
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw parseFailure(`${what}: the body is not valid JSON (${(err as Error).message})`, err);
    }
    if (!isObject(value)) throw parseFailure(`${what}: expected a JSON object`);
    return value;
  }
  // fast-xml-parser is lenient with truncated documents; validate first so a cut body is an error, not half an object.
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw parseFailure(`${what}: the body is not well-formed XML (${valid.err.msg})`);
  let doc: unknown;
  try {
    doc = xmlParser.parse(text);
  } catch (err) {
    throw parseFailure(`${what}: the body is not valid XML (${(err as Error).message})`, err);
  }
  const rootName = isObject(doc) ? Object.keys(doc).find((key) => !key.startsWith('?')) : undefined;
  if (rootName === undefined || !isObject(doc)) throw parseFailure(`${what}: the XML has no root element`);
  const root = normaliseXml(doc[rootName]);
  return isObject(root) ? root : {};
}

/** XML node → JSON shape: attributes lose their prefix and sit beside child elements; empty elements are null. */
function normaliseXml(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseXml);
  if (node === '' || node === undefined) return null;
  if (!isObject(node)) return node;
  const out: Raw = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_')) {
      const name = key.slice(2);
      // xmlns declarations are not data.
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      out[name] = value;
    } else {
      out[key] = normaliseXml(value);
    }
  }
  return out;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// ---------------------------------------------------------------------------------------------------------------
// Public parsers

export function parseAgentJob(body: string, format: EmFormat): AgentBackupJob {
  return toAgentJob(readDocument(body, format, 'AgentBackupJob'));
}

/** A plain collection (`{"AgentBackupJobs":[…]}` / `<AgentBackupJobs>`) or a query result holding agent jobs. */
export function parseAgentJobs(body: string, format: EmFormat): AgentBackupJob[] {
  const doc = readDocument(body, format, 'AgentBackupJob list');
  return collect(doc, AGENT_JOB_WRAPPERS, hasUid).map(toAgentJob);
}

export function parseTask(body: string, format: EmFormat): Task {
  return toTask(readDocument(body, format, 'Task'));
}

export function parseTasks(body: string, format: EmFormat): Task[] {
  const doc = readDocument(body, format, 'Task list');
  return collect(doc, TASK_WRAPPERS, (item) => 'TaskId' in item).map(toTask);
}

export function parseBackupSession(body: string, format: EmFormat): BackupSession {
  return toBackupSession(readDocument(body, format, 'BackupJobSession'));
}

export function parseBackupSessions(body: string, format: EmFormat): BackupSession[] {
  const doc = readDocument(body, format, 'BackupJobSession list');
  return collect(doc, SESSION_WRAPPERS, hasUid).map(toBackupSession);
}

export type QueryEntityType = 'AgentBackupJob' | 'BackupJobSession';

/** GET /query?…&format=Entities → the entities (em-api.md §5: `Entities.<X>.<X>` or `<Entities><Xs><X>`). */
export function parseQueryResult(body: string, format: EmFormat, type: 'AgentBackupJob'): AgentBackupJob[];
export function parseQueryResult(body: string, format: EmFormat, type: 'BackupJobSession'): BackupSession[];
export function parseQueryResult(
  body: string,
  format: EmFormat,
  type: QueryEntityType,
): AgentBackupJob[] | BackupSession[] {
  const doc = readDocument(body, format, `QueryResult of ${type}`);
  // A References answer (Refs) instead of Entities would silently read as "nothing found"; say so instead.
  if (isPresent(doc.Refs) && !isPresent(doc.Entities)) {
    throw parseFailure(`QueryResult of ${type}: got references, expected entities (format=Entities)`);
  }
  const entities = doc.Entities ?? doc;
  return type === 'AgentBackupJob'
    ? collect(entities, AGENT_JOB_WRAPPERS, hasUid).map(toAgentJob)
    : collect(entities, SESSION_WRAPPERS, hasUid).map(toBackupSession);
}

export function parseLogonSession(body: string, format: EmFormat): LogonSessionInfo {
  const doc = readDocument(body, format, 'LogonSession');
  const href = str(doc.Href);
  return {
    sessionId: str(doc.SessionId) ?? (href ? lastPathSegment(href) : undefined),
    userName: str(doc.UserName),
  };
}

/** EM's Error body in whichever format came back; undefined when the body is not an Error at all. */
export function parseError(body: string): EmErrorBody | undefined {
  if (stripBom(body).trim() === '') return undefined;
  try {
    const doc = readDocument(body, sniffFormat(body), 'Error');
    const message = str(doc.Message);
    const statusCode = int(doc.StatusCode);
    const status = str(doc.Status);
    if (message === undefined && statusCode === undefined && status === undefined) return undefined;
    return { message, statusCode, status };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Mappers (raw JSON shape → our types)

function toAgentJob(raw: Raw): AgentBackupJob {
  const uid = requireField(raw, 'UID', 'AgentBackupJob');
  const links = toLinks(raw.Links);
  const jobInfo = obj(raw.JobInfo);
  const simple = obj(jobInfo.SimpleRetentionPolicy);
  const retention: RetentionPolicy = {
    retainCycles: int(simple.RetainCycles),
    retainDaysToKeep: int(simple.RetainDaysToKeep),
    retainLimitType: str(simple.RetainLimitType),
    gfsEnabled: bool(obj(jobInfo.GfsRetentionPolicy).Enabled) ?? false,
  };
  const up = links.find(
    (link) =>
      link.rel === 'Up' && (link.type === 'BackupServerReference' || /\/backupServers\//i.test(link.href)),
  );
  return {
    id: idFromUid(uid),
    uid,
    name: str(raw.Name) ?? '',
    href: str(raw.Href) ?? '',
    jobType: str(raw.JobType) ?? '',
    platform: str(raw.Platform) ?? '',
    description: str(raw.Description) ?? '',
    scheduleConfigured: bool(raw.ScheduleConfigured) ?? false,
    scheduleEnabled: bool(raw.ScheduleEnabled) ?? false,
    nextRun: str(raw.NextRun),
    schedule: toSchedule(raw.JobScheduleOptions),
    retention,
    includes: collect(jobInfo.Includes, INCLUDE_WRAPPERS, (item) => 'ObjectInJobId' in item).map(toInclude),
    backupServer: up
      ? { id: lastPathSegment(up.href).toLowerCase(), name: up.name, href: up.href }
      : undefined,
    links,
  };
}

function toSchedule(value: unknown): ScheduleOptionsSummary {
  const options = obj(value);
  // EM spells it "Standart"; accept the corrected spelling and a flat shape too.
  const standard = obj(options.Standart ?? options.Standard ?? options);
  const schedule: ScheduleOptionsSummary = {};

  if (isPresent(standard.OptionsDaily)) {
    const daily = obj(standard.OptionsDaily);
    schedule.daily = {
      enabled: bool(daily.Enabled) ?? false,
      kind: str(daily.Kind),
      days: strings(daily.Days),
      time: str(daily.Time),
    };
  }
  if (isPresent(standard.OptionsMonthly)) {
    const monthly = obj(standard.OptionsMonthly);
    schedule.monthly = {
      enabled: bool(monthly.Enabled) ?? false,
      time: str(monthly.Time),
      dayNumberInMonth: str(monthly.DayNumberInMonth),
      dayOfWeek: str(monthly.DayOfWeek),
      months: strings(monthly.Months),
    };
  }
  if (isPresent(standard.OptionsPeriodically)) {
    const periodically = obj(standard.OptionsPeriodically);
    schedule.periodically = {
      enabled: bool(periodically.Enabled) ?? false,
      kind: str(periodically.Kind),
      fullPeriod: int(periodically.FullPeriod),
    };
  }
  if (isPresent(standard.OptionsContinuous)) {
    schedule.continuous = { enabled: bool(obj(standard.OptionsContinuous).Enabled) ?? false };
  }
  if (isPresent(standard.RetryOptions)) {
    const retry = obj(standard.RetryOptions);
    schedule.retry = {
      times: int(retry.RetryTimes),
      timeoutMinutes: int(retry.RetryTimeout),
      specified: bool(retry.RetrySpecified),
    };
  }
  schedule.summary = summariseSchedule(schedule);
  return schedule;
}

/** One line for a job card, e.g. "Daily (Everyday) at 16:00:00.0000000+01:00"; undefined when nothing is on. */
function summariseSchedule(schedule: ScheduleOptionsSummary): string | undefined {
  const parts: string[] = [];
  const { daily, monthly, periodically, continuous } = schedule;
  if (daily?.enabled) {
    const kind = daily.kind ?? (daily.days.length > 0 ? daily.days.join(', ') : undefined);
    const days = daily.kind === 'SelectedDays' && daily.days.length > 0 ? `: ${daily.days.join(', ')}` : '';
    parts.push(`Daily${kind ? ` (${kind}${days})` : ''}${daily.time ? ` at ${daily.time}` : ''}`);
  }
  if (monthly?.enabled) {
    const when = [monthly.dayNumberInMonth, monthly.dayOfWeek].filter(Boolean).join(' ');
    parts.push(`Monthly${when ? ` (${when})` : ''}${monthly.time ? ` at ${monthly.time}` : ''}`);
  }
  if (periodically?.enabled) {
    parts.push(
      `Periodically (every ${periodically.fullPeriod ?? '?'} ${periodically.kind ?? ''})`.replace(' )', ')'),
    );
  }
  if (continuous?.enabled) parts.push('Continuously');
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function toInclude(raw: Raw): JobInclude {
  const name = str(raw.Name) ?? '';
  return {
    id: (str(raw.ObjectInJobId) ?? '').toLowerCase(),
    name,
    displayName: str(raw.DisplayName) ?? name,
    href: str(raw.Href),
  };
}

function toTask(raw: Raw): Task {
  const id = requireField(raw, 'TaskId', 'Task');
  const result = isPresent(raw.Result) ? obj(raw.Result) : undefined;
  return {
    id,
    href: str(raw.Href) ?? '',
    // Unknown states pass through untouched: the watcher keeps polling them (em-api.md fact 5).
    state: str(raw.State) ?? '',
    operation: str(raw.Operation) ?? '',
    result: result
      ? { success: bool(result.Success) ?? false, message: str(result.Message) ?? '' }
      : undefined,
    links: toLinks(raw.Links),
  };
}

function toBackupSession(raw: Raw): BackupSession {
  const uid = requireField(raw, 'UID', 'BackupJobSession');
  const jobUid = str(raw.JobUid) ?? '';
  return {
    id: idFromUid(uid),
    uid,
    name: str(raw.Name) ?? '',
    href: str(raw.Href) ?? '',
    jobUid,
    jobId: jobUid ? idFromUid(jobUid) : '',
    jobName: str(raw.JobName) ?? '',
    jobType: str(raw.JobType) ?? '',
    creationTime: str(raw.CreationTimeUTC) ?? str(raw.CreationTime) ?? '',
    endTime: str(raw.EndTimeUTC) ?? str(raw.EndTime),
    state: str(raw.State) ?? '',
    result: str(raw.Result) ?? 'None',
    progress: int(raw.Progress) ?? 0,
    failureMessage: str(raw.FailureMessage),
    isRetry: bool(raw.IsRetry) ?? false,
    links: toLinks(raw.Links),
  };
}

/** XML `Links: { Link: [...] }` or JSON `Links: [...]`; Name/Type may be missing or null (em-api.md §7 rule 3). */
function toLinks(value: unknown): Link[] {
  const items = Array.isArray(value) ? value : asArray(obj(value).Link);
  const links: Link[] = [];
  for (const item of items) {
    if (!isObject(item)) continue;
    const href = str(item.Href);
    if (href === undefined) continue;
    const link: Link = { rel: str(item.Rel) ?? '', href };
    const name = str(item.Name);
    const type = str(item.Type);
    if (name !== undefined) link.name = name;
    if (type !== undefined) link.type = type;
    links.push(link);
  }
  return links;
}

// ---------------------------------------------------------------------------------------------------------------
// Collections: EM wraps lists once (`{"Tasks":[…]}`, `<Tasks><Task/>…`) or twice in query results
// (`Entities.BackupJobSessions.BackupJobSessions`, `Entities.AgentBackupJob.AgentBackupJobs`); walk any of them.

const TASK_WRAPPERS = ['Tasks', 'Task'];
const SESSION_WRAPPERS = ['Entities', 'BackupJobSessions', 'BackupJobSession'];
const AGENT_JOB_WRAPPERS = ['Entities', 'AgentBackupJobs', 'AgentBackupJob'];
const INCLUDE_WRAPPERS = [
  'Includes',
  'ObjectsInAgentBackupJob',
  'ObjectInAgentBackupJobs',
  'ObjectInAgentBackupJob',
];

function collect(node: unknown, wrappers: string[], isItem: (item: Raw) => boolean, depth = 0): Raw[] {
  if (depth > 6 || node === null || node === undefined || node === '') return [];
  if (Array.isArray(node)) return node.flatMap((child) => collect(child, wrappers, isItem, depth + 1));
  if (!isObject(node)) return [];
  if (isItem(node)) return [node];
  for (const wrapper of wrappers) {
    if (wrapper in node) return collect(node[wrapper], wrappers, isItem, depth + 1);
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// Scalars: XML gives strings, JSON gives typed values; both are accepted.

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // An element with attributes and text: fast-xml-parser's '#text', EM JSON's 'Value'.
  if (isObject(value)) return str(value['#text'] ?? value.Value);
  return undefined;
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = str(value)?.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}

function int(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  const text = str(value)?.trim();
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined;
}

function strings(value: unknown): string[] {
  return asArray(value)
    .map(str)
    .filter((item): item is string => item !== undefined);
}

function obj(value: unknown): Raw {
  return isObject(value) ? value : {};
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function hasUid(item: Raw): boolean {
  return 'UID' in item;
}

function requireField(raw: Raw, field: string, what: string): string {
  const value = str(raw[field]);
  if (value === undefined) throw parseFailure(`${what}: the ${field} field is missing`);
  return value;
}

/** urn:veeam:AgentBackupJob:A6DEB158-… → a6deb158-… (em-api.md fact 9). */
export function idFromUid(uid: string): string {
  return (uid.split(':').pop() ?? uid).toLowerCase();
}

function lastPathSegment(href: string): string {
  const path = href.split(/[?#]/)[0] ?? href;
  return path.replace(/\/+$/, '').split('/').pop() ?? path;
}

function parseFailure(message: string, cause?: unknown): EmError {
  return new EmError('parse', `Could not read EM's answer: ${message}.`, { cause });
}
