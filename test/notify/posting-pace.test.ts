// Slack's per-channel pace for the watcher's and the monitor's posts (the one ChannelPoster, paced per channel):
// a real WebClient against the fake Slack Web API, which refuses posts beyond a channel's pace with 429.

import { LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slackMessage } from '../../src/slack/block-kit.js';
import { pacedChannelPoster } from '../../src/slack/channel-pace.js';
import { type ChannelPoster, createChannelPoster } from '../../src/slack/channel-poster.js';
import { type FakeMessage, FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';

let slack: FakeSlackApi;

beforeEach(async () => {
  slack = new FakeSlackApi();
  await slack.listen();
});

afterEach(() => slack.close());

/** The bot's poster over a WebClient; `rejectRateLimited` makes 429s reach the pace instead of the client's retry. */
function poster(intervalMs: number | undefined, rejectRateLimited = false): ChannelPoster {
  const web = new WebClient('xoxb-test', {
    slackApiUrl: slack.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: rejectRateLimited,
    logLevel: LogLevel.ERROR,
  });
  return pacedChannelPoster(createChannelPoster(web), intervalMs === undefined ? {} : { intervalMs });
}

function text(n: number): ReturnType<typeof slackMessage> {
  return slackMessage(`message ${n}`, []);
}

function postedIn(channel: string): FakeMessage[] {
  return slack.messages.filter((m) => m.channel === channel);
}

/** Gaps between consecutive posts' arrival at Slack, in ms. */
function gaps(messages: FakeMessage[]): number[] {
  return messages.slice(1).map((m, i) => (m.postedAtMs ?? 0) - (messages[i]?.postedAtMs ?? 0));
}

describe('posting keeps the channel pace', () => {
  it('30 posts asked for at once arrive paced, all of them, in order; another channel is not held up', async () => {
    // Time scaled by 10: a 100 ms pace against a channel that takes 10 posts a second.
    slack.postsPerSecondPerChannel = 10;
    const paced = poster(100);
    const parent = await paced.post('CBUSY', text(0));
    const sends: Promise<unknown>[] = [];
    for (let n = 1; n < 30; n++) {
      sends.push(paced.post('CBUSY', text(n), { threadTs: parent }));
      // An update keeps its place between the replies (it takes no turn of its own).
      if (n === 10) sends.push(paced.update('CBUSY', parent, slackMessage('message 0, updated', [])));
    }
    const quiet = [1, 2, 3].map((n) => paced.post('CQUIET', text(n)));
    await Promise.all(quiet);
    // The quiet channel is done while the busy one has barely started.
    expect(postedIn('CBUSY').length).toBeLessThan(10);
    await Promise.all(sends);

    const busy = postedIn('CBUSY');
    expect(busy.map((m) => m.text)).toEqual([
      'message 0, updated',
      ...Array.from({ length: 29 }, (_, n) => `message ${n + 1}`),
    ]);
    expect(busy.slice(1).every((m) => m.threadTs === parent)).toBe(true);
    for (const gap of gaps(busy)) expect(gap).toBeGreaterThanOrEqual(95);
    // The update went out in its place: after the 10th reply, before the 11th.
    const updateCall = slack.calls.findIndex((c) => c.method === 'chat.update');
    const postTexts = slack.calls.slice(0, updateCall).map((c) => String(c.args.text));
    expect(postTexts).toContain('message 10');
    expect(postTexts).not.toContain('message 11');
    expect(slack.rateLimited).toEqual({});
  });

  it('keeps about one post a second per channel by default', async () => {
    slack.postsPerSecondPerChannel = 1;
    const paced = poster(undefined);
    await Promise.all([1, 2, 3].map((n) => paced.post('CDEFAULT', text(n))));
    const posted = postedIn('CDEFAULT');
    expect(posted.map((m) => m.text)).toEqual(['message 1', 'message 2', 'message 3']);
    for (const gap of gaps(posted)) expect(gap).toBeGreaterThanOrEqual(990);
    expect(slack.rateLimited).toEqual({});
  });

  it('on a 429 the channel waits Retry-After and sends the same post again: nothing lost, order kept', async () => {
    slack.postsPerSecondPerChannel = 1;
    // No pace of its own: only Slack's 429s hold the channel back.
    const unpaced = poster(0, true);
    await Promise.all([1, 2, 3].map((n) => unpaced.post('CLIMITED', text(n))));
    expect(postedIn('CLIMITED').map((m) => m.text)).toEqual(['message 1', 'message 2', 'message 3']);
    expect(slack.rateLimited['chat.postMessage']).toBeGreaterThanOrEqual(2);
    for (const gap of gaps(postedIn('CLIMITED'))) expect(gap).toBeGreaterThanOrEqual(990);
  });
});
