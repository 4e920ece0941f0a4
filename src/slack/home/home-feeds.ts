// What the Home tab reads besides EM and the approval book: the watcher's live watches and the monitor's open
// incidents. createBot hands both in; without a monitor there are no incidents to show.

import type { OpenIncident } from '../../notify/monitor-state.js';
import type { WatchingEntry } from '../../watch/types.js';

export interface HomeFeeds {
  watches(): readonly WatchingEntry[];
  incidents(): readonly Readonly<OpenIncident>[];
}

export function homeFeeds(
  watcher: { watching(): WatchingEntry[] },
  monitor: { openIncidents(): readonly Readonly<OpenIncident>[] } | undefined,
): HomeFeeds {
  return {
    watches: () => watcher.watching(),
    incidents: () => monitor?.openIncidents() ?? [],
  };
}
