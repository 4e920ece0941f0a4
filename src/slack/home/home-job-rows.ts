// One Home tab row per job: what state it is in (why it failed, how far it ran, when it runs next) and, for
// operators, the one button that fits, with the action_id, value and confirm dialog of the job card's button.

import type { types } from '@slack/bolt';
import type { Job } from '../../em/types.js';
import { offers } from '../../ops/offered-actions.js';
import { ACTION_IDS } from '../action-ids.js';
import { button, confirmDialog, section } from '../block-kit.js';
import { formatUtc } from '../format-utc.js';
import { describeSessionResult, formatNextRun, kindName, scheduleWord } from '../job-words.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { type HomePlace, jobBlockId } from './home-click-place.js';
import type { HomeJob } from './home-estate.js';

const NAME_CHARS = 200;
const REASON_CHARS = 400;

/** A job's row; `place` is where its button acts (its incident thread, else the work channel). */
export function jobRow(row: HomeJob, place: HomePlace, operator: boolean): types.SectionBlock {
  const block = section(jobLine(row), operator ? jobButton(row) : undefined);
  return { ...block, block_id: jobBlockId(row.job.id, place) };
}

export function jobLine({ job, group, last, running, reason }: HomeJob): string {
  const name = `*${escapeMrkdwn(job.name, NAME_CHARS)}* · ${kindName(job)}`;
  const run = running
    ? ` · :arrows_counterclockwise: running since ${formatUtc(running.creationTime, 'minutes')}, ${running.progress}%`
    : '';
  if (group === 'problem' && last) {
    const why = reason === undefined ? 'reason: see `/veeam job`' : escapeMrkdwn(reason, REASON_CHARS);
    return `${name} · last ${describeSessionResult(last)}${run}\n${why}`;
  }
  if (group === 'running') return `${name}${run}`;
  const result = last ? describeSessionResult(last) : 'no recent run';
  return `${name} · schedule ${scheduleWord(job)} · next run ${formatNextRun(job.nextRun)} · last ${result}`;
}

/** Stop while it runs; Retry after a failed run when EM offers it; otherwise Start (a backup copy's Sync). */
function jobButton({ job, group, running }: HomeJob): types.Button | undefined {
  const name = escapeMrkdwn(job.name, NAME_CHARS);
  if (running && offers(job, 'stop'))
    return confirmed(ACTION_IDS.jobStop, 'Stop', job, 'danger', `Stop *${name}* if it is running?`);
  if (group === 'problem' && offers(job, 'retry'))
    return confirmed(ACTION_IDS.jobRetry, 'Retry', job, undefined, `Retry the failed part of *${name}*?`);
  if (offers(job, 'start') || offers(job, 'sync'))
    return confirmed(ACTION_IDS.jobStart, 'Start', job, 'primary', `Start *${name}* now?`);
  return undefined;
}

function confirmed(
  actionId: string,
  text: string,
  job: Job,
  style: 'primary' | 'danger' | undefined,
  question: string,
): types.Button {
  return button(actionId, text, job.id, {
    style,
    confirm: confirmDialog({ title: `${text}?`, text: question, confirm: text, deny: 'Cancel' }),
  });
}
