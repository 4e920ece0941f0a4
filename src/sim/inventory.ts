// Seeded jobs and backup sessions, and how sessions run: Working → Stopped with Success/Warning/Failed.

import { randomUUID } from 'node:crypto';
import type { SessionResult, SimJob, SimJobSchedule, SimSession } from './inventory-model.js';
import { SIM_JOB_IDS } from './seed-ids.js';
import type { SimKnobs, SimOutcome, SimSessionInit } from './types.js';

const WEEK = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_MS = 24 * 60 * 60 * 1000;

/** What a Failed run says (the first is the one the brief and docs quote). */
export const FAILURE_MESSAGES = [
  'Error: Agent failed to process method {Backup.Disk}: The network path was not found.',
  'Error: Failed to connect to the backup repository: the connection attempt timed out.',
  'Error: Failed to create VSS snapshot: The writer experienced a transient error.',
];
export const WARNING_MESSAGES = [
  'Warning: Changed block tracking is not available, the whole volume was read.',
  'Warning: Failed to truncate Microsoft SQL Server transaction logs.',
];
export const STOPPED_BY_USER = 'Stopped by user';

export interface InventoryDeps {
  knobs: SimKnobs;
  random: () => number;
  now: () => number;
}

export class Inventory {
  readonly jobs = new Map<string, SimJob>();
  /** Insertion order = creation order (oldest first). */
  readonly sessions = new Map<string, SimSession>();
  private closed = false;

  constructor(private readonly deps: InventoryDeps) {}

  seed(): void {
    const now = this.deps.now();
    for (const job of seededJobs()) {
      this.jobs.set(job.id, job);
      // Every seeded job has one finished Success session a day earlier, so "newest session" always exists.
      const start = now - DAY_MS;
      this.addSession({
        jobId: job.id,
        state: 'Stopped',
        result: 'Success',
        creationTime: start,
        endTime: start + 9 * 60_000,
      });
    }
  }

  job(id: string): SimJob | undefined {
    return this.jobs.get(id.toLowerCase());
  }

  session(id: string): SimSession | undefined {
    return this.sessions.get(id.toLowerCase());
  }

  /** Parent sessions of a job (no AgentManagement children), newest first. */
  jobSessions(jobId: string): SimSession[] {
    const out: SimSession[] = [];
    for (const s of this.sessions.values()) if (s.jobId === jobId && s.parentId === undefined) out.push(s);
    return out.reverse();
  }

  children(parentId: string): SimSession[] {
    return [...this.sessions.values()].filter((s) => s.parentId === parentId);
  }

  runningSession(jobId: string): SimSession | undefined {
    return this.jobSessions(jobId).find((s) => s.state === 'Working');
  }

  lastSession(jobId: string): SimSession | undefined {
    return this.jobSessions(jobId)[0];
  }

  /** 0-100; derived from the clock so reads stay cheap. */
  progress(session: SimSession): number {
    if (session.state === 'Stopped') return 100;
    if (session.plannedEnd === undefined) return 50;
    const total = session.plannedEnd - session.creationTime;
    if (total <= 0) return 99;
    return Math.max(0, Math.min(99, Math.floor(((this.deps.now() - session.creationTime) / total) * 100)));
  }

  /** A run started by start/retry: Working now, Stopped after backupDurationMs with the decided outcome. */
  startRun(job: SimJob, isRetry: boolean): SimSession {
    const outcome = job.nextOutcome ?? this.randomOutcome();
    job.nextOutcome = undefined;
    const duration = outcome.durationMs ?? this.deps.knobs.backupDurationMs;
    const parent = this.addSession({ jobId: job.id, state: 'Working', result: 'None' });
    parent.isRetry = isRetry;
    parent.plannedEnd = parent.creationTime + duration;
    for (const child of this.children(parent.id)) {
      child.isRetry = isRetry;
      child.plannedEnd = parent.plannedEnd;
    }
    if (!this.closed) {
      parent.timer = setTimeout(() => this.finish(parent, outcome), duration);
      parent.timer.unref();
    }
    return parent;
  }

  addSession(init: SimSessionInit): SimSession {
    const job = this.job(init.jobId);
    if (!job) throw new Error(`No simulated job with ID ${init.jobId}`);
    const creationTime = init.creationTime ?? this.deps.now();
    const state = init.state ?? (init.endTime !== undefined ? 'Stopped' : 'Working');
    const result = init.result ?? (state === 'Working' ? 'None' : 'Success');
    const jobType = init.jobType ?? (job.kind === 'agent' ? 'AgentBackup' : 'Backup');
    const endTime = state === 'Stopped' ? (init.endTime ?? this.deps.now()) : undefined;
    const session = this.newSession(job, jobType, creationTime, state, result, endTime, init.failureMessage);
    if (jobType === 'AgentBackup') {
      for (const machine of job.machines) {
        const child = this.newSession(
          job,
          'AgentManagement',
          creationTime,
          state,
          result,
          endTime,
          init.failureMessage,
        );
        child.name = `${job.name} - ${machine}@${timestamp(creationTime)}`;
        child.parentId = session.id;
      }
    }
    return session;
  }

  /** Ends a Working session (and its children) now with the outcome. */
  finish(session: SimSession, outcome: SimOutcome): void {
    if (session.timer) clearTimeout(session.timer);
    session.timer = undefined;
    if (session.state !== 'Working') return;
    const message =
      outcome.message ??
      (outcome.result === 'Failed'
        ? this.pick(FAILURE_MESSAGES)
        : outcome.result === 'Warning'
          ? this.pick(WARNING_MESSAGES)
          : undefined);
    const end = this.deps.now();
    for (const s of [session, ...this.children(session.id)]) {
      if (s.state !== 'Working') continue;
      s.state = 'Stopped';
      s.result = outcome.result;
      s.failureMessage = message;
      s.endTime = end;
      s.plannedEnd = undefined;
    }
  }

