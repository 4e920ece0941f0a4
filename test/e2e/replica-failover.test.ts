// Two bot processes (the real service, src/main.ts) on one real redis-server, the simulator and the fake Slack in
// this process: the leader killed with SIGKILL in the middle of a watch and of a monitor poll, a double click that
// lands on both replicas, an approval asked on one and decided on the other, Redis going away and coming back, and
// a rolling restart. Nothing lost, nothing doubled.

import { request } from 'undici';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { interactionBody, signSlackRequest } from '../../src/slack-standin/signed-request.js';
import { findButton, messageText } from '../../src/slack-standin/slack-user.js';
import { assertNoSecretLogged, processSecrets } from '../support/log-secrets.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';
import { isLeadingLine, REPLICA_SECRET, type Replica, replicaEnv, startReplica } from '../support/replica.js';
import { waitFor } from '../support/wait-for.js';

const TTL_MS = 1_500;
const POLL_MS = 100;
/** Startup of a tsx process on a busy 2-core machine, beyond the lease's own TTL + one beat. */
const SLACK_MS = 1_500;
const OPS = 'COPS1';
const INCIDENTS = 'CINCID1';

let redis: RedisServer;
let sim: EmSimulator;
let slack: FakeSlackApi;
let replicas: Replica[] = [];
/** Every process started, killed ones too: all their log lines are searched for secrets at the end. */
const everyReplica: Replica[] = [];

function isLeading(r: Replica): boolean {
  const turns = r.lines().filter((l) => isLeadingLine(l) || l.msg === 'stopped leading');
  return turns.length > 0 && isLeadingLine(turns[turns.length - 1] as Record<string, unknown>);
}

async function leader(): Promise<{ leader: Replica; other: Replica }> {
  const found = await waitFor(() => replicas.find(isLeading), {
    what: 'a leader',
    timeoutMs: 3 * TTL_MS + 5_000,
  });
  return { leader: found, other: replicas.find((r) => r !== found) as Replica };
}

async function start(id: string): Promise<Replica> {
  const replica = await startReplica({ id, redisUrl: redis.url(), emUrl: sim.url, slack });
  replicas.push(replica);
  everyReplica.push(replica);
  return replica;
}

/** Replaces a replica that was killed or stopped by a new process with the same instance ID. */
async function restart(old: Replica): Promise<Replica> {
  replicas = replicas.filter((r) => r !== old);
  return start(old.id);
}

/** The watcher is idle on `r`: nothing watched, no post waiting (read from its /metrics). */
async function watcherIdle(r: Replica): Promise<boolean> {
  const res = await request(`http://127.0.0.1:${r.port}/metrics`);
  const text = await res.body.text();
  return /veeam_chatops_watches_pending 0\b/.test(text) && /veeam_chatops_watch_posts_pending 0\b/.test(text);
}

