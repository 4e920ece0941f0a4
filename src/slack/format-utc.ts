// Times as people read them in Slack, the demo transcript and logs: "2026-01-01 10:05 UTC", always in UTC.

/**
 * "2026-01-01 10:05:03 UTC" with `seconds`, "2026-01-01 10:05 UTC" with `minutes`. Incident facts use seconds
 * (runs of one job can end within the same minute); job schedules and approval expiry use minutes (EM schedules
 * and approval TTLs are whole minutes). Text that is not a time comes back as it was.
 */
export function formatUtc(time: string | number, precision: 'seconds' | 'minutes' = 'seconds'): string {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  if (Number.isNaN(ms)) return String(time);
  const end = precision === 'seconds' ? 19 : 16;
  return `${new Date(ms).toISOString().slice(0, end).replace('T', ' ')} UTC`;
}
