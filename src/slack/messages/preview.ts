// A write's private preview: what will be done to which job, its state now, what follows, what else is in flight,
// and Confirm / Cancel; and the words for a state that changed before Confirm.

import type { types } from '@slack/bolt';
import type { InFlightEntry } from '../../ops/in-flight.js';
import type { Preview } from '../../ops/preview-book.js';
import type { StateChange, TargetState } from '../../ops/target-state.js';
import { PREVIEW_IDS } from '../action-ids.js';
import { actionsBlock, button, context, type SlackMessage, section, slackMessage } from '../block-kit.js';
import { formatUtc } from '../format-utc.js';
import { describeSessionResult, formatNextRun, kindName, platformName, scheduleWord } from '../job-words.js';
import { escapeMrkdwn, mentionFor, userMention } from '../mrkdwn.js';
import { ACTION_VERBS, describeAction } from './task.js';

export interface PreviewView {
  preview: Preview;
  state: TargetState;
  /** Who may approve, when the write needs an approval; undefined: it runs at once on Confirm. */
  approvers?: readonly string[];
  inFlight: readonly InFlightEntry[];
  /** Other people's live previews of writes on the same target. */
  otherPreviews: readonly Preview[];
  /** Set when this preview replaces one whose state changed before Confirm. */
  changes?: readonly StateChange[];
}

/** Only so many in-flight lines: the preview stays one short message. */
const IN_FLIGHT_SHOWN = 5;

const DANGEROUS = new Set(['stop', 'disable', 'session-stop']);

export function previewMessage(view: PreviewView): SlackMessage {
  const { preview } = view;
  const what = describeAction(preview.action, preview.target);
  const head = `:mag: *Preview:* ${what}${targetKind(view.state)}`;
  const changed = view.changes?.length
    ? `:warning: ${describeChanges(view.changes)} Nothing was sent; here is what it looks like now.`
    : undefined;
  const state = `*Now:* ${describeState(view.state)}`;
  const next = `*Then:* ${describeNext(view.approvers, preview.user)}`;
  const inFlight = describeInFlight(view);
  const expiry = `Nothing has been sent to Enterprise Manager. This preview expires at ${formatUtc(preview.expiresAt, 'seconds')}.`;
  const lines = [...(changed ? [changed] : []), head, state, next, ...(inFlight ? [inFlight] : [])];
  const blocks: types.KnownBlock[] = [
    ...lines.map((line) => section(line)),
    context(expiry),
    actionsBlock(`preview:${preview.id}`, [
      button(
        PREVIEW_IDS.confirm,
        `Confirm: ${ACTION_VERBS[preview.action]} ${plainTarget(preview.target)}`,
        preview.id,
        {
          style: DANGEROUS.has(preview.action) ? 'danger' : 'primary',
        },
      ),
      button(PREVIEW_IDS.cancel, 'Cancel', preview.id),
    ]),
  ];
  return slackMessage([...lines, expiry].join('\n'), blocks);
}

/** For a button label: plain_text, unescaped (Slack escapes it itself), cut to Slack's 75 by the button. */
function plainTarget(target: Preview['target']): string {
  if (target.kind === 'job') return target.jobName;
  if (target.kind === 'session') return `session ${target.sessionName ?? target.sessionId}`;
  return `EM task ${target.taskId}`;
}

function targetKind(state: TargetState): string {
  if (state.kind === 'session') {
    const noun = state.session.kind === 'replica' ? 'replication' : 'backup';
    return ` (a ${noun} session of the job ${escapeMrkdwn(state.session.jobName || 'unknown')})`;
  }
  return ` (${kindName(state.job)}, ${platformName(state.job)})`;
}

function describeState(state: TargetState): string {
  if (state.kind === 'session') {
    const s = state.session;
    return s.state === 'Stopped'
      ? `this session has already ended: ${describeSessionResult(s)}.`
      : `running since ${formatUtc(s.creationTime, 'minutes')}, ${s.progress} % done.`;
  }
  const { job, running, last } = state;
  const parts = [`schedule ${scheduleWord(job)}`];
  if (state.sessionsUnknown) parts.push('its sessions could not be read just now');
  else {
    parts.push(
      running
        ? `running now (since ${formatUtc(running.creationTime, 'minutes')}, ${running.progress} % done)`
        : 'not running',
    );
    parts.push(last ? `last result ${describeSessionResult(last)}` : 'no finished run yet');
  }
  parts.push(`next run ${formatNextRun(job.nextRun)}`);
  return `${parts.join(' · ')}.`;
}

function describeNext(approvers: readonly string[] | undefined, asker: string): string {
  if (approvers === undefined)
    return 'on Confirm it is sent to Enterprise Manager at once; the result follows in a thread.';
  // Nobody approves their own request: the asker is left out (a group of theirs may still hold others).
  const others = approvers.filter((id) => id !== asker);
  const who =
    others.length > 0
      ? others.map(mentionFor).join(' or ')
      : 'an approver (none other than you is configured)';
  return `on Confirm I ask for an approval in the channel: ${who} must approve before anything is sent (not ${userMention(asker)}: nobody approves their own request).`;
}

function describeInFlight(view: PreviewView): string | undefined {
  const lines = [
    ...view.inFlight.map((entry) => inFlightLine(entry, view.preview.createdAt)),
    ...view.otherPreviews.map(
      (p) => `${userMention(p.user)} is looking at a preview of ${describeAction(p.action, p.target)}`,
    ),
  ];
  if (lines.length === 0) return undefined;
  const shown = lines.slice(0, IN_FLIGHT_SHOWN).map((l) => `• ${l}`);
  const more = lines.length > IN_FLIGHT_SHOWN ? [`• …and ${lines.length - IN_FLIGHT_SHOWN} more`] : [];
  return ['*Also on this target:*', ...shown, ...more].join('\n');
}

function inFlightLine(entry: InFlightEntry, now: number): string {
  const ago = `${Math.max(0, Math.round((now - entry.at) / 60_000))} min ago`;
  const what = ACTION_VERBS[entry.action];
  if (entry.kind === 'approval-requested') {
    return `${what} asked for by ${userMention(entry.user)} ${ago}, waiting for an approver`;
  }
  const task = entry.taskId ? ` (EM task ${escapeMrkdwn(entry.taskId)})` : '';
  return `${what} sent by ${userMention(entry.user)} ${ago}${task}; its result follows in its thread`;
}

const CHANGE_WORDS: Record<StateChange, string> = {
  started: 'it started running',
  stopped: 'its run ended',
  'schedule-enabled': 'its schedule was switched on',
  'schedule-disabled': 'its schedule was switched off',
  'new-result': 'a new run finished',
  'session-ended': 'the session ended',
};

export function describeChanges(changes: readonly StateChange[]): string {
  return `Since the preview, ${changes.map((c) => CHANGE_WORDS[c]).join(' and ')}.`;
}
