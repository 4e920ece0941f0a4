// The Home tab's upper part: the viewer's pending approvals (the request message's own blocks, so the same
// buttons and handler apply), open incidents and actions in flight, each with a link to its thread.

import type { types } from '@slack/bolt';
import type { OpenIncident } from '../../notify/monitor-state.js';
import type { Approval } from '../../ops/approvals.js';
import type { WatchingEntry } from '../../watch/types.js';
import { context, section } from '../block-kit.js';
import { approvalRequestMessage } from '../blocks.js';
import { formatUtc } from '../format-utc.js';
import { describeAction } from '../messages/task.js';
import { escapeMrkdwn, userMention } from '../mrkdwn.js';
import { messageLink } from './thread-link.js';

/** Approvals shown with their buttons (two blocks each); the rest are counted. */
const SHOWN_APPROVALS = 10;
/** Lines in the incidents and in-flight sections (one section each); the rest are counted. */
const SHOWN_LINES = 15;

export function approvalBlocks(approvals: readonly Approval[]): types.KnownBlock[] {
  if (approvals.length === 0) return [];
  const shown = approvals.slice(0, SHOWN_APPROVALS);
  const blocks: types.KnownBlock[] = [section(`*Waiting for your decision (${approvals.length})*`)];
  for (const approval of shown) blocks.push(...approvalRequestMessage(approval).blocks);
  const more = approvals.length - shown.length;
  if (more > 0) blocks.push(context(`…and ${more} more: decide them on the requests in their channels.`));
  return blocks;
}

export function incidentBlocks(
  incidents: readonly Readonly<OpenIncident>[],
  workspaceUrl: string | undefined,
): types.KnownBlock[] {
  if (incidents.length === 0) return [];
  const lines = incidents.map((i) => {
    const tally = [
      i.failures > 0 ? `${i.failures} failed` : '',
      i.warnings > 0 ? `${i.warnings} with warnings` : '',
    ]
      .filter((t) => t !== '')
      .join(', ');
    const link = linkTo(workspaceUrl, i.channel, i.ts, i.threadTs, 'thread');
    return `• *${escapeMrkdwn(i.jobName, 200)}*: ${tally || 'open'} since ${formatUtc(i.openedAt, 'minutes')}${link}`;
  });
  return [section(withMore(`*Open incidents (${incidents.length})*`, lines))];
}

export function inFlightBlocks(
  watches: readonly WatchingEntry[],
  workspaceUrl: string | undefined,
): types.KnownBlock[] {
  const live = watches.filter((w) => w.phase !== 'done');
  if (live.length === 0) return [];
  const lines = live.map(({ spec }) => {
    const link = linkTo(workspaceUrl, spec.channel, spec.parentTs ?? spec.threadTs, spec.threadTs, 'thread');
    return `• ${describeAction(spec.action, spec.target)}, asked by ${userMention(spec.requestedBy)}${link}`;
  });
  return [section(withMore(`*Actions in flight (${live.length})*`, lines))];
}

function withMore(heading: string, lines: readonly string[]): string {
  const shown = lines.slice(0, SHOWN_LINES);
  const more = lines.length - shown.length;
  return [heading, ...shown, ...(more > 0 ? [`…and ${more} more`] : [])].join('\n');
}

function linkTo(
  workspaceUrl: string | undefined,
  channel: string,
  ts: string,
  threadTs: string | undefined,
  label: string,
): string {
  const url = workspaceUrl === undefined ? undefined : messageLink(workspaceUrl, channel, ts, threadTs);
  if (url !== undefined) return ` · <${url}|${label}>`;
  return /^[A-Z0-9]+$/.test(channel) ? ` · in <#${channel}>` : '';
}
