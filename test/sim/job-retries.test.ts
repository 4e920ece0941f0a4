import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import type { EmSimulator } from '../../src/sim/simulator.js';
import { call, startLoggedOn, stopSimulator } from './sim-http.js';

const MINUTE = 60_000;
const RUN_MS = 1_000;

describe("the simulator retries failed scheduled runs as Veeam does (the job's RetryOptions)", () => {
  const clock = new ManualClock();
  let sim: EmSimulator;
  let token: string;
  beforeAll(async () => {
    ({ sim, token } = await startLoggedOn(clock, 100, RUN_MS));
  });
  afterAll(() => stopSimulator(sim));

  /** The job's sessions over HTTP (JSON entities), oldest first. */
  async function sessionsOf(jobId: string): Promise<{ Result: string; IsRetry: boolean; State: string }[]> {
    const reply = await call(
      sim,
      `/query?type=BackupJobSession&format=Entities&filter=JobUid==urn:veeam:Job:${jobId};JobType!=AgentManagement`,
      {
        token,
        accept: 'application/json',
      },
    );
    expect(reply.status).toBe(200);
    const sessions: { Result: string; IsRetry: boolean; State: string; CreationTimeUTC: string }[] =
      reply.json.Entities.BackupJobSessions.BackupJobSessions;
    return sessions.sort((a, b) => Date.parse(a.CreationTimeUTC) - Date.parse(b.CreationTimeUTC));
  }

  /** Moves the clock in steps a logon session survives (EM drops it after 15 idle minutes). */
  async function pass(ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= 10 * MINUTE) {
      clock.advance(Math.min(left, 10 * MINUTE));
      await sessionsOf(SIM_JOB_IDS.serverBackup);
    }
  }

  it('shows the retry settings on the job entity', async () => {
    sim.setRetryOptions(SIM_JOB_IDS.vmFileserver, { times: 2, timeoutMinutes: 5 });
    const reply = await call(sim, `/jobs/${SIM_JOB_IDS.vmFileserver}?format=Entity`, {
      token,
      accept: 'application/json',
    });
    expect(reply.json.JobScheduleOptions.Standart.RetryOptions).toEqual({
      RetryTimes: 2,
      RetryTimeout: 5,
      RetrySpecified: true,
    });
  });

  it('fails twice, then the second retry succeeds: IsRetry sessions RetryTimeout apart', async () => {
    const job = SIM_JOB_IDS.vmFileserver;
    sim.setRetryOptions(job, { times: 2, timeoutMinutes: 5 });
    sim.setRunOutcomes(job, [{ result: 'Failed' }, { result: 'Failed' }, { result: 'Success' }]);
    const before = (await sessionsOf(job)).length;
    const first = sim.runScheduled(job);
    expect(first.isRetry).toBe(false);
    clock.advance(RUN_MS);
    expect((await sessionsOf(job)).slice(before).map((s) => [s.Result, s.IsRetry])).toEqual([
      ['Failed', false],
    ]);
    // Nothing before RetryTimeout has passed.
    clock.advance(5 * MINUTE - 1);
    expect(await sessionsOf(job)).toHaveLength(before + 1);
    clock.advance(1);
    expect((await sessionsOf(job)).at(-1)).toMatchObject({ State: 'Working', IsRetry: true });
    clock.advance(RUN_MS + 5 * MINUTE + RUN_MS);
    expect((await sessionsOf(job)).slice(before).map((s) => [s.Result, s.IsRetry])).toEqual([
      ['Failed', false],
      ['Failed', true],
      ['Success', true],
    ]);
  });

  it('stops after RetryTimes retries when every run fails', async () => {
    const job = SIM_JOB_IDS.linuxWeb;
    sim.setRetryOptions(job, { times: 2, timeoutMinutes: 1 });
    sim.setRunOutcomes(
      job,
      Array.from({ length: 5 }, () => ({ result: 'Failed' as const })),
    );
    const before = (await sessionsOf(job)).length;
    sim.runScheduled(job);
    for (let i = 0; i < 6; i++) {
      clock.advance(RUN_MS + MINUTE);
      await sessionsOf(job);
    }
    expect((await sessionsOf(job)).slice(before).map((s) => [s.Result, s.IsRetry])).toEqual([
      ['Failed', false],
      ['Failed', true],
      ['Failed', true],
    ]);
  });

  it('never retries a run started by hand, nor a job whose retries are off', async () => {
    const job = SIM_JOB_IDS.serverBackupSql;
    sim.setRetryOptions(job, { specified: false });
    sim.setRunOutcomes(job, [{ result: 'Failed' }, { result: 'Failed' }]);
    const before = (await sessionsOf(job)).length;
    sim.runScheduled(job);
    await pass(RUN_MS + 60 * MINUTE);
    sim.setRetryOptions(job, { specified: true });
    const start = await call(sim, `/agents/jobs/${job}?action=start`, { method: 'POST', token });
    expect(start.status).toBe(202);
    await pass(RUN_MS + 60 * MINUTE);
    expect((await sessionsOf(job)).slice(before).map((s) => [s.Result, s.IsRetry])).toEqual([
      ['Failed', false],
      ['Failed', false],
    ]);
  });
});
