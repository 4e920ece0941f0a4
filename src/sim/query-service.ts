// GET /api/query?type=…&format=…&filter=…&sortAsc|sortDesc=…&pageSize=…&page=… → QueryResult (em-api.md §5).
//
// Wrapper names (a choice, documented here): XML <QueryResult><Entities><AgentBackupJobs><AgentBackupJob…/>…,
// <Entities><BackupJobSessions><BackupJobSession…/>…, <Entities><Jobs><Job…/>…; references <Refs><Ref…/>….
// JSON: {"Refs":{"Refs":[…]},"Entities":null,…} or {"Refs":null,"Entities":{"BackupJobSessions":{"BackupJobSessions":[…]}},…}
// (recorded by surfer190/veeam), and for agent jobs {"Entities":{"AgentBackupJob":{"AgentBackupJobs":[…]}}}: the
// singular outer name is what two independent public EM clients read (shapedthought/veeam-easy-connect, a
// Zabbix PHP collector), so we copy it rather than the "more regular" AgentBackupJobs.AgentBackupJobs.

import { jobEntity } from './agent-job-entity.js';
import { type El, el, link, links } from './em-element.js';
import type { Inventory } from './inventory.js';
import type { SimJob, SimSession } from './inventory-model.js';
import {
  compileFilter,
  type FieldSpecs,
  FilterError,
  fieldComparator,
  lookupField,
  parseFilter,
} from './query-filter.js';
import { jobRefEl, sessionEntityEl, sessionRefEl } from './representations.js';
import { SIM_BACKUP_SERVER } from './seed-ids.js';

const BACKUP_SERVER_FIELDS = {
  backupserveruid: { kind: 'text' as const, get: () => `urn:veeam:BackupServer:${SIM_BACKUP_SERVER.id}` },
  backupservername: { kind: 'text' as const, get: () => SIM_BACKUP_SERVER.name },
};

function jobFields(uidType: string): FieldSpecs<SimJob> {
  return {
    uid: { kind: 'text', get: (j) => `urn:veeam:${uidType}:${j.id}` },
    name: { kind: 'text', get: (j) => j.name },
    description: { kind: 'text', get: (j) => j.description },
    jobtype: { kind: 'text', get: (j) => j.jobType },
    platform: { kind: 'text', get: (j) => j.platform },
    scheduleconfigured: { kind: 'bool', get: (j) => j.scheduleConfigured },
    scheduleenabled: { kind: 'bool', get: (j) => j.scheduleEnabled },
    ...BACKUP_SERVER_FIELDS,
  };
}

const SESSION_FIELDS: FieldSpecs<SimSession> = {
  uid: { kind: 'text', get: (s) => `urn:veeam:BackupJobSession:${s.id}` },
  name: { kind: 'text', get: (s) => s.name },
  jobtype: { kind: 'text', get: (s) => s.jobType },
  jobuid: { kind: 'text', get: (s) => `urn:veeam:Job:${s.jobId}` },
  jobname: { kind: 'text', get: (s) => s.jobName },
  creationtime: { kind: 'date', get: (s) => s.creationTime },
  endtime: { kind: 'date', get: (s) => s.endTime },
  state: {
    kind: 'enum',
    order: ['Starting', 'Stopping', 'Working', 'Pausing', 'Resuming', 'Stopped'],
    get: (s) => s.state,
  },
  // EM compares enums by ordinal: None (still running) < Success < Warning < Failed.
  result: { kind: 'enum', order: ['None', 'Success', 'Warning', 'Failed'], get: (s) => s.result },
  isretry: { kind: 'bool', get: (s) => s.isRetry },
  ...BACKUP_SERVER_FIELDS,
};

export class QueryError extends Error {}

interface QueryType<T> {
  items: () => T[];
  fields: FieldSpecs<T>;
  ref: (item: T) => El;
  entity: (item: T) => El;
  /** XML wrapper inside <Entities>, and its JSON outer/inner names. */
  wrapper: { xml: string; jsonOuter: string; jsonInner: string };
}

