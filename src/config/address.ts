/**
 * Listen addresses in the MinIO/RustFS spelling: `host:port`, `:port` (all
 * interfaces), `[v6]:port`. Errors are origin-less ConfigErrors; the loader
 * names the setting.
 */
import { BlockList, isIP } from 'node:net';
import { ConfigError } from './errors.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/** What `:port` means, as in MinIO: every IPv4 interface. */
export const ALL_INTERFACES = '0.0.0.0';

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const EXPECTED = 'expected HOST:PORT, :PORT or [IPv6]:PORT';

export function parseAddress(text: string): ListenAddress {
  const value = text.trim();
  let host: string;
  let portText: string;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0 || value[close + 1] !== ':') throw new ConfigError(`"${text}": ${EXPECTED}`);
    host = value.slice(1, close);
    portText = value.slice(close + 2);
    if (isIP(host) !== 6) throw new ConfigError(`"${host}" in brackets is not an IPv6 address`);
  } else {
    const parts = value.split(':');
    if (parts.length === 1) throw new ConfigError(`"${text}" has no port: ${EXPECTED}`);
    // More than one colon is a bare IPv6 address: the port would be ambiguous.
    if (parts.length > 2) throw new ConfigError(`"${text}": write IPv6 addresses in brackets, like [::1]:9000`);
    host = parts[0] === '' ? ALL_INTERFACES : parts[0];
    portText = parts[1];
    if (isIP(host) === 0 && !HOSTNAME.test(host)) throw new ConfigError(`"${host}" is not a valid host name or IP address`);
  }
  if (!/^\d+$/.test(portText)) throw new ConfigError(`port "${portText}" is not a number: ${EXPECTED}`);
  const port = Number(portText);
  // Port 0 asks the OS for any free port (tests start servers this way); the
  // server reports the port it got.
  if (port > 65535) throw new ConfigError(`port ${portText} is out of range 1-65535 (or 0 for any free port)`);
  return { host, port };
}

/** `host:port`, bracketing IPv6 hosts. */
export function formatAddress({ host, port }: ListenAddress): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/**
 * True for addresses only this machine can reach. Names other than
 * `localhost` count as reachable from outside: we do not resolve DNS here.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const family = isIP(name);
  if (family === 4) return loopback.check(name, 'ipv4');
  if (family === 6) return loopback.check(name, 'ipv6');
  return false;
}
