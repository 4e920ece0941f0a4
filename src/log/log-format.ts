// LOG_FORMAT: json for machines (the default, what a service manager or log shipper wants), pretty for a terminal.

import { ConfigError } from '../config.js';

export type LogFormat = 'json' | 'pretty';

/** Reads LOG_FORMAT; anything else is named in a ConfigError, like every other bad variable. */
export function readLogFormat(env: Record<string, string | undefined> = process.env): LogFormat {
  const raw = (env.LOG_FORMAT ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'json') return 'json';
  if (raw === 'pretty') return 'pretty';
  throw new ConfigError([`LOG_FORMAT: expected json or pretty, got "${raw}"`]);
}
