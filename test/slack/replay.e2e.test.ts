import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { interactionBody, slashCommandBody } from '../../src/slack-standin/signed-request.js';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import { emWrites, ephemeralAfter, newTopLevel, posts } from './e2e-helpers.js';

const FORM = 'application/x-www-form-urlencoded';

// Slack's signature only proves who sent a request and when; whoever captures one (a proxy log, a misrouted
// copy) can send the same bytes again within Slack's 5-minute window. The bot must run each request once.
let h: Harness;
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  // A real repeat window, so "after the repeat window" is a real condition of the test.
  h = await startHarness({ clock, env: { VEEAM_REPEAT_WINDOW_SECONDS: '10' } });
});
afterAll(() => h?.close());

const nowSec = () => Math.floor(clock.now() / 1000);

function refusals(): Array<Record<string, unknown>> {
  return h.logger.lines.filter((l) => l.msg === 'refused a signed Slack request');
}

function command(text: string): string {
  return slashCommandBody({
    text,
    userId: USERS.operator,
    channelId: CHANNELS.ops,
    responseUrl: h.slack.responseUrl(CHANNELS.ops),
  });
}

describe('a replayed signed request', () => {
  it('runs a slash command once when the same signed request comes again 20 s later', async () => {
    const body = command('start Server Backup');
    const timestampSec = nowSec();
    const since = h.slack.topLevel(CHANNELS.ops).length;
    const starts = posts(h, 'agents/jobs');

    expect((await h.sendSigned(body, FORM, { timestampSec })).status).toBe(200);
    await newTopLevel(h, CHANNELS.ops, since, (t) => /EM task task-\d+/.test(t));
    expect(posts(h, 'agents/jobs')).toBe(starts + 1);

    // Past the 10 s repeat window, within Slack's 5 minutes: only the memory of handled requests stops it.
    clock.advance(20_000);
    const writes = emWrites(h);
    const messages = h.slack.topLevel(CHANNELS.ops).length;
    const replay = await h.sendSigned(body, FORM, { timestampSec });

    // Refused before any listener: the 401 is the answer, and nothing was asked of EM or said in Slack.
    expect(replay.status).toBe(401);
    expect(refusals().at(-1)?.reason).toMatch(/already handled/);
    expect(emWrites(h)).toBe(writes);
    expect(h.slack.topLevel(CHANNELS.ops).length).toBe(messages);
  });

  it('runs a click once when the same signed click comes again', async () => {
    const body = interactionBody({
      userId: USERS.operator,
      channelId: CHANNELS.ops,
      responseUrl: h.slack.responseUrl(CHANNELS.ops),
      action: { actionId: ACTION_IDS.jobDetails, value: SIM_JOB_IDS.serverBackup },
    });
    const timestampSec = nowSec();
    await ephemeralAfter(h, () => h.sendSigned(body, FORM, { timestampSec }), 'Server Backup');
    const answers = h.slack.ephemerals.length;

    clock.advance(60_000);
    expect((await h.sendSigned(body, FORM, { timestampSec })).status).toBe(401);
    expect(refusals().at(-1)?.reason).toMatch(/already handled/);
    expect(h.slack.ephemerals.length).toBe(answers);
  });

  it('is remembered for as long as Slack would accept it, and no longer needed after', async () => {
    const body = command('help');
    const timestampSec = nowSec();
    await ephemeralAfter(h, () => h.sendSigned(body, FORM, { timestampSec }), '/veeam');
    clock.advance(4 * 60_000 + 50_000);
    expect((await h.sendSigned(body, FORM, { timestampSec })).status).toBe(401);
    expect(refusals().at(-1)?.reason).toMatch(/already handled/);
    // Past 5 minutes the timestamp alone refuses it.
    clock.advance(20_000);
    expect((await h.sendSigned(body, FORM, { timestampSec })).status).toBe(401);
    expect(refusals().at(-1)?.reason).toMatch(/behind the bot's clock/);
  });
});

describe('a signed request whose timestamp is off the clock', () => {
  it('is refused 6 minutes in the future, and nothing runs', async () => {
    const writes = emWrites(h);
    const answers = h.slack.ephemerals.length;
    const answer = await h.sendSigned(command('start Server Backup'), FORM, { timestampSec: nowSec() + 360 });

    expect(answer.status).toBe(401);
    expect(refusals().at(-1)?.reason).toMatch(/ahead of the bot's clock/);
    expect(emWrites(h)).toBe(writes);
    expect(h.slack.ephemerals.length).toBe(answers);
  });

  it('is accepted 4 minutes off either way (Slack and the bot need not agree to the second)', async () => {
    await ephemeralAfter(
      h,
      () => h.sendSigned(command('help'), FORM, { timestampSec: nowSec() + 240 }),
      '/veeam',
    );
    await ephemeralAfter(
      h,
      () => h.sendSigned(command('help'), FORM, { timestampSec: nowSec() - 240 }),
      '/veeam',
    );
  });
});
