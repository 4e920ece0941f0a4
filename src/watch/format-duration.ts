// Durations as people read them in a Slack thread: "1 min 12 s", "2 h 5 min", "under 1 s".

/** Two units at most; the smaller one is dropped when it is zero. Negative or NaN input reads as "under 1 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'under 1 s';
  const totalSeconds = Math.round(ms / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (days > 0) return pair(days, 'd', hours, 'h');
  if (hours > 0) return pair(hours, 'h', minutes, 'min');
  if (minutes > 0) return pair(minutes, 'min', seconds, 's');
  return `${seconds} s`;
}

function pair(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
}
