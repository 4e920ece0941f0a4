// The Home tab's own buttons (paging through jobs); every other button on it reuses its message counterpart's ID.

export const HOME_ACTION_IDS = {
  jobsPrev: 'home_jobs_prev',
  jobsNext: 'home_jobs_next',
} as const;
