import { describe, expect, it } from 'vitest';
import type { Approval } from '../../src/ops/approvals.js';
import { PICK_JOB_ACTION } from '../../src/slack/action-ids.js';
import type { SlackMessage } from '../../src/slack/block-kit.js';
import {
  actionFailedMessage,
  approvalClosedMessage,
  approvalRequestMessage,
  jobCardMessage,
  jobListMessage,
  jobNotFoundMessage,
  pickJobMessage,
  plainMessage,
  taskMessage,
  withContext,
} from '../../src/slack/blocks.js';
import { capMrkdwn, escapeMrkdwn } from '../../src/slack/mrkdwn.js';
import { refusalFor } from '../../src/slack-standin/block-kit-rules.js';
import { agentJob } from '../ops/job-fixtures.js';

// The bot's builders fed what EM and users can send (long names full of characters Slack escapes, emoji, long EM
// messages, many matches): real Slack must accept every message, posted or as a chat.update.

/** 120 characters; every `&`, `<` and `>` grows when escaped, and the emoji is two UTF-16 units. */
const NASTY = `R&D <prod> 🚀 ${'Backup & Replication <nightly> '.repeat(4)}`.slice(0, 120);
const guid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const jobs = Array.from({ length: 30 }, (_, i) =>
  agentJob(guid(i), `${NASTY} ${i}`, {
    description: NASTY.repeat(30),
    includes: Array.from({ length: 200 }, (_, j) => ({ name: `${NASTY}${j}`, displayName: '' })) as never,
  }),
);
const job = jobs[0] ?? agentJob(guid(0), NASTY);

function approval(status: Approval['status']): Approval {
  return {
    id: 'appr-1',
    action: 'disable',
    target: { kind: 'job', jobId: job.id, jobName: NASTY.repeat(3) },
    requestedBy: 'UOPER1',
    channel: 'COPS1',
    createdAt: 0,
    expiresAt: 60_000,
    status,
    ...(status === 'pending' ? {} : { decidedBy: 'UAPPR1', decidedAt: 30_000 }),
  };
}

const messages: Record<string, SlackMessage> = {
  'job list': jobListMessage(
    jobs.map((j) => ({ job: j })),
    { filter: NASTY, failedOnly: false, page: 0 },
  ),
  'job card': jobCardMessage(job),
  'job card, schedule off': jobCardMessage({ ...job, scheduleEnabled: false }),
  'pick list': pickJobMessage(jobs, NASTY.repeat(40)),
  'job not found': jobNotFoundMessage(
    NASTY.repeat(40),
    jobs.map((j) => j.name),
  ),
  task: taskMessage({
    id: 'task-1',
    href: '',
    state: 'Running',
    operation: NASTY,
    result: { success: false, message: NASTY.repeat(60) },
    links: [],
  }),
  // These take mrkdwn: their callers escape what EM said.
  'action failed': actionFailedMessage(
    'start',
    { kind: 'job', jobId: job.id, jobName: NASTY },
    escapeMrkdwn(NASTY.repeat(60)),
  ),
  'approval request': approvalRequestMessage(approval('pending')),
  'approval closed': withContext(approvalClosedMessage(approval('approved')), escapeMrkdwn(NASTY.repeat(40))),
  'plain text': plainMessage(escapeMrkdwn(NASTY.repeat(60))),
};

describe("the bot's Block Kit is accepted by real Slack's rules", () => {
  for (const [name, message] of Object.entries(messages)) {
    it(`accepts the ${name} message, posted and as a chat.update`, () => {
      expect(refusalFor('chat.postMessage', { ...message })).toBeUndefined();
      expect(refusalFor('chat.update', { ...message })).toBeUndefined();
      expect(refusalFor('response_url', { ...message })).toBeUndefined();
    });
  }

  it('gives each job of the pick list its own action_id, all answered by the pick listener', () => {
    const ids = messages['pick list']?.blocks.flatMap((block) =>
      block.type === 'actions' ? block.elements.map((e) => ('action_id' in e ? e.action_id : undefined)) : [],
    );
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(ids?.every((id) => PICK_JOB_ACTION.test(String(id)))).toBe(true);
  });

  it('cuts text without splitting an escape or an emoji, which Slack would count longer', () => {
    expect(capMrkdwn('abc&amp;def', 6)).toBe('abc…');
    expect(capMrkdwn('ab🚀cd', 4)).toBe('ab…');
    expect(capMrkdwn('short', 5)).toBe('short');
  });
});
