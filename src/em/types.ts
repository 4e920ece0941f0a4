// Our types for what Enterprise Manager returns. Only em/parse.ts knows EM's raw XML and JSON shapes.

export interface Link {
  rel: string;
  href: string;
  name?: string;
  type?: string;
}

export interface ScheduleOptionsSummary {
  /** e.g. "Daily (Everyday) at 16:00:00.0000000+01:00"; undefined when no option is enabled. */
  summary?: string;
  daily?: { enabled: boolean; kind?: string; days: string[]; time?: string };
  monthly?: {
    enabled: boolean;
    time?: string;
    dayNumberInMonth?: string;
    dayOfWeek?: string;
    months: string[];
  };
  periodically?: { enabled: boolean; kind?: string; fullPeriod?: number };
  continuous?: { enabled: boolean };
  retry?: { times?: number; timeoutMinutes?: number; specified?: boolean };
}

export interface RetentionPolicy {
  retainCycles?: number;
  retainDaysToKeep?: number;
  /** "Cycles" or "Days" as EM says it. */
  retainLimitType?: string;
  gfsEnabled: boolean;
}

export interface JobInclude {
  id: string;
  name: string;
  displayName: string;
  href?: string;
}

/** A Veeam Agent backup job (GET /agents/jobs/{ID}?format=Entity). */
export interface AgentBackupJob {
  /** The GUID: the last `:` segment of the UID. This is what goes into URLs. */
  id: string;
  uid: string;
  name: string;
  href: string;
  jobType: string;
  /** AgentForWindows | AgentForLinux */
  platform: string;
  description: string;
  scheduleConfigured: boolean;
  scheduleEnabled: boolean;
  /** ISO-8601 UTC; undefined when EM gives none. */
  nextRun?: string;
  schedule: ScheduleOptionsSummary;
  retention: RetentionPolicy;
  includes: JobInclude[];
  backupServer?: { id: string; name?: string; href: string };
  links: Link[];
}

/** Task states: Running and OperationFinished are not final; unknown strings are possible (em-api.md fact 5). */
export type TaskState = 'Running' | 'OperationFinished' | 'Finished' | (string & {});

export interface Task {
  /** e.g. "task-1" */
  id: string;
  href: string;
  state: TaskState;
  operation: string;
  /** Absent while Running; a placeholder while OperationFinished. */
  result?: { success: boolean; message: string };
  links: Link[];
}

export type SessionState =
  | 'Starting'
  | 'Stopping'
  | 'Working'
  | 'Pausing'
  | 'Resuming'
  | 'Stopped'
  | (string & {});
export type SessionResult = 'Success' | 'Warning' | 'Failed' | 'None' | (string & {});

/** A backup job session (GET /backupSessions/{ID}?format=Entity), VM or agent. */
export interface BackupSession {
  id: string;
  uid: string;
  /** "<JobName>@<yyyy-MM-dd HH:mm:ss>" */
  name: string;
  href: string;
  jobUid: string;
  /** GUID of the job (last segment of jobUid). */
  jobId: string;
  jobName: string;
  /** Backup, BackupCopy, AgentBackup (agent parent), AgentManagement (per machine), … */
  jobType: string;
  /** ISO-8601 UTC */
  creationTime: string;
  endTime?: string;
  state: SessionState;
  result: SessionResult;
  progress: number;
  failureMessage?: string;
  isRetry: boolean;
  links: Link[];
}

export interface SessionQuery {
  /** Sessions whose EndTime is at or after this instant. */
  endedSince?: Date;
  /** Sessions whose CreationTime is at or after this instant. */
  createdSince?: Date;
  results?: SessionResult[];
  states?: SessionState[];
  jobTypes?: string[];
}
