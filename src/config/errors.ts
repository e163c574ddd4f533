/**
 * Config errors and value origins. Every bad setting surfaces as a ConfigError
 * whose message is one line naming the setting and where it came from, so the
 * operator can fix it without reading a stack trace. Messages never echo
 * credential values.
 */

export type SourceKind = 'flag' | 'env' | 'file' | 'default';

/** Where one value came from: its name in that source (CAIRN_ADDRESS, --address, backends.hot.root…). */
export interface Origin {
  source: SourceKind;
  name: string;
  /** Absolute config file path, for source 'file'. */
  file?: string;
}

export function describeOrigin(origin: Origin): string {
  switch (origin.source) {
    case 'env': return `${origin.name} (env)`;
    case 'flag': return `${origin.name} (command line)`;
    case 'file': return `${origin.name} (config file ${origin.file ?? '?'})`;
    case 'default': return `${origin.name} (default)`;
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The setting's origin once known; parsers below the loader throw without one. */
  readonly origin: Origin | undefined;

  constructor(message: string, origin?: Origin) {
    // One line, always: multi-line messages (YAML code frames) get folded.
    super(message.replace(/\s*\n\s*/g, ' ').trim());
    this.origin = origin;
  }
}

/** Error for a value whose origin is known. */
export function invalidSetting(origin: Origin, problem: string): ConfigError {
  return new ConfigError(`invalid setting ${describeOrigin(origin)}: ${problem}`, origin);
}

/**
 * Runs a parser that may throw an origin-less ConfigError (volumes.ts,
 * address.ts) and pins the error on the setting that supplied the input.
 */
export function at<T>(origin: Origin, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof ConfigError && err.origin === undefined) throw invalidSetting(origin, err.message);
    throw err;
  }
}
