// Renders what the fake Slack received as a person would read it: text, buttons in brackets, threads indented.

import type { FakeEphemeral, FakeEvent, FakeMessage } from '../slack-standin/fake-slack-api.js';

type Block = Record<string, unknown>;

interface RenderedButton {
  label: string;
  actionId: string;
  value: string;
  blockId?: string;
  message?: FakeMessage;
  channel?: string;
}

/** The readable lines of a message: section/context texts (or the fallback text) and its buttons. */
function renderBlocks(
  text: string,
  blocks: unknown[] | undefined,
): { lines: string[]; buttons: RenderedButton[] } {
  const lines: string[] = [];
  const buttons: RenderedButton[] = [];
  for (const block of (blocks ?? []) as Block[]) {
    const textObj = block.text as { text?: string } | undefined;
    if (typeof textObj?.text === 'string') lines.push(...textObj.text.split('\n'));
    for (const field of (block.fields as Array<{ text?: string }> | undefined) ?? []) {
      // A field is "*Label*\nvalue": one line reads better in a transcript.
      if (field.text) lines.push(field.text.replace(/\n/g, ' '));
    }
    const elements = [
      ...((block.elements as Block[] | undefined) ?? []),
      ...(block.accessory ? [block.accessory as Block] : []),
    ];
    for (const element of elements) {
      if (element.type === 'button') {
        const label = (element.text as { text?: string } | undefined)?.text ?? String(element.action_id);
        buttons.push({
          label,
          actionId: String(element.action_id),
          value: String(element.value ?? ''),
          blockId: block.block_id as string | undefined,
        });
      } else if (typeof element.text === 'string') {
        lines.push(element.text);
      } else if (element.type === 'mrkdwn' || element.type === 'plain_text') {
        lines.push(String((element as { text?: unknown }).text ?? ''));
      }
    }
  }
  if (lines.length === 0) lines.push(...text.split('\n'));
  return { lines, buttons };
}

export class Transcript {
  /** Every button shown so far, numbered for the interactive prompt; newest wins on re-render. */
  readonly buttons: RenderedButton[] = [];
  private readonly names: Record<string, string>;

  constructor(
    private readonly print: (line: string) => void,
    names: Record<string, string>,
  ) {
    this.names = names;
  }

  /** A person's action (typed command or click). */
  say(user: string, what: string): void {
    this.print('');
    this.print(`${this.who(user)} ${what}`);
  }

  note(text: string): void {
    this.print(`   · ${text}`);
  }

  onEvent(event: FakeEvent): void {
    if (event.kind === 'ephemeral') {
      this.ephemeral(event.ephemeral);
      return;
    }
    const m = event.message;
    const inThread = m.threadTs !== undefined && m.threadTs !== m.ts;
    const indent = inThread ? '      │ ' : '   ';
    const tag = event.kind === 'update' ? '(updated) ' : '';
    const where = inThread ? '' : `#${this.channelName(m.channel)} `;
    const { lines, buttons } = renderBlocks(m.text, m.blocks);
    this.print(`${indent}${where}veeam: ${tag}${this.humanize(lines[0] ?? '')}`);
    for (const line of lines.slice(1)) this.print(`${indent}   ${this.humanize(line)}`);
    this.printButtons(
      indent,
      buttons.map((b) => ({ ...b, message: m, channel: m.channel })),
    );
  }

  private ephemeral(e: FakeEphemeral): void {
    const { lines, buttons } = renderBlocks(e.text, e.blocks);
    const to = e.user ? ` to ${this.who(e.user)}` : '';
    this.print(`   (only visible${to}) veeam: ${this.humanize(lines[0] ?? '')}`);
    for (const line of lines.slice(1)) this.print(`      ${this.humanize(line)}`);
    this.printButtons(
      '   ',
      buttons.map((b) => ({ ...b, channel: e.channel })),
    );
  }

  private printButtons(indent: string, buttons: RenderedButton[]): void {
    if (buttons.length === 0) return;
    const labels = buttons.map((b) => {
      this.buttons.push(b);
      return `[${this.buttons.length}: ${b.label}]`;
    });
    this.print(`${indent}   ${labels.join(' ')}`);
  }

  private who(user: string): string {
    return `@${this.names[user] ?? user}`;
  }

  private channelName(channel: string): string {
    return this.names[channel] ?? channel;
  }

  /** Slack renders <@U123> as @name; so does the transcript. */
  private humanize(line: string): string {
    return line
      .replace(/<@([A-Z0-9]+)>/g, (_, id: string) => this.who(id))
      .replace(/<!subteam\^([A-Z0-9]+)(\|[^>]*)?>/g, (_, id: string) => this.who(id))
      .replace(/<#([A-Z0-9]+)(\|[^>]*)?>/g, (_, id: string) => `#${this.channelName(id)}`);
  }
}
