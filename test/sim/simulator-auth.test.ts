import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { agent, basic, call, logon } from './sim-http.js';

describe('EM simulator logon sessions', () => {
  let sim: EmSimulator;
  beforeAll(async () => {
    sim = await startEmSimulator({ taskDurationMs: 50, backupDurationMs: 100 });
  });
  afterAll(async () => {
    await sim.close();
    await agent.close();
  });

  it('answers GET /api/ without credentials with the EnterpriseManager links', async () => {
    const reply = await call(sim, '/');
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('<EnterpriseManager xmlns="http://www.veeam.com/ent/v1.0">');
    expect(reply.text).toContain(`Href="${sim.url}/sessionMngr/?v=latest"`);
  });

  it('logs on with 201, an opaque X-RestSvcSessionId header, a cookie and a LogonSession body', async () => {
    const reply = await call(sim, '/sessionMngr/?v=latest', {
      method: 'POST',
      headers: { Authorization: basic() },
    });
    expect(reply.status).toBe(201);
    const token = String(reply.headers['x-restsvcsessionid']);
    expect(token).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(String(reply.headers['set-cookie'])).toContain(`X-RestSvcSessionId=${token}; Path=/api`);
    const sessionId = /<SessionId>([^<]+)<\/SessionId>/.exec(reply.text)?.[1];
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(token).not.toBe(Buffer.from(sessionId as string).toString('base64'));
    expect(reply.text).toContain('<UserName>chatops</UserName>');
    expect(reply.text).toContain(
      `<Link Rel="Delete" Type="LogonSession" Href="${sim.url}/logonSessions/${sessionId}" />`,
    );
    expect((await call(sim, '/tasks', { token })).status).toBe(200);
  });

  it('accepts ?v=v1_7 and answers JSON logons with SessionId', async () => {
    const reply = await call(sim, '/sessionMngr/?v=v1_7', {
      method: 'POST',
      accept: 'application/json',
      headers: { Authorization: basic() },
    });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({ UserName: 'chatops', Type: 'LogonSession' });
    expect(reply.json.Links.some((l: any) => l.Rel === 'Delete')).toBe(true);
  });

  it('rejects wrong or missing credentials with 401, WWW-Authenticate and an Error body', async () => {
    for (const headers of [{ Authorization: basic('chatops', 'wrong') }, {} as Record<string, string>]) {
      const reply = await call(sim, '/sessionMngr/?v=latest', { method: 'POST', headers });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Basic Realm=RestSvc');
      expect(reply.text).toMatch(
        /^<Error xmlns="http:\/\/www\.veeam\.com\/ent\/v1\.0" Message="[^"]+" StatusCode="401" Status="Unauthorized" \/>$/,
      );
    }
  });

  it('answers 401 with an Error body without a session or with an unknown token', async () => {
    const none = await call(sim, '/agents/jobs', { accept: 'application/json' });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ StatusCode: 401, Status: 'Unauthorized' });
    expect((await call(sim, '/agents/jobs', { token: 'bm90LWEtdG9rZW4=' })).status).toBe(401);
  });

  it('expires a session after sessionIdleMs without requests, and each request resets the idle timer', async () => {
    const clock = new ManualClock();
    const timed = await startEmSimulator({ clock, sessionIdleMs: 300 });
    try {
      const { token } = await logon(timed);
      for (let i = 0; i < 4; i++) {
        clock.advance(250);
        expect((await call(timed, '/tasks', { token })).status).toBe(200);
      }
      clock.advance(301);
      const expired = await call(timed, '/tasks', { token });
      expect(expired.status).toBe(401);
      expect(expired.text).toContain('StatusCode="401"');
    } finally {
      await timed.close();
    }
  });

  it('expireAllLogonSessions() makes old tokens answer 401', async () => {
    const { token } = await logon(sim);
    sim.expireAllLogonSessions();
    expect((await call(sim, '/tasks', { token })).status).toBe(401);
    const fresh = await logon(sim);
    expect((await call(sim, '/tasks', { token: fresh.token })).status).toBe(200);
  });

  it('logs out with DELETE /logonSessions/{SessionId} → 204, after which the token is dead', async () => {
    const { token, sessionId } = await logon(sim);
    const reply = await call(sim, `/logonSessions/${sessionId}`, { method: 'DELETE', token });
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    expect((await call(sim, '/tasks', { token })).status).toBe(401);
  });

  it('takes the cookie over the header when both are sent, as EM documents', async () => {
    const { token } = await logon(sim);
    const reply = await call(sim, '/tasks', { token, headers: { Cookie: 'X-RestSvcSessionId=stale' } });
    expect(reply.status).toBe(401);
    const cookieOnly = await call(sim, '/tasks', { headers: { Cookie: `X-RestSvcSessionId=${token}` } });
    expect(cookieOnly.status).toBe(200);
  });
});
