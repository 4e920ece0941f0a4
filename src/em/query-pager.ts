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

/**
 * Pages read at once after the first: EM says how many there are on page 1, so a busy night's 60 pages cost a few
 * round trips, not 60 in a row; a few at a time stays polite to EM (the client's pool holds 32 connections).
 */
const PAGES_IN_PARALLEL = 4;

/** `path` is a /query?… path without paging; items are de-duplicated by id (pages shift while EM adds sessions). */
export async function readAllPages<T extends { id: string }>(
  em: EmRequester,
  path: string,
  parse: PageParser<T>,
): Promise<T[]> {
  const read = async (page: number): Promise<QueryPage<T>> => {
    const pagePath = pathOfPage(path, page);
    const result = await readPage(em, pagePath, parse);
    checkPage(em, pagePath, page, result);
    return result;
  };
  const first = await read(1);
  const pages = [first];
  const pagesCount = first.paging?.pagesCount;
  if (pagesCount !== undefined) {
    // PagesCount decides how many there are: read the rest a few at a time, kept in page order. EM may add items
    // while we read (a busy night): a later page's larger PagesCount is followed too.
    let known = pagesCount;
    for (let next = 2; next <= Math.min(known, MAX_PAGES); next += PAGES_IN_PARALLEL) {
      const last = Math.min(known, MAX_PAGES, next + PAGES_IN_PARALLEL - 1);
      const batch = await allRead(Array.from({ length: last - next + 1 }, (_, i) => read(next + i)));
      pages.push(...batch);
      known = Math.max(known, ...batch.map((page) => page.paging?.pagesCount ?? 0));
    }
  } else {
    // Without PagesCount, only a full page can have a successor.
    for (let page = 2; (pages.at(-1)?.items.length ?? 0) >= QUERY_PAGE_SIZE && page <= MAX_PAGES; page++) {
      pages.push(await read(page));
    }
  }
  const lastCount = pages.at(-1)?.paging?.pagesCount ?? 0;
  if (lastCount > MAX_PAGES || pages.length >= MAX_PAGES) {
    em.logger.error('EM query still had pages after the page cap; stopped reading', {
      request: `GET ${path}`,
      pagesCount: lastCount,
    });
  }
  return uniqueById(em, path, pages);
}

/**
 * Like Promise.all, but waits for every read to end before it throws the first error: no request outlives the
 * call that made it (an abandoned read would still reach EM, and count against whatever comes next).
 */
export async function allRead<T>(reads: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(reads);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}

function pathOfPage(path: string, page: number): string {
  return `${path}&pageSize=${QUERY_PAGE_SIZE}&page=${page}`;
}

/** Items of every page in order, one of each id (a page can repeat items when the list changed while we read it). */
function uniqueById<T extends { id: string }>(em: EmRequester, path: string, pages: QueryPage<T>[]): T[] {
  const items = new Map<string, T>();
  let duplicates = 0;
  for (const item of pages.flatMap((p) => p.items)) {
    if (items.has(item.id)) duplicates++;
    else items.set(item.id, item);
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