function postsTo(fragment: string): number {
  return Object.entries(sim.stats.byRoute)
    .filter(([route]) => route.startsWith('POST ') && route.includes(fragment))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** The running parent of an action on `jobName`, posted after `since` top-level messages. */
function runningParent(since: number, jobName: string) {
  return waitFor(
    () =>
      slack
        .topLevel(OPS)
        .slice(since)
        .find((m) => messageText(m).includes(jobName) && /EM task task-\d+/.test(messageText(m))),
    { what: `the running parent for ${jobName}` },
  );
}

/** Thread replies that report a result (not the "running" notes). */
function resultReplies(parentTs: string): string[] {
  return slack
    .thread(OPS, parentTs)
    .map((m) => messageText(m))
    .filter((t) => /finished|Success|Failed|Warning|succeeded|failed/i.test(t));
}

describeWithRedis('two replicas on one Redis', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    sim = await startEmSimulator({ taskDurationMs: 600, backupDurationMs: 3_000 });
    slack = new FakeSlackApi();
    await slack.listen();
    await Promise.all([start('replica-a'), start('replica-b')]);
  }, 60_000);
  afterEach(async () => {
    // Each test leaves two live replicas behind for the next.
    const dead = replicas.filter((r) => r.child.exitCode !== null || r.child.signalCode !== null);
    for (const r of dead) await restart(r);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await slack?.close();
    await sim?.close();
    await redis?.stop();
    const env = replicaEnv({ id: 'any', redisUrl: redis.url(), emUrl: sim.url, slack });
    for (const r of everyReplica) assertNoSecretLogged(r.lines(), processSecrets(env, sim));
  }, 30_000);

  it('posts the result of a watch exactly once when the leader is killed in the middle of it', async () => {
    const { leader: first, other } = await leader();
    const since = slack.topLevel(OPS).length;
    // Asked on the replica that does not lead: the watch is handed to the leader through the store.
    expect((await other.user.command('start Server Backup', 'UOPER1', OPS)).status).toBe(200);
    const parent = await runningParent(since, 'Server Backup');
    await first.waitForLog((l) => l.msg === 'watching EM task', { what: 'the leader watching the task' });
    const killedAt = Date.now();
    await first.kill();
    await other.waitForLog(isLeadingLine, { what: 'the other replica leading', timeoutMs: TTL_MS * 4 });
    expect(Date.now() - killedAt).toBeLessThan(TTL_MS + POLL_MS + TTL_MS / 3 + SLACK_MS);
    await waitFor(() => resultReplies(parent.ts).length > 0, { what: 'the result reply', timeoutMs: 20_000 });
    await waitFor(() => watcherIdle(other), {
      what: 'the new leader to finish the watch',
      timeoutMs: 20_000,
    });
    expect(resultReplies(parent.ts)).toHaveLength(1);
  }, 60_000);

  it('announces every failure that ended meanwhile exactly once when the leader is killed in a monitor poll', async () => {
    const { leader: first, other } = await leader();
    await first.waitForLog((l) => l.msg === 'incident monitor started', { what: 'the monitor running' });
    const jobs = [SIM_JOB_IDS.linuxWeb, SIM_JOB_IDS.vmFileserver, SIM_JOB_IDS.hvExchange];
    const now = Date.now();
    for (const jobId of jobs) {
      sim.addSession({ jobId, state: 'Stopped', result: 'Failed', creationTime: now - 60_000, endTime: now });
    }
    // Killed as soon as its next query reaches EM: the poll is under way.
    const queries = sim.stats.requests;
    await waitFor(() => sim.stats.requests > queries, { what: 'the leader polling EM' });
    await first.kill();
    const later = Date.now();
    sim.addSession({
      jobId: SIM_JOB_IDS.serverBackupSql,
      state: 'Stopped',
      result: 'Failed',
      creationTime: later - 30_000,
      endTime: later,
    });
    const from = other.lines().length;
    await other.waitForLog(isLeadingLine, { what: 'the other replica leading', timeoutMs: TTL_MS * 4 });
    const names = ['Linux Web Servers', 'Fileserver Backup', 'Exchange Backup', 'Server Backup SQL'];
    const posted = (name: string) => slack.topLevel(INCIDENTS).filter((m) => messageText(m).includes(name));
    await waitFor(() => names.every((n) => posted(n).length > 0), {
      what: 'every failure announced',
      timeoutMs: 20_000,
    });
    // Two whole polls by the new leader after the announcements: anything doubled would be posted by now.
    const polls = () =>
      other
        .lines()
        .slice(from)
        .filter((l) => l.msg === 'incident poll done').length;
    const seen = polls();
    await waitFor(() => polls() >= seen + 2, { what: 'two more polls', timeoutMs: 10_000 });
    for (const name of names) expect(posted(name)).toHaveLength(1);
  }, 60_000);

  it('starts a job once when the same click lands on both replicas', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const startsBefore = postsTo('agents/jobs');
    const since = slack.topLevel(OPS).length;
    const body = interactionBody({
      userId: 'UOPER1',
      channelId: OPS,
      responseUrl: slack.responseUrl(OPS),
      action: { actionId: ACTION_IDS.jobStart, value: SIM_JOB_IDS.linuxDb },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(REPLICA_SECRET, body, timestamp),
    };
    const send = (r: Replica) =>
      request(`http://127.0.0.1:${r.port}/slack/events`, { method: 'POST', headers, body }).then(
        (res) => res.statusCode,
      );
    expect(await Promise.all([send(a), send(b)])).toEqual([200, 200]);
    const parent = await runningParent(since, 'Linux DB Servers');
    await waitFor(() => postsTo('agents/jobs') > startsBefore, { what: 'the start in EM' });
    await waitFor(() => resultReplies(parent.ts).length > 0, { what: 'the result', timeoutMs: 20_000 });
    const { leader: now } = await leader();
    await waitFor(() => watcherIdle(now), { what: 'the watch to end', timeoutMs: 20_000 });
    expect(postsTo('agents/jobs')).toBe(startsBefore + 1);
    const parents = slack
      .topLevel(OPS)
      .slice(since)
      .filter((m) => messageText(m).includes('Linux DB Servers'));
    expect(parents).toHaveLength(1);
  }, 60_000);

  it('carries out an approval asked on one replica and decided on the other', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const since = slack.topLevel(OPS).length;
    const enabled = () => sim.listJobs().find((j) => j.id === SIM_JOB_IDS.serverBackupSql)?.scheduleEnabled;
    expect(enabled()).toBe(true);
    await a.user.command('disable Server Backup SQL', 'UOPER1', OPS);
    const ask = await waitFor(
      () =>
        slack
          .topLevel(OPS)
          .slice(since)
          .find((m) => findButton(m, ACTION_IDS.approve) !== undefined),
      { what: 'the approval request' },
    );
    const approve = findButton(ask, ACTION_IDS.approve) as NonNullable<ReturnType<typeof findButton>>;
    expect((await b.user.click(approve, 'UAPPR1', OPS, ask)).status).toBe(200);
    await waitFor(() => enabled() === false, { what: 'the approved disable in EM', timeoutMs: 15_000 });
  }, 60_000);

  it('tells the incident channel once that Redis is gone and once that it is back, and leads again', async () => {
    await leader();
    const since = slack.topLevel(INCIDENTS).length;
    const notices = (word: RegExp) =>
      slack
        .topLevel(INCIDENTS)
        .slice(since)
        .filter((m) => word.test(messageText(m)));
    await redis.restart();
    await waitFor(() => notices(/store \(Redis\) is unreachable/).length > 0, { what: 'the outage notice' });
    await waitFor(() => notices(/state store answers again/).length > 0, {
      what: 'the back notice',
      timeoutMs: 20_000,
    });
    await leader();
    expect(notices(/store \(Redis\) is unreachable/)).toHaveLength(1);
    expect(notices(/state store answers again/)).toHaveLength(1);
  }, 60_000);

  it('loses and doubles nothing across a rolling restart of both replicas', async () => {
    const since = slack.topLevel(OPS).length;
    const [a] = replicas as [Replica, Replica];
    await a.user.command('start Linux Web Servers', 'UOPER1', OPS);
    const parent = await runningParent(since, 'Linux Web Servers');
    // An approval asked before the restart is decided after it, on a process that did not exist when it was asked.
    await a.user.command('disable Exchange Backup', 'UOPER2', OPS);
    const ask = await waitFor(
      () =>
        slack
          .topLevel(OPS)
          .slice(since)
          .find((m) => findButton(m, ACTION_IDS.approve) !== undefined),
      { what: 'the approval request' },
    );
    for (const old of [...replicas]) {
      expect(await old.stop()).toBe(0);
      await restart(old);
    }
    const approve = findButton(ask, ACTION_IDS.approve) as NonNullable<ReturnType<typeof findButton>>;
    expect((await (replicas[1] as Replica).user.click(approve, 'UAPPR1', OPS, ask)).status).toBe(200);
    await waitFor(
      () => sim.listJobs().find((j) => j.id === SIM_JOB_IDS.hvExchange)?.scheduleEnabled === false,
      { what: 'the approval decided after the restart carried out', timeoutMs: 15_000 },
    );
    await waitFor(() => resultReplies(parent.ts).length > 0, { what: 'the result', timeoutMs: 20_000 });
    const { leader: now } = await leader();
    await waitFor(() => watcherIdle(now), { what: 'the watch to end', timeoutMs: 20_000 });
    expect(resultReplies(parent.ts)).toHaveLength(1);
  }, 90_000);
});
