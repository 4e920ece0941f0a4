import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { EmApi } from '../../src/em/api.js';
import { EmError, type EmErrorKind } from '../../src/em/errors.js';
import type { Job, Task } from '../../src/em/types.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { JobLocks } from '../../src/ops/job-locks.js';
import { ScheduleSwitch } from '../../src/ops/schedule-switch.js';
import { agentJob } from './job-fixtures.js';

const JOB_ID = 'a6deb158-b26c-4140-8b26-5a3cc344e8ec';
const SETTLE_MS = 30_000;

/** An EmApi (a constructor dependency, not a patched module) whose toggle POST fails once, as told. */
function fakeEm(firstToggle: EmErrorKind) {
  const calls = { toggles: 0, reads: 0 };
  let enabled = true;
  const em = {
    async getJob(): Promise<Job> {
      calls.reads += 1;
      return agentJob(JOB_ID, 'Server Backup', { scheduleEnabled: enabled });
    },
    async runJobAction(): Promise<Task> {
      calls.toggles += 1;
      if (calls.toggles === 1) {
        // EM got the request and applies it later; the bot only sees the failure.
        enabled = !enabled;
        throw new EmError(firstToggle, `toggle ${firstToggle}`);
      }
      enabled = !enabled;
      return { id: `task-${calls.toggles}`, state: 'Finished', operation: 'ToggleScheduleEnabled' } as Task;
    },
    async getTask(id: string): Promise<Task> {
      return { id, state: 'Finished', operation: 'ToggleScheduleEnabled' } as Task;
    },
  } as unknown as EmApi;
  return { em, calls, isEnabled: () => enabled };
}

function schedule(em: EmApi, clock: ManualClock) {
  return new ScheduleSwitch({
    em,
    locks: new JobLocks(),
    logger: createMemoryLogger('error'),
    pollIntervalMs: 1,
    settleTimeoutMs: SETTLE_MS,
    clock,
  });
}

describe('ScheduleSwitch after a toggle EM did not answer', () => {
  for (const kind of ['timeout', 'unreachable'] as const) {
    it(`refuses the next change of that job until the settle window passed (${kind})`, async () => {
      const clock = new ManualClock();
      const { em, calls, isEnabled } = fakeEm(kind);
      const sw = schedule(em, clock);
      await expect(sw.set(JOB_ID, false, async () => {})).rejects.toMatchObject({ kind });

      // A retry at once must not read the old state and toggle a second time.
      clock.advance(SETTLE_MS - 1);
      expect(await sw.set(JOB_ID, false, async () => {})).toEqual({ kind: 'busy' });
      expect(calls.toggles).toBe(1);

      // After the window the state is read afresh: the late toggle already disabled it.
      clock.advance(1);
      const after = await sw.set(JOB_ID, false, async () => {});
      expect(after.kind).toBe('already');
      expect(calls.toggles).toBe(1);
      expect(isEnabled()).toBe(false);
    });
  }

  it('does not hold the job when EM answered with an error (nothing was accepted)', async () => {
    const clock = new ManualClock();
    const { em, calls } = fakeEm('http');
    const sw = schedule(em, clock);
    await expect(sw.set(JOB_ID, false, async () => {})).rejects.toMatchObject({ kind: 'http' });
    const retry = await sw.set(JOB_ID, false, async () => {});
    expect(retry.kind).not.toBe('busy');
    expect(calls.toggles).toBe(1 + (retry.kind === 'toggled' ? 1 : 0));
  });

  it('does not hold other jobs', async () => {
    const clock = new ManualClock();
    const { em } = fakeEm('timeout');
    const sw = schedule(em, clock);
    await expect(sw.set(JOB_ID, false, async () => {})).rejects.toMatchObject({ kind: 'timeout' });
    const other = await sw.set('3f1c2b7e-9a4d-4e21-8c55-0d6b1e2f7a10', undefined, async () => {});
    expect(other.kind).toBe('toggled');
  });
});
