// Shared pieces for the EM client tests: a config for a simulator, a header-recording pool, fault resets.

import { createServer } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import type { EmConfig } from '../../src/config.js';
import type { EmSimulator } from '../../src/sim/simulator.js';

export const TEST_PASSWORD = 'Pa55-w0rd!not-in-logs';
export const TEST_USER = 'chatops-test';

export function emConfig(url: string, overrides: Partial<EmConfig> = {}): EmConfig {
  return {
    url,
    username: TEST_USER,
    password: TEST_PASSWORD,
    insecureTls: false,
    timeoutMs: 5_000,
    ...overrides,
  };
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
}

/**
 * A keep-alive pool (short idle timeouts so vitest can exit) that records what goes on the wire: the one honest
 * place to check Accept, the token header and the absence of cookies without patching our own modules.
 */
export function recordingPool(): { dispatcher: Dispatcher; seen: SeenRequest[]; close(): Promise<void> } {
  const agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
  const seen: SeenRequest[] = [];
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    seen.push({ method: opts.method, path: opts.path, headers: normaliseHeaders(opts.headers) });
    return dispatch(opts, handler);
  });
  return { dispatcher, seen, close: () => agent.close() };
}

function normaliseHeaders(headers: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2)
      out[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
  } else if (headers && typeof headers === 'object') {
    for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
      if (value !== undefined)
        out[key.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
    }
  }
  return out;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A port nothing listens on (bound, read, released): for "EM unreachable". */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Puts back every fault knob a test may have armed, so the next test starts from a healthy EM. */
export function clearFaults(sim: EmSimulator): void {
  sim.knobs.latencyMs = 0;
  sim.knobs.forceStatus = undefined;
  sim.knobs.malformedBodies = 0;
  sim.knobs.dropConnections = 0;
}
