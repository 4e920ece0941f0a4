// Plain AgentBackupJob values for pure unit tests.

import type { AgentBackupJob } from '../../src/em/types.js';

export function agentJob(id: string, name: string, overrides: Partial<AgentBackupJob> = {}): AgentBackupJob {
  return {
    id,
    uid: `urn:veeam:AgentBackupJob:${id}`,
    name,
    href: `https://em.example/api/agents/jobs/${id}`,
    jobType: 'EpAgentBackup',
    platform: 'AgentForWindows',
    description: '',
    scheduleConfigured: true,
    scheduleEnabled: true,
    schedule: {},
    retention: { gfsEnabled: false },
    includes: [],
    links: [],
    ...overrides,
  };
}
