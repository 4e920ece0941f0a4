// Plays the Slack side of a conversation: sends signed slash commands and button clicks to the bot over HTTP,
// with response_urls that point back at the fake Web API. Used by the demo and the test harness alike.

import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { type Clock, systemClock } from '../clock.js';
import type { FakeMessage, FakeSlackApi } from './fake-slack-api.js';
import {
  appHomeOpenedBody,
  interactionBody,
  signSlackRequest,
  slashCommandBody,
  viewActionBody,
} from './signed-request.js';

export interface SlackHttpResult {
  status: number;
  body: string;
}

export interface ButtonRef {
  actionId: string;
  value: string;
  blockId?: string;
}

export class SlackUserAgent {
  constructor(
    private readonly eventsUrl: string,
    private readonly signingSecret: string,
    private readonly slack: FakeSlackApi,
    private readonly dispatcher?: Dispatcher,
    /** Slack's clock, for the request timestamp: the bot's own in tests that move it (it refuses a 5-minute skew). */
    private readonly clock: Clock = systemClock,
  ) {}

  /** Types `/veeam <text>` in a channel. */
  command(text: string, user: string, channel: string): Promise<SlackHttpResult> {
    const body = slashCommandBody({
      text,
      userId: user,
      channelId: channel,
      responseUrl: this.slack.responseUrl(channel),
    });
    return this.sendSigned(body, 'application/x-www-form-urlencoded');
  }

  /** Clicks a button; `message` is the message that carries it (absent for ephemeral messages). */
  click(button: ButtonRef, user: string, channel: string, message?: FakeMessage): Promise<SlackHttpResult> {
    const body = interactionBody({
      userId: user,
      channelId: channel,
      responseUrl: this.slack.responseUrl(channel, message?.ts),
      action: button,
      message: message && {
        ts: message.ts,
        threadTs: message.threadTs,
        text: message.text,
        blocks: message.blocks,
      },
    });
    return this.sendSigned(body, 'application/x-www-form-urlencoded');
  }

  /** Opens the bot's Home tab (the app_home_opened event). */
  openHome(user: string): Promise<SlackHttpResult> {
    return this.sendSigned(appHomeOpenedBody({ userId: user }), 'application/json');
  }

  /** Clicks a button on `user`'s Home tab as last published. */
  clickInHome(button: ButtonRef, user: string): Promise<SlackHttpResult> {
    const view = this.slack.homeView(user);
    if (view === undefined) throw new Error(`no Home view published for ${user}`);
    return this.sendSigned(
      viewActionBody({ userId: user, action: button, view }),
      'application/x-www-form-urlencoded',
    );
  }

  async sendSigned(
    rawBody: string,
    contentType: string,
    options: { timestampSec?: number; secret?: string } = {},
  ): Promise<SlackHttpResult> {
    const timestamp = options.timestampSec ?? Math.floor(this.clock.now() / 1000);
    const headers = {
      'content-type': contentType,
      ...signSlackRequest(options.secret ?? this.signingSecret, rawBody, timestamp),
    };
    const response = await request(this.eventsUrl, {
      method: 'POST',
      headers,
      body: rawBody,
      dispatcher: this.dispatcher,
    });
    return { status: response.statusCode, body: await response.body.text() };
  }
}

/**
 * The button with this action_id in a message's blocks (actions blocks and section accessories). Buttons numbered
 * to keep action_ids unique within a block (`pick_job:3`) are found by their base (`pick_job`).
 */
export function findButton(
  message: { blocks?: unknown[] } | undefined,
  actionId: string,
  value?: string,
): ButtonRef | undefined {
  for (const block of (message?.blocks ?? []) as Array<Record<string, unknown>>) {
    const elements = [
      ...((block.elements as Array<Record<string, unknown>> | undefined) ?? []),
      ...(block.accessory ? [block.accessory as Record<string, unknown>] : []),
    ];
    for (const element of elements) {
      const id = String(element.action_id);
      const kindMatches = id === actionId || id.startsWith(`${actionId}:`);
      if (kindMatches && (value === undefined || element.value === value)) {
        return {
          actionId: id,
          value: String(element.value ?? ''),
          blockId: block.block_id as string | undefined,
        };
      }
    }
  }
  return undefined;
}

/** Everything a person would read in a message: its text and the text of its blocks. */
export function messageText(message: { text?: string; blocks?: unknown[] } | undefined): string {
  if (message === undefined) return '';
  const parts: string[] = [message.text ?? ''];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.text === 'string') parts.push(record.text);
      for (const [key, value] of Object.entries(record))
        if (key !== 'text' || typeof value !== 'string') visit(value);
    }
  };
  visit(message.blocks ?? []);
  return parts.join('\n');
}
