import { describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { jobCardMessage, jobListMessage } from '../../src/slack/blocks.js';
import { agentJob } from '../ops/job-fixtures.js';

type Button = { type: string; action_id: string; value: string; confirm?: unknown };

function buttons(blocks: unknown[]): Button[] {
  return (blocks as Array<{ elements?: Button[]; accessory?: Button }>)
    .flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])])
    .filter((element) => element.type === 'button');
}

describe('jobListMessage', () => {
  it('cuts long lists and says how to narrow them', () => {
    const jobs = Array.from({ length: 27 }, (_, i) =>
      agentJob(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, `Job ${String(i).padStart(2, '0')}`),
    );
    const message = jobListMessage(jobs, '');
    expect(buttons(message.blocks).filter((b) => b.action_id === ACTION_IDS.jobDetails)).toHaveLength(20);
    expect(message.text).toContain('…and 7 more; narrow it with `/veeam jobs <text>`');
    expect(message.text).toContain('Job 00');
    expect(message.text).not.toContain('Job 26');
  });
});

describe('jobCardMessage', () => {
  it('offers Disable for an enabled schedule and Enable for a disabled one, each behind a confirm dialog', () => {
    const enabled = buttons(jobCardMessage(agentJob('a6deb158-b26c-4140-8b26-5a3cc344e8ec', 'A')).blocks);
    expect(enabled.map((b) => b.action_id)).toEqual([
      ACTION_IDS.jobStart,
      ACTION_IDS.jobStop,
      ACTION_IDS.jobRetry,
      ACTION_IDS.jobDisable,
    ]);
    expect(
      enabled.every((b) => b.confirm !== undefined && b.value === 'a6deb158-b26c-4140-8b26-5a3cc344e8ec'),
    ).toBe(true);
    const disabled = buttons(
      jobCardMessage(agentJob('a6deb158-b26c-4140-8b26-5a3cc344e8ec', 'A', { scheduleEnabled: false }))
        .blocks,
    );
    expect(disabled.map((b) => b.action_id)).toContain(ACTION_IDS.jobEnable);
    expect(disabled.map((b) => b.action_id)).not.toContain(ACTION_IDS.jobDisable);
  });
});
