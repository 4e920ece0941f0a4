// Per-job serialisation of enable/disable across two replicas on one real Redis: the job lock and an unanswered
// toggle hold the other replica back too.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmApi } from '../../src/em/api.js';
import { EmError } from '../../src/em/errors.js';
import type { Job, Task } from '../../src/em/types.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { JobLocks } from '../../src/ops/job-locks.js';
import { ScheduleSwitch } from '../../src/ops/schedule-switch.js';
import { openStateStore } from '../../src/state/open-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { describeWithRedis, type RedisServer, startRedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';
import { agentJob } from './job-fixtures.js';

const JOB_ID = 'a6deb158-b26c-4140-8b26-5a3cc344e8ec';

describeWithRedis('job locks across replicas', () => {
  let server: RedisServer;
  const stores: StateStore[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await server?.stop();
  });

  async function replica(name: string): Promise<StateStore> {
    const state = { backend: { kind: 'redis' as const, url: server.url() }, instanceId: name };
    const { store } = openStateStore({ state }, createMemoryLogger('error'));
    stores.push(store);
    await store.load();
    return store;
  }

  it('runs work on one job on one replica at a time', async () => {
    const [a, b] = [
      new JobLocks(await replica('a'), { retryMs: 5 }),
      new JobLocks(await replica('b'), { retryMs: 5 }),
    ];
    const events: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const first = a.run('schedule:job-1', async () => {
      events.push('a start');
      await gate;
      events.push('a end');
    });
    await waitFor(() => events.length === 1, { what: 'replica a to hold the lock' });
    const second = b.run('schedule:job-1', async () => {
      events.push('b');
    });
    const other = b.run('schedule:job-2', async () => {
      events.push('b other job');
    });
    await other;
    open();
    await Promise.all([first, second]);
    expect(events).toEqual(['a start', 'b other job', 'a end', 'b']);
  });

  it("refuses a toggle on one replica while another replica's toggle may still be applied", async () => {
    let enabled = true;
    let toggles = 0;
    const em = {
      getJob: async (): Promise<Job> => agentJob(JOB_ID, 'Server Backup', { scheduleEnabled: enabled }),
      async runJobAction(): Promise<Task> {
        toggles += 1;
        // EM applies it, the bot only sees the timeout.
        enabled = !enabled;
        throw new EmError('timeout', 'toggle timeout');
      },
      getTask: async (id: string): Promise<Task> => ({ id, state: 'Finished' }) as Task,
    } as unknown as EmApi;
    const switchOn = async (name: string) => {
      const store = await replica(name);
      const locks = new JobLocks(store);
      const logger = createMemoryLogger('error');
      return new ScheduleSwitch({ em, locks, logger, pollIntervalMs: 1, settleTimeoutMs: 300, store });
    };
    const [a, b] = [await switchOn('a'), await switchOn('b')];
    await expect(a.set(JOB_ID, false, async () => {})).rejects.toMatchObject({ kind: 'timeout' });
    expect(await b.set(JOB_ID, false, async () => {})).toEqual({ kind: 'busy' });
    // Once the settle window passed, the state is read afresh: the late toggle already disabled it.
    const after = await waitFor(
      async () => {
        const answer = await b.set(JOB_ID, false, async () => {});
        return answer.kind === 'busy' ? undefined : answer;
      },
      { what: 'the settle window to pass' },
    );
    expect(after.kind).toBe('already');
    expect(toggles).toBe(1);
  });
});
