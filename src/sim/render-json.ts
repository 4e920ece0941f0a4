// EM's JSON format (em-api.md §7): root dropped, attributes and child elements flattened into PascalCase
// properties, Links as arrays, collections as {"Refs":[…]} / {"Tasks":[…]}, typed scalars, empty as null.
// The simulator prefixes every JSON answer with a UTF-8 BOM like EM does (§1); that happens in simulator.ts.

import type { El, Scalar } from './em-element.js';

export function renderJson(root: El): string {
  return JSON.stringify(jsonValueOf(root));
}

/** Same as renderJson; named for the splice-into-a-list use (cached Task fragments). */
export const renderJsonFragment = renderJson;

type Json = Scalar | Json[] | { [key: string]: Json };

function jsonValueOf(node: El): Json {
  if (node.array) return (node.children ?? []).map(jsonValueOf);
  const hasAttrs = node.attrs !== undefined && Object.values(node.attrs).some((v) => v !== undefined);
  const hasChildren = node.children !== undefined && node.children.length > 0;
  if (node.items !== undefined) {
    const obj: { [key: string]: Json } = { [node.items]: (node.children ?? []).map(jsonValueOf) };
    addAttrs(obj, node);
    return obj;
  }
  if (!hasAttrs && !hasChildren) return node.text === undefined || node.text === '' ? null : node.text;
  const obj: { [key: string]: Json } = {};
  if (hasChildren) {
    // Repeated siblings (<Days>, <Months>, <Day>) become one array property.
    const counts = new Map<string, number>();
    for (const child of node.children as El[]) {
      const key = child.jsonName ?? child.name;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const child of node.children as El[]) {
      const key = child.jsonName ?? child.name;
      if ((counts.get(key) ?? 0) > 1) {
        const list = (obj[key] as Json[] | undefined) ?? [];
        list.push(jsonValueOf(child));
        obj[key] = list;
      } else {
        obj[key] = jsonValueOf(child);
      }
    }
  }
  if (node.text !== undefined && node.text !== '') obj.Value = node.text;
  addAttrs(obj, node);
  return obj;
}

function addAttrs(obj: { [key: string]: Json }, node: El): void {
  if (!node.attrs) return;
  for (const key in node.attrs) {
    const value = node.attrs[key];
    if (value !== undefined) obj[key] = value;
  }
}
