// Builds the store VEEAM_STATE_URL names: the JSON file (default) or Redis, whose connection the leader lease shares.

import { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import { FileStateStore } from './file-state-store.js';
import { RedisStateStore } from './redis-state-store.js';
import type { StateConfig } from './state-config.js';
import type { StateStore } from './state-store.js';

export interface OpenedStore {
  store: StateStore;
  /** The store's Redis connection (Redis only): the leader lease runs on it too. */
  redis?: Redis;
}

/** Reconnect forever (ioredis' own loop), at most every 2 s. */
function reconnectDelay(attempt: number): number {
  return Math.min(attempt * 200, 2_000);
}

export function openStateStore(
  config: { state: StateConfig },
  logger: Logger,
  options: { clock?: Clock; flushDelayMs?: number; connectWaitMs?: number } = {},
): OpenedStore {
  const log = logger.child({ component: 'state' });
  const { backend, instanceId } = config.state;
  if (backend.kind === 'file') {
    log.info('state kept in a file', { path: backend.path, instance: instanceId });
    return { store: new FileStateStore(backend.path, log, options) };
  }
  const redis = new Redis(backend.url, {
    // Fail fast instead of queueing: a command while Redis is away is refused at once, never run minutes later.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: reconnectDelay,
    connectionName: instanceId,
  });
  log.info('state kept in Redis', { redis: redactRedisUrl(backend.url), instance: instanceId });
  const store = new RedisStateStore(redis, log, { ...options, ownsConnection: true });
  return { store, redis };
}

/** The URL for a log line: scheme, host, port and db; never the user or password. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'an unparsable Redis URL';
  }
}
