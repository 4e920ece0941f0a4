// One leader at a time among the replicas sharing a Redis store: a lease key set with NX and an expiry, renewed well
// before it runs out, and a fencing token (INCR of the fence key) on every acquisition so the store can refuse the
// writes of a leader that was paused past its lease. SoloLeadership is the one-replica case (the state file).

import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';

/** Shared with the Redis store, which compares each section write's token with it. */
export const FENCE_KEY = 'veeam-chatops:fence';
export const DEFAULT_LEADER_TTL_MS = 15_000;

export interface LeadershipListener {
  /** This replica leads from now on; `token` is larger than any token handed out before. */
  gained(token: number): void;
  /** This replica no longer leads (lease taken, renewal failed or late, or stop()): stop leader work at once. */
  lost(reason: string): void;
}

export interface Leadership {
  readonly isLeader: boolean;
  /** The fencing token of the current term (undefined while not leading). */
  readonly token: number | undefined;
  subscribe(listener: LeadershipListener): void;
  start(): void;
  /** Stops trying; a leader releases its lease unless `release` is false (tests: a crashed holder). */
  stop(options?: { release?: boolean }): Promise<void>;
}

/** Always the leader: one replica on the state file has no one to share the work with. */
export class SoloLeadership implements Leadership {
  private readonly listeners: LeadershipListener[] = [];
  private leading = false;

  get isLeader(): boolean {
    return this.leading;
  }

  get token(): number | undefined {
    return this.leading ? 0 : undefined;
  }

  subscribe(listener: LeadershipListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (this.leading) return;
    this.leading = true;
    for (const l of this.listeners) l.gained(0);
  }

  async stop(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    for (const l of this.listeners) l.lost('stopped');
  }
}

// Acquire: SET NX PX, or the key already names us (a renewal answer was lost): either way a new term, a new token.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('INCR', KEYS[2]) end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return redis.call('INCR', KEYS[2])
end
return 0`;
// Renew and release only while the key still names us: a lease that expired and was taken is never touched.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface LeaderLeaseOptions {
  redis: Redis;
  /** Names this replica in the lease key's value and in logs. */
  instanceId: string;
  logger: Logger;
  ttlMs?: number;
  /** Key prefix of the lease: `<prefix>:leader`. */
  prefix?: string;
  /** Monotonic milliseconds (tests need no clock: they run on a real Redis with a short TTL). */
  now?: () => number;
}

export class RedisLeaderLease implements Leadership {
  private readonly listeners: LeadershipListener[] = [];
  private readonly redis: Redis;
  private readonly id: string;
  private readonly logger: Logger;
  private readonly ttlMs: number;
  private readonly key: string;
  private readonly now: () => number;
  private currentToken: number | undefined;
  /** When the lease we hold runs out at the latest, counted from before the command that set it was sent. */
  private expiresAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(options: LeaderLeaseOptions) {
    this.redis = options.redis;
    this.id = options.instanceId;
    this.logger = options.logger;
    this.ttlMs = options.ttlMs ?? DEFAULT_LEADER_TTL_MS;
    this.key = `${options.prefix ?? 'veeam-chatops'}:leader`;
    this.now = options.now ?? (() => performance.now());
  }

  get isLeader(): boolean {
    return this.currentToken !== undefined;
  }

  get token(): number | undefined {
    return this.currentToken;
  }

  /** Renewals and retries both run every TTL/3: a holder renews twice before a missed beat could cost it. */
  private get beatMs(): number {
    return Math.max(10, Math.floor(this.ttlMs / 3));
  }

  subscribe(listener: LeadershipListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.beat();
  }

  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    if (!this.isLeader) return;
    this.lose('stopped');
    if (options.release === false) return;
    // Released at once so the other replica need not wait out the TTL (a rolling restart).
    await this.bounded(this.redis.eval(RELEASE, 1, this.key, this.id)).catch((error: unknown) =>
      this.logger.warn('could not release the leader lease; it expires on its own', { error }),
    );
  }

  private beat(): void {
    if (!this.running) return;
    this.inFlight = (this.isLeader ? this.renew() : this.acquire()).finally(() => {
      if (!this.running) return;
      this.timer = setTimeout(() => this.beat(), this.beatMs);
      this.timer.unref();
    });
  }

  private async acquire(): Promise<void> {
    const sentAt = this.now();
    let token: number;
    try {
      token = Number(
        await this.bounded(this.redis.eval(ACQUIRE, 2, this.key, FENCE_KEY, this.id, this.ttlMs)),
      );
    } catch (error) {
      this.logger.debug('leader lease: could not ask Redis; trying again', { error });
      return;
    }
    if (token <= 0 || !this.running) return;
    this.expiresAt = sentAt + this.ttlMs;
    this.currentToken = token;
    this.logger.info('leading: watcher and incident monitor run here', { instanceId: this.id, token });
    for (const l of this.listeners) l.gained(token);
  }

  private async renew(): Promise<void> {
    const sentAt = this.now();
    if (sentAt >= this.expiresAt) {
      // The event loop stalled past the lease: another replica may lead already.
      this.lose('lease expired before it could be renewed');
      return;
    }
    let renewed: boolean;
    try {
      renewed = Number(await this.bounded(this.redis.eval(RENEW, 1, this.key, this.id, this.ttlMs))) === 1;
    } catch (error) {
      this.lose(`renewal failed: ${(error as Error).message}`);
      return;
    }
    if (!this.isLeader) return;
    if (!renewed) this.lose('lease found taken by another replica');
    else this.expiresAt = sentAt + this.ttlMs;
  }

  private lose(reason: string): void {
    if (!this.isLeader) return;
    this.currentToken = undefined;
    this.logger.warn('stopped leading', { instanceId: this.id, reason });
    for (const l of this.listeners) l.lost(reason);
  }

  /** A command that takes longer than a beat counts as failed: waiting longer could outlive the lease. */
  private bounded<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${this.beatMs} ms`)),
        this.beatMs,
      );
    });
    return Promise.race([command, late]).finally(() => clearTimeout(timer));
  }
}
