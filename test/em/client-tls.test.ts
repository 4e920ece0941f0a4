// EmClient over HTTPS to the simulator with the test CA: untrusted by default, trusted with VEEAM_EM_CA_FILE's CA,
// and the loud insecure mode; the password and the session token never reach a log line.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmClient } from '../../src/em/client.js';
import { EmError } from '../../src/em/errors.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { emConfig, rejection, TEST_PASSWORD, TEST_USER } from './em-test-kit.js';

const tls = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8');

let sim: EmSimulator;
const logger = createMemoryLogger('debug');

beforeAll(async () => {
  sim = await startEmSimulator({
    username: TEST_USER,
    password: TEST_PASSWORD,
    tls: { key: tls('server.key'), cert: tls('server.pem') },
  });
});

afterAll(async () => {
  await sim.close();
});

/** The client owns its pool here (no dispatcher), since TLS settings live on that pool. */
async function withClient<T>(
  config: Parameters<typeof emConfig>[1],
  run: (em: EmClient) => Promise<T>,
): Promise<T> {
  const em = new EmClient({ config: emConfig(sim.url, config), logger });
  try {
    return await run(em);
  } finally {
    await em.close();
  }
}

describe('TLS', () => {
  it('serves HTTPS', () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api$/);
  });

  it('refuses an untrusted certificate with EmError unreachable that names VEEAM_EM_CA_FILE', async () => {
    const err = await withClient({}, (em) => rejection(em.getJob(SIM_JOB_IDS.serverBackup, 'agent')));
    expect(err).toBeInstanceOf(EmError);
    expect((err as EmError).kind).toBe('unreachable');
    expect((err as EmError).message).toContain('certificate');
    expect((err as EmError).message).toContain('VEEAM_EM_CA_FILE');
  });

  it('works with the CA in config.ca', async () => {
    const job = await withClient({ ca: tls('ca.pem') }, (em) => em.getJob(SIM_JOB_IDS.serverBackup, 'agent'));
    expect(job.name).toBe('Server Backup');
  });

  it('works with insecureTls and says so loudly, once, at construction', async () => {
    const from = logger.lines.length;
    const tasks = await withClient({ insecureTls: true }, (em) => em.listTasks());
    expect(tasks).toEqual([]);
    const warnings = logger.lines.slice(from).filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toContain('TLS verification is OFF');
    expect(String(warnings[0]?.msg)).toContain('VEEAM_EM_CA_FILE');
  });

  it('never logs the password, the Basic credentials or a session token', async () => {
    // Expiring the session makes the client log on twice: more chances to leak, none taken.
    await withClient({ ca: tls('ca.pem') }, async (em) => {
      await em.listTasks();
      sim.expireAllLogonSessions();
      await em.listTasks();
    });
    const text = JSON.stringify(logger.lines);
    expect(logger.lines.length).toBeGreaterThan(3);
    expect(text).not.toContain(TEST_PASSWORD);
    expect(text).not.toContain(Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString('base64'));
    expect(text).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
    expect(text).not.toMatch(/[A-Za-z0-9+/]{22}==/); // the simulator's token shape: base64 of 16 bytes
  });
});
