// Fixed IDs of the simulator's seeded inventory, so tests, the demo and docs can name them.

export const SIM_JOB_IDS = {
  /** The seed page's job, exactly as shared/seeds/001 shows it (AgentForWindows, schedule enabled). */
  serverBackup: 'a6deb158-b26c-4140-8b26-5a3cc344e8ec',
  /** "Server Backup SQL" (AgentForWindows): shares the "Server Backup" prefix, for lookup tests. */
  serverBackupSql: '3f1c2b7e-9a4d-4e21-8c55-0d6b1e2f7a10',
  /** "Linux Web Servers" (AgentForLinux, enabled). */
  linuxWeb: '7b9e4d21-5c3a-4f8e-9d10-2a6b8c4e1f37',
  /** "Linux DB Servers" (AgentForLinux, schedule disabled). */
  linuxDb: 'c2d4e6f8-1a3b-4c5d-8e7f-90a1b2c3d4e5',
  /** "Workstations Weekly" (AgentForWindows, ScheduleConfigured false). */
  workstations: 'e5f60718-293a-4b4c-9d5e-6f708192a3b4',
  /** VM backup job "Fileserver Backup" (VMware), for VM session notifications and session stop. */
  vmFileserver: '0d8f6a2c-4b1e-4a7d-b3c9-5e2f1a0b9c8d',
  /** VM backup job "Exchange Backup" (HyperV). */
  hvExchange: '1a2b3c4d-5e6f-4a70-8b91-c2d3e4f5a6b7',
  /** VM backup job "Tenant vApps" (vCloud). */
  vcdTenant: '2b3c4d5e-6f70-4a81-9ca2-d3e4f5a6b7c8',
  /** Replication job "ERP Replica" (VMware): sessions are ReplicaJobSessions at /replicaSessions. */
  erpReplica: '3c4d5e6f-7081-4b92-8db3-e4f5a6b7c8d9',
  /** Backup copy job "Offsite Copy": Sync link (?action=sync), no Start. */
  offsiteCopy: '4d5e6f70-8192-4ca3-9ec4-f5a6b7c8d9ea',
  /** Immediate backup copy job "SQL Immediate Copy". */
  sqlImmediateCopy: '5e6f7081-92a3-4db4-afd5-a6b7c8d9eafb',
  /** File share (NAS) job "Projects Share" at /nas/jobs: sessions JobType NasBackup. */
  nasProjects: '6f708192-a3b4-4ec5-b0e6-b7c8d9eafb0c',
  /** File share (NAS) job "HR Share". */
  nasHr: '708192a3-b4c5-4fd6-81f7-c8d9eafb0c1d',
} as const;

export const SIM_BACKUP_SERVER = {
  id: 'd1444f74-27e6-4399-81a9-d28ba98913f0',
  name: 'srv12.tech.local',
} as const;

export const SIM_DEFAULT_CREDENTIALS = { username: 'chatops', password: 'chatops' } as const;
