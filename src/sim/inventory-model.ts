// The simulator's in-memory model of what a backup server holds: jobs and their backup sessions.

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

export interface SimJob {
  id: string;
  name: string;
  description: string;
  kind: 'agent' | 'vm';
  /** AgentBackup for agent jobs, Backup for VM jobs. */
  jobType: string;
  /** AgentForWindows | AgentForLinux | VMware */
  platform: string;
  scheduleConfigured: boolean;
  scheduleEnabled: boolean;
  /** ISO-8601 UTC or undefined. */
  nextRun?: string;
  schedule: SimJobSchedule;
  includes: { id: string; name: string }[];
  /** Machines an agent run processes: one AgentManagement child session each. */
  machines: string[];
  retention: { cycles: number; days: number };
  /** setNextRunOutcome(): consumed by the next start/retry. */
  nextOutcome?: SimOutcome;
}

export type SessionResult = 'Success' | 'Warning' | 'Failed' | 'None';

export interface SimSession {
  id: string;
  jobId: string;
  jobName: string;
  /** AgentBackup (agent parent), AgentManagement (per machine child) or Backup (VM job). */
  jobType: 'AgentBackup' | 'AgentManagement' | 'Backup';
  /** "<Job>@<yyyy-MM-dd HH:mm:ss>" (UTC; EM uses the backup server's local time). */
  name: string;
  creationTime: number;
  endTime?: number;
  state: 'Working' | 'Stopped';
  result: SessionResult;
  failureMessage?: string;
  isRetry: boolean;
  /** For AgentManagement children: the parent AgentBackup session. */
  parentId?: string;
  /** Working sessions started by an action: when they will end (Progress grows toward it). */
  plannedEnd?: number;
  timer?: NodeJS.Timeout;
}