  close(): void {
    this.closed = true;
    for (const s of this.sessions.values()) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = undefined;
    }
  }

  private newSession(
    job: SimJob,
    jobType: SimSession['jobType'],
    creationTime: number,
    state: SimSession['state'],
    result: SessionResult,
    endTime: number | undefined,
    failureMessage: string | undefined,
  ): SimSession {
    const session: SimSession = {
      id: randomUUID(),
      jobId: job.id,
      jobName: job.name,
      jobType,
      name: `${job.name}@${timestamp(creationTime)}`,
      creationTime,
      endTime,
      state,
      result,
      failureMessage,
      isRetry: false,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  private randomOutcome(): SimOutcome {
    const r = this.deps.random();
    const { failureRate, warningRate } = this.deps.knobs;
    if (r < failureRate) return { result: 'Failed' };
    if (r < failureRate + warningRate) return { result: 'Warning' };
    return { result: 'Success' };
  }

  private pick(list: string[]): string {
    return list[Math.floor(this.deps.random() * list.length) % list.length] as string;
  }
}

/** "yyyy-MM-dd HH:mm:ss" as in session names (em-api.md §4.4). */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function daily(time: string, days = WEEK, kind = 'Everyday'): SimJobSchedule {
  return {
    dailyEnabled: true,
    dailyKind: kind,
    days,
    time,
    monthlyEnabled: false,
    periodicallyEnabled: false,
  };
}

function seededJobs(): SimJob[] {
  const agentWin = { kind: 'agent' as const, jobType: 'AgentBackup', platform: 'AgentForWindows' };
  const agentLinux = { kind: 'agent' as const, jobType: 'AgentBackup', platform: 'AgentForLinux' };
  return [
    {
      // Exactly the job in shared/seeds/001.
      id: SIM_JOB_IDS.serverBackup,
      name: 'Server Backup',
      description: 'Backup of physical server',
      ...agentWin,
      scheduleConfigured: true,
      scheduleEnabled: true,
      nextRun: '2020-02-12T15:00:00Z',
      schedule: daily('16:00:00.0000000+01:00'),
      includes: [{ id: '51616f00-6107-48a9-95ba-1cee9ed6a86e', name: 'Windows Servers' }],
      machines: ['srv-app01.tech.local', 'srv-app02.tech.local'],
      retention: { cycles: 5, days: 7 },
    },
    {
      id: SIM_JOB_IDS.serverBackupSql,
      name: 'Server Backup SQL',
      description: 'Backup of the SQL Server hosts',
      ...agentWin,
      scheduleConfigured: true,
      scheduleEnabled: true,
      nextRun: '2020-02-12T20:00:00Z',
      schedule: daily('21:00:00.0000000+01:00'),
      includes: [{ id: '8a7e3c51-0f2b-4d6e-9a14-3b5c7d9e1f20', name: 'SQL Servers' }],
      machines: ['sql01.tech.local'],
      retention: { cycles: 14, days: 14 },
    },
    {
      id: SIM_JOB_IDS.linuxWeb,
      name: 'Linux Web Servers',
      description: 'Backup of the Linux web tier',
      ...agentLinux,
      scheduleConfigured: true,
      scheduleEnabled: true,
      nextRun: '2020-02-12T22:00:00Z',
      schedule: daily('23:00:00.0000000+01:00'),
      includes: [{ id: '2c4e6a80-1b3d-4f5a-8c7e-9d0f1a2b3c4d', name: 'Linux Web' }],
      machines: ['web01.tech.local', 'web02.tech.local', 'web03.tech.local'],
      retention: { cycles: 7, days: 7 },
    },
    {
      id: SIM_JOB_IDS.linuxDb,
      name: 'Linux DB Servers',
      description: 'Backup of the PostgreSQL hosts',
      ...agentLinux,
      scheduleConfigured: true,
      scheduleEnabled: false,
      nextRun: '2020-02-13T01:00:00Z',
      schedule: daily('02:00:00.0000000+01:00'),
      includes: [{ id: '4d5e6f70-8192-4a3b-9c4d-5e6f7a8b9c0d', name: 'Linux DB' }],
      machines: ['pg01.tech.local', 'pg02.tech.local'],
      retention: { cycles: 10, days: 10 },
    },
    {
      id: SIM_JOB_IDS.workstations,
      name: 'Workstations Weekly',
      description: 'Weekly backup of office workstations',
      ...agentWin,
      scheduleConfigured: false,
      scheduleEnabled: true,
      schedule: { ...daily('18:00:00.0000000+01:00', ['Friday'], 'SelectedDays'), dailyEnabled: false },
      includes: [{ id: '6f708192-a3b4-4c5d-8e9f-a0b1c2d3e4f5', name: 'Office Workstations' }],
      machines: ['ws-0142.tech.local', 'ws-0177.tech.local'],
      retention: { cycles: 4, days: 28 },
    },
    {
      id: SIM_JOB_IDS.vmFileserver,
      name: 'Fileserver Backup',
      description: 'Backup of the file server VMs',
      kind: 'vm',
      jobType: 'Backup',
      platform: 'VMware',
      scheduleConfigured: true,
      scheduleEnabled: true,
      nextRun: '2020-02-12T21:00:00Z',
      schedule: daily('22:00:00.0000000+01:00'),
      includes: [{ id: '9e8d7c6b-5a49-4382-b716-0f1e2d3c4b5a', name: 'fs01' }],
      machines: [],
      retention: { cycles: 14, days: 14 },
    },
  ];
}
