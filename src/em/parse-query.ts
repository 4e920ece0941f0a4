// Query-service answers (QueryResult): the one Entities/Refs key among ~50 null siblings, and PagingInfo
// (em-api.md §5, facts 11 and 13).

import {
  findItems,
  hasUid,
  idFromUid,
  int,
  isObject,
  isPresent,
  obj,
  parseFailure,
  type Raw,
  str,
  toLinks,
} from './parse-raw.js';
import type { EntityRef, PagingInfo } from './types.js';

interface RawPage {
  items: Raw[];
  paging?: PagingInfo;
  wrapper?: string;
}

/**
 * The entity items of a `format=Entities` answer. JSON: `Entities.<X>.<X>[]` beside ~50 null keys; XML:
 * `<Entities><Xs><X/>…</Xs></Entities>`. A References answer where entities were asked for is a parse error,
 * not "nothing found".
 */
export function entityPage(doc: Raw, what: string): RawPage {
  if (isPresent(doc.Refs) && !isPresent(doc.Entities)) {
    throw parseFailure(`${what}: got references, expected entities (format=Entities)`);
  }
  return pageOf(doc, doc.Entities);
}

/** The reference items of a `format=References` answer (`Refs.Refs[]` / `<Refs><Ref/>…`). */
export function referencePage(doc: Raw): RawPage {
  return pageOf(doc, doc.Refs);
}

function pageOf(doc: Raw, holder: unknown): RawPage {
  const page: RawPage = { items: [] };
  const paging = toPaging(doc.PagingInfo);
  if (paging) page.paging = paging;
  if (!isObject(holder)) {
    page.items = findItems(holder, hasUid);
    return page;
  }
  const used: string[] = [];
  for (const [key, value] of Object.entries(holder)) {
    if (!isPresent(value)) continue;
    used.push(key);
    page.items.push(...findItems(value, hasUid));
  }
  if (used.length > 0) page.wrapper = used.join(',');
  return page;
}

function toPaging(value: unknown): PagingInfo | undefined {
  if (!isObject(value)) return undefined;
  const info: PagingInfo = { links: toLinks(value.Links) };
  const pageNum = int(value.PageNum);
  const pageSize = int(value.PageSize);
  const pagesCount = int(value.PagesCount);
  if (pageNum !== undefined) info.pageNum = pageNum;
  if (pageSize !== undefined) info.pageSize = pageSize;
  if (pagesCount !== undefined) info.pagesCount = pagesCount;
  return info;
}

export function toEntityRef(raw: Raw): EntityRef {
  const uid = str(raw.UID) ?? '';
  return {
    id: uid ? idFromUid(uid) : '',
    uid,
    name: str(raw.Name) ?? '',
    href: str(raw.Href) ?? '',
    type: str(raw.Type) ?? '',
    links: toLinks(obj(raw).Links),
  };
}
