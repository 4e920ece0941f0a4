// LOG_FORMAT=pretty: one JSON log line → "12:00:01.234 INFO  [em] Logged on to EM user=svc". No extra dependency,
// so it works from a production install too; the line was redacted before it got here.

const SHOWN_FIRST = new Set(['time', 'level', 'msg', 'component']);

export function prettyLine(jsonLine: string): string {
  let line: Record<string, unknown>;
  try {
    line = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const time = typeof line.time === 'string' ? line.time.slice(11, 23) : '';
  const level = String(line.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const component = line.component === undefined ? '' : ` [${String(line.component)}]`;
  const rest = Object.entries(line)
    .filter(([key, value]) => !SHOWN_FIRST.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [`${time} ${level}${component} ${String(line.msg ?? '')}`, ...rest].join(' ');
}
