// The test Redis itself: starts, answers, comes back after a restart.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';

describeWithRedis('a real redis-server for tests', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers PING and comes back after a restart', async () => {
    const client = new Redis(server.url(), { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    await client.set('k', 'v');
    await server.restart();
    // No persistence: a restarted test server starts empty.
    const fresh = new Redis(server.url(), { maxRetriesPerRequest: 1 });
    expect(await fresh.get('k')).toBeNull();
    fresh.disconnect();
    client.disconnect();
  });
});
