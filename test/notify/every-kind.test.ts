// Incidents for every session kind against the EM simulator over HTTP: VM backup, backup copy, replication
// (ReplicaJobSession), file share and agent runs each get a card with the reason read from their task sessions and
// buttons whose bare job GUID resolves through em.getJob over HTTP to the job EM offers those actions on.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobKind } from '../../src/em/types.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { findButton, messageText } from '../../src/slack-standin/slack-user.js';
import { CHANNEL, MINUTE, type NotifyKit, startNotifyKit } from './notify-kit.js';

let kit: NotifyKit;

beforeEach(async () => {
  kit = await startNotifyKit();
});

afterEach(() => kit.close());

function posts(): FakeMessage[] {
  return kit.slack.topLevel(CHANNEL);
}

function cardOf(jobId: string): FakeMessage {
  const card = posts().find((m) => findButton(m, ACTION_IDS.jobDetails)?.value === jobId);
  if (card === undefined) throw new Error(`no incident card for job ${jobId}`);
  return card;
}

const KINDS: { jobId: string; kind: JobKind; label: string; headline: string }[] = [
  { jobId: SIM_JOB_IDS.vmFileserver, kind: 'vm-backup', label: 'VM backup job', headline: 'Backup failed' },
  {
    jobId: SIM_JOB_IDS.offsiteCopy,
    kind: 'backup-copy',
    label: 'Backup copy job',
    headline: 'Backup failed',
  },
  {
    jobId: SIM_JOB_IDS.erpReplica,
    kind: 'replica',
    label: 'Replication job',
    headline: 'Replication failed',
  },
  {
    jobId: SIM_JOB_IDS.nasProjects,
    kind: 'file-share',
    label: 'File share backup job',
    headline: 'Backup failed',
  },
  { jobId: SIM_JOB_IDS.serverBackup, kind: 'agent', label: 'Agent backup job', headline: 'Backup failed' },
];

describe('incidents for every session kind', () => {
  it('posts one card per kind with its task-session reason and buttons that resolve to the job over HTTP', async () => {
    const { monitor } = kit.startMonitor();
    for (const { jobId } of KINDS) kit.failure(jobId, `Broken: ${jobId}`);
    await monitor.pollOnce();

    expect(posts()).toHaveLength(KINDS.length);
    // The replication run is a ReplicaJobSession: its reason came from /replicaSessions/{id}/replicaTaskSessions.
    expect(kit.sim.stats.byRoute['GET /replicaSessions/{id}/replicaTaskSessions']).toBe(1);
    expect(kit.sim.stats.byRoute['GET /backupSessions/{id}/taskSessions']).toBe(KINDS.length - 1);

    for (const { jobId, kind, label, headline } of KINDS) {
      const card = cardOf(jobId);
      const text = messageText(card);
      expect(text, kind).toContain(headline);
      expect(text, kind).toContain(`*Kind*\n${label}`);
      // FailureMessage is null (as on real EM): the object's name and Reason come from the task sessions.
      expect(text, kind).toMatch(new RegExp(`• \\*[^*]+\\* \\(Failed\\): Broken: ${jobId}`));
      expect(text, kind).not.toContain('EM gave no failure message');

      // The handlers resolve a bare job GUID with em.getJob(id), every collection tried: here, over HTTP.
      for (const actionId of [ACTION_IDS.jobRetry, ACTION_IDS.jobDetails, ACTION_IDS.jobDisable]) {
        const value = findButton(card, actionId)?.value;
        expect(value, `${kind} ${actionId}`).toBe(jobId);
        const job = await kit.em.getJob(value as string);
        expect(job.id).toBe(jobId);
        expect(job.kind).toBe(kind);
      }
      // Retry is offered because EM offers it; EM accepts the retry sent through the job's own link.
      const job = await kit.em.getJob(jobId);
      expect(job.links.some((l) => l.rel === 'Retry')).toBe(true);
      const task = await kit.em.runJobAction(job, 'retry');
      expect(task.state).toBe('Running');
    }
  });

  it('reports a session of a JobType the bot does not know, and logs it once', async () => {
    const { monitor } = kit.startMonitor();
    const end = Date.now();
    for (const offset of [0, 1]) {
      kit.sim.addSession({
        jobId: SIM_JOB_IDS.hvExchange,
        // A JobType newer than the bot: EM's query answers carry it as given.
        jobType: 'SureBackup' as never,
        state: 'Stopped',
        result: 'Failed',
        failureMessage: 'Verification failed',
        creationTime: end - MINUTE + offset,
        endTime: end + offset,
      });
    }
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    const card = posts()[0] as FakeMessage;
    expect(messageText(card)).toContain('Job (SureBackup)');
    expect(messageText(card)).toContain('Verification failed');
    expect(findButton(card, ACTION_IDS.jobDetails)?.value).toBe(SIM_JOB_IDS.hvExchange);
    expect(kit.slack.thread(CHANNEL, card.ts)).toHaveLength(1);
    const logged = kit.logger.lines.filter((l) => l.jobType === 'SureBackup' && l.level === 'warn');
    expect(logged).toHaveLength(1);
  });

  it('still posts the incident when the task sessions cannot be read, and says so', async () => {
    const { monitor } = kit.startMonitor();
    kit.failure(SIM_JOB_IDS.vmFileserver, 'Never shown');
    kit.sim.knobs.forceStatus = { status: 500, count: 20, path: /taskSessions/i };
    await monitor.pollOnce();
    kit.sim.knobs.forceStatus = undefined;
    expect(posts()).toHaveLength(1);
    const text = messageText(posts()[0]);
    expect(text).toContain('The reason could not be read');
    expect(text).not.toContain('Never shown');
    expect(findButton(posts()[0] as FakeMessage, ACTION_IDS.jobDetails)?.value).toBe(
      SIM_JOB_IDS.vmFileserver,
    );
  });
});

describe('long-running replication', () => {
  it('posts Stop session with the session GUID, which em.getSession finds among replica sessions and stops', async () => {
    const { monitor } = kit.startMonitor({ longRunningMinutes: 30 });
    const run = kit.sim.addSession({
      jobId: SIM_JOB_IDS.erpReplica,
      state: 'Working',
      creationTime: Date.now() - 45 * MINUTE,
    });
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    const post = posts()[0] as FakeMessage;
    expect(messageText(post)).toContain('ERP Replica');
    const value = findButton(post, ACTION_IDS.sessionStop)?.value;
    expect(value).toBe(run.id);
    expect(findButton(post, ACTION_IDS.jobStop)).toBeUndefined();

    // The handler's lookup: a bare session GUID, no kind (backup first, then replica).
    const session = await kit.em.getSession(value as string);
    expect(session.kind).toBe('replica');
    expect(session.jobId).toBe(SIM_JOB_IDS.erpReplica);
    const task = await kit.em.stopSession(session);
    expect(task.state).toBe('Running');
  });
});
