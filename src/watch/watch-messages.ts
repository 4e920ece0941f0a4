// Slack messages about a watched Task: the parent while it runs (with Cancel), and after it ends.
// Owned by the watcher; the Slack surface uses taskRunningMessage() when it posts or updates a parent.

import type { types } from '@slack/bolt';
import { ACTION_IDS } from '../slack/action-ids.js';
import type { WatchSpec } from './types.js';

export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

const ACTION_VERBS: Record<WatchSpec['action'], string> = {
  start: 'Start',
  stop: 'Stop',
  retry: 'Retry',
  enable: 'Enable schedule',
  disable: 'Disable schedule',
  toggle: 'Toggle schedule',
  'session-stop': 'Stop session',
  'task-cancel': 'Cancel task',
};

export function describeTarget(spec: Pick<WatchSpec, 'target'>): string {
  const t = spec.target;
  return t.kind === 'job' ? `*${t.jobName}*` : `session *${t.sessionName ?? t.sessionId}*`;
}

/** Parent message while the Task runs: what, on what, who asked (and approved), the Task ID and a Cancel button. */
export function taskRunningMessage(spec: WatchSpec): SlackMessage {
  const who = spec.approvedBy
    ? `requested by <@${spec.requestedBy}>, approved by <@${spec.approvedBy}>`
    : `requested by <@${spec.requestedBy}>`;
  const line = `:hourglass_flowing_sand: ${ACTION_VERBS[spec.action]} ${describeTarget(spec)}: running (EM task ${spec.taskId}, ${who}). The result will be posted in this thread.`;
  return {
    text: line,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: line } },
      {
        type: 'actions',
        block_id: `task:${spec.taskId}`,
        elements: [
          {
            type: 'button',
            action_id: ACTION_IDS.taskCancel,
            text: { type: 'plain_text', text: 'Cancel task' },
            value: spec.taskId,
            style: 'danger',
            confirm: {
              title: { type: 'plain_text', text: 'Cancel this EM task?' },
              text: { type: 'mrkdwn', text: `Cancel EM task ${spec.taskId} (${ACTION_VERBS[spec.action]})?` },
              confirm: { type: 'plain_text', text: 'Cancel task' },
              deny: { type: 'plain_text', text: 'Keep it' },
            },
          },
        ],
      },
    ],
  };
}

export { ACTION_VERBS };
