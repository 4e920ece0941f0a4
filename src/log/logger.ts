// One structured log shape for the whole bot: pino writes one JSON object a line, every field having passed
// redact() first and pino's redact paths second; LOG_FORMAT=pretty turns the same lines into text for a person.

import pino from 'pino';
import type { LogLevel } from '../config.js';
import type { LogFormat } from './log-format.js';
import { prettyLine } from './pretty-line.js';
import { REDACT_PATHS, redact, redactString } from './redact.js';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line, e.g. { component: 'watcher' }. */
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** json (default): one object a line for log shippers; pretty: one readable line for a terminal. */
  format?: LogFormat;
  /** Where lines go (without the newline); default stderr, so that `npm run bench` keeps stdout for its JSON. */
  write?: (line: string) => void;
  now?: () => number;
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const now = options.now ?? Date.now;
  const root = pino(
    {
      level: options.level ?? 'info',
      // No pid/hostname: a container's hostname is noise, and the lines keep the shape they always had.
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"time":"${new Date(now()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    },
    destination(options),
  );
  return wrap(root, redact(options.base ?? {}) as Record<string, unknown>);
}

/**
 * Our call shape (message first, then fields) over pino's (fields first); redact() runs on both. Children are made
 * from the root with the merged bindings: pino's child of a child would write a repeated key (component) twice.
 */
function wrap(root: pino.Logger, bindings: Record<string, unknown>): Logger {
  const log = Object.keys(bindings).length > 0 ? root.child(bindings) : root;
  const at =
    (level: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (!log.isLevelEnabled(level)) return;
      log[level]((fields ? redact(fields) : {}) as object, redactString(msg));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => wrap(root, { ...bindings, ...(redact(fields) as Record<string, unknown>) }),
  };
}

/** Synchronous writes throughout: the last lines before process.exit() (shutdown, a fatal error) must land. */
function destination(options: LoggerOptions): pino.DestinationStream {
  const pretty = options.format === 'pretty';
  if (options.write === undefined && !pretty) return pino.destination({ fd: 2, sync: true });
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    write(chunk: string) {
      const line = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
      write(pretty ? prettyLine(line) : line);
    },
  };
}

/** For tests and the demo: keeps lines in memory (still redacted) so they can be asserted on or shown. */
export function createMemoryLogger(level: LogLevel = 'debug'): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level, write: (line) => lines.push(JSON.parse(line)) });
  return Object.assign(logger, { lines });
}
