// Reads every page of a query-service answer: explicit pageSize, pages followed until PageNum == PagesCount, a failed
// page retried (never skipped), a PagingInfo that disagrees with the items logged (em-api.md fact 11).

import { EmError } from './errors.js';
import type { EmFormat } from './parse.js';
import type { EmRequester } from './requester.js';
import type { QueryPage } from './types.js';

/** Recorded real EM answers come 100 a page whatever the docs say; we ask for exactly that, explicitly. */
const QUERY_PAGE_SIZE = 100;
/** Tries per page: a page that still fails after these is an error for the whole read, never a gap. */
const PAGE_ATTEMPTS = 3;
/** 100,000 items: a PagingInfo that keeps growing cannot keep us reading forever. */
const MAX_PAGES = 1_000;

type PageParser<T> = (body: string, format: EmFormat) => QueryPage<T>;

/** `path` is a /query?… path without paging; items are de-duplicated by id (pages shift while EM adds sessions). */
export async function readAllPages<T extends { id: string }>(
  em: EmRequester,
  path: string,
  parse: PageParser<T>,
): Promise<T[]> {
  const items = new Map<string, T>();
  let duplicates = 0;
  for (let page = 1; ; page++) {
    const pagePath = `${path}&pageSize=${QUERY_PAGE_SIZE}&page=${page}`;
    const result = await readPage(em, pagePath, parse);
    for (const item of result.items) {
      if (items.has(item.id)) duplicates++;
      else items.set(item.id, item);
    }
    const pagesCount = result.paging?.pagesCount;
    checkPage(em, pagePath, page, result);
    if (page >= MAX_PAGES) {
      em.logger.error('EM query still had pages after the page cap; stopped reading', {
        request: `GET ${pagePath}`,
        pagesCount,
        items: items.size,
      });
      break;
    }
    // PagesCount decides when it is there; without it, only a full page can have a successor.
    if (pagesCount !== undefined ? page >= pagesCount : result.items.length < QUERY_PAGE_SIZE) break;
  }
  if (duplicates > 0) {
    em.logger.info('EM query pages repeated items (the list changed while we read it); kept one of each', {
      request: `GET ${path}`,
      duplicates,
    });
  }
  return [...items.values()];
}

async function readPage<T>(em: EmRequester, path: string, parse: PageParser<T>): Promise<QueryPage<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await em.read('GET', path, parse);
    } catch (err) {
      if (!isRetryable(err) || attempt >= PAGE_ATTEMPTS) throw err;
      em.logger.warn('EM query page failed; reading it again', {
        request: `GET ${path}`,
        attempt,
        kind: (err as EmError).kind,
        status: (err as EmError).status,
      });
    }
  }
}

/** Network trouble, a cut body and EM's own 5xx may pass; 4xx and auth will not, so they fail at once. */
function isRetryable(err: unknown): boolean {
  if (!(err instanceof EmError)) return false;
  if (err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'parse') return true;
  return err.kind === 'http' && (err.status ?? 0) >= 500;
}

/** Logs every way a PagingInfo can disagree with what came; reading goes on by our own page counter. */
function checkPage<T>(em: EmRequester, path: string, page: number, result: QueryPage<T>): void {
  const paging = result.paging;
  const problems: string[] = [];
  if (paging === undefined) problems.push('no PagingInfo');
  else {
    if (paging.pageNum !== undefined && paging.pageNum !== page) problems.push(`PageNum ${paging.pageNum}`);
    if (paging.pageSize !== undefined && paging.pageSize !== QUERY_PAGE_SIZE) {
      problems.push(`PageSize ${paging.pageSize}`);
    }
    if (paging.pagesCount !== undefined && paging.pagesCount < page) {
      problems.push(`PagesCount ${paging.pagesCount} below the page read`);
    }
    if (
      paging.pagesCount !== undefined &&
      page < paging.pagesCount &&
      result.items.length < QUERY_PAGE_SIZE
    ) {
      problems.push(`${result.items.length} items on a page that is not the last`);
    }
  }
  if (result.items.length > QUERY_PAGE_SIZE) problems.push(`${result.items.length} items on one page`);
  if (problems.length === 0) return;
  em.logger.warn('EM query page does not match its PagingInfo; reading on', {
    request: `GET ${path}`,
    page,
    problems,
  });
}
