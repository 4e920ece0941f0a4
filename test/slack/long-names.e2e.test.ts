import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { CHANNELS, type Harness, messageText, startHarness, USERS } from '../support/harness.js';
import { buttonOf, ephemeralAfter, newTopLevel, runningVersion } from './e2e-helpers.js';

// Issue 12 #7: a job with a very long name and description (EM sets no useful limit) must not make Slack refuse the
// list, the card or the approval request; the user always gets an answer. Escaping grows the text (`&` is `&amp;`),
// so each text must be cut after escaping. The stand-in refuses what real Slack refuses and fails the run on any
// refusal no test expected (harness close()).

/** Repeats `unit` and cuts to `length` UTF-16 units without splitting an emoji; ends on a letter. */
function filled(prefix: string, unit: string, length: number): string {
  let text = prefix;
  while (text.length < length) text += unit;
  text = text.slice(0, length - 1);
  if (/[\uD800-\uDBFF]$/.test(text)) text = `${text.slice(0, -1)}x`;
  return `${text}z`;
}

const NAME = filled('Longname ', 'R&D <nightly> 🚀 & ', 500);
const DESCRIPTION = filled('', 'Copies <all> the R&D shares & more >> 🧪🔥 ', 2000);
/** What Slack shows of the name: escaped, as the bot must write it. */
const ESCAPED_START = 'Longname R&amp;D &lt;nightly&gt; 🚀';

let h: Harness;
let jobId: string;
beforeAll(async () => {
  h = await startHarness();
  jobId = h.sim.addJob({ name: NAME, description: DESCRIPTION }).id;
});
afterAll(() => h?.close());

describe('a job with a 500-character name and a 2,000-character description', () => {
  it('has the lengths the test means', () => {
    expect(NAME).toHaveLength(500);
    expect(DESCRIPTION).toHaveLength(2000);
  });

  it('/veeam jobs arrives and lists it', async () => {
    const list = await ephemeralAfter(h, () => h.command('jobs'), ESCAPED_START);
    expect(buttonOf(list, ACTION_IDS.jobDetails, jobId)).toBeDefined();
    expect(h.slack.refusals).toEqual([]);
  });

  // The bot takes commands of at most 300 characters, so the job is named by its ID (as `/veeam help` offers).
  it('/veeam job <that job> arrives as its card, with its buttons', async () => {
    const card = await ephemeralAfter(h, () => h.command(`job ${jobId}`), ESCAPED_START);
    expect(JSON.stringify(card.blocks)).toContain('Copies &lt;all&gt; the R&amp;D shares');
    expect(buttonOf(card, ACTION_IDS.jobStart, jobId)).toBeDefined();
    expect(h.slack.refusals).toEqual([]);
  });

  it('its Details button in the list and a search by part of its name (as Slack sends `&`, `<`) give its card', async () => {
    const list = await ephemeralAfter(h, () => h.command('jobs'), ESCAPED_START);
    const details = buttonOf(list, ACTION_IDS.jobDetails, jobId);
    const before = h.slack.ephemerals.length;
    await h.click(details);
    await h.waitFor(
      () => h.slack.ephemerals.slice(before).find((e) => JSON.stringify(e).includes('Copies &lt;all')),
      {
        what: 'the card from the Details button',
      },
    );
    const typed = 'job Longname R&amp;D &lt;nightly&gt;';
    const card = await ephemeralAfter(h, () => h.command(typed), 'Copies &lt;all&gt;');
    expect(buttonOf(card, ACTION_IDS.jobStart, jobId)).toBeDefined();
    expect(h.slack.refusals).toEqual([]);
  });

  it('an approval request for it arrives in the channel, with its buttons', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await ephemeralAfter(h, () => h.command(`stop ${jobId}`), 'needs an approval');
    const request = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('asks to'));
    expect(JSON.stringify(request)).toContain(ESCAPED_START);
    expect(buttonOf(request, ACTION_IDS.approve)).toBeDefined();
    expect(buttonOf(request, ACTION_IDS.deny)).toBeDefined();
    expect(h.slack.refusals).toEqual([]);

    // Approved: the request turns into the running action, still naming the job, and still accepted by Slack.
    await h.click(buttonOf(request, ACTION_IDS.approve), { user: USERS.approver, message: request });
    const approved = await runningVersion(h, request);
    expect(messageText(approved)).toContain(`Approved by <@${USERS.approver}>`);
    expect(messageText(approved)).toContain(ESCAPED_START);
    expect(h.slack.refusals).toEqual([]);
  });

  it('a direct start posts its running parent and result for it', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command(`start ${jobId}`);
    const parent = await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes(ESCAPED_START));
    await h.waitFor(() => h.slack.thread(CHANNELS.ops, parent.ts).length > 0, {
      what: 'a result in the thread of the start',
    });
    expect(h.slack.refusals).toEqual([]);
  });
});
