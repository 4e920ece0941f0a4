// How a job's kind, platform, schedule, retention and a session's result read in Slack (plain words, unescaped input
// escaped here).

import type { Job, JobSession } from '../em/types.js';
import { formatUtc } from './format-utc.js';
import { escapeMrkdwn } from './mrkdwn.js';

export function kindName(job: Pick<Job, 'kind' | 'copyMode' | 'jobType'>): string {
  switch (job.kind) {
    case 'agent':
      return 'Agent backup';
    case 'vm-backup':
      return 'VM backup';
    case 'replica':
      return 'Replication';
    case 'backup-copy':
      return job.copyMode === 'immediate' ? 'Backup copy (immediate)' : 'Backup copy (periodic)';
    case 'file-share':
      return 'File share backup';
    default:
      return job.jobType ? escapeMrkdwn(job.jobType) : 'Other';
  }
}

const PLATFORMS: Record<string, string> = {
  AgentForWindows: 'Windows',
  AgentForLinux: 'Linux',
  VMware: 'VMware vSphere',
  Hyperv: 'Hyper-V',
  HyperV: 'Hyper-V',
  vCloud: 'VMware Cloud Director',
};

export function platformName(job: Pick<Job, 'platform' | 'kind'>): string {
  if (job.platform) return PLATFORMS[job.platform] ?? escapeMrkdwn(job.platform);
  return job.kind === 'file-share' ? 'file share' : 'unknown platform';
}

export function scheduleWord(job: Pick<Job, 'scheduleConfigured' | 'scheduleEnabled'>): string {
  if (!job.scheduleConfigured) return 'not configured';
  return job.scheduleEnabled ? 'on' : 'off';
}

/** EM leaves NextRun out (or empty) when the job has no schedule to run by. */
export function formatNextRun(iso: string | undefined): string {
  return iso ? formatUtc(iso, 'minutes') : 'not scheduled';
}

/** Only where EM states a retention (agent and file share jobs); undefined otherwise. */
export function describeRetention(job: Pick<Job, 'retention'>): string | undefined {
  const r = job.retention;
  if (r === undefined) return undefined;
  const base =
    r.retainLimitType === 'Days' && r.retainDaysToKeep !== undefined
      ? `${r.retainDaysToKeep} days`
      : r.retainCycles !== undefined
        ? `${r.retainCycles} restore points`
        : 'not set';
  return r.gfsEnabled ? `${base}, GFS on` : base;
}

const RESULT_ICONS: Record<string, string> = {
  Success: ':white_check_mark:',
  Warning: ':warning:',
  Failed: ':x:',
};

/** "✅ Success 2026-01-01 10:05 UTC", "Working since …" for a running session. */
export function describeSessionResult(session: JobSession): string {
  if (!session.endTime || session.state !== 'Stopped') {
    return `:arrows_counterclockwise: ${escapeMrkdwn(session.state)} since ${formatUtc(session.creationTime, 'minutes')}`;
  }
  const icon = RESULT_ICONS[session.result] ?? ':grey_question:';
  return `${icon} ${escapeMrkdwn(session.result)} ${formatUtc(session.endTime, 'minutes')}`;
}
