// What the EM call modules (job-calls, session-calls, query-pager) need from EmClient: a logged-on request and a logger.

import type { Logger } from '../log/logger.js';
import type { EmHttpRequest } from './http-transport.js';
import type { EmFormat } from './parse.js';

type EmMethod = EmHttpRequest['method'];

export interface EmRequester {
  readonly logger: Logger;
  /** Sends with the logon session (re-logon once on 401) and parses a 2xx body; EmError otherwise. */
  read<T>(method: EmMethod, path: string, parse: (body: string, format: EmFormat) => T): Promise<T>;
  /** Like read, for answers whose body does not matter (DELETE → 204). */
  send(method: EmMethod, path: string): Promise<void>;
  /** True the first time `key` is seen by this client: for warnings that would otherwise repeat every poll. */
  firstTime(key: string): boolean;
}
