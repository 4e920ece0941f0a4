// A job card's buttons: Slack's own confirm dialog only where no preview follows the click.

import { describe, expect, it } from 'vitest';
import type { ActionName } from '../../../src/ops/action-name.js';
import { ACTION_IDS } from '../../../src/slack/action-ids.js';
import { jobCardMessage } from '../../../src/slack/messages/job-card.js';
import { agentJob } from '../../ops/job-fixtures.js';

function buttonsOf(previewed?: (action: ActionName) => boolean): Record<string, unknown>[] {
  const message = jobCardMessage(agentJob('job-1', 'Server Backup'), [], previewed);
  return message.blocks.flatMap(
    (block) =>
      ((block as { elements?: Record<string, unknown>[] }).elements ?? []) as Record<string, unknown>[],
  );
}

describe('job card buttons', () => {
  it('ask in a Slack dialog first when no preview follows', () => {
    const start = buttonsOf().find((b) => b.action_id === ACTION_IDS.jobStart);
    expect(start?.confirm).toBeDefined();
  });

  it('skip the dialog for previewed actions, so nobody confirms the same order twice', () => {
    const buttons = buttonsOf((action) => action === 'start');
    expect(buttons.find((b) => b.action_id === ACTION_IDS.jobStart)?.confirm).toBeUndefined();
    expect(buttons.find((b) => b.action_id === ACTION_IDS.jobStop)?.confirm).toBeDefined();
  });
});
