import { WebClient } from '@slack/web-api';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';

// Each rule is sent to the stand-in over HTTP by the real WebClient, as the bot sends it: refused one character
// (or item) past Slack's limit, accepted at the limit.

let slack: FakeSlackApi;
let client: WebClient;

beforeAll(async () => {
  slack = new FakeSlackApi({ refusals: 'record' });
  await slack.listen();
  client = new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
});
afterAll(() => slack.close());
afterEach(() => {
  slack.takeRefusals();
});

type Block = Record<string, unknown>;
interface Answer {
  ok: boolean;
  error?: string;
  errors?: string[];
}

async function call(method: string, args: Record<string, unknown>, via = client): Promise<Answer> {
  try {
    const result = await via.apiCall(method, args);
    return { ok: result.ok === true };
  } catch (err) {
    const data = (err as { data?: Answer }).data;
    if (data === undefined) throw err;
    return data;
  }
}

const post = (blocks: unknown) => call('chat.postMessage', { channel: 'C1', text: 'fallback', blocks });

const a = (n: number) => 'a'.repeat(n);
const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });
const button = (actionId: string, text = 'Go', extra: Block = {}): Block => ({
  type: 'button',
  action_id: actionId,
  text: plain(text),
  value: 'v',
  ...extra,
});
const actions = (elements: Block[], blockId?: string): Block => ({
  type: 'actions',
  ...(blockId === undefined ? {} : { block_id: blockId }),
  elements,
});
const confirm = (over: Partial<Record<'title' | 'text' | 'confirm' | 'deny', string>> = {}) => ({
  title: plain(over.title ?? 'Sure?'),
  text: mrkdwn(over.text ?? 'Really?'),
  confirm: plain(over.confirm ?? 'Yes'),
  deny: plain(over.deny ?? 'No'),
});
const select = (option: { text: string; value: string }): Block => ({
  type: 'static_select',
  action_id: 'pick',
  placeholder: plain('Pick one'),
  options: [{ text: plain(option.text), value: option.value }],
});

/** The answer is Slack's refusal, and one of its errors points at `pointer`. */
function expectRefused(answer: Answer, pointer: string, error = 'invalid_blocks'): void {
  expect(answer.ok).toBe(false);
  expect(answer.error).toBe(error);
  expect(answer.errors?.some((e) => e.endsWith(`[json-pointer:${pointer}]`))).toBe(true);
}

