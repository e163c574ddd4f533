/**
 * Pure parsing of `cairn admin …` arguments. Running the command (HTTP,
 * signing, printing) is src/admin-cli.ts's job.
 */

export interface AdminArgs {
  action: 'info' | 'heal';
  /** --endpoint; else CAIRN_ENDPOINT, else http://127.0.0.1:9000. */
  endpoint?: string;
  json: boolean;
  bucket?: string;
  prefix?: string;
  /** heal: verify every shard (default) or only repair drives that disagree (--quick). */
  deep: boolean;
}

export const ADMIN_HELP_TEXT = `Usage:
  cairn admin info [--endpoint URL] [--json]
  cairn admin heal [BUCKET[/PREFIX]] [--quick] [--endpoint URL] [--json]

  info   deployment, erasure sets, drives (state, usage), parity, scanner progress
  heal   heal every object now (or one bucket / prefix) and report what was
         scanned, healed and not healed, and why; exits 1 when anything failed.
         Reads and verifies every shard; --quick only repairs drives that lack
         or disagree on an object's record or shard files.

  --endpoint URL   the server (default CAIRN_ENDPOINT, else http://127.0.0.1:9000)
  --json           print the server's JSON answer

Credentials: CAIRN_ROOT_USER / CAIRN_ROOT_PASSWORD, else AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY (root credentials). Region: CAIRN_REGION, else
AWS_REGION, else us-east-1.
`;

export type AdminArgsResult = { kind: 'admin'; args: AdminArgs } | { kind: 'help'; text: string } | { kind: 'error'; message: string };

function usageError(problem: string): AdminArgsResult {
  return { kind: 'error', message: `${problem}; run "cairn admin --help" for usage` };
}

export function parseAdminArgs(argv: readonly string[]): AdminArgsResult {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') return { kind: 'help', text: ADMIN_HELP_TEXT };
  if (action !== 'info' && action !== 'heal') return usageError(`unknown admin command "${action}"`);
  const args: AdminArgs = { action, json: false, deep: true };
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--help' || arg === '-h') return { kind: 'help', text: ADMIN_HELP_TEXT };
    if (arg === '--json') args.json = true;
    else if (arg === '--quick' && action === 'heal') args.deep = false;
    else if (arg === '--endpoint' || arg.startsWith('--endpoint=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : rest[++i];
      if (value === undefined || value === '' || value.startsWith('--')) return usageError('--endpoint needs a value');
      args.endpoint = value;
    } else if (arg.startsWith('-')) return usageError(`unknown flag "${arg}" for cairn admin ${action}`);
    else positional.push(arg);
  }
  if (positional.length > (action === 'heal' ? 1 : 0)) return usageError(`too many arguments for cairn admin ${action}`);
  const target = positional[0];
  if (target !== undefined) {
    const slash = target.indexOf('/');
    args.bucket = slash < 0 ? target : target.slice(0, slash);
    const prefix = slash < 0 ? '' : target.slice(slash + 1);
    if (args.bucket === '') return usageError(`"${target}" names no bucket`);
    if (prefix !== '') args.prefix = prefix;
  }
  return { kind: 'admin', args };
}
