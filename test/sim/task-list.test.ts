// A logon session's Task list only grows (em-api.md fact 14): DELETE /tasks/{id} removes a Finished Task and
// cancels an unfinished one, and GET /query?type=Task&filter=State!=Finished finds the ones still going.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import type { EmSimulator } from '../../src/sim/simulator.js';
import { call, logon, startLoggedOn, stopSimulator } from './sim-http.js';

const TASK_MS = 1_000;

describe('EM simulator Task list', () => {
  const clock = new ManualClock();
  let sim: EmSimulator;
  let token: string;
  beforeAll(async () => {
    ({ sim, token } = await startLoggedOn(clock, TASK_MS, 60_000));
  });
  afterAll(() => stopSimulator(sim));

  const toggle = async (jobId: string): Promise<string> => {
    const reply = await call(sim, `/agents/jobs/${jobId}?action=toggleScheduleEnabled`, {
      method: 'POST',
      token,
      accept: 'application/json',
    });
    expect(reply.status).toBe(202);
    return reply.json.TaskId;
  };
  const listed = async (): Promise<string[]> =>
    (await call(sim, '/tasks', { token, accept: 'application/json' })).json.Tasks.map((t: any) => t.TaskId);

  it('removes a Finished Task on DELETE (204): GET /tasks no longer lists it and GET /tasks/{id} is 404', async () => {
    const done = await toggle(SIM_JOB_IDS.linuxWeb);
    const kept = await toggle(SIM_JOB_IDS.linuxWeb);
    clock.advance(TASK_MS);
    expect(await listed()).toEqual(expect.arrayContaining([done, kept]));
    const reply = await call(sim, `/tasks/${done}`, { method: 'DELETE', token });
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    expect(await listed()).not.toContain(done);
    expect(await listed()).toContain(kept);
    expect((await call(sim, `/tasks/${done}`, { token })).status).toBe(404);
  });

  it('cancels an unfinished Task on DELETE: it stays listed, Finished with Success=false', async () => {
    const running = await toggle(SIM_JOB_IDS.serverBackupSql);
    expect((await call(sim, `/tasks/${running}`, { method: 'DELETE', token })).status).toBe(204);
    const task = (await call(sim, `/tasks/${running}`, { token, accept: 'application/json' })).json;
    expect(task).toMatchObject({
      State: 'Finished',
      Result: { Success: false, Message: 'Task was cancelled' },
    });
    expect(await listed()).toContain(running);
  });

  it('answers GET /query?type=Task&filter=State!=Finished with this logon session’s unfinished Tasks', async () => {
    const a = await toggle(SIM_JOB_IDS.workstations);
    clock.advance(TASK_MS / 2);
    const b = await toggle(SIM_JOB_IDS.workstations);
    const other = await logon(sim);
    await call(sim, `/agents/jobs/${SIM_JOB_IDS.linuxDb}?action=toggleScheduleEnabled`, {
      method: 'POST',
      token: other.token,
    });
    const filter = encodeURIComponent('State!=Finished');
    const refs = (await call(sim, `/query?type=Task&filter=${filter}`, { token, accept: 'application/json' }))
      .json;
    expect(refs.Refs.Refs.map((r: any) => r.Name).sort()).toEqual([a, b].sort());
    const entities = (
      await call(sim, `/query?type=Task&format=Entities&filter=${filter}`, {
        token,
        accept: 'application/json',
      })
    ).json;
    const states = entities.Entities.Tasks.Tasks.map((t: any) => [t.TaskId, t.State]);
    expect(states).toEqual(
      expect.arrayContaining([
        [a, 'OperationFinished'],
        [b, 'Running'],
      ]),
    );
    clock.advance(TASK_MS);
    const after = (
      await call(sim, `/query?type=Task&filter=${filter}`, { token, accept: 'application/json' })
    ).json;
    expect(after.Refs.Refs).toEqual([]);
    const finished = (
      await call(sim, `/query?type=Task&filter=${encodeURIComponent('State==Finished')}`, {
        token,
        accept: 'application/json',
      })
    ).json;
    expect(finished.Refs.Refs.map((r: any) => r.Name)).toEqual(expect.arrayContaining([a, b]));
  });
});
