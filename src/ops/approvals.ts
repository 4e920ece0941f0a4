// Pending approval requests: created by a write that needs one, decided once by another approver, or expired.

import { randomBytes } from 'node:crypto';
import NodeCache from 'node-cache';
import type { Clock } from '../clock.js';
import type { ActionName } from './action-name.js';
import type { ActionTarget } from './intent.js';

type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

interface ApprovalRequest {
  action: ActionName;
  target: ActionTarget;
  requestedBy: string;
  channel: string;
  /** Thread root the request is posted in, when the origin was in a thread (e.g. an incident). */
  threadTs?: string;
}

export interface Approval extends ApprovalRequest {
  id: string;
  createdAt: number;
  expiresAt: number;
  /** ts of the request message, once posted. */
  messageTs?: string;
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: number;
}

export type Verdict = 'approve' | 'deny';

export type DecideResult =
  | { kind: 'unknown' }
  | { kind: 'expired'; approval: Approval }
  | { kind: 'self'; approval: Approval }
  | { kind: 'already'; approval: Approval }
  | { kind: 'decided'; approval: Approval };

export class ApprovalBook {
  private readonly items: NodeCache;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMinutes: number,
  ) {
    // Entries outlive their expiry (twice the TTL, in real time) so a late click can still be told "expired";
    // expiry itself is decided by the injected clock. useClones false: decide() mutates the one stored object.
    this.items = new NodeCache({ stdTTL: ttlMinutes * 120, checkperiod: 0, useClones: false });
  }

  create(request: ApprovalRequest): Approval {
    const now = this.clock.now();
    const approval: Approval = {
      ...request,
      id: `apr-${randomBytes(8).toString('hex')}`,
      createdAt: now,
      expiresAt: now + this.ttlMinutes * 60_000,
      status: 'pending',
    };
    this.items.set(approval.id, approval);
    return approval;
  }

  get(id: string): Approval | undefined {
    return this.items.get<Approval>(id);
  }

  attachMessage(id: string, messageTs: string): void {
    const approval = this.get(id);
    if (approval) approval.messageTs = messageTs;
  }

  /**
   * Synchronous on purpose: check and change happen in one turn of the event loop, so a double click, two
   * approvers at once or a retried click can never both see "pending".
   */
  decide(id: string, user: string, verdict: Verdict): DecideResult {
    const approval = this.get(id);
    if (!approval) return { kind: 'unknown' };
    if (approval.status === 'pending' && this.clock.now() >= approval.expiresAt) {
      approval.status = 'expired';
      approval.decidedAt = approval.expiresAt;
    }
    if (approval.status === 'expired') return { kind: 'expired', approval };
    if (approval.status !== 'pending') return { kind: 'already', approval };
    if (approval.requestedBy === user) return { kind: 'self', approval };
    approval.status = verdict === 'approve' ? 'approved' : 'denied';
    approval.decidedBy = user;
    approval.decidedAt = this.clock.now();
    return { kind: 'decided', approval };
  }

  /** Marks every pending request past its expiry as expired and returns them, so their messages can say so. */
  expireDue(): Approval[] {
    const now = this.clock.now();
    const expired: Approval[] = [];
    for (const approval of Object.values(this.items.mget<Approval>(this.items.keys()))) {
      if (approval.status === 'pending' && now >= approval.expiresAt) {
        approval.status = 'expired';
        approval.decidedAt = approval.expiresAt;
        expired.push(approval);
      }
    }
    return expired;
  }

  /** Every request still remembered (pending, decided or expired), oldest first (the Home tab). */
  all(): Approval[] {
    return Object.values(this.items.mget<Approval>(this.items.keys())).sort(
      (a, b) => a.createdAt - b.createdAt,
    );
  }

  /** Requests still waiting for an approver (metrics). */
  pendingCount(): number {
    return Object.values(this.items.mget<Approval>(this.items.keys())).filter((a) => a.status === 'pending')
      .length;
  }

  close(): void {
    this.items.close();
  }
}
