// EM's two body formats brought to one raw JSON shape, and the scalar readers every mapper uses (em-api.md §7, §8).
//
// XML attributes and child elements become flat properties (em-api.md §7 rule 1), so the mappers in parse-*.ts
// read a single shape. Only em/parse*.ts import this module.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EmError } from './errors.js';
import type { Link } from './types.js';

export type EmFormat = 'json' | 'xml';

export type Raw = Record<string, unknown>;

// Elements EM repeats; forced to arrays so one item and many items look alike. Collection items (Task, Job,
// BackupJobSession, …) are arrays only below the root, so a single-entity document stays an object.
const REPEATED = new Set([
  'Link',
  'Days',
  'Months',
  'Path',
  'Day',
  'Ref',
  'ObjectInAgentBackupJob',
  'ObjectInJob',
]);
const COLLECTION_ITEMS = new Set([
  'Task',
  'Job',
  'NasJob',
  'AgentBackupJob',
  'BackupJobSession',
  'ReplicaJobSession',
  'BackupTaskSession',
  'ReplicaTaskSession',
  'LogonSession',
]);

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // IDs like 0012 or "true" must stay strings; scalars are converted field by field.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  jPath: true,
  isArray: (tagName, jPath, _isLeaf, isAttribute) => {
    if (isAttribute) return false;
    if (REPEATED.has(tagName)) return true;
    return COLLECTION_ITEMS.has(tagName) && typeof jPath === 'string' && jPath.includes('.');
  },
});

/** Detects the format from the body itself: errors may come back as JSON when XML was asked for (em-api.md §6). */
export function sniffFormat(body: string): EmFormat {
  return stripBom(body).trimStart().startsWith('<') ? 'xml' : 'json';
}

/**
 * What marks a body as EM's answer of the kind asked for, and not a page a proxy or a single sign-on gateway sent
 * with 200: the XML root element's name (one of `roots`), or for JSON (which drops the root, em-api.md §7 rule 2)
 * one of `keys` at the top level. A well-formed page with neither would otherwise read as an empty list.
 */
export interface DocShape {
  roots: readonly string[];
  keys: readonly string[];
}

/** The JSON-shaped content of a document: XML's root element content, or the JSON object. */
export function readDocument(body: string, format: EmFormat, what: string, shape: DocShape): Raw {
  const text = stripBom(body).trim();
  if (text === '') throw parseFailure(`${what}: the body is empty`);
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw parseFailure(`${what}: the body is not valid JSON (${(err as Error).message})`, err);
    }
    if (!isObject(value)) throw parseFailure(`${what}: expected a JSON object`);
    if (!shape.keys.some((key) => key in value)) {
      throw notEmAnswer(`${what}: the JSON has none of ${shape.keys.join(', ')} at the top level`);
    }
    return value;
  }
  // fast-xml-parser is lenient with truncated documents; validate first so a cut body is an error, not half an object.
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw parseFailure(`${what}: the body is not well-formed XML (${valid.err.msg})`);
  let doc: unknown;
  try {
    doc = xmlParser.parse(text);
  } catch (err) {
    throw parseFailure(`${what}: the body is not valid XML (${(err as Error).message})`, err);
  }
  const rootName = isObject(doc) ? Object.keys(doc).find((key) => !key.startsWith('?')) : undefined;
  if (rootName === undefined || !isObject(doc)) throw parseFailure(`${what}: the XML has no root element`);
  if (!shape.roots.some((root) => root.toLowerCase() === rootName.toLowerCase())) {
    const expected = shape.roots.map((root) => `<${root}>`).join(' or ');
    throw notEmAnswer(`${what}: the root element is <${rootName.slice(0, 40)}>, expected ${expected}`);
  }
  const root = normaliseXml(doc[rootName]);
  return isObject(root) ? root : {};
}

/** XML node → JSON shape: attributes lose their prefix and sit beside child elements; empty elements are null. */
function normaliseXml(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseXml);
  if (node === '' || node === undefined) return null;
  if (!isObject(node)) return node;
  const out: Raw = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_')) {
      const name = key.slice(2);
      // xmlns declarations are not data.
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      out[name] = value;
    } else {
      out[key] = normaliseXml(value);
    }
  }
  return out;
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** XML `Links: { Link: [...] }` or JSON `Links: [...]`; Name/Type may be missing or null (em-api.md §7 rule 3). */
export function toLinks(value: unknown): Link[] {
  const items = Array.isArray(value) ? value : asArray(obj(value).Link);
  const links: Link[] = [];
  for (const item of items) {
    if (!isObject(item)) continue;
    const href = str(item.Href);
    if (href === undefined) continue;
    const link: Link = { rel: str(item.Rel) ?? '', href };
    const name = str(item.Name);
    const type = str(item.Type);
    if (name !== undefined) link.name = name;
    if (type !== undefined) link.type = type;
    links.push(link);
  }
  return links;
}

/**
 * Every object that `isItem` accepts, walking wrappers of any name: `{"Tasks":[…]}`, `Entities.Jobs.Jobs`,
 * `<Jobs><Job/>…</Jobs>`, `Refs.Refs`. Null siblings are skipped, so EM's ~50 null keys cost nothing (fact 13).
 * Does not descend into an item.
 */
export function findItems(node: unknown, isItem: (item: Raw) => boolean, depth = 0): Raw[] {
  if (depth > 6 || !isPresent(node)) return [];
  if (Array.isArray(node)) return node.flatMap((child) => findItems(child, isItem, depth + 1));
  if (!isObject(node)) return [];
  if (isItem(node)) return [node];
  return Object.values(node).flatMap((child) => findItems(child, isItem, depth + 1));
}

// ---------------------------------------------------------------------------------------------------------------
// Scalars: XML gives strings, JSON gives typed values; both are accepted.

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // An element with attributes and text: fast-xml-parser's '#text', EM JSON's 'Value'.
  if (isObject(value)) return str(value['#text'] ?? value.Value);
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = str(value)?.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}

export function int(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  const text = str(value)?.trim();
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined;
}

export function strings(value: unknown): string[] {
  return asArray(value)
    .map(str)
    .filter((item): item is string => item !== undefined);
}

export function obj(value: unknown): Raw {
  return isObject(value) ? value : {};
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

export function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

export function hasUid(item: Raw): boolean {
  return 'UID' in item;
}

export function requireField(raw: Raw, field: string, what: string): string {
  const value = str(raw[field]);
  if (value === undefined) throw parseFailure(`${what}: the ${field} field is missing`);
  return value;
}

/** urn:veeam:AgentBackupJob:A6DEB158-… → a6deb158-… (em-api.md fact 9). */
export function idFromUid(uid: string): string {
  return (uid.split(':').pop() ?? uid).toLowerCase();
}

/** urn:veeam:NasJob:… → "NasJob"; '' when the UID has no type segment. */
export function uidType(uid: string): string {
  const parts = uid.split(':');
  return parts.length >= 4 ? (parts[2] ?? '') : '';
}

export function lastPathSegment(href: string): string {
  const path = href.split(/[?#]/)[0] ?? href;
  return path.replace(/\/+$/, '').split('/').pop() ?? path;
}

export function parseFailure(message: string, cause?: unknown): EmError {
  return new EmError('parse', `Could not read EM's answer: ${message}.`, { cause });
}

/** A well-formed answer that is not EM's at all (a proxy's or sign-on gateway's page): never read as "nothing". */
export function notEmAnswer(message: string): EmError {
  return new EmError(
    'parse',
    `The answer is not Enterprise Manager's (a proxy or sign-on page in front of EM?): ${message}.`,
    { reason: 'not-em' },
  );
}
