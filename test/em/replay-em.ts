// A small real EM over node:http for the client tests: logon/logout as EM answers them, every other request to
// the test's own handler, every request recorded. The recorded fixtures are replayed through it.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReplayRequest {
  method: string;
  /** Path below /api, e.g. "/query". */
  path: string;
  query: URLSearchParams;
  /** Path and query as sent, e.g. "/api/query?type=Job&…". */
  raw: string;
}

export interface ReplayAnswer {
  status: number;
  body?: string | object;
}

export type ReplayHandler = (req: ReplayRequest) => ReplayAnswer;

export interface ReplayEm {
  /** The API base URL to configure the client with (http://127.0.0.1:<port>/api). */
  url: string;
  /** Every request other than logon/logout, in order. */
  seen: ReplayRequest[];
  handle: ReplayHandler;
  close(): Promise<void>;
}

export function recorded(name: string): string {
  return readFileSync(new URL(`../fixtures/em-recorded/${name}.json.body`, import.meta.url), 'utf8');
}

export async function startReplayEm(): Promise<ReplayEm> {
  const em: ReplayEm = {
    url: '',
    seen: [],
    handle: () => ({ status: 404, body: { Message: 'not replayed', StatusCode: 404, Status: 'NotFound' } }),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://replay');
    const path = url.pathname.replace(/^\/api/, '');
    const send = (status: number, body?: string | object, headers: Record<string, string> = {}) => {
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(text);
    };
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && path.startsWith('/sessionMngr')) {
        send(
          201,
          { UserName: 'replay', SessionId: '2fb28f4f-46bd-4855-a757-0b8c24f9826b' },
          {
            'x-restsvcsessionid': 'replay-token',
          },
        );
        return;
      }
      if (req.method === 'DELETE' && path.startsWith('/logonSessions/')) {
        send(204);
        return;
      }
      const seen: ReplayRequest = {
        method: req.method ?? '',
        path,
        query: url.searchParams,
        raw: req.url ?? '',
      };
      em.seen.push(seen);
      const answer = em.handle(seen);
      send(answer.status, answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  em.url = `http://127.0.0.1:${port}/api`;
  em.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return em;
}

/** A QueryResult page in the shape real EM sends: one Entities key with items among null siblings (fact 13). */
export function entitiesPage(
  wrapper: string,
  items: object[],
  paging: { pageNum: number; pagesCount: number; pageSize?: number } | null,
): object {
  const nulls = Object.fromEntries(
    ['Jobs', 'BackupJobSessions', 'ReplicaJobSessions', 'AgentBackupJob', 'NASJobs', 'BackupTaskSessions']
      .filter((key) => key !== wrapper)
      .map((key) => [key, null]),
  );
  const inner = wrapper === 'AgentBackupJob' ? 'AgentBackupJobs' : wrapper;
  return {
    Refs: null,
    Entities: { ...nulls, [wrapper]: { [inner]: items } },
    Resources: null,
    Links: null,
    PagingInfo: paging && {
      Links: [],
      PageNum: paging.pageNum,
      PageSize: paging.pageSize ?? 100,
      PagesCount: paging.pagesCount,
    },
  };
}

export function taskBody(id: string, state = 'Running', operation = 'StartJob'): object {
  return {
    TaskId: id,
    State: state,
    Operation: operation,
    Links: [{ Rel: 'Delete', Href: `https://em.example:9398/api/tasks/${id}` }],
    Href: `https://em.example:9398/api/tasks/${id}`,
    Type: 'Task',
  };
}
