// Slack messages about a watched Task: the parent while it runs (with Cancel), and after it ends. The watcher
// hands neutral posts (watch/watch-publisher.ts); this turns them into Block Kit and mrkdwn.

import type { ActionTarget } from '../../ops/intent.js';
import { formatDuration } from '../../watch/format-duration.js';
import type { WatchSpec } from '../../watch/types.js';
import type { WatchMessage } from '../../watch/watch-publisher.js';
import { watchKey } from '../../watch/watch-record.js';
import type { SessionSummary, WatchReport } from '../../watch/watch-report.js';
import { wantedSchedule } from '../../watch/watch-steps.js';
import { ACTION_IDS } from '../action-ids.js';
import {
  actionsBlock,
  button,
  confirmDialog,
  context,
  type SlackMessage,
  section,
  slackMessage,
} from '../block-kit.js';
import { describeActionTarget } from '../describe-action-target.js';
import { escapeMrkdwn, userMention } from '../mrkdwn.js';
import {
  failedObjectsGlance,
  failedObjectsText,
  jobSessionNoun,
  sessionNoun,
} from './task-failed-objects.js';

const ACTION_VERBS: Record<WatchSpec['action'], string> = {
  start: 'Start',
  stop: 'Stop',
  retry: 'Retry',
  enable: 'Enable schedule',
  disable: 'Disable schedule',
  toggle: 'Toggle schedule',
  'session-stop': 'Stop session',
  'task-cancel': 'Cancel task',
};

/** "Start *Job*", "Stop session *…*": an action and what it acts on, as messages about it name it. */
export function describeAction(action: WatchSpec['action'], target: ActionTarget): string {
  return `${ACTION_VERBS[action]} ${describeActionTarget(target)}`;
}

function title(spec: WatchSpec): string {
  return describeAction(spec.action, spec.target);
}

/** "requested by <@U1>, approved by <@U2>". */
function requesters(spec: WatchSpec): string {
  const requested = `requested by ${userMention(spec.requestedBy)}`;
  return spec.approvedBy ? `${requested}, approved by ${userMention(spec.approvedBy)}` : requested;
}

/** Parent message while the Task runs: what, on what, who asked (and approved), the Task ID and a Cancel button. */
export function taskRunningMessage(spec: WatchSpec): SlackMessage {
  const line = `:hourglass_flowing_sand: ${title(spec)}: running (EM task ${spec.taskId}, ${requesters(spec)}). The result will be posted in this thread.`;
  return {
    text: line,
    blocks: [
      section(line),
      // The block ID names this watch (task ID @ request time): after a re-logon the same task ID may name a
      // newer Task (em-api.md §3.6), and Cancel on this card must not reach that one.
      actionsBlock(`task:${watchKey(spec)}`, [
        button(ACTION_IDS.taskCancel, 'Cancel task', spec.taskId, {
          style: 'danger',
          confirm: confirmDialog({
            title: 'Cancel this EM task?',
            text: `Cancel EM task ${spec.taskId} (${ACTION_VERBS[spec.action]})?`,
            confirm: 'Cancel task',
            deny: 'Keep it',
          }),
        }),
      ]),
    ],
  };
}

export { ACTION_VERBS };

// ---------------------------------------------------------------------------------------------------------------
// After the Task: thread replies and the parent's outcome. Pure functions of the spec and a WatchReport.

const EMOJI = {
  success: '✅',
  failure: '❌',
  warning: '⚠️',
  unknown: '❔',
  running: '⏳',
  timeout: '⏱️',
  cancelled: '🛑',
} as const;

/** EM's own message on a Task or session: long enough for any real reason, short enough for one section. */
const EM_QUOTE_MAX = 1_500;

/** ` EM: "…"`, closed with a full stop unless EM's own message ends a sentence, so text can follow. */
function quoteEm(message: string | undefined): string {
  const m = message?.trim() ?? '';
  if (m === '') return '';
  // EM's text is escaped, then cut: the reply stays one section under Slack's 3,000 characters.
  return ` EM: "${escapeMrkdwn(m, EM_QUOTE_MAX)}"${/[.!?]$/.test(m) ? '' : '.'}`;
}

