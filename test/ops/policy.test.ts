import { describe, expect, it } from 'vitest';
import type { PolicyConfig } from '../../src/config.js';
import { Policy } from '../../src/ops/policy.js';

const base: PolicyConfig = {
  operators: ['UOPER1', 'SONCALL1'],
  approvers: ['UAPPR1'],
  allowedChannels: ['COPS1'],
  approvalActions: ['stop', 'disable', 'session-stop'],
  approvalTtlMinutes: 15,
  repeatWindowSeconds: 10,
  confirmActions: ['start', 'enable'],
};

function groups(members: Record<string, string[]>) {
  const calls: string[] = [];
  const lookup = async (group: string) => {
    calls.push(group);
    const users = members[group];
    if (!users) throw new Error('no_such_subteam');
    return users;
  };
  return { calls, lookup };
}

describe('Policy', () => {
  it('allows only the configured channels, or any when none are configured', () => {
    const policy = new Policy(base, groups({}).lookup);
    expect(policy.channelAllowed('COPS1').ok).toBe(true);
    const refused = policy.channelAllowed('COTHER1');
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining('<#COPS1>') });
    expect(new Policy({ ...base, allowedChannels: [] }, groups({}).lookup).channelAllowed('CANY').ok).toBe(
      true,
    );
  });

  it('lets listed users and group members operate, and no one else', async () => {
    const g = groups({ SONCALL1: ['UGRPM1'] });
    const policy = new Policy(base, g.lookup);
    expect(await policy.mayOperate('UOPER1')).toEqual({ ok: true });
    expect(await policy.mayOperate('UGRPM1')).toEqual({ ok: true });
    const refused = await policy.mayOperate('UVIEW1');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toContain('VEEAM_OPERATORS');
  });

  it('caches group members instead of asking Slack on every check', async () => {
    const g = groups({ SONCALL1: ['UGRPM1'] });
    const policy = new Policy(base, g.lookup);
    await policy.mayOperate('UGRPM1');
    await policy.mayOperate('UVIEW1');
    await policy.mayOperate('UGRPM1');
    expect(g.calls).toEqual(['SONCALL1']);
  });

  it('fails closed when a group cannot be read, and says why', async () => {
    const policy = new Policy(base, groups({}).lookup);
    const refused = await policy.mayOperate('UGRPM1');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toContain('could not check membership');
    // A directly listed user does not depend on the group lookup.
    expect(await policy.mayOperate('UOPER1')).toEqual({ ok: true });
  });

  it('refuses every write when no operators are configured, saying how to configure them', async () => {
    const policy = new Policy({ ...base, operators: [] }, groups({}).lookup);
    const refused = await policy.mayOperate('UOPER1');
    expect(!refused.ok && refused.reason).toContain('VEEAM_OPERATORS');
  });

  it('checks approvers separately from operators', async () => {
    const policy = new Policy(base, groups({ SONCALL1: [] }).lookup);
    expect((await policy.mayApprove('UAPPR1')).ok).toBe(true);
    const refused = await policy.mayApprove('UOPER1');
    expect(!refused.ok && refused.reason).toContain('VEEAM_APPROVERS');
    const none = await new Policy({ ...base, approvers: [] }, groups({}).lookup).mayApprove('UAPPR1');
    expect(!none.ok && none.reason).toContain('No approvers are configured');
  });

  it('knows which actions need an approval', () => {
    const policy = new Policy(base, groups({}).lookup);
    expect(policy.needsApproval('stop')).toBe(true);
    expect(policy.needsApproval('session-stop')).toBe(true);
    expect(policy.needsApproval('start')).toBe(false);
    expect(policy.needsApproval('enable')).toBe(false);
  });
});

describe('toggle and approvals', () => {
  it('asks for approval on a raw toggle whenever enable or disable needs one', () => {
    const lookup = async () => [];
    expect(new Policy({ ...base, approvalActions: ['disable'] }, lookup).needsApproval('toggle')).toBe(true);
    expect(new Policy({ ...base, approvalActions: ['enable'] }, lookup).needsApproval('toggle')).toBe(true);
    expect(new Policy({ ...base, approvalActions: ['stop'] }, lookup).needsApproval('toggle')).toBe(false);
  });
});

describe('previews (VEEAM_CONFIRM_ACTIONS)', () => {
  it('previews the listed actions, and a toggle whenever an enable or a disable is previewed', () => {
    const policy = new Policy(base, groups({}).lookup);
    expect(policy.needsPreview('start')).toBe(true);
    expect(policy.needsPreview('stop')).toBe(false);
    expect(policy.needsPreview('toggle')).toBe(true);
    expect(new Policy({ ...base, confirmActions: [] }, groups({}).lookup).needsPreview('toggle')).toBe(false);
  });
});
