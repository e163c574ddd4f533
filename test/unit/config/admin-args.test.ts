import { describe, expect, it } from 'vitest';
import { ADMIN_HELP_TEXT } from '../../../src/config/admin-args.js';
import { parseArgs } from '../../../src/config/cli.js';

describe('cairn admin arguments', () => {
  it('info and heal, with bucket, prefix and flags', () => {
    expect(parseArgs(['admin', 'info'])).toEqual({ kind: 'admin', args: { action: 'info', json: false, deep: true } });
    expect(parseArgs(['admin', 'heal'])).toEqual({ kind: 'admin', args: { action: 'heal', json: false, deep: true } });
    expect(parseArgs(['admin', 'heal', 'photos/2024/', '--json', '--quick', '--endpoint', 'http://h:9'])).toEqual({
      kind: 'admin',
      args: { action: 'heal', json: true, deep: false, bucket: 'photos', prefix: '2024/', endpoint: 'http://h:9' },
    });
    expect(parseArgs(['admin', 'heal', 'photos/', '--endpoint=http://x'])).toEqual({
      kind: 'admin',
      args: { action: 'heal', json: false, deep: true, bucket: 'photos', endpoint: 'http://x' },
    });
  });

  it('help, and one-line errors that point to it', () => {
    expect(parseArgs(['admin'])).toEqual({ kind: 'help', text: ADMIN_HELP_TEXT });
    expect(parseArgs(['admin', 'heal', '--help'])).toEqual({ kind: 'help', text: ADMIN_HELP_TEXT });
    for (const argv of [['admin', 'explode'], ['admin', 'info', 'b'], ['admin', 'heal', 'a', 'b'], ['admin', 'heal', '--endpoint'], ['admin', 'info', '--quick'], ['admin', 'heal', '/p']]) {
      const result = parseArgs(argv);
      expect(result.kind, argv.join(' ')).toBe('error');
      if (result.kind === 'error') expect(result.message).toMatch(/cairn admin --help/);
    }
  });
});
