// Previews shown before a write: one random ID each, confirmed or cancelled once by their asker, expired after 2 min.

import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ActionName } from './action-name.js';
import { type ActionTarget, targetId } from './intent.js';
import type { StateMark } from './target-state.js';

/** A preview older than this is not acted on: what it showed may no longer be true. */
export const PREVIEW_TTL_MS = 2 * 60_000;
/** Expired previews are remembered this long (to say "expired" rather than "unknown"), then forgotten. */
const REMEMBER_MS = 30 * 60_000;
/** A bound on memory whatever the traffic: the oldest previews go first. */
const MAX_PREVIEWS = 2_000;

const PREVIEW_ID = /^pvw-[0-9a-f]{16}$/;

export interface PreviewRequest {
  action: ActionName;
  target: ActionTarget;
  user: string;
  channel: string;
  /** The thread the write belongs in (a button on a channel message): Confirm arrives from an ephemeral without it. */
  threadTs?: string;
  /** The state the preview showed, compared with EM's on Confirm. */
  mark: StateMark;
}

export interface Preview extends PreviewRequest {
  id: string;
  createdAt: number;
  expiresAt: number;
}

export type PreviewTake =
  | { kind: 'unknown' }
  | { kind: 'not-yours'; preview: Preview }
  | { kind: 'expired'; preview: Preview }
  | { kind: 'taken'; preview: Preview };

export function isPreviewId(value: string): boolean {
  return PREVIEW_ID.test(value);
}

export class PreviewBook {
  private readonly items = new Map<string, Preview>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number = PREVIEW_TTL_MS,
  ) {}

  create(request: PreviewRequest): Preview {
    const now = this.clock.now();
    this.forgetOld(now);
    const preview: Preview = {
      ...request,
      id: `pvw-${randomBytes(8).toString('hex')}`,
      createdAt: now,
      expiresAt: now + this.ttlMs,
    };
    this.items.set(preview.id, preview);
    return preview;
  }

  /**
   * Synchronous on purpose: a double click on Confirm takes the preview once. Only its asker may take it; a
   * taken or expired preview is gone (an expired one is still told apart from an unknown one).
   */
  take(id: string, user: string): PreviewTake {
    const preview = this.items.get(id);
    if (preview === undefined) return { kind: 'unknown' };
    if (preview.user !== user) return { kind: 'not-yours', preview };
    if (this.clock.now() >= preview.expiresAt) return { kind: 'expired', preview };
    this.items.delete(id);
    return { kind: 'taken', preview };
  }

  /** Live previews of writes on this target (what else is about to happen to it). */
  openOn(target: ActionTarget): Preview[] {
    const now = this.clock.now();
    const id = targetId(target);
    return [...this.items.values()].filter((p) => now < p.expiresAt && targetId(p.target) === id);
  }

  private forgetOld(now: number): void {
    for (const [id, preview] of this.items) {
      if (now - preview.expiresAt >= REMEMBER_MS) this.items.delete(id);
    }
    // Map order is insertion order: the first keys are the oldest.
    for (const id of this.items.keys()) {
      if (this.items.size < MAX_PREVIEWS) break;
      this.items.delete(id);
    }
  }
}
