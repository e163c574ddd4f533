import { describe, expect, it } from 'vitest';
import { formatAddress, isLoopbackHost, parseAddress } from '../../../src/config/address.js';
import { ConfigError } from '../../../src/config/errors.js';

describe('parseAddress', () => {
  it.each([
    [':9000', '0.0.0.0', 9000],
    ['0.0.0.0:9000', '0.0.0.0', 9000],
    ['127.0.0.1:8080', '127.0.0.1', 8080],
    ['localhost:1', 'localhost', 1],
    ['s3.example.com:65535', 's3.example.com', 65535],
    ['[::1]:9000', '::1', 9000],
    ['[::]:9000', '::', 9000],
    [' 127.0.0.1:9000 ', '127.0.0.1', 9000],
    ['127.0.0.1:0', '127.0.0.1', 0], // any free port
  ])('parses %s', (text, host, port) => {
    expect(parseAddress(text)).toEqual({ host, port });
  });

  it.each([
    ['127.0.0.1:99999', 'port 99999 is out of range 1-65535'],
    ['127.0.0.1:65536', 'port 65536 is out of range 1-65535'],
    ['127.0.0.1', 'has no port'],
    ['127.0.0.1:', 'is not a number'],
    ['127.0.0.1:90a', 'is not a number'],
    ['::1:9000', 'in brackets'],
    ['[::1]9000', 'expected HOST:PORT'],
    ['[nope]:9000', 'not an IPv6 address'],
    ['bad host:9000', 'not a valid host name'],
    ['[]:9000', 'not an IPv6 address'],
  ])('refuses %s', (text, message) => {
    expect(() => parseAddress(text)).toThrow(ConfigError);
    expect(() => parseAddress(text)).toThrow(message);
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', 'localhost', 'LOCALHOST', 'api.localhost', '::ffff:127.0.0.1'])(
    '%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com', 'localhost.example.com'])(
    '%s is not loopback', (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('formatAddress', () => {
  it('brackets IPv6 hosts', () => {
    expect(formatAddress({ host: '::1', port: 9000 })).toBe('[::1]:9000');
    expect(formatAddress({ host: '0.0.0.0', port: 9000 })).toBe('0.0.0.0:9000');
  });
});
