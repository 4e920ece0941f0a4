// The leader lease on a real redis-server: one holder at a time, a takeover within the TTL when the holder goes
// quiet, a stolen lease reported lost on the next renewal, and a fencing token that only grows.

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createMemoryLogger } from '../../src/log/logger.js';
import { FENCE_KEY, RedisLeaderLease, SoloLeadership } from '../../src/state/leader-lease.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

const TTL_MS = 600;

interface Watched {
  lease: RedisLeaderLease;
  events: { kind: 'gained' | 'lost'; token?: number; at: number; reason?: string }[];
}

describeWithRedis('the leader lease', () => {
  let server: RedisServer;
  let redis: Redis;
  const leases: RedisLeaderLease[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url(), { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.stop()));
    await redis.flushall();
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  function lease(instanceId: string): Watched {
    const client = new Redis(server.url(), { maxRetriesPerRequest: 1 });
    // A restarted server refuses connections for a moment: the lease reports it, the client need not.
    client.on('error', () => {});
    const l = new RedisLeaderLease({
      redis: client,
      instanceId,
      logger: createMemoryLogger(),
      ttlMs: TTL_MS,
    });
    const events: Watched['events'] = [];
    l.subscribe({
      gained: (token) => events.push({ kind: 'gained', token, at: Date.now() }),
      lost: (reason) => events.push({ kind: 'lost', at: Date.now(), reason }),
    });
    leases.push(l);
    const stop = l.stop.bind(l);
    l.stop = async (options) => {
      await stop(options);
      client.disconnect();
    };
    return { lease: l, events };
  }

  it('lets one of two leases win and keeps it while it renews', async () => {
    const a = lease('a');
    const b = lease('b');
    a.lease.start();
    b.lease.start();
    await waitFor(() => a.lease.isLeader || b.lease.isLeader, { what: 'a leader' });
    // Three TTLs later: still exactly one leader, and the same one (renewals kept it).
    const first = a.lease.isLeader ? a : b;
    await new Promise((resolve) => setTimeout(resolve, TTL_MS * 3));
    expect(first.lease.isLeader).toBe(true);
    expect([a, b].filter((x) => x.lease.isLeader)).toHaveLength(1);
    expect(first.events.map((e) => e.kind)).toEqual(['gained']);
    expect(await redis.get('veeam-chatops:leader')).toBe(first === a ? 'a' : 'b');
  });

  it('hands the lease to the other replica within the TTL once the holder stops renewing', async () => {
    const a = lease('a');
    a.lease.start();
    await waitFor(() => a.lease.isLeader, { what: 'a leading' });
    const b = lease('b');
    b.lease.start();
    // A crash: no renewal, no release.
    const crashedAt = Date.now();
    await a.lease.stop({ release: false });
    await waitFor(() => b.lease.isLeader, { what: 'b taking over', timeoutMs: TTL_MS * 3 });
    // Within the TTL plus one retry beat (TTL/3) and some scheduling slack.
    expect(Date.now() - crashedAt).toBeLessThan(TTL_MS + TTL_MS / 3 + 250);
  });

  it('takes over at once when the holder releases the lease on a clean stop', async () => {
    const a = lease('a');
    a.lease.start();
    await waitFor(() => a.lease.isLeader, { what: 'a leading' });
    const b = lease('b');
    b.lease.start();
    await a.lease.stop();
    expect(await redis.get('veeam-chatops:leader')).toBeNull();
    await waitFor(() => b.lease.isLeader, { what: 'b taking over', timeoutMs: TTL_MS });
  });

  it('reports lost on the renewal after the lease was taken by someone else', async () => {
    const a = lease('a');
    a.lease.start();
    await waitFor(() => a.lease.isLeader, { what: 'a leading' });
    await redis.set('veeam-chatops:leader', 'someone-else', 'PX', TTL_MS * 10);
    const lost = await waitFor(() => a.events.find((e) => e.kind === 'lost'), { what: 'a losing' });
    expect(lost.reason).toMatch(/taken/);
    expect(a.lease.isLeader).toBe(false);
    expect(await redis.get('veeam-chatops:leader')).toBe('someone-else');
  });

  it('stops leading when Redis stops answering, and leads again with a new token when it is back', async () => {
    const a = lease('a');
    a.lease.start();
    await waitFor(() => a.lease.isLeader, { what: 'a leading' });
    await server.restart();
    await waitFor(() => a.events.some((e) => e.kind === 'lost'), { what: 'a losing' });
    const regained = await waitFor(() => a.events.filter((e) => e.kind === 'gained')[1], {
      what: 'a leading again',
    });
    // The restarted test server kept nothing: the fence starts again, and the store starts empty with it.
    expect(regained.token).toBeGreaterThanOrEqual(1);
    expect(a.lease.isLeader).toBe(true);
  });

  it('hands out a larger fencing token on every acquisition', async () => {
    await redis.set(FENCE_KEY, '41');
    const tokens: number[] = [];
    for (const id of ['a', 'b', 'a']) {
      const x = lease(id);
      x.lease.start();
      await waitFor(() => x.lease.isLeader, { what: `${id} leading` });
      tokens.push(x.lease.token as number);
      await x.lease.stop();
    }
    expect(tokens).toEqual([42, 43, 44]);
    expect(await redis.get(FENCE_KEY)).toBe('44');
  });
});

it('SoloLeadership leads from start to stop with token 0', async () => {
  const solo = new SoloLeadership();
  const events: string[] = [];
  solo.subscribe({ gained: (t) => events.push(`gained ${t}`), lost: (r) => events.push(`lost ${r}`) });
  solo.start();
  expect(solo.isLeader).toBe(true);
  await solo.stop();
  expect(events).toEqual(['gained 0', 'lost stopped']);
});
