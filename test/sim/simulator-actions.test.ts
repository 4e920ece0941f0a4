import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import type { EmSimulator } from '../../src/sim/simulator.js';
import { call, logon, reasons, startLoggedOn, stopSimulator } from './sim-http.js';

const JSON_ACCEPT = 'application/json';
const TASK_MS = 1_000;
const RUN_MS = 10_000;

describe('EM simulator actions, Tasks and backup sessions', () => {
  const clock = new ManualClock();
  let sim: EmSimulator;
  let token: string;
  beforeAll(async () => {
    ({ sim, token } = await startLoggedOn(clock, TASK_MS, RUN_MS));
  });
  afterAll(() => stopSimulator(sim));

  async function action(path: string, as = token): Promise<any> {
    const reply = await call(sim, path, { method: 'POST', token: as, accept: JSON_ACCEPT });
    expect(reply.status).toBe(202);
    return reply.json;
  }

  /** Moves the clock past the Task's duration and reads it: Finished. */
  async function finishTask(taskId: string, as = token): Promise<any> {
    clock.advance(sim.knobs.taskDurationMs);
    const task = (await call(sim, `/tasks/${taskId}`, { token: as, accept: JSON_ACCEPT })).json;
    expect(task.State).toBe('Finished');
    return task;
  }

  async function newestSession(jobId: string): Promise<any> {
    const reply = await call(sim, `/agents/jobs/${jobId}/backupSessions?format=Entity`, {
      token,
      accept: JSON_ACCEPT,
    });
    return reply.json.BackupJobSessions[0];
  }

  it('answers an action with 202 and a Running Task without Result, which later Finishes with the Result', async () => {
    const xml = await call(sim, `/agents/jobs/${SIM_JOB_IDS.serverBackup}?action=start`, {
      method: 'POST',
      token,
    });
    expect(xml.status).toBe(202);
    const taskId = /<TaskId>(task-\d+)<\/TaskId>/.exec(xml.text)?.[1] as string;
    expect(xml.text).toBe(
      `<Task xmlns="http://www.veeam.com/ent/v1.0" Type="Task" Href="${sim.url}/tasks/${taskId}"><Links><Link Rel="Delete" Type="Task" Href="${sim.url}/tasks/${taskId}" /></Links><TaskId>${taskId}</TaskId><State>Running</State><Operation>StartJob</Operation></Task>`,
    );
    const finished = await finishTask(taskId);
    expect(finished).toMatchObject({
      TaskId: taskId,
      State: 'Finished',
      Operation: 'StartJob',
      Result: { Success: true, Message: 'Job "Server Backup" triggered to start.' },
    });
    expect((await newestSession(SIM_JOB_IDS.serverBackup)).State).toBe('Working');
    clock.advance(RUN_MS);
    const done = await newestSession(SIM_JOB_IDS.serverBackup);
    expect(done).toMatchObject({ State: 'Stopped', Result: 'Success' });
  });

  it('shows OperationFinished with a placeholder Result before Finished', async () => {
    const task = await action(`/agents/jobs/${SIM_JOB_IDS.workstations}?action=toggleScheduleEnabled`);
    clock.advance(TASK_MS / 2 - 1);
    const before = (await call(sim, `/tasks/${task.TaskId}`, { token, accept: JSON_ACCEPT })).json;
    expect(before.State).toBe('Running');
    clock.advance(1);
    const half = (await call(sim, `/tasks/${task.TaskId}`, { token, accept: JSON_ACCEPT })).json;
    expect(half).toMatchObject({
      State: 'OperationFinished',
      Result: { Success: true, Message: 'OperationFinished' },
    });
    clock.advance(TASK_MS / 2);
    const done = (await call(sim, `/tasks/${task.TaskId}`, { token, accept: JSON_ACCEPT })).json;
    expect(done).toMatchObject({ State: 'Finished', Operation: 'UpdateJob', Result: { Message: 'Ok' } });
  });

  it('start creates a Working session (Result None, children per machine) that ends Stopped with the decided result', async () => {
    sim.setNextRunOutcome(SIM_JOB_IDS.linuxWeb, { result: 'Failed', durationMs: 600 });
    const task = await action(`/agents/jobs/${SIM_JOB_IDS.linuxWeb}?action=start`);
    await finishTask(task.TaskId);
    const working = await newestSession(SIM_JOB_IDS.linuxWeb);
    expect(working).toMatchObject({
      State: 'Working',
      Result: 'None',
      JobType: 'AgentBackup',
      IsRetry: false,
    });
    expect(working.EndTimeUTC).toBeUndefined();
    clock.advance(600);
    const stopped = await newestSession(SIM_JOB_IDS.linuxWeb);
    expect(stopped.State).toBe('Stopped');
    // As real EM: FailureMessage null, the reason on the first machine's task session.
    expect(stopped).toMatchObject({ Result: 'Failed', Progress: 100, FailureMessage: null });
    const [first, ...others] = await reasons(sim, token, stopped.UID);
    expect(first).toMatch(/^Error: /);
    expect(others).toEqual([null, null]);
    const children = sim
      .listSessions()
      .filter((s) => s.jobId === SIM_JOB_IDS.linuxWeb && s.jobType === 'AgentManagement');
    const ofThisRun = children.filter((c) => c.creationTime === Date.parse(stopped.CreationTimeUTC));
    expect(ofThisRun).toHaveLength(3);
    expect(ofThisRun.every((c) => c.result === 'Failed' && c.state === 'Stopped')).toBe(true);

    // The last run failed, so retry is allowed now and marks the session IsRetry.
    sim.setNextRunOutcome(SIM_JOB_IDS.linuxWeb, { result: 'Success', durationMs: 600 });
    const retry = await action(`/agents/jobs/${SIM_JOB_IDS.linuxWeb}?action=retry`);
    expect(retry.Operation).toBe('RetryAgentJob');
    expect((await finishTask(retry.TaskId)).Result).toEqual({
      Success: true,
      Message: 'Job "Linux Web Servers" triggered to retry.',
    });
    expect(await newestSession(SIM_JOB_IDS.linuxWeb)).toMatchObject({ IsRetry: true, State: 'Working' });
  });

  it('finishes wrong-state actions with Success=false and an explanatory Message', async () => {
    const idleStop = await action(`/agents/jobs/${SIM_JOB_IDS.serverBackupSql}?action=stop`);
    expect(idleStop.Operation).toBe('StopAgentJob');
    expect((await finishTask(idleStop.TaskId)).Result).toEqual({
      Success: false,
      Message: 'Job "Server Backup SQL" is not running.',
    });
    const retry = await action(`/agents/jobs/${SIM_JOB_IDS.serverBackupSql}?action=retry`);
    expect((await finishTask(retry.TaskId)).Result).toEqual({
      Success: false,
      Message: 'Retry is possible only for jobs that have failed.',
    });
    // The run lasts RUN_MS: still Working while the next Tasks finish.
    await finishTask((await action(`/agents/jobs/${SIM_JOB_IDS.serverBackupSql}?action=start`)).TaskId);
    const again = await action(`/agents/jobs/${SIM_JOB_IDS.serverBackupSql}?action=start`);
    expect((await finishTask(again.TaskId)).Result).toEqual({
      Success: false,
      Message: 'Job "Server Backup SQL" is already running.',
    });
    // Stop ends the running session: Failed, "Stopped by user".
    const stop = await action(`/agents/jobs/${SIM_JOB_IDS.serverBackupSql}?action=stop`);
    expect((await finishTask(stop.TaskId)).Result.Message).toBe('Job "Server Backup SQL" triggered to stop.');
    const stopped = await newestSession(SIM_JOB_IDS.serverBackupSql);
    expect(stopped).toMatchObject({ State: 'Stopped', Result: 'Failed', FailureMessage: null });
    expect(await reasons(sim, token, stopped.UID)).toEqual(['Stopped by user']);
  });

  it('toggleScheduleEnabled flips ScheduleEnabled when the Task takes effect', async () => {
    const read = async () =>
      (await call(sim, `/agents/jobs/${SIM_JOB_IDS.linuxDb}?format=Entity`, { token, accept: JSON_ACCEPT }))
        .json.ScheduleEnabled;
    expect(await read()).toBe(false);
    const task = await action(`/agents/jobs/${SIM_JOB_IDS.linuxDb}?action=toggleScheduleEnabled`);
    expect(task.Operation).toBe('UpdateJob');
    await finishTask(task.TaskId);
    expect(await read()).toBe(true);
    await finishTask(
      (await action(`/agents/jobs/${SIM_JOB_IDS.linuxDb}?action=toggleScheduleEnabled`)).TaskId,
    );
    expect(await read()).toBe(false);
  });

  it('stops a backup session with POST /backupSessions/{id}?action=stop, and refuses a stopped one', async () => {
    const session = sim.addSession({ jobId: SIM_JOB_IDS.vmFileserver, state: 'Working' });
    expect(session.jobType).toBe('Backup');
    const task = await action(`/backupSessions/${session.id}?action=stop`);
    expect(task.Operation).toBe('StopJobSession');
    const name = sim.listSessions().find((s) => s.id === session.id)?.jobName;
    const finished = await finishTask(task.TaskId);
    expect(finished.Result.Success).toBe(true);
    expect(finished.Result.Message).toMatch(new RegExp(`^Job Session "${name}@[^"]+" triggered to stop\\.$`));
    const entity = (
      await call(sim, `/backupSessions/${session.id}?format=Entity`, { token, accept: JSON_ACCEPT })
    ).json;
    expect(entity).toMatchObject({
      State: 'Stopped',
      Result: 'Failed',
      FailureMessage: null,
      JobType: 'Backup',
    });
    expect((await reasons(sim, token, entity.UID))[0]).toBe('Stopped by user');
    const again = await action(`/backupSessions/${session.id}?action=stop`);
    expect((await finishTask(again.TaskId)).Result.Success).toBe(false);
  });

  it('lists only the calling logon session’s Tasks and hides them from other sessions', async () => {
    const other = await logon(sim);
    const mine = await action(`/agents/jobs/${SIM_JOB_IDS.workstations}?action=toggleScheduleEnabled`);
    const theirs = await action(
      `/agents/jobs/${SIM_JOB_IDS.workstations}?action=toggleScheduleEnabled`,
      other.token,
    );
    const list = await call(sim, '/tasks', { token: other.token, accept: JSON_ACCEPT });
    expect(list.json.Tasks.map((t: any) => t.TaskId)).toEqual([theirs.TaskId]);
    const xmlList = await call(sim, '/tasks', { token: other.token });
    expect(xmlList.text.startsWith('<Tasks xmlns="http://www.veeam.com/ent/v1.0"><Task ')).toBe(true);
    expect((await call(sim, `/tasks/${mine.TaskId}`, { token: other.token })).status).toBe(404);
    expect((await call(sim, `/tasks/${mine.TaskId}`, { token })).status).toBe(200);
  });

  it('DELETE /tasks/{id} cancels a running Task (204); the started run keeps going', async () => {
    const task = await action(`/agents/jobs/${SIM_JOB_IDS.workstations}?action=toggleScheduleEnabled`);
    const del = await call(sim, `/tasks/${task.TaskId}`, { method: 'DELETE', token });
    expect(del.status).toBe(204);
    const after = (await call(sim, `/tasks/${task.TaskId}`, { token, accept: JSON_ACCEPT })).json;
    expect(after).toMatchObject({
      State: 'Finished',
      Result: { Success: false, Message: 'Task was cancelled' },
    });
    // A Finished Task is removed by DELETE.
    expect((await call(sim, `/tasks/${task.TaskId}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await call(sim, `/tasks/${task.TaskId}`, { token })).status).toBe(404);
  });

  it('forgetAllTasks() makes known Task IDs answer 404', async () => {
    const task = await action(`/agents/jobs/${SIM_JOB_IDS.workstations}?action=toggleScheduleEnabled`);
    sim.forgetAllTasks();
    expect((await call(sim, `/tasks/${task.TaskId}`, { token })).status).toBe(404);
    expect((await call(sim, '/tasks', { token, accept: JSON_ACCEPT })).json.Tasks).toEqual([]);
  });

  it('notifies onTaskFinished listeners when a Task becomes Finished', async () => {
    const seen: string[] = [];
    const off = sim.onTaskFinished((taskId, atMs) => {
      expect(atMs).toBeGreaterThan(0);
      seen.push(taskId);
    });
    const task = await action(`/agents/jobs/${SIM_JOB_IDS.workstations}?action=toggleScheduleEnabled`);
    clock.advance(TASK_MS);
    sim.tick();
    expect(seen).toContain(task.TaskId);
    off();
  });

  it('addSession and finishSession drive sessions for notifier tests', async () => {
    const s = sim.addSession({ jobId: SIM_JOB_IDS.serverBackup, state: 'Working' });
    expect(s).toMatchObject({
      state: 'Working',
      result: 'None',
      jobType: 'AgentBackup',
      jobName: 'Server Backup',
    });
    sim.finishSession(s.id, { result: 'Warning', message: 'Warning: disk almost full' });
    const entity = (await call(sim, `/backupSessions/${s.id}?format=Entity`, { token, accept: JSON_ACCEPT }))
      .json;
    expect(entity).toMatchObject({ State: 'Stopped', Result: 'Warning', FailureMessage: null });
    expect(await reasons(sim, token, entity.UID)).toEqual(['Warning: disk almost full', null]);
    const children = (
      await call(sim, `/backupSessions/${s.id}/agentManagementSessions`, { token, accept: JSON_ACCEPT })
    ).json;
    expect(children.Refs).toHaveLength(2);
  });

  it('refuses unknown actions with 400 and actions on unknown jobs with 404', async () => {
    expect(
      (await call(sim, `/agents/jobs/${SIM_JOB_IDS.serverBackup}?action=explode`, { method: 'POST', token }))
        .status,
    ).toBe(400);
    const missing = await call(sim, '/agents/jobs/11111111-2222-4333-8444-555555555555?action=start', {
      method: 'POST',
      token,
    });
    expect(missing.status).toBe(404);
  });
});
