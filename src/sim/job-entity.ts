// Job entities: AgentBackupJob element for element like shared/seeds/001 (JobScheduleOptions, JobInfo), Job
// (/jobs: Backup, Replica, BackupCopy, ImmediateBackupCopy) and NASJob (/nas/jobs), each with only the action
// links EM offers for it (em-api.md §4.1: backup copy has Sync and no Start; Retry only after a Failed run).

import { type El, el, field, link, links } from './em-element.js';
import { retryOf, type SimJob } from './inventory-model.js';
import { jobActionLinks } from './job-actions.js';
import { jobHref, jobUid } from './representations.js';
import { SIM_BACKUP_SERVER } from './seed-ids.js';

const WEEK = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const ALL_HOURS = Array.from({ length: 24 }, () => '1').join(',');

/** GET {jobHref}?format=Entity; `lastResult` (of the newest run) decides whether Retry is offered. */
export function jobEntity(base: string, job: SimJob, lastResult?: string): El {
  const href = jobHref(base, job);
  const up = link(
    'Up',
    `${base}/backupServers/${SIM_BACKUP_SERVER.id}`,
    'BackupServerReference',
    SIM_BACKUP_SERVER.name,
  );
  const actions = jobActionLinks(href, job, lastResult);
  if (job.kind === 'nas')
    return nasJobEntity(href, job, [up, link('Alternate', href, 'NasJobReference', job.name), ...actions]);
  const sessions =
    job.jobType === 'Replica'
      ? link('Down', `${href}/replicaSessions`, 'ReplicaJobSessionReferenceList')
      : link('Down', `${href}/backupSessions`, 'BackupJobSessionReferenceList');
  // The agent order is the seed's; other jobs list their actions first, as in EM's Job example.
  const linkList =
    job.kind === 'agent'
      ? [
          up,
          link('Alternate', href, 'JobReference', job.name),
          link('Down', `${href}/includes`, 'ObjectInJobList'),
          ...actions.filter((l) => l.attrs?.Rel === 'ToggleScheduleEnabled'),
          sessions,
          ...actions.filter((l) => l.attrs?.Rel !== 'ToggleScheduleEnabled'),
        ]
      : [
          up,
          link('Alternate', href, 'JobReference', job.name),
          ...actions,
          link('Down', `${href}/includes`, 'ObjectInJobList'),
          sessions,
        ];
  const entityName = job.kind === 'agent' ? 'AgentBackupJob' : 'Job';
  return el(
    entityName,
    { Type: entityName, Href: `${href}?format=Entity`, Name: job.name, UID: jobUid(job) },
    [
      links(linkList),
      field('JobType', job.jobType),
      field('Platform', job.platform),
      field('Description', job.description),
      field('ScheduleConfigured', job.scheduleConfigured),
      field('ScheduleEnabled', job.scheduleEnabled),
      ...(job.nextRun === undefined ? [] : [field('NextRun', job.nextRun)]),
      scheduleOptions(job),
      jobInfo(href, job),
    ],
  );
}

/** <NASJob Type="NasJob"> as on the docs' GET /nas/jobs/{ID} page (storage options left out). */
function nasJobEntity(href: string, job: SimJob, linkList: El[]): El {
  return el('NASJob', { Type: 'NasJob', Href: `${href}?format=Entity`, Name: job.name, UID: jobUid(job) }, [
    links(linkList),
    field('Description', job.description),
    {
      name: 'Includes',
      array: true,
      children: job.machines.map((share) => el('NASObject', undefined, [field('Path', share)])),
    },
    field('ScheduleConfigured', job.scheduleConfigured),
    field('ScheduleEnabled', job.scheduleEnabled),
    scheduleOptions(job),
  ]);
}

