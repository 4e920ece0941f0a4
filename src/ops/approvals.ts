// Pending approval requests: created by a write that needs one, decided once by another approver, or expired.
// They live in the state store, so their buttons work after a restart and on every replica.

import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { StateStore } from '../state/state-store.js';
import type { ActionName } from './action-name.js';
import type { ActionTarget } from './intent.js';

type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

const STATUSES: readonly string[] = ['pending', 'approved', 'denied', 'expired'];

/** A compare-and-set that keeps losing means the request is being fought over; after this many, give up. */
const MAX_SWAPS = 8;

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

/** What the store gave back is ours only if it looks like what we saved (a hand-edited file, an old version). */
function isApproval(value: unknown): value is Approval {
  const a = value as Partial<Approval> | undefined;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof a.id === 'string' &&
    typeof a.action === 'string' &&
    typeof a.target === 'object' &&
    a.target !== null &&
    typeof a.requestedBy === 'string' &&
    typeof a.channel === 'string' &&
    typeof a.createdAt === 'number' &&
    typeof a.expiresAt === 'number' &&
    STATUSES.includes(a.status as string)
  );
}

export class ApprovalBook {
  /** Pending requests at the last sweep (metrics read it synchronously at scrape time). */
  private pending = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMinutes: number,
    private readonly store: StateStore,
  ) {}

  /** Saved before it is posted: a store that cannot take it refuses the request (StoreUnavailable). */
  async create(request: ApprovalRequest): Promise<Approval> {
    const now = this.clock.now();
    const approval: Approval = {
      ...request,
      id: `apr-${randomBytes(8).toString('hex')}`,
      createdAt: now,
      expiresAt: now + this.ttlMinutes * 60_000,
      status: 'pending',
    };
    await this.store.putApproval(approval.id, approval);
    this.pending += 1;
    return approval;
  }

  async get(id: string): Promise<Approval | undefined> {
    const saved = await this.store.getApproval(id);
    return isApproval(saved) ? saved : undefined;
  }

  async attachMessage(id: string, messageTs: string): Promise<void> {
    await this.change(id, (approval) => ({ ...approval, messageTs }));
  }

  /**
   * Compare-and-set in the store: of a double click, two approvers at once, a retried click or clicks on two
   * replicas, exactly one sees "pending" and decides; the others are told it was already decided.
   */
  async decide(id: string, user: string, verdict: Verdict): Promise<DecideResult> {
    let result: DecideResult = { kind: 'unknown' };
    await this.change(id, (approval) => {
      const now = this.clock.now();
      if (approval.status === 'pending' && now >= approval.expiresAt) {
        const expired: Approval = { ...approval, status: 'expired', decidedAt: approval.expiresAt };
        result = { kind: 'expired', approval: expired };
        return expired;
      }
      if (approval.status === 'expired') result = { kind: 'expired', approval };
      else if (approval.status !== 'pending') result = { kind: 'already', approval };
      else if (approval.requestedBy === user) result = { kind: 'self', approval };
      else {
        const status = verdict === 'approve' ? 'approved' : 'denied';
        const decided: Approval = { ...approval, status, decidedBy: user, decidedAt: now };
        result = { kind: 'decided', approval: decided };
        return decided;
      }
      return undefined;
    });
    return result;
  }

  /**
   * Marks every pending request past its expiry as expired and returns those this call marked (so each is
   * announced once, whichever replica sweeps first). Requests expired for a TTL are forgotten.
   */
  async expireDue(): Promise<Approval[]> {
    const now = this.clock.now();
    const expired: Approval[] = [];
    let pending = 0;
    for (const saved of await this.store.listApprovals()) {
      if (!isApproval(saved)) continue;
      if (saved.status === 'pending' && now >= saved.expiresAt) {
        const marked: Approval = { ...saved, status: 'expired', decidedAt: saved.expiresAt };
        if (await this.store.swapApproval(saved.id, saved, marked)) expired.push(marked);
      } else if (saved.status === 'pending') {
        pending += 1;
      } else if (now >= saved.expiresAt + this.ttlMinutes * 60_000) {
        // Kept a TTL past expiry so a late click is still told "expired" or "already decided".
        await this.store.deleteApproval(saved.id);
      }
    }
    this.pending = pending;
    return expired;
  }

  /** Every request the store still holds (pending, decided or expired), oldest first (the Home tab). */
  async all(): Promise<Approval[]> {
    const saved = await this.store.listApprovals();
    return saved.filter(isApproval).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Requests still waiting for an approver, as of the last sweep (metrics). */
  pendingCount(): number {
    return this.pending;
  }

  /** The store holds the requests: nothing of ours to let go of. */
  close(): void {}

  /** Applies `next` (undefined: no change) by compare-and-set, reading again when another writer got in between. */
  private async change(id: string, next: (approval: Approval) => Approval | undefined): Promise<void> {
    for (let attempt = 0; attempt < MAX_SWAPS; attempt++) {
      const current = await this.get(id);
      if (current === undefined) return;
      const changed = next(current);
      if (changed === undefined || (await this.store.swapApproval(id, current, changed))) return;
    }
    throw new Error(`approval ${id} kept changing under us; nothing was decided`);
  }
}
