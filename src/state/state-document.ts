// The state file's envelope, read at the store's level: a version-1 JSON object whose sections are JSON objects.
// What is inside a section is its owner's to check (watch/watch-record.ts, notify/monitor-state.ts).

/** Each part of the bot owns one section; the store never interprets them. */
export interface StateSections {
  watches?: unknown;
  monitor?: unknown;
  /** Pending approval requests by ID (the file store's; Redis keeps them in a hash). */
  approvals?: unknown;
}

export interface StateDocument extends StateSections {
  version: 1;
}

export const SECTION_KEYS = [
  'watches',
  'monitor',
  'approvals',
] as const satisfies readonly (keyof StateSections)[];

type DocumentReading =
  /** `dropped`: sections that were there but not JSON objects (left out of `doc`). */
  { ok: true; doc: StateDocument; dropped: (keyof StateSections)[] } | { ok: false; reason: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The document in `text`, keeping only sections shaped like one; never throws. */
export function readStateDocument(text: string): DocumentReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message})` };
  }
  if (!isPlainObject(parsed) || parsed.version !== 1) {
    return { ok: false, reason: 'not a version-1 state document' };
  }
  const doc: StateDocument = { version: 1 };
  const dropped: (keyof StateSections)[] = [];
  for (const key of SECTION_KEYS) {
    const section = parsed[key];
    if (section === undefined) continue;
    if (isPlainObject(section)) doc[key] = section;
    else dropped.push(key);
  }
  return { ok: true, doc, dropped };
}
