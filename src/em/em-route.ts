// The route template of an EM request ("GET /jobs/{id}"), for metrics: never a raw ID, a name or a filter value.

/** Query parameters whose values are a small fixed set (EM's entity types and job actions): kept in the route. */
const KEPT_PARAMS = ['type', 'action'];

/** Watches and commands name thousands of jobs, sessions and Tasks: any segment that is not a plain word is an ID. */
export function emRoute(method: string, path: string): string {
  const [pathPart = '', query = ''] = path.split('?', 2);
  const segments = pathPart
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (/^[A-Za-z]{1,40}$/.test(segment) ? segment : '{id}'));
  const params = new URLSearchParams(query);
  const kept = KEPT_PARAMS.flatMap((name) => {
    const value = params.get(name);
    return value !== null && /^[A-Za-z]{1,40}$/.test(value) ? [`${name}=${value}`] : [];
  });
  return `${method} /${segments.join('/')}${kept.length > 0 ? `?${kept.join('&')}` : ''}`;
}
