// Slash-command text as Slack really sends it: `&`, `<` and `>` typed by the user arrive as `&amp;`, `&lt;` and
// `&gt;`. Signed requests to the real bot, the EM simulator behind it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ephemeralAfter, findButton } from './e2e-helpers.js';

let h: Harness;
let jobId: string;
beforeAll(async () => {
  h = await startHarness();
  jobId = h.sim.addAgentJob({ name: 'R&D Backup' }).id;
});
afterAll(() => h?.close());

describe('/veeam with &, < and > in the text', () => {
  it('finds a job named "R&D Backup" from the text Slack sends for it', async () => {
    const card = await ephemeralAfter(h, () => h.command('job R&amp;D Backup'), 'R&amp;D Backup');
    expect(findButton(card, ACTION_IDS.jobStart)?.value).toBe(jobId);
  });

  it('echoes an unknown verb escaped, so it cannot ping the channel', async () => {
    const answer = await ephemeralAfter(h, () => h.command('&lt;!channel&gt; hello'), "I don't know");
    expect(answer.text).toContain('&lt;!channel&gt;');
    expect(`${answer.text}${JSON.stringify(answer.blocks ?? [])}`).not.toContain('<!channel>');
  });
});
