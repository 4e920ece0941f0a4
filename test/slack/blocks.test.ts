import { describe, expect, it } from 'vitest';
import type { JobSession } from '../../src/em/types.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { jobCardMessage, jobListMessage } from '../../src/slack/blocks.js';
import { decodeJobListView } from '../../src/slack/jobs-page-value.js';
import { agentJob } from '../ops/job-fixtures.js';

type Button = { type: string; action_id: string; value: string; confirm?: unknown };

function buttons(blocks: unknown[]): Button[] {
  return (blocks as Array<{ elements?: Button[]; accessory?: Button }>)
    .flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])])
    .filter((element) => element.type === 'button');
}

const ID = 'a6deb158-b26c-4140-8b26-5a3cc344e8ec';

describe('jobListMessage', () => {
  it('shows one page and carries the view in Next', () => {
    const rows = Array.from({ length: 27 }, (_, i) => ({
      job: agentJob(
        `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        `Job ${String(i).padStart(2, '0')}`,
      ),
    }));
    const message = jobListMessage(rows, { filter: '', failedOnly: false, page: 0 });
    expect(buttons(message.blocks).filter((b) => b.action_id === ACTION_IDS.jobDetails)).toHaveLength(20);
    expect(message.text).toContain('Showing 1–20 of 27');
    expect(message.text).toContain('Job 00');
    expect(message.text).not.toContain('Job 26');
    const next = buttons(message.blocks).find((b) => b.action_id === ACTION_IDS.jobsNextPage);
    expect(decodeJobListView(next?.value ?? '')).toEqual({ filter: '', failedOnly: false, page: 1 });
    expect(buttons(message.blocks).some((b) => b.action_id === ACTION_IDS.jobsPrevPage)).toBe(false);
  });

  it('refuses page values the bot did not make', () => {
    expect(decodeJobListView('{"p":1,"f":"../x","x":0}')).toBeUndefined();
    expect(decodeJobListView('{"p":-1,"f":"","x":0}')).toBeUndefined();
    expect(decodeJobListView('nope')).toBeUndefined();
  });
});

describe('jobCardMessage', () => {
  it('offers Disable for an enabled schedule and Enable for a disabled one, each behind a confirm dialog', () => {
    const enabled = buttons(jobCardMessage(agentJob(ID, 'A')).blocks);
    expect(enabled.map((b) => b.action_id)).toEqual([
      ACTION_IDS.jobStart,
      ACTION_IDS.jobStop,
      ACTION_IDS.jobRetry,
      ACTION_IDS.jobDisable,
    ]);
    expect(enabled.every((b) => b.confirm !== undefined && b.value === ID)).toBe(true);
    const disabled = buttons(jobCardMessage(agentJob(ID, 'A', { scheduleEnabled: false })).blocks);
    expect(disabled.map((b) => b.action_id)).toContain(ACTION_IDS.jobEnable);
    expect(disabled.map((b) => b.action_id)).not.toContain(ACTION_IDS.jobDisable);
  });

  it('offers only the actions EM links to; Sync shows as Start', () => {
    const copy = agentJob(ID, 'Copy', {
      kind: 'backup-copy',
      links: [{ rel: 'Sync', href: `https://em/api/jobs/${ID}?action=sync` }],
    });
    expect(buttons(jobCardMessage(copy).blocks).map((b) => b.action_id)).toEqual([ACTION_IDS.jobStart]);
    const none = agentJob(ID, 'None', { links: [] });
    expect(buttons(jobCardMessage(none).blocks)).toEqual([]);
  });

  it('lists the newest three sessions', () => {
    const session = (i: number): JobSession =>
      ({
        kind: 'backup',
        state: 'Stopped',
        result: i === 0 ? 'Failed' : 'Success',
        creationTime: `2026-01-0${i + 1}T10:00:00Z`,
        endTime: `2026-01-0${i + 1}T10:05:00Z`,
        isRetry: false,
      }) as JobSession;
    const text = jobCardMessage(agentJob(ID, 'A'), [0, 1, 2, 3].map(session)).text;
    expect(text).toContain(':x: Failed 2026-01-01 10:05 UTC');
    expect(text).toContain('2026-01-03 10:05 UTC');
    expect(text).not.toContain('2026-01-04');
  });
});
