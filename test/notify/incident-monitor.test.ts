// The incident monitor against the real EM simulator (over HTTP, through the real EmClient) and a real WebClient
// talking to the fake Slack Web API. Polls are driven with pollOnce(); no waiting for intervals.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import { findButton, messageText } from '../../src/slack-standin/slack-user.js';
import { waitFor } from '../support/wait-for.js';
import { CHANNEL, MINUTE, type NotifyKit, startNotifyKit } from './notify-kit.js';

let kit: NotifyKit;

beforeEach(async () => {
  kit = await startNotifyKit();
});

afterEach(() => kit.close());

/** A Warning session of a job that ended now after a minute. */
function warning(jobId: string, message: string) {
  const end = Date.now();
  return kit.sim.addSession({
    jobId,
    state: 'Stopped',
    result: 'Warning',
    failureMessage: message,
    creationTime: end - MINUTE,
    endTime: end,
  });
}

function posts(): FakeMessage[] {
  return kit.slack.topLevel(CHANNEL);
}

function queryRequests(): number {
  return kit.sim.stats.byRoute['GET /query'] ?? 0;
}

/**
 * GET /query requests of one monitor query when every answer fits one page: em.querySessions asks for
 * BackupJobSession and ReplicaJobSession (replication runs are not BackupJobSessions, em-api.md fact 15).
 */
const REQUESTS_PER_QUERY = 2;

describe('first start', () => {
  it('takes a baseline: failures that ended before it are never announced, later ones are', async () => {
    kit.failure(SIM_JOB_IDS.linuxWeb, 'Old failure from before the bot existed', Date.now() - 5 * MINUTE);
    const { monitor, store } = kit.startMonitor();
    expect(store.read('monitor')).toBeDefined();

    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);

    kit.failure(SIM_JOB_IDS.linuxWeb, 'New failure');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('New failure');
    expect(messageText(posts()[0])).not.toContain('Old failure');
  });
});

