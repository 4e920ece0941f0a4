import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createMemoryLogger } from '../../src/log/logger.js';
import { openStateStore } from '../../src/state/open-state-store.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';
import { type ContractBackend, storeContract } from './store-contract.js';

describeWithRedis('the StateStore contract on Redis', () => {
  let server: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url());
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });
  beforeEach(async () => {
    await admin.flushall();
  });

  const backend: ContractBackend = {
    open: () =>
      openStateStore(
        { state: { backend: { kind: 'redis', url: server.url() }, instanceId: 'contract' } },
        createMemoryLogger('debug'),
      ).store,
    // Redis expires keys on its own clock.
    pass: (ms) => sleep(ms),
  };
  storeContract(() => backend);
});
