// The value of a job list's Previous/Next button: which list (filter, failed only) and which page. Clicks come back
// from Slack as untrusted text, so decoding checks everything and the handler re-lists from EM.

import { checkJobFilter } from './parse-command.js';

export interface JobListView {
  filter: string;
  failedOnly: boolean;
  /** 0-based. */
  page: number;
}

/** Far more pages than any estate has; a bigger number is not a page anyone clicked to. */
const MAX_PAGE = 10_000;

export function encodeJobListView(view: JobListView): string {
  return JSON.stringify({ p: view.page, f: view.filter, x: view.failedOnly ? 1 : 0 });
}

/** undefined when the value is not one the bot made. */
export function decodeJobListView(value: string): JobListView | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { p, f, x } = raw as Record<string, unknown>;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > MAX_PAGE) return undefined;
  if (typeof f !== 'string' || checkJobFilter(f) !== undefined) return undefined;
  if (x !== 0 && x !== 1) return undefined;
  return { page: p, filter: f, failedOnly: x === 1 };
}
