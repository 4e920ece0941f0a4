// Seeded jobs of every kind EM serves (data table): agent jobs, VM backup/replica/backup copy jobs, NAS jobs.

import type { JobType, SimJob, SimJobSchedule } from './inventory-model.js';
import { SIM_JOB_IDS } from './seed-ids.js';

const WEEK = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function daily(time: string, days = WEEK, kind = 'Everyday'): SimJobSchedule {
  return {
    dailyEnabled: true,
    dailyKind: kind,
    days,
    time,
    monthlyEnabled: false,
    periodicallyEnabled: false,
  };
}

export function seededJobs(): SimJob[] {
  const agentWin = { kind: 'agent' as const, jobType: 'AgentBackup' as const, platform: 'AgentForWindows' };
  const agentLinux = { kind: 'agent' as const, jobType: 'AgentBackup' as const, platform: 'AgentForLinux' };
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
      machines: ['fs01', 'fs02'],
      retention: { cycles: 14, days: 14 },
    },
    vmJob(SIM_JOB_IDS.hvExchange, 'Exchange Backup', 'Backup', 'HyperV', ['exch01', 'exch02']),
    vmJob(SIM_JOB_IDS.vcdTenant, 'Tenant vApps', 'Backup', 'vCloud', ['tenant-web', 'tenant-db']),
    vmJob(SIM_JOB_IDS.erpReplica, 'ERP Replica', 'Replica', 'VMware', ['erp-app01', 'erp-db01']),
    vmJob(SIM_JOB_IDS.offsiteCopy, 'Offsite Copy', 'BackupCopy', 'VMware', ['fs01', 'fs02']),
    vmJob(SIM_JOB_IDS.sqlImmediateCopy, 'SQL Immediate Copy', 'ImmediateBackupCopy', 'VMware', ['sql01']),
    nasJob(SIM_JOB_IDS.nasProjects, 'Projects Share', ['\\\\nas01\\projects']),
    nasJob(SIM_JOB_IDS.nasHr, 'HR Share', ['\\\\nas01\\hr']),
  ];
}

/** A job under /jobs (Backup, Replica, BackupCopy, ImmediateBackupCopy) processing these VMs. */
export function vmJob(id: string, name: string, jobType: JobType, platform: string, vms: string[]): SimJob {
  return {
    id,
    name,
    description: `${jobType} job ${name}`,
    kind: 'vm',
    jobType,
    platform,
    scheduleConfigured: true,
    scheduleEnabled: true,
    schedule: daily('20:00:00.0000000+01:00'),
    includes: vms.map((vm, i) => ({ id: `${id.slice(0, 24)}${String(i).padStart(12, '0')}`, name: vm })),
    machines: vms,
    retention: { cycles: 7, days: 7 },
  };
}

/** A file share job under /nas/jobs; its sessions are BackupJobSessions with JobType NasBackup. */
export function nasJob(id: string, name: string, shares: string[]): SimJob {
  return {
    ...vmJob(id, name, 'NasBackup', '', shares),
    kind: 'nas',
    description: `File share backup ${name}`,
  };
}
