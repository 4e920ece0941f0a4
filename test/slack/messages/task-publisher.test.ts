// The watcher's publisher over a real WebClient and the fake Slack Web API: what it sends, and what a refusal means.

import { LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../src/log/logger.js';
import { createChannelPoster } from '../../../src/slack/channel-poster.js';
import { createTaskPublisher } from '../../../src/slack/messages/task-publisher.js';
import { FakeSlackApi } from '../../../src/slack-standin/fake-slack-api.js';
import type { WatchSpec } from '../../../src/watch/types.js';
import type { WatchPublisher } from '../../../src/watch/watch-publisher.js';

const CHANNEL = 'COPS1';
let fake: FakeSlackApi;
let publisher: WatchPublisher;
let logger: ReturnType<typeof createMemoryLogger>;
let spec: WatchSpec;

beforeEach(async () => {
  fake = new FakeSlackApi();
  await fake.listen();
  const client = new WebClient('xoxb-test', {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
  logger = createMemoryLogger('debug');
  publisher = createTaskPublisher(createChannelPoster(client), logger);
  const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'Sending start to EM…' });
  spec = {
    taskId: 'task-7',
    action: 'start',
    target: { kind: 'job', jobId: 'a6deb158-b26c-4140-8b26-5a3cc344e8ec', jobName: 'Server Backup' },
    channel: CHANNEL,
    threadTs: parent.ts as string,
    parentTs: parent.ts as string,
    requestedBy: 'UOPER1',
    requestedAt: Date.parse('2026-01-01T00:00:00Z'),
  };
});
afterEach(() => fake.close());

function parent() {
  return fake.messages.find((m) => m.ts === spec.parentTs);
}

describe('the task publisher', () => {
  it('shows the running parent with its Cancel button and the approval note under it', async () => {
    const result = await publisher.publish(spec, {
      kind: 'parent',
      post: { type: 'running', note: 'Approved by <@UAPPR1>.' },
    });
    expect(result).toEqual({ outcome: 'sent' });
    expect(parent()?.text).toContain('running (EM task task-7');
    expect(parent()?.text).toContain('Approved by <@UAPPR1>.');
    const blocks = JSON.stringify(parent()?.blocks);
    expect(blocks).toContain('task_cancel');
    expect(blocks.indexOf('Approved by')).toBeGreaterThan(blocks.indexOf('task_cancel'));
  });

  it('posts a report as a thread reply, and as the outcome at a glance on the parent', async () => {
    const report = { kind: 'unknown' as const, reason: 'the job could not be found.' };
    await publisher.publish(spec, { kind: 'reply', post: { type: 'report', report } });
    await publisher.publish(spec, { kind: 'parent', post: { type: 'report', report } });
    expect(fake.thread(CHANNEL, spec.threadTs)[0]?.text).toContain('result unknown');
    expect(parent()?.text).toContain('result unknown; see the thread.');
  });

  it('sends the text alone when Slack refuses the blocks', async () => {
    fake.failNext('chat.postMessage', { error: 'invalid_blocks' });
    const result = await publisher.publish(spec, {
      kind: 'reply',
      post: { type: 'cancelled', byUser: 'UOPER2' },
    });
    expect(result).toEqual({ outcome: 'sent' });
    const reply = fake.thread(CHANNEL, spec.threadTs)[0];
    expect(reply?.text).toContain('<@UOPER2> cancelled EM task task-7');
    expect(reply?.blocks).toBeUndefined();
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ msg: 'Slack refused the blocks; sending the text alone', taskId: 'task-7' }),
    );
  });

  it('says drop for an error no retry fixes, and retry for the others', async () => {
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    const cancelled = { kind: 'reply' as const, post: { type: 'cancelled' as const, byUser: 'UOPER2' } };
    expect(await publisher.publish(spec, cancelled)).toMatchObject({
      outcome: 'dropped',
      error: expect.objectContaining({ data: expect.objectContaining({ error: 'channel_not_found' }) }),
    });
    fake.failNext('chat.postMessage', { error: 'internal_error' });
    expect(await publisher.publish(spec, cancelled)).toMatchObject({ outcome: 'retry' });
    expect(fake.thread(CHANNEL, spec.threadTs)).toHaveLength(0);
  });

  it('posts text an older version saved as it is', async () => {
    await publisher.publish(spec, { kind: 'parent', post: { type: 'text', text: 'saved outcome' } });
    expect(parent()?.text).toBe('saved outcome');
    expect(parent()?.blocks).toEqual([]);
  });
});