/** "Requested by <@U1>, approved by <@U2>." */
function whoAsked(spec: WatchSpec): string {
  const who = requesters(spec);
  return `${who.charAt(0).toUpperCase()}${who.slice(1)}.`;
}

function cancelledNotes(byUser: string | undefined): string[] {
  return byUser === undefined ? [] : [`Cancelled by ${userMention(byUser)}.`];
}

function jobName(spec: WatchSpec): string | undefined {
  return spec.target.jobName;
}

/** The session the job runs: backup, replication or backup copy (before the session itself is read). */
function runNoun(spec: WatchSpec): string {
  return jobSessionNoun(spec.target.kind === 'job' ? spec.target.jobKind : undefined);
}

/** How to look it up by hand: the job card when we know the job, and the Task. */
function lookupHint(spec: WatchSpec): string {
  const name = jobName(spec);
  const task = `\`/veeam task ${spec.taskId}\``;
  return name === undefined ? task : `\`/veeam job ${escapeMrkdwn(name)}\` or ${task}`;
}

function resolvedNote(spec: WatchSpec): string {
  const from =
    spec.action === 'enable' || spec.action === 'disable' || spec.action === 'toggle'
      ? "the job's schedule state"
      : spec.action === 'session-stop'
        ? 'the session itself'
        : `the job's newest ${runNoun(spec)}`;
  return `EM no longer knew task ${spec.taskId} (its logon session ended or EM restarted), so this result was read from ${from}.`;
}

function sessionIsGood(s: SessionSummary): 'success' | 'warning' | 'failure' | 'unknown' {
  if (s.result === 'Success') return 'success';
  if (s.result === 'Warning') return 'warning';
  if (s.result === 'Failed') return 'failure';
  return 'unknown';
}

function sessionRan(s: SessionSummary): string {
  return s.durationMs === undefined ? '' : `, ran ${formatDuration(s.durationMs)}`;
}

function isStopAction(spec: WatchSpec): boolean {
  return spec.action === 'stop' || spec.action === 'session-stop';
}

interface Outcome {
  emoji: string;
  /** One sentence for the thread reply (after the title). */
  reply: string;
  /** A few words for the parent message (after the title). */
  glance: string;
  /** Extra sentences for the reply. */
  notes: string[];
  /** A block of its own under the reply: which objects failed and why. */
  details?: string;
}

function outcomeOf(spec: WatchSpec, report: WatchReport): Outcome {
  switch (report.kind) {
    case 'task':
      return taskOutcome(spec, report);
    case 'schedule':
      return scheduleOutcome(spec, report);
    case 'session':
      return sessionOutcome(spec, report);
    case 'no-session':
      return noSessionOutcome(spec, report);
    case 'timeout':
      return timeoutOutcome(spec, report);
    case 'unknown':
      return {
        emoji: EMOJI.unknown,
        reply: `result unknown: ${escapeMrkdwn(report.reason, EM_QUOTE_MAX)} Look with ${lookupHint(spec)}.`,
        glance: 'result unknown; see the thread.',
        notes: [],
      };
    case 'cancelled':
      return {
        emoji: EMOJI.cancelled,
        reply: `cancelled by ${userMention(report.byUser)}; EM no longer knows task ${spec.taskId}, so there is no final state to show.`,
        glance: `cancelled by ${userMention(report.byUser)}.`,
        notes: [],
      };
  }
}

