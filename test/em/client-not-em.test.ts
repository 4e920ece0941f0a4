// A page that is not EM's (a reverse proxy's or a single sign-on gateway's login page) answered with 200 must be a
// parse error, never "EM has no jobs": through the real EmClient against the simulator's proxyPage knob.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmClient } from '../../src/em/client.js';
import { describeEmError, EmError } from '../../src/em/errors.js';
import type { EmFormat } from '../../src/em/parse.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { clearFaults, emConfig, recordingPool, rejection, TEST_PASSWORD, TEST_USER } from './em-test-kit.js';

let sim: EmSimulator;
const logger = createMemoryLogger('debug');
const pool = recordingPool();
const clients: EmClient[] = [];

function client(format: EmFormat): EmClient {
  const em = new EmClient({ logger, dispatcher: pool.dispatcher, format, config: emConfig(sim.url) });
  clients.push(em);
  return em;
}

function expectNotEm(err: unknown): EmError {
  expect(err).toBeInstanceOf(EmError);
  const error = err as EmError;
  expect(error.kind).toBe('parse');
  expect(error.reason).toBe('not-em');
  expect(describeEmError(error)).toMatch(/not Enterprise Manager's answer/);
  return error;
}

beforeAll(async () => {
  sim = await startEmSimulator({ username: TEST_USER, password: TEST_PASSWORD });
});

afterEach(async () => {
  clearFaults(sim);
  sim.knobs.proxyPage = undefined;
  await Promise.all(clients.splice(0).map((em) => em.close()));
});

afterAll(async () => {
  await sim.close();
  await pool.close();
});

describe.each(['json', 'xml'] as const)('a login page with 200 instead of EM (%s)', (format) => {
  it('as text/html: listing jobs and Tasks is a parse error, not an empty list', async () => {
    const em = client(format);
    await em.logon();
    sim.knobs.proxyPage = { count: 1_000, path: /\/query\?/ };
    const jobs = expectNotEm(await rejection(em.listJobs()));
    expect(jobs.message).toContain('text/html');
    sim.knobs.proxyPage = { count: 1_000, path: /\/tasks$/ };
    expectNotEm(await rejection(em.listTasks()));
  });

  it('as well-formed XML with an XML content type: the root element is not an EM one', async () => {
    const em = client(format);
    await em.logon();
    sim.knobs.proxyPage = { count: 1_000, path: /\/tasks$/, contentType: 'application/xml' };
    const err = expectNotEm(await rejection(em.listTasks()));
    expect(err.message).toContain('<html>');
    sim.knobs.proxyPage = { count: 1_000, path: /\/query\?/, contentType: 'application/xhtml+xml' };
    expectNotEm(await rejection(em.querySessions({ endedSince: new Date(0) })));
  });

  it('as JSON without any of the keys EM puts there', async () => {
    const em = client(format);
    await em.logon();
    const body = '{"status":"login required","Entities2":[]}';
    sim.knobs.proxyPage = { count: 1_000, path: /\/(query\?|tasks$)/, contentType: 'application/json', body };
    expectNotEm(await rejection(em.listTasks()));
    expectNotEm(await rejection(em.listJobs()));
  });
});

it('a login page answering the logon itself is not taken for a logon without a token', async () => {
  const em = client('json');
  sim.knobs.proxyPage = { count: 1, path: /sessionMngr/ };
  const err = expectNotEm(await rejection(em.logon()));
  expect(err.message).toContain('text/html');
  await em.logon();
});

it('reads EM again once the proxy lets it through', async () => {
  const em = client('json');
  sim.knobs.proxyPage = { count: 3, path: /\/tasks$/ };
  expectNotEm(await rejection(em.listTasks()));
  sim.knobs.proxyPage = undefined;
  expect(await em.listTasks()).toEqual([]);
  expect((await em.listJobs()).length).toBeGreaterThan(0);
});
