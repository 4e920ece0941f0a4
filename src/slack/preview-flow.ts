// Preview before confirm: a write first shows its asker what it will do to what, and only Confirm (by that asker,
// within 2 minutes, on an unchanged state, with their rights checked again) sends it down the usual path.

import type { ActionName } from '../ops/action-name.js';
import { audit } from '../ops/audit.js';
import { InFlightLog } from '../ops/in-flight.js';
import { type ActionTarget, targetId } from '../ops/intent.js';
import { type Preview, PreviewBook } from '../ops/preview-book.js';
import {
  changesBetween,
  markOf,
  readTargetState,
  type StateChange,
  type TargetState,
} from '../ops/target-state.js';
import { alreadyInState, authorizeWrite, notOffered, requestAction } from './action-flow.js';
import type { SlackDeps } from './deps.js';
import { formatUtc } from './format-utc.js';
import { previewMessage } from './messages/preview.js';
import { describeAction } from './messages/task.js';
import { userMention } from './mrkdwn.js';
import type { Origin } from './origin.js';

/** The Slack deps plus the two small in-memory books previews need; built once by registerListeners. */
export interface WriteDeps extends SlackDeps {
  previews: PreviewBook;
  inFlight: InFlightLog;
}

/** Books createBot may have built already are kept; otherwise (today) they are made here, on the bot's clock. */
export function withWriteBooks(
  deps: SlackDeps & Partial<Pick<WriteDeps, 'previews' | 'inFlight'>>,
): WriteDeps {
  return {
    ...deps,
    previews: deps.previews ?? new PreviewBook(deps.clock),
    inFlight: deps.inFlight ?? new InFlightLog(deps.clock),
  };
}

interface WriteRequest {
  action: ActionName;
  target: ActionTarget;
}

/** An authorised, checked write: a preview when VEEAM_CONFIRM_ACTIONS lists it, otherwise on to approval or run. */
export async function proposeWrite(deps: WriteDeps, origin: Origin, request: WriteRequest): Promise<void> {
  if (request.target.kind === 'task' || !deps.policy.needsPreview(request.action)) {
    await requestAction(deps, origin, request);
    return;
  }
  await showPreview(deps, origin, request, await readTargetState(deps.em, request.target));
}

async function showPreview(
  deps: WriteDeps,
  origin: Origin,
  request: WriteRequest,
  state: TargetState,
  changes?: StateChange[],
): Promise<void> {
  const others = deps.previews.openOn(request.target).filter((p) => p.user !== origin.user);
  const preview = deps.previews.create({
    ...request,
    user: origin.user,
    channel: origin.channel,
    ...(origin.threadTs ? { threadTs: origin.threadTs } : {}),
    mark: markOf(state),
  });
  await origin.tellUser(
    previewMessage({
      preview,
      state,
      approvers: deps.policy.needsApproval(request.action) ? deps.policy.approverIds() : undefined,
      inFlight: await inFlightOn(deps, request.target),
      otherPreviews: others,
      changes,
    }),
  );
}

/** Pending approval requests (still pending by the book) and orders sent in the last half hour. */
async function inFlightOn(deps: WriteDeps, target: ActionTarget) {
  const now = deps.clock.now();
  const entries = deps.inFlight.on(targetId(target));
  const stillOn = await Promise.all(
    entries.map(async (entry) => {
      if (entry.kind !== 'approval-requested' || entry.approvalId === undefined) return true;
      const approval = await deps.approvals.get(entry.approvalId);
      return approval?.status === 'pending' && now < approval.expiresAt;
    }),
  );
  return entries.filter((_, index) => stillOn[index]);
}

/** Confirm: one use, the asker only, in time, same channel, rights again, and the state as previewed. */
export async function confirmPreview(deps: WriteDeps, origin: Origin, previewId: string): Promise<void> {
  const preview = await takePreview(deps, origin, previewId, 'confirm');
  if (preview === undefined) return;
  const request = { action: preview.action, target: preview.target };
  if (!(await authorizeWrite(deps, origin, { action: preview.action, target: targetId(preview.target) })))
    return;
  // The write goes where it was asked from: the thread of the message whose button opened the preview.
  const asked: Origin = { ...origin, threadTs: preview.threadTs };
  const state = await readTargetState(deps.em, preview.target);
  const changes = changesBetween(preview.mark, markOf(state));
  if (changes.length > 0) {
    auditPreview(deps, preview, 'changed-since-preview', changes.join(', '));
    await showPreview(deps, asked, request, state, changes);
    return;
  }
  if (state.kind === 'job') {
    if (await alreadyInState(asked, preview.action, state.job)) return;
    if (await notOffered(asked, preview.action, state.job)) return;
  }
  await requestAction(deps, asked, request);
}

export async function cancelPreview(deps: WriteDeps, origin: Origin, previewId: string): Promise<void> {
  const preview = await takePreview(deps, origin, previewId, 'cancel');
  if (preview === undefined) return;
  auditPreview(deps, preview, 'preview-cancelled');
  await origin.tellUser(
    `Cancelled: ${describeAction(preview.action, preview.target)} was not sent; nothing was changed.`,
  );
}

/** The preview a click may act on, or undefined with the clicker told why not. */
async function takePreview(
  deps: WriteDeps,
  origin: Origin,
  previewId: string,
  verb: 'confirm' | 'cancel',
): Promise<Preview | undefined> {
  const taken = deps.previews.take(previewId, origin.user);
  switch (taken.kind) {
    case 'unknown':
      await origin.tellUser(
        'That preview is no longer known (already confirmed or cancelled, or the bot restarted); nothing was done. Ask again for a fresh one.',
      );
      return undefined;
    case 'not-yours':
      auditPreview(deps, taken.preview, 'refused', `${verb} clicked by ${origin.user}, not the asker`);
      await origin.tellUser(
        `:no_entry: Only ${userMention(taken.preview.user)} can ${verb} that preview; nothing was done. Ask for your own with the same command.`,
      );
      return undefined;
    case 'expired':
      auditPreview(deps, taken.preview, 'preview-expired');
      await origin.tellUser(
        `:hourglass: That preview expired at ${formatUtc(taken.preview.expiresAt, 'seconds')}; nothing was sent. What it showed may no longer be true: ask again for a fresh one.`,
      );
      return undefined;
    case 'taken':
      if (taken.preview.channel !== origin.channel) {
        await origin.tellUser(':no_entry: That preview belongs to another channel; nothing was done.');
        return undefined;
      }
      return taken.preview;
  }
}

/** Previews end in the audit trail only where a write was asked for and then not sent (cancel, expiry, change). */
function auditPreview(deps: WriteDeps, preview: Preview, outcome: string, detail?: string): void {
  audit(deps.logger, {
    user: preview.user,
    channel: preview.channel,
    action: preview.action,
    target: targetId(preview.target),
    outcome,
    ...(detail === undefined ? {} : { detail }),
  });
}
