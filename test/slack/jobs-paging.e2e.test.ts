// `/veeam jobs` on an estate of hundreds of jobs: pages within Slack's limits, Previous/Next through all of them,
// last results from one session query, and `/veeam jobs failed`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { type Harness, startHarness, USERS } from '../support/harness.js';
import { buttonOf, ephemeralAfter, findButton } from './e2e-helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.sim.addJobs({ count: 250, jobType: 'Backup', platform: 'VMware', prefix: 'Estate VM' });
});
afterAll(() => h?.close());

function detailIds(message: { blocks?: unknown[] }): string[] {
  return (message.blocks as Array<{ accessory?: { action_id: string; value: string } }>)
    .map((b) => b.accessory)
    .filter((a) => a?.action_id === ACTION_IDS.jobDetails)
    .map((a) => a?.value ?? '');
}

function queries(): number {
  return h.sim.stats.byRoute['GET /query'] ?? 0;
}

describe('/veeam jobs on 250 jobs', () => {
  it('pages through every job with Next and back with Previous, each page within Slack limits', async () => {
    const estate = new Set(
      h.sim
        .listJobs()
        .filter((j) => j.name.startsWith('Estate VM'))
        .map((j) => j.id),
    );
    let page = await ephemeralAfter(
      h,
      () => h.command('jobs Estate VM', { user: USERS.viewer }),
      'matching "Estate VM" (250), page 1 of 13',
    );
    const seen: string[] = [];
    for (let n = 1; ; n++) {
      expect(page.blocks?.length).toBeLessThanOrEqual(50);
      seen.push(...detailIds(page));
      const next = findButton(page, ACTION_IDS.jobsNextPage);
      if (n === 13) {
        expect(next).toBeUndefined();
        break;
      }
      const before = queries();
      page = await ephemeralAfter(
        h,
        () => h.click(buttonOf(page, ACTION_IDS.jobsNextPage), { user: USERS.viewer }),
        `page ${n + 1} of 13`,
      );
      // Re-listed from what EM said for the list just shown: no query per page, and never one per job.
      expect(queries() - before).toBe(0);
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen)).toEqual(estate);
    const previous = await ephemeralAfter(
      h,
      () => h.click(buttonOf(page, ACTION_IDS.jobsPrevPage), { user: USERS.viewer }),
      'page 12 of 13',
    );
    expect(previous.text).toContain('Estate VM 221');
  });

  it('lists every job of the estate (263) on pages too', async () => {
    const all = await ephemeralAfter(
      h,
      () => h.command('jobs', { user: USERS.viewer }),
      'Jobs (263), page 1 of 14',
    );
    expect(all.blocks?.length).toBeLessThanOrEqual(50);
  });

  it('refuses a page button whose value the bot did not make', async () => {
    await ephemeralAfter(
      h,
      () =>
        h.click(
          { actionId: ACTION_IDS.jobsNextPage, value: '{"p":2,"f":"../../x","x":0}' },
          { user: USERS.viewer },
        ),
      'not one I can read',
    );
  });

  it('lists only jobs whose last run failed with `jobs failed`', async () => {
    const now = Date.now();
    h.sim.addSession({
      jobId: SIM_JOB_IDS.hvExchange,
      state: 'Stopped',
      result: 'Failed',
      creationTime: now - 120_000,
      endTime: now - 60_000,
    });
    const failed = await ephemeralAfter(
      h,
      () => h.command('jobs failed', { user: USERS.viewer }),
      'Jobs whose last run failed (1)',
    );
    expect(failed.text).toContain('*Exchange Backup* · VM backup · Hyper-V');
    expect(failed.text).toContain(':x: Failed');
    expect(findButton(failed, ACTION_IDS.jobDetails, SIM_JOB_IDS.hvExchange)).toBeDefined();
    await ephemeralAfter(
      h,
      () => h.command('jobs failed Estate', { user: USERS.viewer }),
      "No job's last run",
    );
  });
});
