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

export /** The knob-valued options that were given (undefined ones keep the defaults). */
function definedKnobs(options: Partial<SimKnobs> & Record<string, unknown>): Partial<SimKnobs> {
  const keys: (keyof SimKnobs)[] = [
    'latencyMs',
    'taskDurationMs',
    'taskDurationJitterMs',
    'backupDurationMs',
    'failureRate',
    'warningRate',
    'sessionIdleMs',
    'forceStatus',
    'malformedBodies',
    'dropConnections',
    'failQueryPage',
    'failureMessageOnSessions',
  ];
  const out: Record<string, unknown> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out as Partial<SimKnobs>;
}