export function runQuery(base: string, inventory: Inventory, params: URLSearchParams): El {
  const typeName = (params.get('type') ?? '').toLowerCase();
  if (typeName === 'agentbackupjob') {
    return query(base, params, {
      items: () => [...inventory.jobs.values()].filter((j) => j.kind === 'agent'),
      fields: jobFields('AgentBackupJob'),
      ref: (j) => jobRefEl(base, j, 'Ref'),
      entity: (j) => jobEntity(base, j),
      wrapper: { xml: 'AgentBackupJobs', jsonOuter: 'AgentBackupJob', jsonInner: 'AgentBackupJobs' },
    });
  }
  if (typeName === 'job') {
    return query(base, params, {
      items: () => [...inventory.jobs.values()].filter((j) => j.kind === 'vm'),
      fields: jobFields('Job'),
      ref: (j) => jobRefEl(base, j, 'Ref'),
      entity: (j) => jobEntity(base, j),
      wrapper: { xml: 'Jobs', jsonOuter: 'Jobs', jsonInner: 'Jobs' },
    });
  }
  if (typeName === 'backupjobsession') {
    return query(base, params, {
      items: () => [...inventory.sessions.values()],
      fields: SESSION_FIELDS,
      ref: (s) => sessionRefEl(base, s, 'Ref'),
      entity: (s) => sessionEntityEl(base, s, inventory.job(s.jobId) as SimJob, inventory.progress(s)),
      wrapper: { xml: 'BackupJobSessions', jsonOuter: 'BackupJobSessions', jsonInner: 'BackupJobSessions' },
    });
  }
  if (!typeName) throw new QueryError('Query type is not specified.');
  throw new QueryError(
    `Query type "${params.get('type')}" is not supported by the simulator (AgentBackupJob, Job, BackupJobSession).`,
  );
}

function query<T>(base: string, params: URLSearchParams, type: QueryType<T>): El {
  const format = (params.get('format') ?? 'References').toLowerCase();
  if (format !== 'entities' && format !== 'references') {
    throw new QueryError(`Format "${params.get('format')}" is not valid: use Entities or References.`);
  }
  let items = type.items();
  const filterText = params.get('filter');
  try {
    if (filterText !== null && filterText.trim() !== '')
      items = items.filter(compileFilter(parseFilter(filterText), type.fields));
    const sortAsc = params.get('sortAsc') ?? params.get('sortasc');
    const sortDesc = params.get('sortDesc') ?? params.get('sortdesc');
    if (sortAsc) items = [...items].sort(fieldComparator(lookupField(type.fields, sortAsc)));
    else if (sortDesc) {
      const cmp = fieldComparator(lookupField(type.fields, sortDesc));
      items = [...items].sort((a, b) => cmp(b, a));
    }
  } catch (error) {
    if (error instanceof FilterError) throw new QueryError(error.message);
    throw error;
  }

  const total = items.length;
  const pageSize = positiveInt(params.get('pageSize') ?? params.get('pagesize'), 'pageSize') ?? 0;
  const pagesCount = pageSize > 0 ? Math.max(1, Math.ceil(total / pageSize)) : 1;
  const page = positiveInt(params.get('page'), 'page') ?? 1;
  if (pageSize > 0) items = items.slice((page - 1) * pageSize, page * pageSize);

  const entities = format === 'entities';
  const body: El[] = [
    entities
      ? { name: 'Refs', jsonOnly: true }
      : { name: 'Refs', items: 'Refs', children: items.map(type.ref) },
    entities
      ? el('Entities', undefined, [
          {
            name: type.wrapper.xml,
            jsonName: type.wrapper.jsonOuter,
            items: type.wrapper.jsonInner,
            children: items.map(type.entity),
          },
        ])
      : { name: 'Entities', jsonOnly: true },
    { name: 'Resources', jsonOnly: true },
    { name: 'Links', jsonOnly: true },
    pagingInfo(base, params, page, pageSize > 0 ? pageSize : total, pagesCount),
  ];
  return el('QueryResult', undefined, body);
}

function pagingInfo(
  base: string,
  params: URLSearchParams,
  page: number,
  pageSize: number,
  pagesCount: number,
): El {
  const pageLink = (rel: string, n: number): El => {
    const p = new URLSearchParams(params);
    p.set('page', String(n));
    if (!p.has('pageSize')) p.set('pageSize', String(pageSize));
    return link(rel, `${base}/query?${p.toString()}`);
  };
  const linkList = [pageLink('First', 1), pageLink('Last', pagesCount)];
  if (page > 1) linkList.push(pageLink('Previous', page - 1));
  if (page < pagesCount) linkList.push(pageLink('Next', page + 1));
  return el('PagingInfo', { PageNum: page, PageSize: pageSize, PagesCount: pagesCount }, [links(linkList)]);
}

function positiveInt(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new QueryError(`${name} must be a non-negative integer, not "${text}".`);
  return Number(text);
}
