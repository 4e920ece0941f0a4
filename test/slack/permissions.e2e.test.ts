import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import { emWrites, ephemeralAfter, newTopLevel } from './e2e-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('policy configuration', () => {
  it('refuses every write when no operators are configured, saying how to configure them', async () => {
    h = await startHarness({ env: { VEEAM_OPERATORS: undefined } });
    const harness = h;
    const e = await ephemeralAfter(harness, () => harness.command('start Server Backup'), 'VEEAM_OPERATORS');
    expect(e.text).toContain('No operators are configured');
    expect(emWrites(harness)).toBe(0);
  });

  it('fails closed when a user group cannot be read', async () => {
    h = await startHarness({ env: { VEEAM_OPERATORS: 'SUNKNOWN1' } });
    const harness = h;
    const e = await ephemeralAfter(
      harness,
      () => harness.command('start Server Backup', { user: USERS.groupMember }),
      'could not check membership',
    );
    expect(e.text).toContain('refuse');
    expect(emWrites(harness)).toBe(0);
  });

  it('takes commands in any channel when no channels are configured', async () => {
    h = await startHarness({ env: { VEEAM_ALLOWED_CHANNELS: undefined } });
    const harness = h;
    const list = await ephemeralAfter(
      harness,
      () => harness.command('jobs', { user: USERS.viewer, channel: CHANNELS.other }),
      '*Jobs (',
    );
    expect(list.channel).toBe(CHANNELS.other);
  });

  it('runs a stop at once when VEEAM_APPROVAL_ACTIONS is none', async () => {
    h = await startHarness({ env: { VEEAM_APPROVAL_ACTIONS: 'none' } });
    const harness = h;
    const since = harness.slack.topLevel(CHANNELS.ops).length;
    await harness.command('stop Server Backup');
    const running = await newTopLevel(harness, CHANNELS.ops, since, (t) => /EM task task-\d+/.test(t));
    expect(running.text).toContain('Server Backup');
    expect(harness.slack.topLevel(CHANNELS.ops).some((m) => m.text.includes('asks to'))).toBe(false);
  });
});
