// What only the shared store has to show: the fence against an old leader, claims and decisions once across
// replicas, and Redis going away and coming back.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { ApprovalBook } from '../../src/ops/approvals.js';
import { openStateStore, redactRedisUrl } from '../../src/state/open-state-store.js';
import { KEY_PREFIX } from '../../src/state/redis-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { isStoreUnavailable } from '../../src/state/store-unavailable.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

describeWithRedis('the Redis state store', () => {
  let server: RedisServer;
  let admin: Redis;
  const opened: StateStore[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url());
    // The outage test stops the server under this connection too: it reconnects by itself.
    admin.on('error', () => {});
  });
  afterAll(async () => {
    for (const store of opened) await store.close();
    admin?.disconnect();
    await server?.stop();
  });
  beforeEach(async () => {
    await admin.flushall();
  });

  async function replica(instanceId = 'replica', logger = createMemoryLogger('debug')): Promise<StateStore> {
    const { store } = openStateStore(
      { state: { backend: { kind: 'redis', url: server.url() }, instanceId } },
      logger,
    );
    opened.push(store);
    await store.load();
    return store;
  }

  it('refuses the section writes of a leader whose fencing token is older than the current one', async () => {
    const old = await replica('old');
    const fenced: string[] = [];
    old.onFenced = () => fenced.push('old');
    old.setFence(await admin.incr(`${KEY_PREFIX}fence`));
    old.write('monitor', { version: 1, lastPollMs: 1 });
    expect(await old.flush()).toBe(true);
    // A new leader took the lease while the old one was paused.
    const leader = await replica('new');
    leader.setFence(await admin.incr(`${KEY_PREFIX}fence`));
    leader.write('monitor', { version: 1, lastPollMs: 2 });
    expect(await leader.flush()).toBe(true);
    old.write('monitor', { version: 1, lastPollMs: 99 });
    old.write('watches', { version: 1, watches: [] });
    expect(await old.flush()).toBe(false);
    expect(fenced).toEqual(['old']);
    const reader = await replica('reader');
    expect(reader.read('monitor')).toEqual({ version: 1, lastPollMs: 2 });
    expect(reader.read('watches')).toBeUndefined();
  });

  it('gives a claim to exactly one of two replicas asking at once', async () => {
    const [a, b] = await Promise.all([replica('a'), replica('b')]);
    for (let i = 0; i < 20; i++) {
      const won = await Promise.all([
        a.claim(`repeat:start:${i}`, 10_000),
        b.claim(`repeat:start:${i}`, 10_000),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
    }
  });

  it('decides an approval once when approvers click on two replicas at once', async () => {
    const clock = new ManualClock();
    const [a, b] = await Promise.all([replica('a'), replica('b')]);
    const bookA = new ApprovalBook(clock, 15, a);
    const bookB = new ApprovalBook(clock, 15, b);
    const request = {
      action: 'stop' as const,
      target: {
        kind: 'job' as const,
        jobId: 'a6deb158-b26c-4140-8b26-5a3cc344e8ec',
        jobName: 'Server Backup',
      },
      requestedBy: 'UOPER1',
      channel: 'COPS1',
    };
    for (let i = 0; i < 10; i++) {
      const approval = await bookA.create(request);
      const results = await Promise.all([
        bookA.decide(approval.id, 'UAPPR1', 'approve'),
        bookB.decide(approval.id, 'UAPPR2', 'deny'),
      ]);
      expect(results.map((r) => r.kind).sort()).toEqual(['already', 'decided']);
    }
    // Expiry is announced by whichever replica sweeps first, once.
    const late = await bookB.create(request);
    clock.advance(15 * 60_000);
    const swept = await Promise.all([bookA.expireDue(), bookB.expireDue()]);
    expect(swept.flat().map((a) => a.id)).toEqual([late.id]);
  });

  it('refuses writes while Redis is away, keeps reads, and works again once it is back', async () => {
    const store = await replica('outage');
    const changes: boolean[] = [];
    store.onAvailability((available) => changes.push(available));
    store.write('monitor', { version: 1, lastPollMs: 1 });
    expect(await store.flush()).toBe(true);
    await server.stop();
    await waitFor(() => !store.available(), { what: 'the store to notice Redis is gone' });
    const claim = await store.claim('repeat:x', 1_000).catch((error: unknown) => error);
    expect(isStoreUnavailable(claim)).toBe(true);
    expect(String((claim as Error).message)).toContain('unreachable');
    expect(store.read('monitor')).toEqual({ version: 1, lastPollMs: 1 });
    store.write('monitor', { version: 1, lastPollMs: 2 });
    expect(await store.flush()).toBe(false);
    await server.restart();
    await waitFor(() => store.available(), { what: 'the store to reconnect', timeoutMs: 10_000 });
    expect(changes).toEqual([false, true]);
    expect(await store.claim('repeat:x', 1_000)).toBe(true);
    // The section changed meanwhile is written by the next flush (the restarted test Redis is empty).
    expect(await store.flush()).toBe(true);
    expect(JSON.parse((await admin.get(`${KEY_PREFIX}section:monitor`)) ?? 'null')).toEqual({
      version: 1,
      lastPollMs: 2,
    });
  });

  it('starts without Redis, then reads the saved sections once it is back, never writing over them unread', async () => {
    const saved = await replica('before');
    saved.write('monitor', { version: 1, lastPollMs: 7 });
    expect(await saved.flush()).toBe(true);
    // Redis "away" for this replica only, the data staying: its user is refused until the admin lets it in.
    await admin.call('ACL', 'SETUSER', 'late', 'off', '>pw', '~*', '&*', '+@all');
    const logger = createMemoryLogger('debug');
    const url = server.url().replace('redis://', 'redis://late:pw@');
    const { store } = openStateStore(
      { state: { backend: { kind: 'redis', url }, instanceId: 'late' } },
      logger,
      {
        connectWaitMs: 50,
      },
    );
    opened.push(store);
    await store.load();
    expect(store.read('monitor')).toBeUndefined();
    store.write('watches', { version: 1, watches: [] });
    expect(await store.flush()).toBe(false);
    await admin.call('ACL', 'SETUSER', 'late', 'on');
    await waitFor(() => store.read('monitor'), { what: 'the saved section to be read', timeoutMs: 10_000 });
    expect(store.read('monitor')).toEqual({ version: 1, lastPollMs: 7 });
    expect(store.read('watches')).toEqual({ version: 1, watches: [] });
    // What was written while away is saved once the sections are read.
    await waitFor(() => admin.get(`${KEY_PREFIX}section:watches`), { what: 'the pending write to land' });
  });

  it('never names the password of the Redis URL in a log line or a config error', async () => {
    const logger = createMemoryLogger('debug');
    const url = server.url().replace('redis://', 'redis://bot:s3cret-pw@');
    const { store } = openStateStore(
      { state: { backend: { kind: 'redis', url }, instanceId: 'pw' } },
      logger,
    );
    opened.push(store);
    // The test Redis has no user "bot": its refusal is logged, without the password.
    await waitFor(() => logger.lines.some((l) => l.msg === 'Redis connection error'), {
      what: 'the refusal',
    });
    expect(redactRedisUrl(url)).not.toContain('s3cret');
    expect(JSON.stringify(logger.lines)).not.toContain('s3cret-pw');
    const bad = (() => {
      try {
        loadConfig({ ...minimalEnv(), VEEAM_STATE_URL: 'http://bot:s3cret-pw@host/0' });
      } catch (error) {
        return String(error);
      }
      return 'no error';
    })();
    expect(bad).toContain('VEEAM_STATE_URL');
    expect(bad).not.toContain('s3cret');
  });
});

function minimalEnv(): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'secret',
    VEEAM_EM_URL: 'https://em.example:9398/api',
    VEEAM_EM_USERNAME: 'u',
    VEEAM_EM_PASSWORD: 'p',
  };
}
