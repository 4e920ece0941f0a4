// The Lua scripts the Redis store runs: each is one atomic step on the server, so two replicas cannot interleave.

import type { Redis } from 'ioredis';

/**
 * KEYS[1] the fence, KEYS[2..] sections; ARGV[1] the writer's token ('' unfenced), ARGV[2..] JSON ('' deletes).
 * A token older than the fence (a newer leader took the lease since) writes nothing and returns 0.
 */
const WRITE_SECTIONS = `
if ARGV[1] ~= '' then
  local fence = tonumber(redis.call('GET', KEYS[1]) or '0')
  if tonumber(ARGV[1]) < fence then return 0 end
end
for i = 2, #KEYS do
  if ARGV[i] == '' then redis.call('DEL', KEYS[i]) else redis.call('SET', KEYS[i], ARGV[i]) end
end
return 1`;

/** KEYS[1] a hash; ARGV: field, expected JSON, new JSON. Replaces the field only when it is still as expected. */
const SWAP_FIELD = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0`;

/** KEYS[1] a claim; ARGV[1] its holder. Deletes the claim only while that holder still holds it. */
const RELEASE_OWN = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** KEYS[1] a list. Everything in it, emptied in the same step, so two takers never get the same item. */
const TAKE_ALL = `
local items = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return items`;

export interface StoreScripts {
  writeSections(keys: string[], args: string[]): Promise<number>;
  swapField(key: string, field: string, before: string, after: string): Promise<number>;
  releaseOwn(key: string, holder: string): Promise<number>;
  takeAll(key: string): Promise<string[]>;
}

/** Registers the scripts on the connection (EVALSHA, falling back to EVAL once after a server restart). */
export function defineScripts(redis: Redis): StoreScripts {
  redis.defineCommand('veeamWriteSections', { lua: WRITE_SECTIONS });
  redis.defineCommand('veeamSwapField', { numberOfKeys: 1, lua: SWAP_FIELD });
  redis.defineCommand('veeamReleaseOwn', { numberOfKeys: 1, lua: RELEASE_OWN });
  redis.defineCommand('veeamTakeAll', { numberOfKeys: 1, lua: TAKE_ALL });
  const commands = redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  const call = <T>(name: string, ...args: (string | number)[]) => commands[name]?.(...args) as Promise<T>;
  return {
    writeSections: (keys, args) => call('veeamWriteSections', keys.length, ...keys, ...args),
    swapField: (key, field, before, after) => call('veeamSwapField', key, field, before, after),
    releaseOwn: (key, holder) => call('veeamReleaseOwn', key, holder),
    takeAll: (key) => call('veeamTakeAll', key),
  };
}