function taskOutcome(spec: WatchSpec, report: Extract<WatchReport, { kind: 'task' }>): Outcome {
  const took = `EM task ${spec.taskId}, took ${formatDuration(report.durationMs)}`;
  const notes = cancelledNotes(report.cancelledBy);
  if (!report.success) {
    return {
      emoji: EMOJI.failure,
      reply: `failed (${took}).${quoteEm(report.emMessage)}`,
      glance: `failed.${quoteEm(report.emMessage)}`,
      notes,
    };
  }
  if (report.followUp === 'backup-session') {
    return {
      emoji: EMOJI.success,
      reply: `EM delivered the command (${took}).${quoteEm(report.emMessage)} That only means the job was triggered: following the ${runNoun(spec)} now, its result will be posted here.`,
      glance: `triggered; ${runNoun(spec)} running…`,
      notes,
    };
  }
  if (report.followUp === 'session-end') {
    return {
      emoji: EMOJI.success,
      reply: `EM delivered the command (${took}).${quoteEm(report.emMessage)} Waiting for the session to end; confirmation will follow here.`,
      glance: 'stop delivered; waiting for the session to end…',
      notes,
    };
  }
  return {
    emoji: EMOJI.success,
    reply: `succeeded (${took}).${quoteEm(report.emMessage)}`,
    glance: 'done.',
    notes,
  };
}

function scheduleOutcome(spec: WatchSpec, report: Extract<WatchReport, { kind: 'schedule' }>): Outcome {
  const notes = [...(report.resolved ? [resolvedNote(spec)] : []), ...cancelledNotes(report.cancelledBy)];
  const task =
    report.taskSuccess === undefined
      ? ''
      : `${report.taskSuccess ? 'EM finished the task' : 'EM reported failure'} (EM task ${spec.taskId}, took ${formatDuration(report.durationMs)}).${quoteEm(report.emMessage)} `;
  if ('error' in report.readBack) {
    return {
      emoji: report.taskSuccess === false ? EMOJI.failure : EMOJI.unknown,
      reply: `${task}The schedule state could not be read back: ${escapeMrkdwn(report.readBack.error)}. Look with ${lookupHint(spec)}.`,
      glance: report.taskSuccess === false ? 'failed.' : 'schedule state unknown.',
      notes,
    };
  }
  const state = report.readBack.scheduleEnabled ? 'enabled' : 'disabled';
  const wanted = wantedSchedule(spec);
  if (wanted !== undefined && wanted !== report.readBack.scheduleEnabled) {
    return {
      emoji: report.taskSuccess === false ? EMOJI.failure : EMOJI.warning,
      reply: `${task}The schedule reads back as *${state}*, NOT *${wanted ? 'enabled' : 'disabled'}* as wanted. Check with ${lookupHint(spec)}.`,
      glance: `schedule is *${state}*, not ${wanted ? 'enabled' : 'disabled'} as wanted.`,
      notes,
    };
  }
  return {
    emoji: report.taskSuccess === false ? EMOJI.failure : EMOJI.success,
    reply: `${task}The schedule reads back as *${state}*.`,
    glance: `schedule is now *${state}*.`,
    notes,
  };
}

function sessionOutcome(spec: WatchSpec, report: Extract<WatchReport, { kind: 'session' }>): Outcome {
  const s = report.session;
  const notes = report.resolved ? [resolvedNote(spec)] : [];
  const failure = quoteEm(s.failureMessage);
  if (isStopAction(spec)) {
    return {
      emoji: EMOJI.success,
      reply: `confirmed: session *${escapeMrkdwn(s.name)}* is ${s.state} (its result: ${s.result}${sessionRan(s)}).${failure}`,
      glance: `session stopped (result ${s.result}).`,
      notes,
    };
  }
  const noun = sessionNoun(s);
  const details = failedObjectsText(s.failedObjects);
  const tone = sessionIsGood(s);
  const emoji =
    tone === 'success'
      ? EMOJI.success
      : tone === 'warning'
        ? EMOJI.warning
        : tone === 'failure'
          ? EMOJI.failure
          : EMOJI.unknown;
  return {
    emoji,
    reply: `${noun} *${escapeMrkdwn(s.name)}* ended: *${s.result}*${sessionRan(s)}.${failure}`,
    glance: `${noun.replace(/ session$/, '')} *${s.result}*${sessionRan(s)}.${failure}${failedObjectsGlance(s.failedObjects)}`,
    notes,
    ...(details === '' ? {} : { details }),
  };
}

