import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { viewText } from '../../src/slack-standin/view-text.js';

let slack: FakeSlackApi;
let client: WebClient;
beforeAll(async () => {
  slack = new FakeSlackApi();
  await slack.listen();
  client = new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
});
afterAll(() => slack?.close());

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('views.publish in the Slack stand-in', () => {
  it('keeps the last accepted Home view per user, for tests to read', async () => {
    await client.views.publish({ user_id: 'UHOME1', view: { type: 'home', blocks: [section('first')] } });
    await client.views.publish({
      user_id: 'UHOME1',
      view: {
        type: 'home',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Veeam backups' } },
          section('second'),
          { type: 'divider' },
        ],
      },
    });
    expect(slack.homePublishes('UHOME1')).toBe(2);
    expect(viewText(slack.homeView('UHOME1'))).toEqual(['== Veeam backups ==', 'second', '────────']);
    expect(slack.homeView('UOTHER')).toBeUndefined();
  });

  it('refuses a view of more than 100 blocks as Slack does, and keeps the previous one', async () => {
    const blocks = Array.from({ length: 101 }, (_, i) => section(`row ${i}`));
    await expect(client.views.publish({ user_id: 'UHOME1', view: { type: 'home', blocks } })).rejects.toThrow(
      /invalid_blocks/,
    );
    const [refusal] = slack.takeRefusals();
    expect(refusal?.errors.join('\n')).toContain('no more than 100 items allowed');
    expect(viewText(slack.homeView('UHOME1'))).toContain('second');
  });

  it('refuses the block rules of messages in a view (a duplicate action_id in one block)', async () => {
    const button = {
      type: 'button',
      action_id: 'same',
      text: { type: 'plain_text', text: 'A' },
      value: '1',
    } as const;
    await expect(
      client.views.publish({
        user_id: 'UHOME1',
        view: { type: 'home', blocks: [{ type: 'actions', elements: [button, button] }] },
      }),
    ).rejects.toThrow(/invalid_blocks/);
    expect(slack.takeRefusals()).toHaveLength(1);
  });

  it('wants a user and a home view', async () => {
    await expect(client.views.publish({ user_id: '', view: { type: 'home', blocks: [] } })).rejects.toThrow(
      /invalid_arguments/,
    );
    await expect(
      client.views.publish({ user_id: 'not-a-user', view: { type: 'home', blocks: [] } }),
    ).rejects.toThrow(/user_not_found/);
  });
});
