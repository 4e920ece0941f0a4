// Plain Job values (agent jobs) for pure unit tests.

import type { Job } from '../../src/em/types.js';

export function agentJob(id: string, name: string, overrides: Partial<Job> = {}): Job {
  return {
    kind: 'agent',
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
    links: ['Start', 'Stop', 'Retry', 'ToggleScheduleEnabled'].map((rel) => ({
      rel,
      href: `https://em.example/api/agents/jobs/${id}?action=${rel.charAt(0).toLowerCase()}${rel.slice(1)}`,
    })),
    ...overrides,
  };
}