function noSessionOutcome(spec: WatchSpec, report: Extract<WatchReport, { kind: 'no-session' }>): Outcome {
  const newest =
    report.newest === undefined
      ? ''
      : ` The newest session is *${escapeMrkdwn(report.newest.name)}* (${report.newest.state}, ${report.newest.result}).`;
  return {
    emoji: EMOJI.warning,
    reply: `no new ${runNoun(spec)} of the job appeared within ${formatDuration(report.waitedMs)} of the request.${newest} Look with ${lookupHint(spec)}.`,
    glance: `no ${runNoun(spec)} appeared; see the thread.`,
    notes: report.resolved ? [resolvedNote(spec)] : [],
  };
}

function timeoutOutcome(spec: WatchSpec, report: Extract<WatchReport, { kind: 'timeout' }>): Outcome {
  const what =
    report.waitingFor === 'task'
      ? `EM task ${spec.taskId} was still ${report.lastState ?? 'running'}`
      : report.waitingFor === 'session'
        ? `${runNoun(spec)} *${escapeMrkdwn(report.sessionName ?? '?')}* was still ${report.lastState ?? 'running'}`
        : report.waitingFor === 'new-session'
          ? `no ${runNoun(spec)} of the job had appeared yet`
          : `the job's schedule could not be confirmed yet (${report.lastState ?? 'not read'})`;
  const look = report.waitingFor === 'task' ? `\`/veeam task ${spec.taskId}\`` : lookupHint(spec);
  return {
    emoji: EMOJI.timeout,
    reply: `stopped watching after ${report.minutes} min; ${what}. Look it up with ${look}.`,
    glance: `no longer watched after ${report.minutes} min; see the thread.`,
    notes: [],
  };
}

/** The threaded reply for a report. */
export function watchReplyMessage(spec: WatchSpec, report: WatchReport): SlackMessage {
  const o = outcomeOf(spec, report);
  const main = `${o.emoji} ${title(spec)}: ${o.reply}`;
  const notes = [...o.notes, whoAsked(spec)].join(' ');
  if (o.details === undefined) return slackMessage(`${main} ${notes}`, [section(main), context(notes)]);
  return slackMessage(`${main}\n${o.details}\n${notes}`, [section(main), section(o.details), context(notes)]);
}

/** The parent message once the Task ended: the outcome at a glance, no Cancel button (new blocks replace the old). */
export function taskParentMessage(spec: WatchSpec, report: WatchReport): SlackMessage {
  const o = outcomeOf(spec, report);
  const emoji =
    report.kind === 'task' && report.success && report.followUp !== undefined ? EMOJI.running : o.emoji;
  const line = `${emoji} ${title(spec)}: ${o.glance}`;
  const notes = `${whoAsked(spec)} EM task ${spec.taskId}. Details in the thread.`;
  return {
    text: `${line} ${notes}`,
    blocks: [section(line), context(notes)],
  };
}

/** Said in the thread as soon as someone cancels; the final state follows as usual. */
export function taskCancelledNotice(spec: WatchSpec, byUser: string): SlackMessage {
  const text = `${EMOJI.cancelled} ${userMention(byUser)} cancelled EM task ${spec.taskId} (${title(spec)}). Waiting for EM to report the task's final state.`;
  return { text, blocks: [section(text)] };
}

/** The Slack message for one of the watcher's posts. */
export function renderWatchMessage(spec: WatchSpec, message: WatchMessage): SlackMessage {
  const post = message.post;
  switch (post.type) {
    case 'running': {
      const running = taskRunningMessage(spec);
      // The approval note goes under the card, as the Slack surface shows it on its own updates.
      if (!post.note) return running;
      return { text: `${running.text}\n${post.note}`, blocks: [...running.blocks, context(post.note)] };
    }
    case 'report':
      return message.kind === 'reply'
        ? watchReplyMessage(spec, post.report)
        : taskParentMessage(spec, post.report);
    case 'cancelled':
      return taskCancelledNotice(spec, post.byUser);
    case 'text':
      return { text: post.text, blocks: [] };
  }
}
