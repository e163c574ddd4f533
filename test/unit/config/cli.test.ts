import { describe, expect, it } from 'vitest';
import { HELP_TEXT, parseArgs } from '../../../src/config/cli.js';

describe('parseArgs', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']], [['help', 'server']], [['server', '--help']], [['server', '/data', '-h']]])(
    '%j shows help', (argv) => {
      expect(parseArgs(argv)).toEqual({ kind: 'help', text: HELP_TEXT });
    },
  );

  it.each([[['--version']], [['version']]])('%j shows the version', (argv) => {
    expect(parseArgs(argv)).toEqual({ kind: 'version' });
  });

  it('parses a bare server command', () => {
    expect(parseArgs(['server'])).toEqual({ kind: 'server', flags: {} });
  });

  it('parses flags and positional volumes in any order', () => {
    expect(parseArgs(['server', '/d1', '--address', ':9000', '/d{2...3}', '--config=/etc/cairn.yaml'])).toEqual({
      kind: 'server',
      flags: { address: ':9000', config: '/etc/cairn.yaml', volumes: ['/d1', '/d{2...3}'] },
    });
  });

  it('takes everything after -- as volumes', () => {
    expect(parseArgs(['server', '--', '--odd-dir', '-x'])).toEqual({ kind: 'server', flags: { volumes: ['--odd-dir', '-x'] } });
  });

  it.each([
    [['server', '--adress', ':9000'], 'unknown flag "--adress" for cairn server; run "cairn server --help" for usage'],
    [['server', '-a', ':9000'], 'unknown flag "-a"'],
    [['server', '--address'], '--address needs a value'],
    [['server', '--address', '--config', 'x'], '--address needs a value'],
    [['server', '--config='], '--config needs a value'],
    [['server', '--address', ':1', '--address', ':2'], '--address given more than once'],
    [['serve', '/data'], 'unknown command "serve" (to serve a directory: cairn server serve); run "cairn --help" for usage'],
    [['--address', ':9000'], 'unknown option "--address"; run "cairn --help" for usage'],
  ])('%j is an error', (argv, message) => {
    const result = parseArgs(argv);
    expect(result.kind).toBe('error');
    expect(result.kind === 'error' && result.message).toContain(message);
  });

  it('help text documents usage, environment and the config file', () => {
    expect(HELP_TEXT).toContain('cairn server [--address HOST:PORT] [--config FILE] [VOLUMES...]');
    expect(HELP_TEXT).toContain('config.example.yaml');
    expect(HELP_TEXT).toContain('CAIRN_ROOT_PASSWORD');
  });
});
