// EM job entities of every kind (Job, AgentBackupJob, NasJob) in raw JSON shape → Job.

import {
  bool,
  findItems,
  idFromUid,
  int,
  isObject,
  isPresent,
  lastPathSegment,
  obj,
  type Raw,
  requireField,
  str,
  strings,
  toLinks,
  uidType,
} from './parse-raw.js';
import type { Job, JobInclude, JobKind, Link, RetentionPolicy, ScheduleOptionsSummary } from './types.js';

/** EM's JobType → our kind (em-api.md §4.1, fact 15); the entity Type or UID decides when JobType is absent (NAS v10). */
export function jobKindOf(raw: Raw, uid: string): { kind: JobKind; copyMode?: Job['copyMode'] } {
  const jobType = (str(raw.JobType) ?? '').toLowerCase();
  switch (jobType) {
    case 'backup':
      return { kind: 'vm-backup' };
    case 'replica':
      return { kind: 'replica' };
    case 'backupcopy':
      return { kind: 'backup-copy', copyMode: 'periodic' };
    case 'immediatebackupcopy':
      return { kind: 'backup-copy', copyMode: 'immediate' };
    case 'agentbackup':
      return { kind: 'agent' };
    case 'nasbackup':
      return { kind: 'file-share' };
    case '':
      break;
    default:
      return { kind: 'other' };
  }
  const entityType = (str(raw.Type) ?? uidType(uid)).toLowerCase();
  if (entityType === 'agentbackupjob') return { kind: 'agent' };
  if (entityType === 'nasjob') return { kind: 'file-share' };
  return { kind: 'other' };
}

export function toJob(raw: Raw): Job {
  const uid = requireField(raw, 'UID', 'Job');
  const links = toLinks(raw.Links);
  const { kind, copyMode } = jobKindOf(raw, uid);
  const job: Job = {
    kind,
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
    retention: toRetention(raw),
    includes: toIncludes(raw),
    backupServer: backupServerOf(links),
    links,
  };
  if (copyMode) job.copyMode = copyMode;
  return job;
}

function backupServerOf(links: Link[]): Job['backupServer'] {
  const up = links.find(
    (link) =>
      link.rel === 'Up' && (link.type === 'BackupServerReference' || /\/backupServers\//i.test(link.href)),
  );
  return up ? { id: lastPathSegment(up.href).toLowerCase(), name: up.name, href: up.href } : undefined;
}

/** Agent jobs: JobInfo.SimpleRetentionPolicy; NAS jobs: StorageOptions; VM jobs: a BackupStorageOptions, if any. */
function toRetention(raw: Raw): RetentionPolicy | undefined {
  const jobInfo = obj(raw.JobInfo);
  if (isPresent(jobInfo.SimpleRetentionPolicy) || isPresent(jobInfo.GfsRetentionPolicy)) {
    const simple = obj(jobInfo.SimpleRetentionPolicy);
    return {
      retainCycles: int(simple.RetainCycles),
      retainDaysToKeep: int(simple.RetainDaysToKeep),
      retainLimitType: str(simple.RetainLimitType),
      gfsEnabled: bool(obj(jobInfo.GfsRetentionPolicy).Enabled) ?? false,
    };
  }
  const nas = obj(raw.StorageOptions);
  if (isPresent(nas.ShorttermRetentionPeriod)) {
    const unit = str(nas.ShorttermRetentionType);
    return {
      retainLimitType: unit,
      retainDaysToKeep: unit && /^day/i.test(unit) ? int(nas.ShorttermRetentionPeriod) : undefined,
      gfsEnabled: bool(nas.LongtermRetentionEnabled) ?? false,
    };
  }
  const storage = findKey(jobInfo, 'BackupStorageOptions');
  if (isObject(storage) && (isPresent(storage.RetainCycles) || isPresent(storage.RetainDaysToKeep))) {
    return {
      retainCycles: int(storage.RetainCycles),
      retainDaysToKeep: int(storage.RetainDaysToKeep),
      gfsEnabled: false,
    };
  }
  return undefined;
}

/** NAS jobs carry Includes at the top; the others under JobInfo (agent) or JobInfo.<Kind>JobInfo (VM jobs). */
function toIncludes(raw: Raw): JobInclude[] {
  const includes = raw.Includes ?? findKey(obj(raw.JobInfo), 'Includes');
  return findItems(includes, (item) => 'ObjectInJobId' in item).map((item) => {
    const name = str(item.Name) ?? str(item.FileOrFolder) ?? '';
    return {
      id: (str(item.ObjectInJobId) ?? '').toLowerCase(),
      name,
      displayName: str(item.DisplayName) ?? name,
      href: str(item.Href),
    };
  });
}

/** The first value under `key`, searched breadth-first a few levels down. */
function findKey(node: Raw, key: string, depth = 0): unknown {
  if (depth > 3) return undefined;
  if (key in node && isPresent(node[key])) return node[key];
  for (const child of Object.values(node)) {
    if (!isObject(child)) continue;
    const found = findKey(child, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
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
      // The recorded v10 JSON (NAS job) spells it RetrySpecified1: .NET renames a member whose name would clash with
      // its serializer's "<Member>Specified" convention. XML and the XSD say RetrySpecified.
      specified: bool(retry.RetrySpecified ?? retry.RetrySpecified1),
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
