// The simulator's in-memory model of what a backup server holds: jobs, their job sessions and task sessions.

import type { ScheduledEvent } from './scheduler.js';
import type { SimOutcome } from './types.js';

export interface SimJobSchedule {
  dailyEnabled: boolean;
  /** Everyday | WeekDays | SelectedDays */
  dailyKind: string;
  days: string[];
  /** e.g. "16:00:00.0000000+01:00" */
  time: string;
  monthlyEnabled: boolean;
  periodicallyEnabled: boolean;
}

/** Where EM serves the job: /agents/jobs, /jobs (VM jobs of every type) or /nas/jobs (file share jobs). */
export type JobKind = 'agent' | 'vm' | 'nas';

/** EM's JobType; NAS jobs have none on the entity, their sessions say NasBackup (em-api.md fact 15). */
export type JobType =
  | 'AgentBackup'
  | 'Backup'
  | 'Replica'
  | 'BackupCopy'
  | 'ImmediateBackupCopy'
  | 'NasBackup';

export type SessionJobType = JobType | 'AgentManagement';

export interface SimJob {
  id: string;
  name: string;
  description: string;
  kind: JobKind;
  jobType: JobType;
  /** AgentForWindows | AgentForLinux | VMware | HyperV | vCloud ('' for NAS jobs). */
  platform: string;
  scheduleConfigured: boolean;
  scheduleEnabled: boolean;
  /** ISO-8601 UTC or undefined. */
  nextRun?: string;
  schedule: SimJobSchedule;
  includes: { id: string; name: string }[];
  /** What a run processes (agent machines, VMs, file shares): one task session each, one AgentManagement child each for agents. */
  machines: string[];
  retention: { cycles: number; days: number };
  /** setNextRunOutcome(): consumed by the next start/retry. */
  nextOutcome?: SimOutcome;
  /** setRunOutcomes(): one consumed per run (Veeam's own retries included) after nextOutcome; then random. */
  outcomes?: SimOutcome[];
  /** JobScheduleOptions/RetryOptions; absent means Veeam's default (retry 3 times, 10 minutes apart). */
  retry?: SimRetryOptions;
}

/** Veeam retries a failed run that its schedule started (never a manual one) `times` times, `timeoutMinutes` apart. */
export interface SimRetryOptions {
  specified: boolean;
  times: number;
  timeoutMinutes: number;
}

/** Veeam's default retry settings (em-api.md §4.1 entity; the VBR user guide's "Job Retry"). */
export const DEFAULT_RETRY: SimRetryOptions = { specified: true, times: 3, timeoutMinutes: 10 };

export function retryOf(job: SimJob): SimRetryOptions {
  return job.retry ?? DEFAULT_RETRY;
}

export type SessionResult = 'Success' | 'Warning' | 'Failed' | 'None';

/** BackupTaskSession / ReplicaTaskSession: one processed object of a run; its Reason says why it failed. */
export interface SimTaskSession {
  id: string;
  sessionId: string;
  objectName: string;
  creationTime: number;
  endTime?: number;
  state: 'InProgress' | 'Completed';
  result: SessionResult;
  reason?: string;
}

export interface SimSession {
  id: string;
  jobId: string;
  jobName: string;
  /** The job's type; AgentBackup (agent parent) or AgentManagement (per machine child) for agent jobs. */
  jobType: SessionJobType;
  /** "<Job>@<yyyy-MM-dd HH:mm:ss>" (UTC; EM uses the backup server's local time). */
  name: string;
  creationTime: number;
  endTime?: number;
  state: 'Working' | 'Stopped';
  result: SessionResult;
  /** Why it ended Failed/Warning. Real EM leaves FailureMessage null (fact 12): this goes on task sessions. */
  reason?: string;
  isRetry: boolean;
  /** Runs the schedule started: how many more times Veeam retries it should it fail (0 or absent: none). */
  retriesLeft?: number;
  /** For AgentManagement children: the parent AgentBackup session. */
  parentId?: string;
  /** Per processed object (parent sessions only). */
  tasks: SimTaskSession[];
  /** Working sessions started by an action: when they will end (Progress grows toward it). */
  plannedEnd?: number;
  timer?: ScheduledEvent;
}

/** Replication runs are ReplicaJobSessions at /replicaSessions, not BackupJobSessions (em-api.md fact 15). */
export function isReplicaSession(session: SimSession): boolean {
  return session.jobType === 'Replica';
}