function scheduleOptions(job: SimJob): El {
  const s = job.schedule;
  const retry = retryOf(job);
  return el('JobScheduleOptions', undefined, [
    el('Standart', undefined, [
      el('RetryOptions', undefined, [
        field('RetryTimes', retry.times),
        field('RetryTimeout', retry.timeoutMinutes),
        field('RetrySpecified', retry.specified),
      ]),
      field('WaitForBackupCompletion', true),
      field('BackupCompetitionWaitingPeriodMin', 180),
      el('OptionsDaily', { Enabled: s.dailyEnabled }, [
        field('Kind', s.dailyKind),
        ...s.days.map((d) => field('Days', d)),
        field('Time', s.time),
        field('TimeOffsetUtc', 2),
      ]),
      el('OptionsMonthly', { Enabled: s.monthlyEnabled }, [
        field('Time', '22:00:00.0000000+01:00'),
        field('TimeOffsetUtc', 2),
        field('DayNumberInMonth', 'Fourth'),
        field('DayOfWeek', 'Saturday'),
        ...MONTHS.map((m) => field('Months', m)),
        field('DayOfMonth', 1),
      ]),
      el('OptionsPeriodically', { Enabled: s.periodicallyEnabled }, [
        field('Kind', 'Hours'),
        field('FullPeriod', 1),
        el('Schedule', undefined, weekHours()),
      ]),
      el('OptionsContinuous', { Enabled: false }, [el('Schedule', undefined, weekHours())]),
      el('OptionsBackupWindow', { Enabled: false }, [el('TimePeriods', undefined, weekHours())]),
      el('OptionsDaisyChaining', { Enabled: false }, [field('PreviousJobUid', undefined)]),
    ]),
  ]);
}

function weekHours(): El[] {
  return WEEK.map((day) => ({ name: 'Day', attrs: { Name: day }, text: ALL_HOURS }));
}

function jobInfo(href: string, job: SimJob): El {
  const includeType = job.kind === 'agent' ? 'ObjectInAgentBackupJob' : 'ObjectInJob';
  return el('JobInfo', undefined, [
    {
      name: 'Includes',
      array: true,
      children: job.includes.map((inc) =>
        el(includeType, { Type: includeType, Href: `${href}/includes/${inc.id}` }, [
          field('ObjectInJobId', inc.id),
          field('Name', inc.name),
          field('DisplayName', inc.name),
          guestProcessing(true),
        ]),
      ),
    },
    guestProcessing(false),
    el('GfsRetentionPolicy', { Enabled: false }, [
      el('Weekly', undefined, [
        field('Enabled', false),
        field('RetentionPeriod', 1),
        field('SelectedDay', 'Sunday'),
      ]),
      el('Monthly', undefined, [
        field('Enabled', false),
        field('RetentionPeriod', 1),
        field('SelectedWeek', 'First'),
      ]),
      el('Yearly', undefined, [
        field('Enabled', false),
        field('RetentionPeriod', 1),
        field('SelectedMonth', 'January'),
      ]),
    ]),
    el('SimpleRetentionPolicy', undefined, [
      field('RetainCycles', job.retention.cycles),
      field('RetainDaysToKeep', job.retention.days),
      field('RetainLimitType', 'Cycles'),
    ]),
  ]);
}

const WINDOWS_EXCLUDED = ['%windir%', '%ProgramFiles%', '%ProgramFiles(x86)%', '%ProgramW6432%', '%TEMP%'];
const LINUX_EXCLUDED = ['/cdrom', '/dev', '/media', '/mnt', '/proc', '/tmp', '/lost+found'];

/** Per-include options list the default exclusions; the job-level block indexes every folder (as in the seed). */
function guestProcessing(perInclude: boolean): El {
  const folders = (paths: string[]): El =>
    el(
      'ExcludedIndexingFolders',
      undefined,
      paths.map((p) => field('Path', p)),
    );
  return el('GuestProcessingOptions', undefined, [
    el('VssSnapshotOptions', undefined, [
      field('VssSnapshotMode', 'RequireSuccess'),
      field('IsCopyOnly', false),
    ]),
    el('WindowsGuestFSIndexingOptions', undefined, [
      field('FileSystemIndexingMode', perInclude ? 'ExceptSpecifiedFolders' : 'EveryFolders'),
      field('IncludedIndexingFolders', undefined),
      folders(perInclude ? WINDOWS_EXCLUDED : []),
    ]),
    el('LinuxGuestFSIndexingOptions', undefined, [
      field('FileSystemIndexingMode', 'ExceptSpecifiedFolders'),
      field('IncludedIndexingFolders', undefined),
      folders(perInclude ? LINUX_EXCLUDED : []),
    ]),
    el('SqlBackupOptions', undefined, [
      field('TransactionLogsProcessing', 'OnlyOnSuccessJob'),
      field('BackupLogsFrequencyMin', 15),
      field('UseDbBackupRetention', true),
      field('RetainDays', 15),
    ]),
    field('WindowsCredentialsId', undefined),
    field('LinuxCredentialsId', undefined),
  ]);
}
