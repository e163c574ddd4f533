/**
 * Builds AuthRequest.headers from Node's rawHeaders ([name, value, name,
 * value, …]). Node's own `headers` object joins repeats with ', ', and drops
 * repeats of some headers entirely; SigV4 signs each value trimmed and the
 * repeats joined with a bare ','.
 */
export function headersFromRaw(rawHeaders: readonly string[]): Record<string, string> {
  // No prototype: a header named `__proto__` or `constructor` is just a header.
  const out: Record<string, string> = Object.create(null);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1].trim();
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return out;
}

/** A header's value, reading own properties only (a signed-header name like `constructor` must not reach Object.prototype). */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(headers, name) ? headers[name] : undefined;
}
