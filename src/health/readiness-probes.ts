// The three things the bot needs to work: EM accepting our logon, Slack accepting our token, a writable store.

import { unlinkSync, writeFileSync } from 'node:fs';
import type { EmApi } from '../em/api.js';
import { isEmError } from '../em/errors.js';
import type { StateStore } from '../state/state-store.js';
import type { ReadinessProbe } from './readiness.js';

/**
 * A name query that matches nothing: one empty page per job query type (three round trips, whatever the number of
 * jobs), where listing jobs would read every page (em-api.md fact 11). It runs on the bot's own session, so an
 * expired one is renewed (a fresh logon) on the way, and a logon refused or cooling down fails it.
 */
const NO_SUCH_JOB = 'veeam-chatops readiness probe';

export function emProbe(em: Pick<EmApi, 'findJobsByName'>): ReadinessProbe {
  return {
    name: 'em',
    check: async () => {
      await em.findJobsByName(NO_SUCH_JOB);
    },
    explain(error) {
      if (!isEmError(error)) return 'Enterprise Manager check failed';
      switch (error.kind) {
        case 'unreachable':
          return 'Enterprise Manager is not reachable';
        case 'timeout':
          return 'Enterprise Manager did not answer in time';
        case 'auth':
          return 'Enterprise Manager rejected the logon';
        case 'http':
          return `Enterprise Manager answered HTTP ${error.status ?? 'error'}`;
        default:
          return 'Enterprise Manager gave an unreadable answer';
      }
    },
  };
}

/** What @slack/web-api's errors carry: a platform error code (invalid_auth) or an HTTP status. */
interface SlackErrorShape {
  code?: string;
  data?: { error?: unknown };
  statusCode?: number;
}

/** auth.test: cheap, and the one call that says the token is still accepted. Give it a client without retries. */
export function slackProbe(slack: { auth: { test(): Promise<unknown> } }): ReadinessProbe {
  return {
    name: 'slack',
    check: async () => {
      await slack.auth.test();
    },
    explain(error) {
      const { code, data, statusCode } = (error ?? {}) as SlackErrorShape;
      // Slack's error codes are short lowercase identifiers; anything else is not echoed.
      const slackError =
        typeof data?.error === 'string' && /^[a-z_]{1,60}$/.test(data.error) ? data.error : undefined;
      if (slackError) return `Slack refused auth.test: ${slackError}`;
      if (code === 'slack_webapi_http_error' && statusCode) return `Slack answered HTTP ${statusCode}`;
      return 'Slack API is not reachable';
    },
  };
}

/** Writes and removes a small file beside the state file: the store renames its temp file in that directory. */
export function stateProbe(stateFile: string): ReadinessProbe {
  const probeFile = `${stateFile}.probe-${process.pid}`;
  return {
    name: 'state',
    check: async () => {
      writeFileSync(probeFile, 'ok', { mode: 0o600 });
      unlinkSync(probeFile);
    },
    explain(error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      return `the state directory is not writable${code && /^E[A-Z]+$/.test(code) ? ` (${code})` : ''}`;
    },
  };
}

/** The file store: its directory is writable. Redis: the connection is up (writes would be refused otherwise). */
export function storeProbe(store: Pick<StateStore, 'kind' | 'available'>, stateFile: string): ReadinessProbe {
  if (store.kind === 'file') return stateProbe(stateFile);
  return {
    name: 'state',
    check: async () => {
      if (!store.available()) throw new Error('redis unavailable');
    },
    explain: () => 'the shared state store (Redis) is not reachable',
  };
}
