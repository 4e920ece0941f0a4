// The simulator's misbehaviour knobs over real HTTP: a proxy's login page with 200, a trickling body, an oversized
// body (with and without Content-Length) and 401 after a good logon.

import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { agent, call, logon } from './sim-http.js';

let sim: EmSimulator;
let token: string;

beforeAll(async () => {
  sim = await startEmSimulator({ taskDurationMs: 50, backupDurationMs: 80, random: () => 0.5 });
  ({ token } = await logon(sim));
});

afterAll(async () => {
  await sim.close();
  await agent.close();
});

describe('EM simulator misbehaviour knobs', () => {
  it('proxyPage answers 200 with an XHTML login page as text/html, before authentication, then clears', async () => {
    sim.knobs.proxyPage = { count: 2, path: /\/tasks$/ };
    const page = await call(sim, '/tasks');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toMatch(/^<\?xml[^>]*>\s*<html /);
    expect(page.text).toContain('type="password"');
    expect((await call(sim, `/agents/jobs/${SIM_JOB_IDS.serverBackup}`, { token })).status).toBe(200);
    expect((await call(sim, '/tasks', { token })).status).toBe(200);
    const back = await call(sim, '/tasks', { token });
    expect(back.text).toContain('<Tasks');
    expect(sim.knobs.proxyPage).toBeUndefined();
  });

  it('proxyPage takes another content type and body', async () => {
    sim.knobs.proxyPage = { count: 1, contentType: 'application/json', body: '{"status":"login required"}' };
    const page = await call(sim, '/tasks', { token, accept: 'application/json' });
    expect(page.status).toBe(200);
    expect(page.json).toEqual({ status: 'login required' });
  });

  it('trickleBody sends the answer in small chunks with steady pauses; the body arrives whole', async () => {
    sim.knobs.trickleBody = { count: 1, path: /\/agents\/jobs\//, chunkBytes: 2000, intervalMs: 30 };
    const whole = await call(sim, `/agents/jobs/${SIM_JOB_IDS.serverBackup}?format=Entity`, { token });
    sim.knobs.trickleBody = { count: 1, path: /\/agents\/jobs\//, chunkBytes: 2000, intervalMs: 30 };
    const started = Date.now();
    const res = await request(`${sim.url}/agents/jobs/${SIM_JOB_IDS.serverBackup}?format=Entity`, {
      headers: { 'X-RestSvcSessionId': token },
      dispatcher: agent,
    });
    const chunks: number[] = [];
    for await (const chunk of res.body) chunks.push((chunk as Buffer).length);
    const chunkCount = Math.ceil(whole.raw.length / 2000);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(whole.raw.length);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual((chunkCount - 1) * 30 - 10);
    expect(sim.knobs.trickleBody).toBeUndefined();
  });

  it('oversizedBody pads a valid answer to the size asked, with or without Content-Length', async () => {
    sim.knobs.oversizedBody = { count: 1, path: /\/tasks$/, bytes: 300_000 };
    const declared = await call(sim, '/tasks', { token, accept: 'application/json' });
    expect(declared.raw.length).toBe(300_000);
    expect(Number(declared.headers['content-length'])).toBe(300_000);
    expect(declared.json).toHaveProperty('Tasks');

    sim.knobs.oversizedBody = { count: 1, path: /\/tasks$/, bytes: 300_000, chunked: true };
    const chunked = await call(sim, '/tasks', { token });
    expect(chunked.raw.length).toBe(300_000);
    expect(chunked.headers['content-length']).toBeUndefined();
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    expect(chunked.text.trimEnd()).toMatch(/<\/Tasks>$|\/>$/);
    expect(sim.knobs.oversizedBody).toBeUndefined();
  });

  it('refuseAfterLogon answers 401 to valid tokens, but logon and logout still work', async () => {
    sim.knobs.refuseAfterLogon = 2;
    const fresh = await logon(sim);
    expect((await call(sim, '/tasks', { token: fresh.token })).status).toBe(401);
    expect((await call(sim, '/tasks', { token })).status).toBe(401);
    expect((await call(sim, '/tasks', { token })).status).toBe(200);

    sim.knobs.refuseAfterLogon = 5;
    const live = sim.liveLogonSessions();
    const logout = await call(sim, `/logonSessions/${fresh.sessionId}`, {
      method: 'DELETE',
      token: fresh.token,
    });
    expect(logout.status).toBe(204);
    expect(sim.liveLogonSessions()).toBe(live - 1);
    expect(sim.knobs.refuseAfterLogon).toBe(5);
    sim.knobs.refuseAfterLogon = 0;
  });
});
