// VEEAM_STATE_URL and VEEAM_INSTANCE_ID: which store keeps the bot's memory, and this replica's name.

import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Where the bot keeps its memory: one JSON file (one replica) or Redis (shared by several replicas). */
export type StateBackend =
  | { kind: 'file'; path: string }
  /** redis:// or rediss:// (TLS); may hold a password: never logged, see redactRedisUrl. */
  | { kind: 'redis'; url: string };

export interface StateConfig {
  backend: StateBackend;
  /** Names this replica in logs and in the leader lease (VEEAM_INSTANCE_ID; default hostname-pid). */
  instanceId: string;
}

export const DEFAULT_STATE_FILE = 'veeam-chatops.state.json';
const INSTANCE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** VEEAM_STATE_URL (file:///path, redis://, rediss://); VEEAM_STATE_FILE stays the file's alias. */
export function readStateConfig(
  optional: (name: string) => string | undefined,
  problems: string[],
): StateConfig {
  const instanceId = optional('VEEAM_INSTANCE_ID') ?? `${hostname()}-${process.pid}`;
  if (!INSTANCE_ID.test(instanceId)) {
    problems.push(
      'VEEAM_INSTANCE_ID: expected up to 100 letters, digits, dots, dashes, underscores or colons',
    );
  }
  const raw = optional('VEEAM_STATE_URL');
  const file = optional('VEEAM_STATE_FILE') ?? DEFAULT_STATE_FILE;
  if (raw === undefined) return { backend: { kind: 'file', path: file }, instanceId };
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url?.protocol === 'redis:' || url?.protocol === 'rediss:') {
    return { backend: { kind: 'redis', url: raw }, instanceId };
  }
  if (url?.protocol === 'file:' && url.pathname.length > 1 && url.host === '') {
    return { backend: { kind: 'file', path: fileURLToPath(url) }, instanceId };
  }
  // The value itself is not echoed: a Redis URL may carry a password.
  problems.push(
    'VEEAM_STATE_URL: expected file:///absolute/path, redis://[user:pass@]host:6379/0 or rediss://… (TLS)',
  );
  return { backend: { kind: 'file', path: file }, instanceId };
}
