// Links to a Slack message or thread, built from the workspace URL (auth.test, asked once) instead of one
// chat.getPermalink call per item and refresh: Slack's archive links have a fixed form.

import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../log/logger.js';

const CHANNEL_ID = /^[CDG][A-Z0-9]{2,}$/;
const MESSAGE_TS = /^\d{1,12}\.\d{1,9}$/;

/**
 * `https://<workspace>.slack.com/archives/C…/p<ts without dot>`, with `thread_ts` when the message is a reply; undefined
 * when the channel or ts is not shaped like Slack's (never a link built from something else).
 */
export function messageLink(
  workspaceUrl: string,
  channel: string,
  ts: string,
  threadTs?: string,
): string | undefined {
  if (!CHANNEL_ID.test(channel) || !MESSAGE_TS.test(ts)) return undefined;
  const base = `${workspaceUrl}archives/${channel}/p${ts.replace('.', '')}`;
  if (threadTs === undefined || threadTs === ts) return base;
  if (!MESSAGE_TS.test(threadTs)) return undefined;
  return `${base}?thread_ts=${threadTs}&cid=${channel}`;
}

/** The workspace's URL from auth.test, read once; undefined (no links shown) until Slack has answered. */
export class WorkspaceUrl {
  private url: string | undefined;
  private asking: Promise<void> | undefined;

  constructor(
    private readonly slack: WebClient,
    private readonly logger: Logger,
  ) {}

  async get(): Promise<string | undefined> {
    if (this.url !== undefined) return this.url;
    this.asking ??= this.ask().finally(() => {
      this.asking = undefined;
    });
    await this.asking;
    return this.url;
  }

  private async ask(): Promise<void> {
    try {
      const answer = await this.slack.auth.test();
      const url = typeof answer.url === 'string' ? answer.url : '';
      // Only an https (or the local stand-in's) workspace URL ending in '/' is used to build links.
      if (/^https:\/\/[a-z0-9.-]+\/$/i.test(url)) this.url = url;
      else this.logger.warn('auth.test gave no usable workspace URL; the Home tab shows no thread links');
    } catch (error) {
      this.logger.warn('could not read the workspace URL (auth.test); no thread links this time', { error });
    }
  }
}
