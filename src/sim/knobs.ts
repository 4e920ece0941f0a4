// Knob defaults, and the knobs an options object sets (undefined ones keep the defaults).

import type { SimKnobs } from './types.js';

export const DEFAULT_KNOBS: SimKnobs = {
  latencyMs: 0,
  taskDurationMs: 1000,
  backupDurationMs: 5000,
  failureRate: 0,
  warningRate: 0,
  sessionIdleMs: 15 * 60 * 1000,
  malformedBodies: 0,
  dropConnections: 0,
};

const KNOB_KEYS: (keyof SimKnobs)[] = [
  'latencyMs',
  'taskDurationMs',
  'taskDurationJitterMs',
  'backupDurationMs',
  'retryDelayMs',
  'failureRate',
  'warningRate',
  'sessionIdleMs',
  'forceStatus',
  'malformedBodies',
  'dropConnections',
  'failQueryPage',
  'failureMessageOnSessions',
  'proxyPage',
  'trickleBody',
  'oversizedBody',
  'refuseAfterLogon',
];

/** The knobs among the options that were given (undefined ones keep the defaults). */
export function definedKnobs(options: Partial<SimKnobs>): Partial<SimKnobs> {
  const out: Record<string, unknown> = {};
  for (const key of KNOB_KEYS) if (options[key] !== undefined) out[key] = options[key];
  return out as Partial<SimKnobs>;
}
