// Durations as people read them in Slack: "1 min 12 s", "2 h 5 min", "under 1 s"; incident posts "2 h 05 min".

interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

function splitSeconds(totalSeconds: number): DurationParts {
  return {
    days: Math.floor(totalSeconds / 86_400),
    hours: Math.floor((totalSeconds % 86_400) / 3_600),
    minutes: Math.floor((totalSeconds % 3_600) / 60),
    seconds: totalSeconds % 60,
  };
}

/**
 * For sentences ("took 2 min"): two units at most; the smaller one is dropped when it is zero. Negative or NaN
 * input reads as "under 1 s".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'under 1 s';
  const { days, hours, minutes, seconds } = splitSeconds(Math.round(ms / 1000));
  if (days > 0) return pair(days, 'd', hours, 'h');
  if (hours > 0) return pair(hours, 'h', minutes, 'min');
  if (minutes > 0) return pair(minutes, 'min', seconds, 's');
  return `${seconds} s`;
}

function pair(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
}

/**
 * For the incident monitor's facts ("Duration" field, "still running after …"): "45 s", "12 min 3 s",
 * "2 h 05 min", "3 d 4 h". Unlike formatDuration it always shows both units and pads minutes after hours, so
 * durations in an incident's thread line up and compare at a glance, and a zero-length run says "0 s".
 */
export function formatDurationFixed(ms: number): string {
  const { days, hours, minutes, seconds } = splitSeconds(Math.max(0, Math.round(ms / 1000)));
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  if (minutes > 0) return `${minutes} min ${seconds} s`;
  return `${seconds} s`;
}
