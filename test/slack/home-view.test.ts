import { describe, expect, it } from 'vitest';
import type { Job, JobSession } from '../../src/em/types.js';
import type { OpenIncident } from '../../src/notify/monitor-state.js';
import type { Approval } from '../../src/ops/approvals.js';
import type { HomeJob } from '../../src/slack/home/home-estate.js';
import { homeView } from '../../src/slack/home/home-view.js';
import { refusalFor } from '../../src/slack-standin/block-kit-rules.js';
import type { WatchingEntry } from '../../src/watch/types.js';

const HOSTILE = '<!channel> & <@U1> '.repeat(40);

function job(i: number): Job {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    kind: 'agent',
    id,
    uid: `urn:veeam:Job:${id}`,
    name: `${HOSTILE}job ${i}`,
    href: `https://em.local/api/agents/jobs/${id}`,
    jobType: 'AgentBackup',
    platform: 'AgentForWindows',
    description: '',
    scheduleConfigured: true,
    scheduleEnabled: true,
    schedule: {},
    includes: [],
    links: [{ rel: 'Start', href: `https://em.local/api/agents/jobs/${id}?action=start`, type: 'Task' }],
  } as Job;
}

function failed(j: Job): JobSession {
  return {
    kind: 'backup',
    id: `s-${j.id}`,
    uid: `urn:veeam:BackupJobSession:s-${j.id}`,
    name: j.name,
    href: '',
    jobUid: j.uid,
    jobId: j.id,
    jobName: j.name,
    jobType: 'AgentBackup',
    creationTime: '2026-12-06T01:00:00Z',
    endTime: '2026-12-06T01:10:00Z',
    state: 'Stopped',
    result: 'Failed',
    progress: 100,
    isRetry: false,
    links: [],
  };
}

function approval(i: number): Approval {
  return {
    id: `apr-${String(i).padStart(16, '0')}`,
    action: 'stop',
    target: { kind: 'job', jobId: job(i).id, jobName: HOSTILE, jobKind: 'agent' },
    requestedBy: 'UOPER1',
    channel: 'COPS1',
    createdAt: 0,
    expiresAt: 60_000,
    messageTs: '1700000000.000100',
    status: 'pending',
  } as Approval;
}

function incident(i: number): OpenIncident {
  return {
    jobName: HOSTILE,
    jobId: job(i).id,
    jobType: 'AgentBackup',
    failures: 2,
    warnings: 1,
    openedAt: '2026-12-06T01:10:00Z',
    latest: {
      id: 's',
      jobId: job(i).id,
      jobName: HOSTILE,
      jobType: 'AgentBackup',
      result: 'Failed',
      creationTime: '',
    },
    channel: 'CINCID1',
    ts: `1700000000.${String(i).padStart(6, '0')}`,
    lastProblemEndMs: 0,
  };
}

function watch(i: number): WatchingEntry {
  return {
    key: `task-${i}@1`,
    taskId: `task-${i}`,
    action: 'start',
    phase: 'session',
    pendingPosts: 0,
    spec: {
      taskId: `task-${i}`,
      action: 'start',
      target: { kind: 'job', jobId: job(i).id, jobName: HOSTILE, jobKind: 'agent' },
      channel: 'COPS1',
      threadTs: '1700000000.000200',
      requestedBy: 'UOPER1',
      requestedAt: 1,
    },
  } as WatchingEntry;
}

describe('the Home view', () => {
  it('stays within Slack limits with hundreds of everything and hostile names, and escapes them', () => {
    const jobs: HomeJob[] = Array.from({ length: 500 }, (_, i) => {
      const j = job(i);
      return i % 3 === 0
        ? { job: j, group: 'problem', last: failed(j), reason: `${HOSTILE}reason`.repeat(5) }
        : { job: j, group: 'rest' };
    });
    for (const offset of [0, 40, 480, 10_000]) {
      const view = homeView({
        now: Date.parse('2026-12-06T02:00:00Z'),
        jobs,
        approvals: Array.from({ length: 30 }, (_, i) => approval(i)),
        incidents: Array.from({ length: 40 }, (_, i) => incident(i)),
        watches: Array.from({ length: 40 }, (_, i) => watch(i)),
        workspaceUrl: 'https://acme.slack.com/',
        place: { channel: 'COPS1' },
        incidentPlaces: new Map(),
        operator: true,
        offset,
      });
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      expect(refusalFor('views.publish', { view })).toBeUndefined();
      const json = JSON.stringify(view);
      expect(json).not.toContain('<!channel>');
      expect(json).not.toContain('<@U1>');
    }
  });
});