describe('the Slack stand-in refuses Block Kit as real Slack does', () => {
  it('refuses more than 50 blocks in a message', async () => {
    expect(await post(Array.from({ length: 50 }, () => section('x')))).toEqual({ ok: true });
    expectRefused(await post(Array.from({ length: 51 }, () => section('x'))), '/blocks');
  });

  it('refuses more than 100 blocks in a view, and allows more than 50', async () => {
    const view = (n: number) => ({ type: 'home', blocks: Array.from({ length: n }, () => section('x')) });
    expect(await call('views.publish', { user_id: 'U1', view: view(100) })).toEqual({ ok: true });
    expectRefused(await call('views.publish', { user_id: 'U1', view: view(101) }), '/view/blocks');
  });

  it('refuses a block_id used twice in one message', async () => {
    const answer = await post([actions([button('a')], 'row'), actions([button('b')], 'row')]);
    expectRefused(answer, '/blocks/1/block_id');
    expect(answer.errors).toContain('block_id already exists [json-pointer:/blocks/1/block_id]');
    expect(await post([actions([button('a')], 'row:1'), actions([button('b')], 'row:2')])).toEqual({
      ok: true,
    });
  });

  it('refuses an action_id repeated inside one block, and allows it in another block', async () => {
    const answer = await post([actions([button('pick_job'), button('pick_job')])]);
    expect(answer.errors).toContain('action_id already exists [json-pointer:/blocks/0/elements/1/action_id]');
    expect(await post([actions([button('pick_job')]), actions([button('pick_job')])])).toEqual({ ok: true });
  });

  it('refuses section text over 3,000 characters, counted after escaping', async () => {
    expect(await post([section(a(3000))])).toEqual({ ok: true });
    expectRefused(await post([section(a(3001))]), '/blocks/0/text/text');
    // `&amp;` is five characters to Slack, and so is a bare `&`, which Slack stores escaped.
    expect(await post([section(`${a(2995)}&amp;`)])).toEqual({ ok: true });
    expectRefused(await post([section(`${a(2996)}&amp;`)]), '/blocks/0/text/text');
    expectRefused(await post([section(`${a(2996)}&`)]), '/blocks/0/text/text');
  });

  it('refuses a section with neither text nor fields, and empty text', async () => {
    expectRefused(await post([{ type: 'section' }]), '/blocks/0');
    expectRefused(await post([section('')]), '/blocks/0/text/text');
  });

  it('refuses more than 10 section fields or a field over 2,000 characters', async () => {
    const fields = (n: number, length = 1) => ({
      type: 'section',
      fields: Array.from({ length: n }, () => mrkdwn(a(length))),
    });
    expect(await post([fields(10, 2000)])).toEqual({ ok: true });
    expectRefused(await post([fields(11)]), '/blocks/0/fields');
    expectRefused(await post([fields(1, 2001)]), '/blocks/0/fields/0/text');
  });

  it('refuses a header over 150 characters or not plain_text', async () => {
    expect(await post([{ type: 'header', text: plain(a(150)) }])).toEqual({ ok: true });
    expectRefused(await post([{ type: 'header', text: plain(a(151)) }]), '/blocks/0/text/text');
    expectRefused(await post([{ type: 'header', text: mrkdwn('*bold*') }]), '/blocks/0/text/type');
  });

  it('refuses a context block of more than 10 elements', async () => {
    const context = (n: number) => ({
      type: 'context',
      elements: Array.from({ length: n }, () => mrkdwn('x')),
    });
    expect(await post([context(10)])).toEqual({ ok: true });
    expectRefused(await post([context(11)]), '/blocks/0/elements');
  });

  it('refuses an actions block of more than 25 elements', async () => {
    const row = (n: number) => actions(Array.from({ length: n }, (_, i) => button(`b:${i}`)));
    expect(await post([row(25)])).toEqual({ ok: true });
    expectRefused(await post([row(26)]), '/blocks/0/elements');
  });

  it('refuses button text over 75 plain_text characters, counted after escaping', async () => {
    expect(await post([actions([button('b', a(75))])])).toEqual({ ok: true });
    expectRefused(await post([actions([button('b', a(76))])]), '/blocks/0/elements/0/text/text');
    // Slack escapes plain_text itself: "R&D" is 7 characters long to it.
    expect(await post([actions([button('b', `${a(70)}&`)])])).toEqual({ ok: true });
    expectRefused(await post([actions([button('b', `${a(71)}&`)])]), '/blocks/0/elements/0/text/text');
    const mrkdwnLabel = { ...button('b'), text: mrkdwn('*Go*') };
    expectRefused(await post([actions([mrkdwnLabel])]), '/blocks/0/elements/0/text/type');
  });

  it('refuses a button value over 2,000 characters', async () => {
    expect(await post([actions([button('b', 'Go', { value: a(2000) })])])).toEqual({ ok: true });
    expectRefused(
      await post([actions([button('b', 'Go', { value: a(2001) })])]),
      '/blocks/0/elements/0/value',
    );
  });

  it('refuses a confirm dialog past its limits: title 100, text 300, confirm and deny 30', async () => {
    const withConfirm = (over: Parameters<typeof confirm>[0]) => [
      actions([button('b', 'Go', { confirm: confirm(over) })]),
    ];
    expect(await post(withConfirm({ title: a(100), text: a(300), confirm: a(30), deny: a(30) }))).toEqual({
      ok: true,
    });
    const at = '/blocks/0/elements/0/confirm';
    expectRefused(await post(withConfirm({ title: a(101) })), `${at}/title/text`);
    expectRefused(await post(withConfirm({ text: a(301) })), `${at}/text/text`);
    expectRefused(await post(withConfirm({ confirm: a(31) })), `${at}/confirm/text`);
    expectRefused(await post(withConfirm({ deny: a(31) })), `${at}/deny/text`);
  });

  it('refuses option text over 75 characters and option value over 150', async () => {
    expect(await post([actions([select({ text: a(75), value: a(150) })])])).toEqual({ ok: true });
    const at = '/blocks/0/elements/0/options/0';
    expectRefused(await post([actions([select({ text: a(76), value: 'v' })])]), `${at}/text/text`);
    expectRefused(await post([actions([select({ text: 't', value: a(151) })])]), `${at}/value`);
  });

  it('refuses properties a block, element or text object does not define', async () => {
    expectRefused(await post([{ ...section('x'), color: 'red' }]), '/blocks/0/color');
    expectRefused(
      await post([actions([button('b', 'Go', { url: 'https://x.example', fallback: 'x' })])]),
      '/blocks/0/elements/0/fallback',
    );
    expectRefused(
      await post([{ type: 'section', text: { ...mrkdwn('x'), emoji: true } }]),
      '/blocks/0/text/emoji',
    );
    expectRefused(await post([{ type: 'carousel' }]), '/blocks/0/type');
  });

  it('answers chat.update text over 4,000 characters with msg_too_long', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C1', text: 'short' });
    const update = (text: string) => call('chat.update', { channel: 'C1', ts, text });
    expect(await update(a(4000))).toEqual({ ok: true });
    expect(await update(a(4001))).toMatchObject({ ok: false, error: 'msg_too_long' });
  });

  it('answers blocks that are not a JSON array of objects with invalid_blocks_format', async () => {
    expect(await post('not json')).toMatchObject({ ok: false, error: 'invalid_blocks_format' });
  });

  it('checks chat.update, chat.postEphemeral and views.open as it checks chat.postMessage', async () => {
    const twice = [actions([button('x'), button('x')])];
    const { ts } = await client.chat.postMessage({ channel: 'C1', text: 'short' });
    expectRefused(
      await call('chat.update', { channel: 'C1', ts, text: 't', blocks: twice }),
      '/blocks/0/elements/1/action_id',
    );
    expectRefused(
      await call('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 't', blocks: twice }),
      '/blocks/0/elements/1/action_id',
    );
    const modal = { type: 'modal', title: plain(a(25)), blocks: [section('x')] };
    expectRefused(await call('views.open', { trigger_id: 't', view: modal }), '/view/title/text');
    expect(slack.messages.find((m) => m.ts === ts)?.text).toBe('short');
  });

  it('answers a refused response_url post with HTTP 200 and ok: false, and shows nothing', async () => {
    const before = slack.ephemerals.length;
    const response = await request(slack.responseUrl('C1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        text: 't',
        blocks: [actions([button('x'), button('x')])],
      }),
    });
    expect(response.statusCode).toBe(200);
    expectRefused((await response.body.json()) as Answer, '/blocks/0/elements/1/action_id');
    expect(slack.ephemerals).toHaveLength(before);
    expect(slack.takeRefusals().map((r) => r.method)).toEqual(['response_url']);
  });
});

describe('refusals fail the run that caused them', () => {
  const tooLong = (api: FakeSlackApi) =>
    call(
      'chat.postMessage',
      { channel: 'C1', text: 't', blocks: [section(a(3001))] },
      new WebClient('xoxb-test', { slackApiUrl: api.url, retryConfig: { retries: 0 } }),
    );

  it('makes close() throw with what was refused, unless a test took the refusals it expected', async () => {
    const strict = new FakeSlackApi();
    await strict.listen();
    expect(await tooLong(strict)).toMatchObject({ ok: false, error: 'invalid_blocks' });
    await expect(strict.close()).rejects.toThrow(
      /refused 1 call.*\n.*chat\.postMessage: invalid_blocks\n.*\/blocks\/0\/text\/text/,
    );

    const expecting = new FakeSlackApi();
    await expecting.listen();
    expect(await tooLong(expecting)).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(expecting.takeRefusals()).toHaveLength(1);
    await expect(expecting.close()).resolves.toBeUndefined();
  });
});
