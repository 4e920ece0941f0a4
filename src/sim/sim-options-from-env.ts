// Simulator knobs from the environment (SIM_HOST, SIM_PORT, SIM_LATENCY_MS, …) for `npm run sim`.

import { readFileSync } from 'node:fs';
import type { SimOptions } from './types.js';

function numberFrom(
  env: NodeJS.ProcessEnv,
  name: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number between ${min} and ${max}, got "${text}"`);
  }
  return value;
}

/** Env → SimOptions; every bad variable is named. */
export function simOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SimOptions {
  const errors: string[] = [];
  const read = (name: string, min?: number, max?: number): number | undefined => {
    try {
      return numberFrom(env, name, min, max);
    } catch (error) {
      errors.push((error as Error).message);
      return undefined;
    }
  };
  const options: SimOptions = {
    host: env.SIM_HOST || '127.0.0.1',
    port: read('SIM_PORT', 0, 65535) ?? 9398,
    latencyMs: read('SIM_LATENCY_MS'),
    taskDurationMs: read('SIM_TASK_DURATION_MS'),
    backupDurationMs: read('SIM_BACKUP_DURATION_MS'),
    failureRate: read('SIM_FAILURE_RATE', 0, 1),
    warningRate: read('SIM_WARNING_RATE', 0, 1),
    sessionIdleMs: read('SIM_SESSION_IDLE_MS'),
  };
  const certPath = env.SIM_TLS_CERT;
  const keyPath = env.SIM_TLS_KEY;
  if (Boolean(certPath) !== Boolean(keyPath))
    errors.push('SIM_TLS_CERT and SIM_TLS_KEY must be set together');
  else if (certPath && keyPath) {
    try {
      options.tls = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    } catch (error) {
      errors.push(`cannot read SIM_TLS_CERT / SIM_TLS_KEY: ${(error as Error).message}`);
    }
  }
  if (errors.length > 0) throw new Error(`Bad simulator settings:\n  ${errors.join('\n  ')}`);
  // Drop undefined knobs so the simulator's defaults apply.
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SimOptions;
}
