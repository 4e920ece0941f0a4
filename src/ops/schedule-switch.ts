// Enable/disable on top of EM's toggle (em-api.md fact 8): read first, toggle only when needed, one at a time per job
// (across replicas: the job lock and the unsettled toggles live in the shared store).

import { setTimeout as sleep } from 'node:timers/promises';
import { type Clock, systemClock } from '../clock.js';
import type { EmApi } from '../em/api.js';
import { isEmError } from '../em/errors.js';
import type { Job, JobKind, Task } from '../em/types.js';
import type { Logger } from '../log/logger.js';
import { MemoryClaims } from '../state/memory-claims.js';
import type { StateStore } from '../state/state-store.js';
import type { JobLocks } from './job-locks.js';
import { readJob } from './perform-action.js';

type ScheduleChange =
  | { kind: 'already'; job: Job }
  /** `job` is as read before the toggle. */
  | { kind: 'toggled'; job: Job; task: Task }
  /**
   * An earlier toggle of this job has not finished, or its request timed out and EM may still apply it:
   * toggling now could undo it. `taskId` is absent when EM never answered with a Task.
   */
  | { kind: 'busy'; taskId?: string };

interface ScheduleSwitchOptions {
  em: EmApi;
  locks: JobLocks;
  logger: Logger;
  pollIntervalMs: number;
  /**
   * How long the lock waits for the toggle Task to finish before letting the next request in; also how long a job
   * stays refused after a toggle request that timed out or found EM unreachable.
   */
  settleTimeoutMs: number;
  /** Reads the settle window after an unanswered toggle (default: the system clock). */
  clock?: Clock;
  /** Where unsettled toggles are kept, so every replica holds back; absent: this process only. */
  store?: Claims;
}

type Claims = Pick<StateStore, 'claim' | 'holder' | 'release'>;

/** An unsettled toggle whose Task EM never reports finished is given up on after this long. */
const UNSETTLED_TASK_TTL_MS = 60 * 60_000;

/**
 * A toggle that may still change the job, as a claim on `unsettled:<job>`: its Task ID, or (no 202 came back) no
 * ID, the claim's TTL being the settle window.
 */
interface Unsettled {
  taskId?: string;
}

export class ScheduleSwitch {
  private readonly claims: Claims;

  constructor(private readonly options: ScheduleSwitchOptions) {
    this.claims = options.store ?? memoryClaims(options.clock ?? systemClock);
  }

  /**
   * wanted = the ScheduleEnabled state to reach; undefined = flip unconditionally (the raw `toggle`).
   * The lock is held until the toggle Task is Finished, so the next request reads the new state and cannot
   * toggle twice. `onAccepted` runs inside the lock right after EM's 202 (post the running message, watch the Task).
   */
  set(
    jobId: string,
    wanted: boolean | undefined,
    onAccepted: (task: Task, jobBefore: Job) => Promise<void>,
    /** Which EM collection holds the job; absent: each is tried. */
    kind?: JobKind,
  ): Promise<ScheduleChange> {
    return this.options.locks.run(`schedule:${jobId}`, async () => {
      const earlier = await this.unsettledOf(jobId);
      if (earlier !== undefined) {
        if (earlier.taskId === undefined) return { kind: 'busy' };
        if (!(await this.hasFinished(earlier.taskId))) return { kind: 'busy', taskId: earlier.taskId };
        await this.claims.release(unsettledKey(jobId));
      }
      const job = await readJob(this.options.em, jobId, kind);
      if (wanted !== undefined && job.scheduleEnabled === wanted) return { kind: 'already', job };
      const task = await this.toggle(jobId, job);
      try {
        await onAccepted(task, job);
      } catch (error) {
        this.options.logger.warn('schedule toggle: follow-up after 202 failed', {
          jobId,
          taskId: task.id,
          error,
        });
      }
      if (!(await this.waitFinished(task.id))) await this.markUnsettled(jobId, { taskId: task.id });
      return { kind: 'toggled', job, task };
    });
  }

  /**
   * A toggle POST that timed out or lost its connection may still reach EM and be applied later; a retry that
   * read the old state now would toggle a second time. So the job is refused for the settle window, after which
   * the next request reads the state afresh.
   */
  private async toggle(jobId: string, job: Job): Promise<Task> {
    try {
      // Through EM's own ToggleScheduleEnabled link: every kind has one where EM allows the change.
      return await this.options.em.runJobAction(job, 'toggleScheduleEnabled');
    } catch (error) {
      if (isEmError(error) && (error.kind === 'timeout' || error.kind === 'unreachable')) {
        await this.markUnsettled(jobId, {}).catch((stored: unknown) =>
          this.options.logger.error('schedule toggle: could not record the unanswered toggle', {
            jobId,
            error: stored,
          }),
        );
      }
      throw error;
    }
  }

  private async unsettledOf(jobId: string): Promise<Unsettled | undefined> {
    const held = await this.claims.holder(unsettledKey(jobId));
    if (held === undefined) return undefined;
    try {
      const { taskId } = JSON.parse(held) as Unsettled;
      return typeof taskId === 'string' ? { taskId } : {};
    } catch {
      return {};
    }
  }

  private async markUnsettled(jobId: string, unsettled: Unsettled): Promise<void> {
    const key = unsettledKey(jobId);
    const ttl = unsettled.taskId === undefined ? this.options.settleTimeoutMs : UNSETTLED_TASK_TTL_MS;
    await this.claims.release(key);
    await this.claims.claim(key, ttl, JSON.stringify(unsettled));
  }

  private async waitFinished(taskId: string): Promise<boolean> {
    const attempts = Math.max(1, Math.ceil(this.options.settleTimeoutMs / this.options.pollIntervalMs));
    for (let i = 0; i < attempts; i++) {
      await sleep(this.options.pollIntervalMs);
      try {
        const task = await this.options.em.getTask(taskId);
        if (task.state === 'Finished') return true;
      } catch (error) {
        // EM forgot the Task (new logon session): its outcome is unknowable, the job's state is the truth now.
        if (isEmError(error) && error.status === 404) return true;
        this.options.logger.warn('schedule toggle: could not read task', { taskId, error });
      }
    }
    return false;
  }

  private async hasFinished(taskId: string): Promise<boolean> {
    try {
      return (await this.options.em.getTask(taskId)).state === 'Finished';
    } catch (error) {
      return isEmError(error) && error.status === 404;
    }
  }
}

function unsettledKey(jobId: string): string {
  return `unsettled:${jobId}`;
}

/** One process, no store: the same claims in memory, on the injected clock. */
function memoryClaims(clock: Clock): Claims {
  const memory = new MemoryClaims(clock);
  return {
    claim: async (key, ttlMs, holder = '1') => memory.claim(key, ttlMs, holder),
    holder: async (key) => memory.holder(key),
    release: async (key, holder) => memory.release(key, holder),
  };
}