describe('failed and warning sessions', () => {
  it('posts a failure with job, EM reason, times, the mention and Retry / Job details / Disable buttons', async () => {
    const { monitor } = kit.startMonitor({ incidentMention: 'SONCALL1' });
    kit.failure(
      SIM_JOB_IDS.linuxWeb,
      'Error: Agent failed to process method {Backup.Disk}: The network path was not found.',
    );
    const before = queryRequests();
    await monitor.pollOnce();

    // One query (its two session types, one page each); the reason comes from the run's task sessions.
    expect(queryRequests() - before).toBe(REQUESTS_PER_QUERY);
    expect(kit.sim.stats.byRoute['GET /backupSessions/{id}/taskSessions']).toBe(1);
    expect(posts()).toHaveLength(1);
    const post = posts()[0] as FakeMessage;
    const text = messageText(post);
    expect(text).toContain('Linux Web Servers');
    expect(text).toContain('Failed');
    expect(text).toContain('The network path was not found.');
    expect(text).toMatch(/Started\*\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(text).toMatch(/Ended\*\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(text).toContain('10 min 0 s');
    expect(post.text).toContain('<!subteam^SONCALL1>');
    for (const actionId of [ACTION_IDS.jobRetry, ACTION_IDS.jobDetails, ACTION_IDS.jobDisable]) {
      expect(findButton(post, actionId)?.value).toBe(SIM_JOB_IDS.linuxWeb);
    }
  });

  it('mentions a single user as <@U…>', async () => {
    const { monitor } = kit.startMonitor({ incidentMention: 'UONCALL1' });
    kit.failure(SIM_JOB_IDS.serverBackup, 'Disk full');
    await monitor.pollOnce();
    expect(posts()[0]?.text).toContain('<@UONCALL1>');
  });

  it('posts VM job failures with the same buttons (EM offers Retry after a failure)', async () => {
    const { monitor } = kit.startMonitor();
    kit.failure(SIM_JOB_IDS.vmFileserver, 'Failed to create VM snapshot');
    await monitor.pollOnce();
    const post = posts()[0] as FakeMessage;
    expect(messageText(post)).toContain('Fileserver Backup');
    expect(messageText(post)).toContain('VM backup job');
    expect(messageText(post)).toContain('Failed to create VM snapshot');
    for (const actionId of [ACTION_IDS.jobRetry, ACTION_IDS.jobDetails, ACTION_IDS.jobDisable]) {
      expect(findButton(post, actionId)?.value).toBe(SIM_JOB_IDS.vmFileserver);
    }
  });

  it('offers no Retry where EM offers none (a VM job after a warning)', async () => {
    const { monitor } = kit.startMonitor({ notifyWarnings: true });
    warning(SIM_JOB_IDS.vmFileserver, 'Changed block tracking is disabled');
    await monitor.pollOnce();
    const post = posts()[0] as FakeMessage;
    expect(messageText(post)).toContain('Changed block tracking is disabled');
    expect(findButton(post, ACTION_IDS.jobRetry)).toBeUndefined();
    expect(findButton(post, ACTION_IDS.jobDetails)?.value).toBe(SIM_JOB_IDS.vmFileserver);
    expect(findButton(post, ACTION_IDS.jobDisable)?.value).toBe(SIM_JOB_IDS.vmFileserver);
  });

  it('ignores warnings unless VEEAM_NOTIFY_WARNINGS is on', async () => {
    const { monitor } = kit.startMonitor({ notifyWarnings: false, incidentMention: 'UONCALL1' });
    warning(SIM_JOB_IDS.linuxDb, 'Low free space on the repository');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);
  });

  it('posts warnings, without the mention, when VEEAM_NOTIFY_WARNINGS is on', async () => {
    const { monitor } = kit.startMonitor({ notifyWarnings: true, incidentMention: 'UONCALL1' });
    warning(SIM_JOB_IDS.linuxDb, 'Low free space on the repository');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('Low free space on the repository');
    expect(messageText(posts()[0])).toContain('warnings');
    expect(posts()[0]?.text).not.toContain('<@UONCALL1>');
  });

  it('reports an agent job once: the parent session, not its per-machine children', async () => {
    const { monitor } = kit.startMonitor();
    const parent = kit.failure(SIM_JOB_IDS.linuxWeb, 'Two machines failed');
    const children = kit.sim
      .listSessions()
      .filter(
        (s) => s.jobType === 'AgentManagement' && s.jobId === SIM_JOB_IDS.linuxWeb && s.result === 'Failed',
      );
    expect(children.length).toBeGreaterThan(0);

    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(kit.slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(parent.jobType).toBe('AgentBackup');
  });
});

describe('one incident per job', () => {
  it('threads repeated failures with a count, and the first success resolves the incident', async () => {
    const { monitor } = kit.startMonitor({ incidentMention: 'UONCALL1' });
    kit.failure(SIM_JOB_IDS.serverBackup, 'First: network path not found');
    await monitor.pollOnce();
    // Two more failures arrive within one poll: both go to the thread, in the order they ended.
    const t = Date.now();
    kit.failure(SIM_JOB_IDS.serverBackup, 'Third: VSS error', t + 2);
    kit.failure(SIM_JOB_IDS.serverBackup, 'Second: disk full', t + 1);
    await monitor.pollOnce();

    expect(posts()).toHaveLength(1);
    const top = posts()[0] as FakeMessage;
    const thread = kit.slack.thread(CHANNEL, top.ts);
    expect(thread.map((m) => messageText(m))).toEqual([
      expect.stringContaining('Second: disk full'),
      expect.stringContaining('Third: VSS error'),
    ]);
    expect(messageText(top)).toContain('failed 3 times since');
    expect(messageText(top)).toContain('Third: VSS error');
    expect(findButton(top, ACTION_IDS.jobRetry)).toBeDefined();

    // A real run through EM: start the job, the simulator ends it with Success.
    kit.sim.setNextRunOutcome(SIM_JOB_IDS.serverBackup, { result: 'Success' });
    await kit.em.runJobAction(await kit.em.getJob(SIM_JOB_IDS.serverBackup, 'agent'), 'start');
    await waitFor(
      () =>
        kit.sim
          .listSessions()
          .some(
            (s) =>
              s.jobId === SIM_JOB_IDS.serverBackup &&
              s.jobType === 'AgentBackup' &&
              s.state === 'Stopped' &&
              s.result === 'Success' &&
              s.endTime !== undefined &&
              s.endTime > Date.now() - MINUTE,
          ),
      { what: 'the started run to succeed', timeoutMs: 5_000 },
    );
    await monitor.pollOnce();

    expect(posts()).toHaveLength(1);
    const replies = kit.slack.thread(CHANNEL, top.ts);
    expect(replies).toHaveLength(3);
    expect(messageText(replies[2])).toMatch(/succeeded/);
    expect(messageText(top)).toContain('Resolved');
    expect(findButton(top, ACTION_IDS.jobRetry)).toBeUndefined();
    expect(findButton(top, ACTION_IDS.jobDisable)).toBeUndefined();

    // After resolution, a new failure opens a new incident.
    kit.failure(SIM_JOB_IDS.serverBackup, 'Fourth: it broke again');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(2);
  });

  it('a success of a job without an open incident posts nothing', async () => {
    const { monitor } = kit.startMonitor();
    kit.success(SIM_JOB_IDS.linuxWeb);
    await monitor.pollOnce();
    expect(kit.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('keeps separate incidents for separate jobs', async () => {
    const { monitor } = kit.startMonitor();
    kit.failure(SIM_JOB_IDS.linuxWeb, 'web broke');
    kit.failure(SIM_JOB_IDS.serverBackup, 'server broke');
    await monitor.pollOnce();
    kit.success(SIM_JOB_IDS.linuxWeb);
    await monitor.pollOnce();
    const web = posts().find((m) => m.text.includes('Linux Web Servers')) as FakeMessage;
    const server = posts().find((m) => m.text.includes('Server Backup')) as FakeMessage;
    expect(messageText(web)).toContain('Resolved');
    expect(findButton(server, ACTION_IDS.jobRetry)).toBeDefined();
  });
});

describe('long-running sessions', () => {
  it('posts once per session, with Stop session for VM jobs and Stop job for agent jobs', async () => {
    const { monitor } = kit.startMonitor({ longRunningMinutes: 30 });
    const now = Date.now();
    const vm = kit.sim.addSession({
      jobId: SIM_JOB_IDS.vmFileserver,
      state: 'Working',
      creationTime: now - 45 * MINUTE,
    });
    kit.sim.addSession({ jobId: SIM_JOB_IDS.linuxWeb, state: 'Working', creationTime: now - 90 * MINUTE });
    kit.sim.addSession({ jobId: SIM_JOB_IDS.serverBackup, state: 'Working', creationTime: now - 5 * MINUTE });

    const before = queryRequests();
    await monitor.pollOnce();
    // Two queries (ended, running), each over both session types.
    expect(queryRequests() - before).toBe(2 * REQUESTS_PER_QUERY);
    expect(posts()).toHaveLength(2);
    const vmPost = posts().find((m) => m.text.includes('Fileserver Backup')) as FakeMessage;
    const agentPost = posts().find((m) => m.text.includes('Linux Web Servers')) as FakeMessage;
    expect(messageText(vmPost)).toContain('still running after 45 min');
    expect(findButton(vmPost, ACTION_IDS.sessionStop)?.value).toBe(vm.id);
    expect(findButton(vmPost, ACTION_IDS.jobStop)).toBeUndefined();
    expect(findButton(agentPost, ACTION_IDS.jobStop)?.value).toBe(SIM_JOB_IDS.linuxWeb);
    expect(findButton(agentPost, ACTION_IDS.sessionStop)).toBeUndefined();

    await monitor.pollOnce();
    expect(posts()).toHaveLength(2);

    // When it ends, its post loses the Stop button (the result itself goes the usual way).
    kit.sim.finishSession(vm.id, { result: 'Success' });
    await monitor.pollOnce();
    expect(findButton(vmPost, ACTION_IDS.sessionStop)).toBeUndefined();
    expect(messageText(vmPost)).toContain('has ended: Success');
    expect(posts()).toHaveLength(2);
  });

  it('is off when VEEAM_LONG_RUNNING_MINUTES is unset (one query per poll, over both session types)', async () => {
    const { monitor } = kit.startMonitor();
    kit.sim.addSession({
      jobId: SIM_JOB_IDS.linuxWeb,
      state: 'Working',
      creationTime: Date.now() - 10 * 60 * MINUTE,
    });
    const before = queryRequests();
    await monitor.pollOnce();
    expect(queryRequests() - before).toBe(REQUESTS_PER_QUERY);
    expect(posts()).toHaveLength(0);
  });
});

describe('across restarts', () => {
  it('announces nothing twice and keeps threading into the open incident', async () => {
    const first = kit.startMonitor({ longRunningMinutes: 30 });
    kit.failure(SIM_JOB_IDS.linuxWeb, 'Before the restart');
    kit.sim.addSession({
      jobId: SIM_JOB_IDS.linuxDb,
      state: 'Working',
      creationTime: Date.now() - 60 * MINUTE,
    });
    await first.monitor.pollOnce();
    expect(posts()).toHaveLength(2);
    await kit.stopMonitor(first.monitor, first.store);

    const second = kit.startMonitor({ longRunningMinutes: 30 });
    await second.monitor.pollOnce();
    expect(kit.slack.callsTo('chat.postMessage')).toHaveLength(2);

    kit.failure(SIM_JOB_IDS.linuxWeb, 'After the restart');
    await second.monitor.pollOnce();
    expect(posts()).toHaveLength(2);
    const incident = posts().find((m) => m.text.includes('Linux Web Servers')) as FakeMessage;
    expect(kit.slack.thread(CHANNEL, incident.ts).map((m) => messageText(m))).toEqual([
      expect.stringContaining('After the restart'),
    ]);
    expect(messageText(incident)).toContain('failed 2 times');
  });
});

describe('Slack trouble', () => {
  it('waits out a 429 and posts once', async () => {
    const { monitor } = kit.startMonitor();
    kit.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    kit.failure(SIM_JOB_IDS.linuxWeb, 'rate limited but delivered');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
  });

  it('tries a post Slack refused again on the next poll, still only once', async () => {
    const { monitor } = kit.startMonitor();
    kit.slack.failNext('chat.postMessage', { error: 'internal_error' });
    kit.failure(SIM_JOB_IDS.linuxWeb, 'refused the first time');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);
    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('refused the first time');
  });

  it('holds back a later run of a job whose refused failure waits, so the success still resolves it', async () => {
    const { monitor } = kit.startMonitor();
    kit.slack.failNext('chat.postMessage', { error: 'internal_error' });
    const t = Date.now();
    kit.failure(SIM_JOB_IDS.linuxWeb, 'refused, then fixed', t);
    kit.sim.addSession({
      jobId: SIM_JOB_IDS.linuxWeb,
      state: 'Stopped',
      result: 'Success',
      creationTime: t + 1,
      endTime: t + 2,
    });
    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('Resolved');
    expect(kit.slack.thread(CHANNEL, (posts()[0] as FakeMessage).ts)).toHaveLength(1);
  });
});

describe('EM outages', () => {
  it('posts once after three failed polls, once when EM is back, and then reports what ended meanwhile', async () => {
    const { monitor } = kit.startMonitor();
    await monitor.pollOnce();
    kit.sim.knobs.forceStatus = { status: 503, count: 1_000, message: 'Service is in maintenance mode.' };
    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('Service is in maintenance mode.');
    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);

    kit.failure(SIM_JOB_IDS.linuxWeb, 'Failed during the outage');
    kit.sim.knobs.forceStatus = undefined;
    await monitor.pollOnce();
    expect(posts()).toHaveLength(3);
    expect(messageText(posts()[1])).toContain('answers again');
    expect(messageText(posts()[2])).toContain('Failed during the outage');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(3);
  });

  it('says EM is unreachable when connections fail, and never throws out of the poll', async () => {
    const { monitor } = kit.startMonitor();
    kit.sim.knobs.dropConnections = 1_000;
    for (let i = 0; i < 4; i += 1) await expect(monitor.pollOnce()).resolves.toBeUndefined();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('unreachable');
    kit.sim.knobs.dropConnections = 0;
    await monitor.pollOnce();
    expect(posts()).toHaveLength(2);
  });

  it('stays quiet about a single failed poll', async () => {
    const { monitor } = kit.startMonitor();
    kit.sim.knobs.forceStatus = { status: 500, count: 1_000 };
    await monitor.pollOnce();
    kit.sim.knobs.forceStatus = undefined;
    await monitor.pollOnce();
    await monitor.pollOnce();
    kit.sim.knobs.forceStatus = { status: 500, count: 1_000 };
    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);
  });
});
