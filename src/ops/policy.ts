// Who may do what: allowed channels, operators (writes) and approvers, by user ID or user-group membership.

import NodeCache from 'node-cache';
import type { PolicyConfig } from '../config.js';
import type { ActionName } from './action-name.js';

type Decision = { ok: true } | { ok: false; reason: string };

/** Members of a Slack user group (usergroups.users.list); throws when Slack cannot tell. */
type GroupMemberLookup = (groupId: string) => Promise<string[]>;

const GROUP_CACHE_SECONDS = 300;

export class Policy {
  /** usergroups.users.list is Tier 2 (about 20 calls a minute): members are cached for a few minutes. */
  private readonly groupMembers = new NodeCache({
    stdTTL: GROUP_CACHE_SECONDS,
    checkperiod: 0,
    useClones: false,
  });

  constructor(
    private readonly config: PolicyConfig,
    private readonly lookupGroupMembers: GroupMemberLookup,
  ) {}

  channelAllowed(channel: string | undefined): Decision {
    if (this.config.allowedChannels.length === 0) return { ok: true };
    if (channel !== undefined && this.config.allowedChannels.includes(channel)) return { ok: true };
    return {
      ok: false,
      reason: `Sorry, I only take Veeam commands in ${this.config.allowedChannels.map((c) => `<#${c}>`).join(', ')}.`,
    };
  }

  needsApproval(action: ActionName): boolean {
    const listed = this.config.approvalActions;
    // A toggle IS an enable or a disable: it must not be a way around their approval.
    if (action === 'toggle')
      return ['toggle', 'enable', 'disable'].some((a) => listed.includes(a as ActionName));
    return listed.includes(action);
  }

  /** VEEAM_CONFIRM_ACTIONS; a toggle is previewed whenever an enable or a disable would be, as for approvals. */
  needsPreview(action: ActionName): boolean {
    const listed = this.config.confirmActions;
    if (action === 'toggle')
      return ['toggle', 'enable', 'disable'].some((a) => listed.includes(a as ActionName));
    return listed.includes(action);
  }

  /** Who decides approvals, as configured (user and user-group IDs): named in previews and in help. */
  approverIds(): readonly string[] {
    return this.config.approvers;
  }

  /** Channels writes are taken in; empty: any channel the bot is in. */
  allowedChannelIds(): readonly string[] {
    return this.config.allowedChannels;
  }

  async mayOperate(user: string): Promise<Decision> {
    if (this.config.operators.length === 0) {
      return {
        ok: false,
        reason:
          'No operators are configured, so I refuse every change. An admin can allow people by setting VEEAM_OPERATORS to Slack user IDs (U…) or user-group IDs (S…).',
      };
    }
    return this.isMember(user, this.config.operators, 'operators (VEEAM_OPERATORS)');
  }

  async mayApprove(user: string): Promise<Decision> {
    if (this.config.approvers.length === 0) {
      return {
        ok: false,
        reason:
          'No approvers are configured, so nobody can approve. An admin can set VEEAM_APPROVERS to Slack user IDs (U…) or user-group IDs (S…).',
      };
    }
    return this.isMember(user, this.config.approvers, 'approvers (VEEAM_APPROVERS)');
  }

  private async isMember(user: string, allowed: readonly string[], who: string): Promise<Decision> {
    if (allowed.includes(user)) return { ok: true };
    const failures: string[] = [];
    for (const group of allowed.filter((id) => id.startsWith('S'))) {
      try {
        if ((await this.membersOf(group)).includes(user)) return { ok: true };
      } catch {
        failures.push(group);
      }
    }
    if (failures.length > 0) {
      // Fail closed: a group we could not read might or might not contain this user.
      return {
        ok: false,
        reason: `I could not check membership of ${failures.map((g) => `<!subteam^${g}>`).join(', ')} with Slack, so I refuse to be safe. Try again in a minute; if it keeps failing, the bot may lack the usergroups:read scope.`,
      };
    }
    return { ok: false, reason: `Only ${who} may do that. Ask one of them, or an admin to add you.` };
  }

  private async membersOf(group: string): Promise<string[]> {
    const cached = this.groupMembers.get<string[]>(group);
    if (cached) return cached;
    const members = await this.lookupGroupMembers(group);
    this.groupMembers.set(group, members);
    return members;
  }
}
