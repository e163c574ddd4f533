import { S3Error } from '../s3/errors.js';
import { ROUTES, type HttpMethod, type OperationName, type RouteSpec, type RouteTarget } from './routes.js';

/** A request as the router sees it: nothing but strings, so routing stays pure and testable. */
export interface RoutableRequest {
  method: string;
  /** Path exactly as received, still percent-encoded, without the query. */
  rawPath: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
}

export interface RouterSettings {
  /** Domains for virtual-hosted-style addressing: `bucket.<domain>`. */
  domains: string[];
}

export type Operation =
  | { target: 'service'; name: OperationName }
  | { target: 'bucket'; name: OperationName; bucket: string }
  | { target: 'object'; name: OperationName; bucket: string; key: string };

const METHODS = new Set<string>(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);

/** Every query parameter that selects a sub-resource somewhere in the table (list-type=N is a variant, not one). */
const SUB_RESOURCES: ReadonlySet<string> = new Set(
  ROUTES.flatMap((r: RouteSpec) => (r.query === undefined || r.queryValue !== undefined ? [] : [r.query])),
);

/** Strips the port from a Host header, including bracketed IPv6 literals. */
export function hostWithoutPort(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

const sortedDomains = new WeakMap<string[], string[]>();

/**
 * Lower-cased, longest first (with s3.example.com and example.com,
 * b.s3.example.com is bucket b); computed once per settings array, not per request.
 */
function longestFirst(domains: string[]): string[] {
  let sorted = sortedDomains.get(domains);
  if (!sorted) {
    sorted = domains.map((d) => d.toLowerCase()).sort((a, b) => b.length - a.length);
    sortedDomains.set(domains, sorted);
  }
  return sorted;
}

/** The bucket named by a virtual-hosted-style Host header, if any. */
export function bucketFromHost(host: string | undefined, domains: string[]): string | undefined {
  if (!host) return undefined;
  const name = hostWithoutPort(host);
  for (const d of longestFirst(domains)) {
    if (name.length > d.length + 1 && name.endsWith(`.${d}`)) return name.slice(0, -(d.length + 1));
  }
  return undefined;
}

function decodePathPart(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

/** Splits the path into bucket and key (decoded) for both addressing styles. */
function locate(req: RoutableRequest, settings: RouterSettings): { bucket?: string; key?: string } {
  const path = req.rawPath.startsWith('/') ? req.rawPath.slice(1) : req.rawPath;
  const hostBucket = bucketFromHost(req.headers.host, settings.domains);
  if (hostBucket !== undefined) {
    return { bucket: hostBucket, key: path === '' ? undefined : decodePathPart(path) };
  }
  if (path === '') return {};
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: decodePathPart(path) };
  const key = path.slice(slash + 1);
  return { bucket: decodePathPart(path.slice(0, slash)), key: key === '' ? undefined : decodePathPart(key) };
}

function matches(route: RouteSpec, req: RoutableRequest): boolean {
  if (route.query !== undefined) {
    if (!req.query.has(route.query)) return false;
    if (route.queryValue !== undefined && req.query.get(route.query) !== route.queryValue) return false;
  }
  if (route.header !== undefined && req.headers[route.header] === undefined) return false;
  return true;
}

/**
 * Parses a request into the operation it names. Unknown methods answer
 * MethodNotAllowed; known targets always resolve (the plain route catches
 * what no sub-resource route claims), so nothing falls through to a 404.
 */
export function route(req: RoutableRequest, settings: RouterSettings): Operation {
  if (!METHODS.has(req.method)) throw new S3Error('MethodNotAllowed', { extra: { Method: req.method } });
  const { bucket, key } = locate(req, settings);
  const target: RouteTarget = bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object';
  const method = req.method as HttpMethod;
  const spec = ROUTES.find((candidate) => candidate.target === target && candidate.method === method && matches(candidate, req));
  // A sub-resource no route serves with this method must not fall through to the
  // plain route: DELETE /bucket?acl is not DeleteBucket, PUT /b/k?versioning not PutObject.
  const strayed = spec && spec.query === undefined && [...req.query.keys()].some((name) => SUB_RESOURCES.has(name));
  if (!spec || strayed) throw new S3Error('MethodNotAllowed', { extra: { Method: req.method, ResourceType: target.toUpperCase() } });
  switch (target) {
    case 'service':
      return { target, name: spec.name };
    case 'bucket':
      return { target, name: spec.name, bucket: bucket! };
    case 'object':
      return { target, name: spec.name, bucket: bucket!, key: key! };
  }
}
