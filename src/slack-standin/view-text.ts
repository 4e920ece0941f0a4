// A Home view as a person would read it, in plain text: headers, sections, context lines, buttons in brackets and
// dividers as rules. The demo prints the Home tab with it.

type Block = Record<string, unknown>;

function textOf(node: unknown): string {
  return typeof (node as { text?: unknown } | undefined)?.text === 'string'
    ? String((node as { text: string }).text)
    : '';
}

function buttonLabels(elements: readonly Block[]): string {
  return elements
    .filter((e) => e.type === 'button')
    .map((e) => `[${textOf(e.text) || String(e.action_id)}]`)
    .join(' ');
}

/** One line per line of text; a section's button follows its text. */
export function viewText(view: { blocks?: unknown[] } | undefined): string[] {
  const lines: string[] = [];
  for (const block of (view?.blocks ?? []) as Block[]) {
    switch (block.type) {
      case 'header':
        lines.push(`== ${textOf(block.text)} ==`);
        break;
      case 'divider':
        lines.push('────────');
        break;
      case 'context':
        lines.push(...((block.elements as Block[] | undefined) ?? []).map((e) => `  ${textOf(e)}`));
        break;
      case 'actions':
        lines.push(`  ${buttonLabels((block.elements as Block[] | undefined) ?? [])}`);
        break;
      default: {
        const text = textOf(block.text).split('\n');
        const accessory = block.accessory ? ` ${buttonLabels([block.accessory as Block])}` : '';
        lines.push(`${text[0] ?? ''}${accessory}`, ...text.slice(1).map((l) => `  ${l}`));
      }
    }
  }
  return lines;
}
