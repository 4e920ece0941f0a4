// The store shared by several replicas: sections as Redis strings written behind and fenced by the leader's token,
// claims as SET NX PX keys, approvals in a hash changed by compare-and-set, the watch hand-off as a list.

import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { defineScripts, type StoreScripts } from './redis-scripts.js';
import { SECTION_KEYS, type StateSections } from './state-document.js';
import type { StateStore } from './state-store.js';
import { StoreUnavailable } from './store-unavailable.js';
import { WriteBehind } from './write-behind.js';

type SectionKey = keyof StateSections;

/** Every key of ours starts with this, so one Redis (one db) can be shared with other tools. */
export const KEY_PREFIX = 'veeam-chatops:';

/** How long load() waits for a first connection before starting with what it has. */
const CONNECT_WAIT_MS = 5_000;

interface RedisStoreOptions {
  flushDelayMs?: number;
  /** When true, close() also quits the connection (openStateStore's store owns it). */
  ownsConnection?: boolean;
  /** How long load() waits for a first connection (default 5 s). */
  connectWaitMs?: number;
}

export class RedisStateStore implements StateStore {
  readonly kind = 'redis';
  private readonly sections: Partial<Record<SectionKey, unknown>> = {};
  private readonly dirty = new Set<SectionKey>();
  /** Sections not read yet because Redis was away at load(): read when it is back, never blindly overwritten. */
  private unread = new Set<SectionKey>();
  private fence: number | undefined;
  private flushing: Promise<boolean> = Promise.resolve(true);
  private readonly writeBehind: WriteBehind;
  private readonly scripts: StoreScripts;
  private readonly listeners: ((available: boolean) => void)[] = [];
  private lastAvailable: boolean;
  /** One log line per outage (or refused logon), not one per reconnect attempt. */
  private errorLogged = false;
  /** One log line per run of failed section writes, not one per retry. */
  private writeFailing = false;
  onWrite?: (ok: boolean) => void;
  onFenced?: () => void;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly options: RedisStoreOptions = {},
  ) {
    this.scripts = defineScripts(redis);
    this.writeBehind = new WriteBehind(options.flushDelayMs ?? 200, () => void this.flush());
    this.lastAvailable = redis.status === 'ready';
    redis.on('ready', () => this.availabilityChanged(true));
    redis.on('close', () => this.availabilityChanged(false));
    // ioredis reports each failed reconnect as an 'error' event; without a listener it would crash the process.
    redis.on('error', (error: Error) => {
      if (this.errorLogged) return;
      this.errorLogged = true;
      this.logger.warn('Redis connection error', { error: error.message });
    });
  }

  private key(name: string): string {
    return `${KEY_PREFIX}${name}`;
  }

  private availabilityChanged(available: boolean): void {
    if (available === this.lastAvailable) return;
    this.lastAvailable = available;
    this.errorLogged = false;
    if (available) this.logger.info('Redis is reachable again');
    else this.logger.error('lost the connection to Redis; writes are refused until it is back');
    if (available && this.unread.size > 0) void this.readSections([...this.unread]);
    // What could not be written while Redis was away goes now.
    if (available && this.dirty.size > 0) this.writeBehind.schedule();
    for (const listener of this.listeners) listener(available);
  }

  async load(): Promise<void> {
    for (const key of SECTION_KEYS) delete this.sections[key];
    this.dirty.clear();
    this.unread = new Set(SECTION_KEYS);
    if (!(await this.connected())) {
      this.logger.error('Redis not reachable at start; starting with no saved state until it is', {
        waitedMs: this.options.connectWaitMs ?? CONNECT_WAIT_MS,
      });
      return;
    }
    await this.readSections([...SECTION_KEYS]);
  }

  private async connected(): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), this.options.connectWaitMs ?? CONNECT_WAIT_MS);
      this.redis.on('ready', onReady);
    });
  }

  /** Reads sections from Redis; a section changed here meanwhile keeps our newer value. Never throws. */
  private async readSections(keys: SectionKey[]): Promise<void> {
    let values: (string | null)[];
    try {
      values = await this.redis.mget(keys.map((k) => this.key(`section:${k}`)));
    } catch (error) {
      this.logger.error('could not read the saved state from Redis', { error: (error as Error).message });
      return;
    }
    keys.forEach((key, i) => {
      this.unread.delete(key);
      if (this.dirty.has(key)) return;
      const text = values[i];
      if (text === null || text === undefined) return;
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          throw new Error('not an object');
        this.sections[key] = value;
      } catch (error) {
        this.logger.error('saved state section unusable; dropped it', {
          section: key,
          error: (error as Error).message,
        });
        this.write(key, undefined);
      }
    });
  }

  read<K extends SectionKey>(key: K): StateSections[K] {
    return this.sections[key] as StateSections[K];
  }

  write<K extends SectionKey>(key: K, value: StateSections[K]): void {
    this.sections[key] = value;
    this.dirty.add(key);
    this.writeBehind.schedule();
  }

  restore<K extends SectionKey, T>(key: K, restore: (saved: StateSections[K]) => T, fallback: T): T {
    try {
      return restore(this.read(key));
    } catch (err) {
      this.logger.error('saved state section unusable; dropped it', {
        section: key,
        error: (err as Error)?.message ?? String(err),
      });
      this.write(key, undefined);
      return fallback;
    }
  }

  /** One write at a time, in order: true once every section written before this call is in Redis. */
  flush(): Promise<boolean> {
    this.writeBehind.cancel();
    const next = this.flushing.then(() => this.writeDirty());
    this.flushing = next;
    return next;
  }

  private async writeDirty(): Promise<boolean> {
    // Not read yet (Redis away at start): writing now could replace state we never saw.
    const keys = [...this.dirty].filter((k) => !this.unread.has(k));
    if (keys.length < this.dirty.size) return this.failedWrite('sections not loaded from Redis yet');
    if (keys.length === 0) return true;
    // Serialised now: a change after this point is in the next write.
    const values = keys.map((k) => (this.sections[k] === undefined ? '' : JSON.stringify(this.sections[k])));
    this.dirty.clear();
    let written: number;
    try {
      written = await this.scripts.writeSections(
        [this.key('fence'), ...keys.map((k) => this.key(`section:${k}`))],
        [this.fence === undefined ? '' : String(this.fence), ...values],
      );
    } catch (error) {
      for (const key of keys) this.dirty.add(key);
      return this.failedWrite((error as Error).message);
    }
    if (written !== 1) {
      // A newer leader took over: our state is stale, and keeps out of the way of theirs.
      this.logger.warn('state write refused: a newer leader holds the fence', { token: this.fence });
      this.onWrite?.(false);
      this.onFenced?.();
      return false;
    }
    this.onWrite?.(true);
    if (this.writeFailing) this.logger.info('state saved to Redis again');
    this.writeFailing = false;
    return true;
  }

  private failedWrite(reason: string): boolean {
    this.onWrite?.(false);
    if (!this.writeFailing) {
      this.logger.error('could not save the state to Redis; will retry', { error: reason });
    }
    this.writeFailing = true;
    // While connected, retry soon; while away, the reconnection retries (availabilityChanged).
    if (this.available()) this.writeBehind.schedule();
    return false;
  }

  setFence(token: number | undefined): void {
    this.fence = token;
  }

  async claim(key: string, ttlMs: number, holder = '1'): Promise<boolean> {
    const answer = await this.run('claim', () =>
      this.redis.set(this.key(`claim:${key}`), holder, 'PX', Math.max(1, Math.round(ttlMs)), 'NX'),
    );
    return answer === 'OK';
  }

  async holder(key: string): Promise<string | undefined> {
    return (await this.run('read a claim', () => this.redis.get(this.key(`claim:${key}`)))) ?? undefined;
  }

  async release(key: string, holder?: string): Promise<void> {
    const claimKey = this.key(`claim:${key}`);
    await this.run('release a claim', () =>
      holder === undefined ? this.redis.del(claimKey) : this.scripts.releaseOwn(claimKey, holder),
    );
  }

  async getApproval(id: string): Promise<unknown | undefined> {
    const text = await this.run('read an approval', () => this.redis.hget(this.key('approvals'), id));
    return text === null ? undefined : parseOrUndefined(text);
  }

  async listApprovals(): Promise<unknown[]> {
    const texts = await this.run('list approvals', () => this.redis.hvals(this.key('approvals')));
    return texts.map(parseOrUndefined).filter((value) => value !== undefined);
  }

  async putApproval(id: string, value: unknown): Promise<void> {
    await this.run('save an approval', () =>
      this.redis.hset(this.key('approvals'), id, JSON.stringify(value)),
    );
  }

  async swapApproval(id: string, before: unknown, after: unknown): Promise<boolean> {
    const swapped = await this.run('decide an approval', () =>
      this.scripts.swapField(this.key('approvals'), id, JSON.stringify(before), JSON.stringify(after)),
    );
    return swapped === 1;
  }

  async deleteApproval(id: string): Promise<void> {
    await this.run('forget an approval', () => this.redis.hdel(this.key('approvals'), id));
  }

  async handOffWatch(record: unknown): Promise<void> {
    await this.run('hand off a watch', () => this.redis.rpush(this.key('handoff'), JSON.stringify(record)));
  }

  async takeHandedOffWatches(): Promise<unknown[]> {
    const texts = await this.run('take handed-off watches', () => this.scripts.takeAll(this.key('handoff')));
    return texts.map(parseOrUndefined).filter((value) => value !== undefined);
  }

  available(): boolean {
    return this.redis.status === 'ready';
  }

  onAvailability(listener: (available: boolean) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.available()) await this.flush();
    this.writeBehind.cancel();
    if (!this.options.ownsConnection) return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Any failure of a command is Redis being away (or going): the caller refuses what needed it. */
  private async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StoreUnavailable(operation, error);
    }
  }
}

/** A value someone else put under our keys (or a half-written one) is skipped, never the end of a sweep. */
function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
