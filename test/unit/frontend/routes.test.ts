import { describe, expect, it } from 'vitest';
import { route } from '../../../src/frontend/router.js';
import { ROUTES, type RouteSpec } from '../../../src/frontend/routes.js';

const routes: readonly RouteSpec[] = ROUTES;

const selector = (r: RouteSpec) => JSON.stringify([r.target, r.method, r.query ?? null, r.queryValue ?? null, r.header ?? null]);
const group = (r: RouteSpec) => `${r.target} ${r.method}`;
const isPlain = (r: RouteSpec) => r.query === undefined && r.header === undefined;

/** The smallest request that satisfies exactly this route's selector. */
function minimalRequest(r: RouteSpec) {
  const rawPath = r.target === 'service' ? '/' : r.target === 'bucket' ? '/bucket' : '/bucket/key';
  const query = new URLSearchParams();
  if (r.query !== undefined) query.set(r.query, r.queryValue ?? '');
  const headers: Record<string, string> = {};
  if (r.header !== undefined) headers[r.header] = 'src/key';
  return { method: r.method, rawPath, query, headers };
}

describe('route table invariants', () => {
  it('every entry has a unique (target, method, query, queryValue, header) selector', () => {
    const seen = new Map<string, string>();
    for (const r of routes) {
      const key = selector(r);
      expect(seen.get(key), `${r.name} duplicates the selector of ${seen.get(key)}`).toBeUndefined();
      seen.set(key, r.name);
    }
  });

  it('every operation name appears once', () => {
    const names = routes.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('a queryValue is only used together with a query', () => {
    for (const r of routes) if (r.queryValue !== undefined) expect(r.query, r.name).toBeDefined();
  });

  it('header names are lower-case (the router reads lower-cased headers)', () => {
    for (const r of routes) if (r.header !== undefined) expect(r.header, r.name).toBe(r.header.toLowerCase());
  });

  it('within a target+method, the plain route (if any) comes after every sub-resource route', () => {
    const groups = new Map<string, RouteSpec[]>();
    for (const r of routes) groups.set(group(r), [...(groups.get(group(r)) ?? []), r]);
    for (const [name, members] of groups) {
      const plain = members.filter(isPlain);
      expect(plain.length, `${name} has more than one plain route`).toBeLessThanOrEqual(1);
      if (plain.length === 1) expect(members[members.length - 1], `${name}: plain route is not last`).toBe(plain[0]);
    }
  });

  it('no route is shadowed by an earlier, less specific route of the same target+method', () => {
    // An earlier route whose requirements are a subset of a later one's would always win.
    const requirements = (r: RouteSpec) =>
      [r.query !== undefined ? `q:${r.query}` : '', r.queryValue !== undefined ? `v:${r.queryValue}` : '', r.header !== undefined ? `h:${r.header}` : ''].filter(
        Boolean,
      );
    routes.forEach((later, j) => {
      routes.slice(0, j).forEach((earlier) => {
        if (group(earlier) !== group(later)) return;
        const laterReq = new Set(requirements(later));
        const subset = requirements(earlier).every((x) => laterReq.has(x));
        expect(subset, `${earlier.name} shadows ${later.name}`).toBe(false);
      });
    });
  });

  it('every route is reachable: its minimal request routes to it', () => {
    for (const r of routes) {
      const result = route(minimalRequest(r), { domains: [] });
      expect(result.name, selector(r)).toBe(r.name);
      expect(result.target).toBe(r.target);
    }
  });

  it('every target+method that has routes but no plain route answers MethodNotAllowed without a sub-resource', () => {
    const plainGroups = new Set(routes.filter(isPlain).map(group));
    const allGroups = new Set(routes.map(group));
    for (const g of allGroups) {
      if (plainGroups.has(g)) continue;
      const [target, method] = g.split(' ');
      const rawPath = target === 'service' ? '/' : target === 'bucket' ? '/bucket' : '/bucket/key';
      expect(() => route({ method, rawPath, query: new URLSearchParams(), headers: {} }, { domains: [] }), g).toThrow(
        expect.objectContaining({ code: 'MethodNotAllowed' }),
      );
    }
  });
});
