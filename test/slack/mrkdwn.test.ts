import { describe, expect, it } from 'vitest';
import {
  capMrkdwn,
  capPlainText,
  decodeSlackEntities,
  escapeMrkdwn,
  mentionFor,
} from '../../src/slack/mrkdwn.js';

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

describe('capping mrkdwn to Slack limits', () => {
  it('escapes first, then cuts: the result fits although escaping lengthened it', () => {
    const capped = escapeMrkdwn('<'.repeat(3_000), 3_000);
    expect(capped.length).toBeLessThanOrEqual(3_000);
    expect(capped).toMatch(/^(&lt;)+…$/);
  });

  it('never cuts inside an entity, a mention or a surrogate pair', () => {
    for (let max = 2; max <= 12; max += 1) {
      const capped = escapeMrkdwn('a&b&c&d', max);
      expect(capped.length).toBeLessThanOrEqual(max);
      // Every & left starts a whole entity.
      expect(capped).not.toMatch(/&(?!(amp|lt|gt);)/);
    }
    expect(capMrkdwn('ping <!subteam^S123> now', 12)).toBe('ping …');
    expect(capMrkdwn('😀😀😀', 4)).toBe('😀…');
  });

  it('leaves text within the limit as it is', () => {
    expect(escapeMrkdwn('R&D', 7)).toBe('R&amp;D');
    expect(capPlainText('Retry', 75)).toBe('Retry');
    expect(capPlainText('x'.repeat(80), 75)).toHaveLength(75);
  });

  it('counts plain_text as Slack does, after it escapes & < > itself', () => {
    const capped = capPlainText('R&D <prod> 🚀'.repeat(10), 30);
    const counted =
      capped.length + 4 * (capped.match(/&/g)?.length ?? 0) + 3 * (capped.match(/[<>]/g)?.length ?? 0);
    expect(counted).toBeLessThanOrEqual(30);
    expect(capped).toMatch(/^R&D <prod> .*…$/u);
    expect(capPlainText('ab🚀cd', 4)).toBe('ab…');
  });

  it('decodes what Slack escaped in typed text, once', () => {
    expect(decodeSlackEntities('R&amp;D &lt;x&gt; &amp;lt;')).toBe('R&D <x> &lt;');
  });
});
