// The incident monitor against the real EM simulator (over HTTP, through the real EmClient) and a real WebClient
// talking to the fake Slack Web API. Polls are driven with pollOnce(); no waiting for intervals.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel, WebClient } from '@slack/web-api';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { NotifyConfig } from '../../src/config.js';
import { EmClient } from '../../src/em/client.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { IncidentMonitor } from '../../src/notify/incident-monitor.js';
import { SIM_DEFAULT_CREDENTIALS, SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { type FakeMessage, FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { findButton, messageText } from '../../src/slack-standin/slack-user.js';
import { StateStore } from '../../src/state/state-store.js';
import { waitFor } from '../support/wait-for.js';

const CHANNEL = 'CINCID1';
const MINUTE = 60_000;

let sim: EmSimulator;
let slack: FakeSlackApi;
let pool: Agent;
let em: EmClient;
let web: WebClient;
let dir: string;
let logger: ReturnType<typeof createMemoryLogger>;
let running: IncidentMonitor[];

beforeEach(async () => {
  sim = await startEmSimulator({ taskDurationMs: 100, backupDurationMs: 300 });
  slack = new FakeSlackApi();
  await slack.listen();
  pool = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
  logger = createMemoryLogger('debug');
  em = new EmClient({
    config: { url: sim.url, ...SIM_DEFAULT_CREDENTIALS, insecureTls: false, timeoutMs: 2_000 },
    logger,
    dispatcher: pool,
  });
  web = new WebClient('xoxb-test', {
    slackApiUrl: slack.url,
    retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 50 },
    logLevel: LogLevel.ERROR,
  });
  dir = mkdtempSync(join(tmpdir(), 'notify-test-'));
  running = [];
});

afterEach(async () => {
  for (const monitor of running) await monitor.stop();
  await em.close();
  await pool.close();
  await sim.close();
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A monitor on the state file in this test's directory, started as the bot starts it. */
function startMonitor(config: Partial<NotifyConfig> = {}): { monitor: IncidentMonitor; store: StateStore } {
  const store = new StateStore(join(dir, 'state.json'), logger);
  store.load();
  const monitor = new IncidentMonitor({
    em,
    slack: web,
    store,
    logger,
    clock: systemClock,
    // An hour between timer polls: the tests drive every poll themselves.
    config: { incidentChannel: CHANNEL, monitorIntervalSeconds: 3_600, notifyWarnings: false, ...config },
  });
  monitor.start();
  running.push(monitor);
  return { monitor, store };
}

/** Stops a monitor the way the bot does (stop, then the store is flushed), ready for a new one on the same file. */
async function stopMonitor(monitor: IncidentMonitor, store: StateStore): Promise<void> {
  await monitor.stop();
  store.flush();
  running = running.filter((m) => m !== monitor);
}

/** A Failed session that ended at `end` (epoch ms, default now) after running `durationMs`. */
function failure(jobId: string, message: string, end = Date.now(), durationMs = 10 * MINUTE) {
  return sim.addSession({
    jobId,
    state: 'Stopped',
    result: 'Failed',
    failureMessage: message,
    creationTime: end - durationMs,
    endTime: end,
  });
}

function success(jobId: string) {
  const end = Date.now();
  return sim.addSession({
    jobId,
    state: 'Stopped',
    result: 'Success',
    creationTime: end - 5 * MINUTE,
    endTime: end,
  });
}

function posts(): FakeMessage[] {
  return slack.topLevel(CHANNEL);
}

function queryRequests(): number {
  return sim.stats.byRoute['GET /query'] ?? 0;
}

describe('first start', () => {
  it('takes a baseline: failures that ended before it are never announced, later ones are', async () => {
    failure(SIM_JOB_IDS.linuxWeb, 'Old failure from before the bot existed', Date.now() - 5 * MINUTE);
    const { monitor, store } = startMonitor();
    expect(store.read('monitor')).toBeDefined();

    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);

    failure(SIM_JOB_IDS.linuxWeb, 'New failure');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('New failure');
    expect(messageText(posts()[0])).not.toContain('Old failure');
  });
});

describe('failed and warning sessions', () => {
  it('posts a failure with job, EM reason, times, the mention and Retry / Job details / Disable buttons', async () => {
    const { monitor } = startMonitor({ incidentMention: 'SONCALL1' });
    failure(
      SIM_JOB_IDS.linuxWeb,
      'Error: Agent failed to process method {Backup.Disk}: The network path was not found.',
    );
    const before = queryRequests();
    await monitor.pollOnce();

    expect(queryRequests() - before).toBe(1);
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
    const { monitor } = startMonitor({ incidentMention: 'UONCALL1' });
    failure(SIM_JOB_IDS.serverBackup, 'Disk full');
    await monitor.pollOnce();
    expect(posts()[0]?.text).toContain('<@UONCALL1>');
  });

  it('posts VM job failures without the agent-job buttons', async () => {
    const { monitor } = startMonitor();
    failure(SIM_JOB_IDS.vmFileserver, 'Failed to create VM snapshot');
    await monitor.pollOnce();
    const post = posts()[0] as FakeMessage;
    expect(messageText(post)).toContain('Fileserver Backup');
    expect(messageText(post)).toContain('Failed to create VM snapshot');
    expect(findButton(post, ACTION_IDS.jobRetry)).toBeUndefined();
    expect(findButton(post, ACTION_IDS.jobDisable)).toBeUndefined();
  });

  it('ignores warnings unless VEEAM_NOTIFY_WARNINGS is on', async () => {
    const { monitor } = startMonitor({ notifyWarnings: false, incidentMention: 'UONCALL1' });
    const end = Date.now();
    sim.addSession({
      jobId: SIM_JOB_IDS.linuxDb,
      state: 'Stopped',
      result: 'Warning',
      failureMessage: 'Low free space on the repository',
      creationTime: end - MINUTE,
      endTime: end,
    });
    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);
  });

  it('posts warnings, without the mention, when VEEAM_NOTIFY_WARNINGS is on', async () => {
    const { monitor } = startMonitor({ notifyWarnings: true, incidentMention: 'UONCALL1' });
    const end = Date.now();
    sim.addSession({
      jobId: SIM_JOB_IDS.linuxDb,
      state: 'Stopped',
      result: 'Warning',
      failureMessage: 'Low free space on the repository',
      creationTime: end - MINUTE,
      endTime: end,
    });
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('Low free space on the repository');
    expect(messageText(posts()[0])).toContain('warnings');
    expect(posts()[0]?.text).not.toContain('<@UONCALL1>');
  });

  it('reports an agent job once: the parent session, not its per-machine children', async () => {
    const { monitor } = startMonitor();
    const parent = failure(SIM_JOB_IDS.linuxWeb, 'Two machines failed');
    const children = sim
      .listSessions()
      .filter(
        (s) => s.jobType === 'AgentManagement' && s.jobId === SIM_JOB_IDS.linuxWeb && s.result === 'Failed',
      );
    expect(children.length).toBeGreaterThan(0);

    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(parent.jobType).toBe('AgentBackup');
  });
});

describe('one incident per job', () => {
  it('threads repeated failures with a count, and the first success resolves the incident', async () => {
    const { monitor } = startMonitor({ incidentMention: 'UONCALL1' });
    failure(SIM_JOB_IDS.serverBackup, 'First: network path not found');
    await monitor.pollOnce();
    // Two more failures arrive within one poll: both go to the thread, in the order they ended.
    const t = Date.now();
    failure(SIM_JOB_IDS.serverBackup, 'Third: VSS error', t + 2);
    failure(SIM_JOB_IDS.serverBackup, 'Second: disk full', t + 1);
    await monitor.pollOnce();

    expect(posts()).toHaveLength(1);
    const top = posts()[0] as FakeMessage;
    const thread = slack.thread(CHANNEL, top.ts);
    expect(thread.map((m) => messageText(m))).toEqual([
      expect.stringContaining('Second: disk full'),
      expect.stringContaining('Third: VSS error'),
    ]);
    expect(messageText(top)).toContain('failed 3 times since');
    expect(messageText(top)).toContain('Third: VSS error');
    expect(findButton(top, ACTION_IDS.jobRetry)).toBeDefined();

    // A real run through EM: start the job, the simulator ends it with Success.
    sim.setNextRunOutcome(SIM_JOB_IDS.serverBackup, { result: 'Success' });
    await em.startJob(SIM_JOB_IDS.serverBackup);
    await waitFor(
      () =>
        sim
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
    const replies = slack.thread(CHANNEL, top.ts);
    expect(replies).toHaveLength(3);
    expect(messageText(replies[2])).toMatch(/succeeded/);
    expect(messageText(top)).toContain('Resolved');
    expect(findButton(top, ACTION_IDS.jobRetry)).toBeUndefined();
    expect(findButton(top, ACTION_IDS.jobDisable)).toBeUndefined();

    // After resolution, a new failure opens a new incident.
    failure(SIM_JOB_IDS.serverBackup, 'Fourth: it broke again');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(2);
  });

  it('a success of a job without an open incident posts nothing', async () => {
    const { monitor } = startMonitor();
    success(SIM_JOB_IDS.linuxWeb);
    await monitor.pollOnce();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('keeps separate incidents for separate jobs', async () => {
    const { monitor } = startMonitor();
    failure(SIM_JOB_IDS.linuxWeb, 'web broke');
    failure(SIM_JOB_IDS.serverBackup, 'server broke');
    await monitor.pollOnce();
    success(SIM_JOB_IDS.linuxWeb);
    await monitor.pollOnce();
    const web = posts().find((m) => m.text.includes('Linux Web Servers')) as FakeMessage;
    const server = posts().find((m) => m.text.includes('Server Backup')) as FakeMessage;
    expect(messageText(web)).toContain('Resolved');
    expect(findButton(server, ACTION_IDS.jobRetry)).toBeDefined();
  });
});

describe('long-running sessions', () => {
  it('posts once per session, with Stop session for VM jobs and Stop job for agent jobs', async () => {
    const { monitor } = startMonitor({ longRunningMinutes: 30 });
    const now = Date.now();
    const vm = sim.addSession({
      jobId: SIM_JOB_IDS.vmFileserver,
      state: 'Working',
      creationTime: now - 45 * MINUTE,
    });
    sim.addSession({ jobId: SIM_JOB_IDS.linuxWeb, state: 'Working', creationTime: now - 90 * MINUTE });
    sim.addSession({ jobId: SIM_JOB_IDS.serverBackup, state: 'Working', creationTime: now - 5 * MINUTE });

    const before = queryRequests();
    await monitor.pollOnce();
    expect(queryRequests() - before).toBe(2);
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
    sim.finishSession(vm.id, { result: 'Success' });
    await monitor.pollOnce();
    expect(findButton(vmPost, ACTION_IDS.sessionStop)).toBeUndefined();
    expect(messageText(vmPost)).toContain('has ended: Success');
    expect(posts()).toHaveLength(2);
  });

  it('is off when VEEAM_LONG_RUNNING_MINUTES is unset (one query per poll)', async () => {
    const { monitor } = startMonitor();
    sim.addSession({
      jobId: SIM_JOB_IDS.linuxWeb,
      state: 'Working',
      creationTime: Date.now() - 10 * 60 * MINUTE,
    });
    const before = queryRequests();
    await monitor.pollOnce();
    expect(queryRequests() - before).toBe(1);
    expect(posts()).toHaveLength(0);
  });
});

describe('across restarts', () => {
  it('announces nothing twice and keeps threading into the open incident', async () => {
    const first = startMonitor({ longRunningMinutes: 30 });
    failure(SIM_JOB_IDS.linuxWeb, 'Before the restart');
    sim.addSession({ jobId: SIM_JOB_IDS.linuxDb, state: 'Working', creationTime: Date.now() - 60 * MINUTE });
    await first.monitor.pollOnce();
    expect(posts()).toHaveLength(2);
    await stopMonitor(first.monitor, first.store);

    const second = startMonitor({ longRunningMinutes: 30 });
    await second.monitor.pollOnce();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);

    failure(SIM_JOB_IDS.linuxWeb, 'After the restart');
    await second.monitor.pollOnce();
    expect(posts()).toHaveLength(2);
    const incident = posts().find((m) => m.text.includes('Linux Web Servers')) as FakeMessage;
    expect(slack.thread(CHANNEL, incident.ts).map((m) => messageText(m))).toEqual([
      expect.stringContaining('After the restart'),
    ]);
    expect(messageText(incident)).toContain('failed 2 times');
  });
});

describe('Slack trouble', () => {
  it('waits out a 429 and posts once', async () => {
    const { monitor } = startMonitor();
    slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    failure(SIM_JOB_IDS.linuxWeb, 'rate limited but delivered');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
  });

  it('tries a post Slack refused again on the next poll, still only once', async () => {
    const { monitor } = startMonitor();
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    failure(SIM_JOB_IDS.linuxWeb, 'refused the first time');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);
    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('refused the first time');
  });

  it('holds back a later run of a job whose refused failure waits, so the success still resolves it', async () => {
    const { monitor } = startMonitor();
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    const t = Date.now();
    failure(SIM_JOB_IDS.linuxWeb, 'refused, then fixed', t);
    sim.addSession({
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
    expect(slack.thread(CHANNEL, (posts()[0] as FakeMessage).ts)).toHaveLength(1);
  });
});

describe('EM outages', () => {
  it('posts once after three failed polls, once when EM is back, and then reports what ended meanwhile', async () => {
    const { monitor } = startMonitor();
    await monitor.pollOnce();
    sim.knobs.forceStatus = { status: 503, count: 1_000, message: 'Service is in maintenance mode.' };
    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('Service is in maintenance mode.');
    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(posts()).toHaveLength(1);

    failure(SIM_JOB_IDS.linuxWeb, 'Failed during the outage');
    sim.knobs.forceStatus = undefined;
    await monitor.pollOnce();
    expect(posts()).toHaveLength(3);
    expect(messageText(posts()[1])).toContain('answers again');
    expect(messageText(posts()[2])).toContain('Failed during the outage');
    await monitor.pollOnce();
    expect(posts()).toHaveLength(3);
  });

  it('says EM is unreachable when connections fail, and never throws out of the poll', async () => {
    const { monitor } = startMonitor();
    sim.knobs.dropConnections = 1_000;
    for (let i = 0; i < 4; i += 1) await expect(monitor.pollOnce()).resolves.toBeUndefined();
    expect(posts()).toHaveLength(1);
    expect(messageText(posts()[0])).toContain('unreachable');
    sim.knobs.dropConnections = 0;
    await monitor.pollOnce();
    expect(posts()).toHaveLength(2);
  });

  it('stays quiet about a single failed poll', async () => {
    const { monitor } = startMonitor();
    sim.knobs.forceStatus = { status: 500, count: 1_000 };
    await monitor.pollOnce();
    sim.knobs.forceStatus = undefined;
    await monitor.pollOnce();
    await monitor.pollOnce();
    sim.knobs.forceStatus = { status: 500, count: 1_000 };
    await monitor.pollOnce();
    await monitor.pollOnce();
    expect(posts()).toHaveLength(0);
  });
});
