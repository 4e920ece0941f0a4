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
} as const;

export const SIM_BACKUP_SERVER = {
  id: 'd1444f74-27e6-4399-81a9-d28ba98913f0',
  name: 'srv12.tech.local',
} as const;

export const SIM_DEFAULT_CREDENTIALS = { username: 'chatops', password: 'chatops' } as const;
