// One job of any kind as a card: what matters for its kind, its last sessions, and exactly the buttons EM allows.

import type { types } from '@slack/bolt';
import type { Job, JobSession } from '../../em/types.js';
import type { ActionName } from '../../ops/action-name.js';
import { offers } from '../../ops/offered-actions.js';
import { ACTION_IDS } from '../action-ids.js';
import {
  actionsBlock,
  type ButtonOptions,
  button,
  confirmDialog,
  context,
  fieldsSection,
  type SlackMessage,
  section,
  slackMessage,
} from '../block-kit.js';
import { formatUtc } from '../format-utc.js';
import {
  describeRetention,
  describeSessionResult,
  formatNextRun,
  kindName,
  platformName,
} from '../job-words.js';
import { escapeMrkdwn } from '../mrkdwn.js';

/** How many of the job's newest sessions the card lists. */
const CARD_SESSIONS = 3;

/** `sessions`: newest first; undefined when EM could not give them (the card says so rather than "none"). */
/**
 * `previewed`: actions whose click opens a preview with its own Confirm; their buttons skip Slack's confirm
 * dialog, so nobody confirms the same order twice.
 */
export function jobCardMessage(
  job: Job,
  sessions: readonly JobSession[] | undefined = [],
  previewed: (action: ActionName) => boolean = () => false,
): SlackMessage {
  const name = escapeMrkdwn(job.name);
  const retention = describeRetention(job);
  const fields = [
    `*Kind:* ${kindName(job)}`,
    `*Platform:* ${platformName(job)}`,
    `*Schedule:* ${job.scheduleConfigured ? 'configured' : 'not configured'}, ${job.scheduleEnabled ? 'enabled' : 'disabled'}`,
    `*Next run:* ${formatNextRun(job.nextRun)}`,
    ...(retention === undefined ? [] : [`*Retention:* ${retention}`]),
  ];
  const summary = job.schedule.summary === undefined ? 'none' : escapeMrkdwn(job.schedule.summary);
  const includes =
    job.includes.length > 0
      ? escapeMrkdwn(job.includes.map((i) => i.displayName || i.name).join(', '))
      : 'none listed';
  const details = `*Schedule details:* ${summary}\n*Objects included:* ${includes}`;
  const recent = sessionLines(sessions);
  const lines = [
    `*${name}*${job.description ? ` — ${escapeMrkdwn(job.description)}` : ''}`,
    ...fields,
    details,
    recent,
    `ID \`${job.id}\``,
  ];
  const blocks: types.KnownBlock[] = [
    section(lines[0] ?? name),
    fieldsSection(fields),
    section(details),
    section(recent),
    context(`ID \`${job.id}\` · UID \`${escapeMrkdwn(job.uid)}\``),
  ];
  const buttons = jobButtons(job, previewed);
  if (buttons.length > 0) blocks.push(actionsBlock(`job:${job.id}`, buttons));
  return slackMessage(lines.join('\n'), blocks);
}

function sessionLines(sessions: readonly JobSession[] | undefined): string {
  if (sessions === undefined) return '*Last sessions:* Enterprise Manager did not give them just now.';
  if (sessions.length === 0) return '*Last sessions:* none yet.';
  const shown = sessions.slice(0, CARD_SESSIONS).map((s) => {
    const started = `started ${formatUtc(s.creationTime, 'minutes')}`;
    return `• ${describeSessionResult(s)} (${started}${s.isRetry ? ', retry' : ''})`;
  });
  return `*Last sessions:*\n${shown.join('\n')}`;
}

/**
 * Exactly what EM's links allow: Start (a backup copy's Sync, shown as Start), Stop, Retry, and Enable or Disable
 * where EM offers ToggleScheduleEnabled.
 */
function jobButtons(job: Job, previewed: (action: ActionName) => boolean): types.Button[] {
  const name = escapeMrkdwn(job.name);
  const out: types.Button[] = [];
  const confirmButton = (
    actionId: string,
    text: string,
    style: ButtonOptions['style'],
    action: ActionName,
    question: string,
  ): types.Button =>
    previewed(action)
      ? button(actionId, text, job.id, { style })
      : button(actionId, text, job.id, {
          style,
          confirm: confirmDialog({ title: `${text}?`, text: question, confirm: text, deny: 'Cancel' }),
        });
  if (offers(job, 'start') || offers(job, 'sync'))
    out.push(confirmButton(ACTION_IDS.jobStart, 'Start', 'primary', 'start', `Start *${name}* now?`));
  if (offers(job, 'stop'))
    out.push(confirmButton(ACTION_IDS.jobStop, 'Stop', 'danger', 'stop', `Stop *${name}* if it is running?`));
  if (offers(job, 'retry'))
    out.push(
      confirmButton(ACTION_IDS.jobRetry, 'Retry', undefined, 'retry', `Retry the failed part of *${name}*?`),
    );
  if (offers(job, 'toggleScheduleEnabled')) {
    out.push(
      job.scheduleEnabled
        ? confirmButton(
            ACTION_IDS.jobDisable,
            'Disable schedule',
            'danger',
            'disable',
            `Disable the schedule of *${name}*? It will not run on its own until enabled again.`,
          )
        : confirmButton(
            ACTION_IDS.jobEnable,
            'Enable schedule',
            undefined,
            'enable',
            `Enable the schedule of *${name}*?`,
          ),
    );
  }
  return out;
}
