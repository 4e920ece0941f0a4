// The taskDurationJitterMs knob: each new Task lasts taskDurationMs + random() × jitter (the bench spreads
// 1,000 Tasks' ends over a minute with it).

import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { agent, call, logon } from './sim-http.js';

describe('EM simulator taskDurationJitterMs', () => {
  const sims: EmSimulator[] = [];
  afterAll(async () => {
    for (const sim of sims) await sim.close();
    await agent.close();
  });

  async function toggle(sim: EmSimulator, token: string, jobId: string): Promise<string> {
    const reply = await call(sim, `/agents/jobs/${jobId}?action=toggleScheduleEnabled`, {
      method: 'POST',
      token,
      accept: 'application/json',
    });
    expect(reply.status).toBe(202);
    return reply.json.TaskId as string;
  }

  it('gives each new Task its own duration from random(): a later Task with less jitter finishes first', async () => {
    // First Task draws 1 (20 + 400 ms), the second draws 0 (20 ms).
    const draws = [1, 0];
    const clock = new ManualClock();
    const sim = await startEmSimulator({
      clock,
      taskDurationMs: 20,
      taskDurationJitterMs: 400,
      random: () => draws.shift() ?? 0.5,
    });
    sims.push(sim);
    const finished: string[] = [];
    sim.onTaskFinished((taskId) => finished.push(taskId));
    const { token } = await logon(sim);

    const slow = await toggle(sim, token, SIM_JOB_IDS.serverBackup);
    const fast = await toggle(sim, token, SIM_JOB_IDS.linuxWeb);

    clock.advance(20);
    sim.tick();
    expect(finished).toEqual([fast]);
    clock.advance(400);
    sim.tick();
    expect(finished).toEqual([fast, slow]);
  });

  it('is off by default and leaves the random source alone', async () => {
    let draws = 0;
    const clock = new ManualClock();
    const sim = await startEmSimulator({
      clock,
      taskDurationMs: 20,
      random: () => {
        draws += 1;
        return 0.5;
      },
    });
    sims.push(sim);
    expect(sim.knobs.taskDurationJitterMs).toBe(0);
    const finished: string[] = [];
    sim.onTaskFinished((taskId) => finished.push(taskId));
    const { token } = await logon(sim);

    const taskId = await toggle(sim, token, SIM_JOB_IDS.serverBackup);
    clock.advance(20);
    sim.tick();
    expect(finished).toEqual([taskId]);
    expect(draws).toBe(0);
  });
});
