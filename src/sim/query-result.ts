// The QueryResult EM answers /query with (em-api.md §5, facts 11 and 13), as recorded from a real EM
// (centreon-plugins tests/apps/backup/veeam/vbem/restapi/restapi.json): 100 items a page when no pageSize is
// sent; PagingInfo with PageNum, PageSize, PagesCount and First/Previous/Next/Last links whose hrefs are EM's
// own: the request's other parameters in the order sent (as surfer190/veeam tests/test_client.py recorded),
// re-escaped .NET-style with lowercase hex (`%3d%3d`), then `&pageSize=…&page=…`;
// in JSON, Entities carries the recording's 50 sibling keys, all null but the one holding the items.

import { type El, el } from './em-element.js';
import {
  compileFilter,
  type FieldSpecs,
  FilterError,
  fieldComparator,
  lookupField,
  parseFilter,
} from './query-filter.js';

/** Real EM's page size when the request has none (fact 11). */
const DEFAULT_QUERY_PAGE_SIZE = 100;

/** The keys of a recorded JSON `Entities`, in order (fact 13). */
export const RECORDED_ENTITIES_KEYS = [
  'Jobs',
  'FailoverPlans',
  'Backups',
  'Replicas',
  'Repositories',
  'RestorePoints',
  'VmRestorePoints',
  'VAppRestorePoints',
  'VmReplicaPoints',
  'BackupJobSessions',
  'ReplicaJobSessions',
  'ReplicaTaskSessions',
  'RestoreSessions',
  'HierarchyRoots',
  'BackupTaskSessions',
  'BackupServers',
  'ManagedServers',
  'EnterpiseRoles',
  'EnterpiseAccounts',
  'WanAccelerators',
  'CloudGateways',
  'CloudTenants',
  'CloudReplicas',
  'VCloudOrganizationConfigs',
  'BackupFiles',
  'VSphereSelfServiceConfigs',
  'CloudPublicIps',
  'CloudHardwarePlans',
  'CloudVmReplicaPoints',
  'AgentRestorePoints',
  'AgentBackupJob',
  'CloudGatewayPools',
  'CloudFailoverPlans',
  'ExternalRepositories',
  'VlanConfigurations',
  'CloudFailoverSessions',
  'AgentProtectionGroups',
  'DiscoveredComputers',
  'FileServers',
  'NASJobs',
  'CdpReplicas',
  'CdpReplicaVms',
  'CdpPolicies',
  'CdpReplicaSessions',
  'CdpReplicaTaskSessions',
  'VAppReplicaPoints',
  'VmCdpReplicas',
  'VAppCdpReplicas',
  'VAppCdpReplicaVms',
  'SystemSessions',
];

export class QueryError extends Error {}

export interface QueryType<T> {
  items: () => T[];
  fields: FieldSpecs<T>;
  ref: (item: T) => El;
  entity: (item: T) => El;
  /** XML wrapper inside <Entities>, and its JSON outer/inner names. */
  wrapper: { xml: string; jsonOuter: string; jsonInner: string };
}

export function query<T>(base: string, params: URLSearchParams, type: QueryType<T>): El {
  const format = (params.get('format') ?? 'References').toLowerCase();
  if (format !== 'entities' && format !== 'references') {
    throw new QueryError(`Format "${params.get('format')}" is not valid: use Entities or References.`);
  }
  const all = filterAndSort(type.items(), params, type.fields);
  const { page, pageSize } = paging(params);
  const pagesCount = Math.max(1, Math.ceil(all.length / pageSize));
  const items = all.slice((page - 1) * pageSize, page * pageSize);
  const entities = format === 'entities';
  return el('QueryResult', undefined, [
    entities
      ? { name: 'Refs', jsonOnly: true }
      : { name: 'Refs', items: 'Refs', children: items.map(type.ref) },
    entities ? entitiesEl(type, items) : { name: 'Entities', jsonOnly: true },
    { name: 'Resources', jsonOnly: true },
    { name: 'Links', jsonOnly: true },
    pagingInfo(base, params, page, pageSize, pagesCount),
  ]);
}

/** page and pageSize of a query (1-based; pageSize 100 when absent, as real EM answers). */
export function paging(params: URLSearchParams): { page: number; pageSize: number } {
  const size = positiveInt(params.get('pageSize') ?? params.get('pagesize'), 'pageSize');
  const page = positiveInt(params.get('page'), 'page');
  return { page: page && page > 0 ? page : 1, pageSize: size && size > 0 ? size : DEFAULT_QUERY_PAGE_SIZE };
}

function filterAndSort<T>(items: T[], params: URLSearchParams, fields: FieldSpecs<T>): T[] {
  try {
    const filterText = params.get('filter');
    let out = items;
    if (filterText !== null && filterText.trim() !== '')
      out = out.filter(compileFilter(parseFilter(filterText), fields));
    const sortAsc = params.get('sortAsc') ?? params.get('sortasc');
    const sortDesc = params.get('sortDesc') ?? params.get('sortdesc');
    if (sortAsc) return [...out].sort(fieldComparator(lookupField(fields, sortAsc)));
    if (sortDesc) {
      const cmp = fieldComparator(lookupField(fields, sortDesc));
      return [...out].sort((a, b) => cmp(b, a));
    }
    return out;
  } catch (error) {
    if (error instanceof FilterError) throw new QueryError(error.message);
    throw error;
  }
}

function entitiesEl<T>(type: QueryType<T>, items: T[]): El {
  const holder: El = {
    name: type.wrapper.xml,
    jsonName: type.wrapper.jsonOuter,
    items: type.wrapper.jsonInner,
    children: items.map(type.entity),
  };
  const keys = RECORDED_ENTITIES_KEYS.includes(type.wrapper.jsonOuter)
    ? RECORDED_ENTITIES_KEYS
    : [...RECORDED_ENTITIES_KEYS, type.wrapper.jsonOuter];
  return el(
    'Entities',
    undefined,
    keys.map((key) => (key === type.wrapper.jsonOuter ? holder : { name: key, jsonOnly: true })),
  );
}

function pagingInfo(
  base: string,
  params: URLSearchParams,
  page: number,
  pageSize: number,
  pagesCount: number,
): El {
  const kept = [...params.entries()]
    .filter(([key]) => !['page', 'pagesize'].includes(key.toLowerCase()))
    .map(([key, value]) => `${key}=${dotNetEscape(value)}`);
  const pageLink = (rel: string, n: number): El => ({
    name: 'Link',
    attrs: {
      Rel: rel,
      Href: `${base}/query?${[...kept, `pageSize=${pageSize}`, `page=${n}`].join('&')}`,
      Name: null,
      Type: null,
    },
  });
  const linkList = [pageLink('First', 1)];
  if (page > 1) linkList.push(pageLink('Previous', page - 1));
  if (page < pagesCount) linkList.push(pageLink('Next', page + 1));
  linkList.push(pageLink('Last', pagesCount));
  return el('PagingInfo', { PageNum: page, PageSize: pageSize, PagesCount: pagesCount }, [
    { name: 'Links', children: linkList, array: true },
  ]);
}

/** HttpUtility.UrlEncode's look: lowercase hex escapes (`%3e%3d`), space as `+`. */
function dotNetEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/%20/g, '+')
    .replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
}

function positiveInt(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new QueryError(`${name} must be a non-negative integer, not "${text}".`);
  return Number(text);
}
