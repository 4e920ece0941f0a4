// EM's XML format: the root carries xmlns="http://www.veeam.com/ent/v1.0"; booleans are true/false; no XML declaration.

import type { El, Scalar } from './em-element.js';

export const EM_XML_NAMESPACE = 'http://www.veeam.com/ent/v1.0';

export function renderXml(root: El): string {
  const parts: string[] = [];
  write(root, parts, true);
  return parts.join('');
}

/** An element without the namespace declaration, for splicing into a parent that has it (cached Task fragments). */
export function renderXmlFragment(node: El): string {
  const parts: string[] = [];
  write(node, parts, false);
  return parts.join('');
}

function write(node: El, out: string[], isRoot: boolean): void {
  if (node.jsonOnly) return;
  out.push('<', node.name);
  if (isRoot) out.push(' xmlns="', EM_XML_NAMESPACE, '"');
  if (node.attrs) {
    for (const key in node.attrs) {
      const value = node.attrs[key];
      if (value === undefined || value === null) continue;
      out.push(' ', key, '="', escapeXml(scalarText(value)), '"');
    }
  }
  const hasChildren = node.children?.some((c) => !c.jsonOnly) ?? false;
  const hasText = node.text !== undefined && node.text !== null && node.text !== '';
  if (!hasChildren && !hasText) {
    out.push(' />');
    return;
  }
  out.push('>');
  if (hasText) out.push(escapeXml(scalarText(node.text as Scalar)));
  if (node.children) for (const child of node.children) write(child, out, false);
  out.push('</', node.name, '>');
}

function scalarText(value: Scalar): string {
  return typeof value === 'string' ? value : String(value);
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function escapeXml(text: string): string {
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] as string) : text;
}
