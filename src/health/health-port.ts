// HEALTH_PORT: where Socket Mode serves /healthz and /readyz (HTTP mode serves them on PORT, beside /slack/events).

import { ConfigError } from '../config.js';

export const DEFAULT_HEALTH_PORT = 3001;

/** 3001 unless set; 0 turns the health server off. A bad value is a ConfigError, like every other bad variable. */
export function readHealthPort(env: Record<string, string | undefined> = process.env): number {
  const raw = (env.HEALTH_PORT ?? '').trim();
  if (raw === '') return DEFAULT_HEALTH_PORT;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError([`HEALTH_PORT: expected a whole number from 0 (off) to 65535, got "${raw}"`]);
  }
  return Number(raw);
}
