// EM-given links are data, not trust: an action link is used only when it is an action on the same object under
// /api, and it is then sent to the configured EM base URL, whatever host EM named (em-api.md §1 "Link hrefs").

import { EmError } from './errors.js';
import type { Link } from './types.js';

/** The object an action link must point at: one of its collections and its GUID. */
export interface LinkTarget {
  /** e.g. ['/jobs'], ['/agents/jobs'], ['/backupSessions'] */
  collections: readonly string[];
  /** Lower-case GUID. */
  id: string;
  /** For messages: 'job "Nightly"', 'session "Nightly@2025-02-19 03:51:03"'. */
  label: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The first link whose Rel names the action (Start for start, ToggleScheduleEnabled for toggleScheduleEnabled…). */
export function findActionLink(links: readonly Link[], action: string): Link | undefined {
  const rel = action.toLowerCase();
  return links.find((link) => link.rel.toLowerCase() === rel);
}

/**
 * The path and query (relative to the API base, e.g. `/jobs/<id>?action=start`) of a validated action link.
 * Accepts `<collection>/<id>?action=<action>` and v10's `<collection>/<id>/<action>` (recorded on NAS jobs);
 * anything else is an EmError 'invalid-link'.
 */
export function actionLinkPath(link: Link, action: string, target: LinkTarget): string {
  const refuse = (why: string) =>
    new EmError('invalid-link', `EM's ${link.rel} link for ${target.label} was refused: ${why}.`, {
      request: `link ${link.href}`,
    });
  let url: URL;
  try {
    url = new URL(link.href);
  } catch {
    throw refuse('it is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw refuse(`the scheme ${url.protocol} is not HTTP`);
  if (url.username || url.password) throw refuse('it carries credentials');
  if (!url.pathname.toLowerCase().startsWith('/api/')) throw refuse('its path is not under /api');
  const rest = url.pathname.slice('/api'.length);
  const collection = target.collections.find((c) => rest.toLowerCase().startsWith(`${c.toLowerCase()}/`));
  if (collection === undefined) throw refuse(`it does not point into ${target.collections.join(' or ')}`);
  const [id, pathAction, ...extra] = rest.slice(collection.length + 1).split('/');
  if (id === undefined || !GUID.test(id) || id.toLowerCase() !== target.id.toLowerCase()) {
    throw refuse('it points at another object');
  }
  const params = [...url.searchParams.keys()];
  if (params.some((key) => key !== 'action')) throw refuse('it carries query parameters other than action');
  const queryAction = url.searchParams.getAll('action');
  const wanted = action.toLowerCase();
  const queryStyle = extra.length === 0 && pathAction === undefined && queryAction.length === 1;
  const pathStyle = extra.length === 0 && pathAction !== undefined && queryAction.length === 0;
  if (queryStyle && queryAction[0]?.toLowerCase() === wanted) return `${rest}${url.search}`;
  if (pathStyle && pathAction.toLowerCase() === wanted) return rest;
  throw refuse(`it is not the ${action} action of that object`);
}
