import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, mentionFor } from '../../src/slack/mrkdwn.js';

describe('mrkdwn', () => {
  it('mentions users as <@U…> and user groups as <!subteam^S…>', () => {
    expect(mentionFor('UONCALL1')).toBe('<@UONCALL1>');
    expect(mentionFor('WENTERPRISE1')).toBe('<@WENTERPRISE1>');
    expect(mentionFor('SONCALL1')).toBe('<!subteam^SONCALL1>');
  });

  it('escapes mrkdwn control characters so EM text cannot inject mentions or links', () => {
    expect(escapeMrkdwn('a <!channel> & <http://x|y>')).toBe('a &lt;!channel&gt; &amp; &lt;http://x|y&gt;');
  });

  it('escapes only what Slack needs escaped', () => {
    expect(escapeMrkdwn('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; "d"');
  });
});
