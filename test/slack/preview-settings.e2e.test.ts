import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { PREVIEW_IDS } from '../../src/slack/action-ids.js';
import { CHANNELS, type Harness, startHarness } from '../support/harness.js';
import {
  auditLines,
  buttonOf,
  emWrites,
  ephemeralAfter,
  findButton,
  messageText,
  newTopLevel,
  posts,
} from './e2e-helpers.js';

let h: Harness;
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  // Only starts and retries are previewed here; every other write goes on at once (to its approval, if any).
  h = await startHarness({ clock, env: { VEEAM_CONFIRM_ACTIONS: 'start,retry' } });
});
afterAll(() => h?.close());

describe('VEEAM_CONFIRM_ACTIONS=start,retry', () => {
  it('previews a start, and a Confirm after 2 minutes says the preview expired and sends nothing', async () => {
    const writes = emWrites(h);
    const preview = await ephemeralAfter(h, () => h.command('start Server Backup'), 'Preview:');
    clock.advance(2 * 60_000 + 1_000);
    await ephemeralAfter(h, () => h.click(buttonOf(preview, PREVIEW_IDS.confirm)), 'That preview expired at');
    expect(emWrites(h)).toBe(writes);
    expect(auditLines(h)).toContainEqual(
      expect.objectContaining({ action: 'start', outcome: 'preview-expired' }),
    );
    expect(
      h.slack.topLevel(CHANNELS.ops).some((m) => m.text.includes('sending it to Enterprise Manager')),
    ).toBe(false);
  });

  it('acts on a Confirm within the 2 minutes', async () => {
    const preview = await ephemeralAfter(h, () => h.command('start Server Backup'), 'Preview:');
    clock.advance(110_000);
    const since = h.slack.topLevel(CHANNELS.ops).length;
    const before = posts(h, 'agents/jobs');
    await h.click(buttonOf(preview, PREVIEW_IDS.confirm));
    await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('Server Backup'));
    await h.waitFor(() => posts(h, 'agents/jobs') > before, { what: 'the start to reach EM' });
  });

  it('sends an unlisted write on without a preview: a disable goes straight to its approval', async () => {
    const answer = await ephemeralAfter(h, () => h.command('disable Linux Web Servers'), 'needs an approval');
    expect(findButton(answer, PREVIEW_IDS.confirm)).toBeUndefined();
    expect(h.slack.ephemerals.some((e) => e.text.includes('Preview:') && e.text.includes('Linux Web'))).toBe(
      false,
    );
  });

  it('enables a schedule at once, with no preview', async () => {
    const since = h.slack.topLevel(CHANNELS.ops).length;
    await h.command('enable Linux DB Servers');
    await newTopLevel(h, CHANNELS.ops, since, (t) => t.includes('Linux DB Servers'));
    expect(h.slack.ephemerals.some((e) => e.text.includes('Preview:') && e.text.includes('Linux DB'))).toBe(
      false,
    );
  });

  it('keeps a preview of a job with a long, nasty name within what Slack accepts', async () => {
    const name = `Longname R&D <nightly> ${'🚀 & <x> '.repeat(60)}z`;
    const job = h.sim.addJob({ name });
    const preview = await ephemeralAfter(h, () => h.command(`start ${job.id}`), 'Preview:');
    expect(messageText(preview)).toContain('Longname R&amp;D &lt;nightly&gt;');
    // The fake Slack refuses invalid Block Kit; close() fails the file on any refusal, so reaching here is the test.
    await ephemeralAfter(h, () => h.click(buttonOf(preview, PREVIEW_IDS.cancel)), 'Cancelled');
  });
});
