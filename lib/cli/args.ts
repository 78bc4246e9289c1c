/**
 * A small flag parser for the CLI: `--name value`, `--name=value`, boolean `--flag`, and
 * positionals. Each command declares its flags; anything else is a usage error (exit 2).
 */

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type FlagKind = 'string' | 'number' | 'integer' | 'boolean';

export interface FlagSpec {
  kind: FlagKind;
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
  /** Accepted values for strings. */
  choices?: readonly string[];
  /** Repeatable (collects an array of strings). */
  many?: boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface Parsed {
  flags: Record<string, string | number | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseArgs(command: string, argv: readonly string[], specs: FlagSpecs): Parsed {
  const flags: Parsed['flags'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('--') || arg === '--') { positionals.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = Object.prototype.hasOwnProperty.call(specs, name) ? specs[name] : undefined;
    if (!spec) {
      const known = Object.keys(specs).map((k) => `--${k}`).join(', ');
      throw new UsageError(`${command}: unknown flag --${name}${known ? ` (known: ${known})` : ''}`);
    }
    let raw: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (spec.kind === 'boolean') {
      if (raw !== undefined && raw !== 'true' && raw !== 'false') {
        throw new UsageError(`${command}: --${name} takes no value (or =true/=false), got "${raw}"`);
      }
      flags[name] = raw !== 'false';
      continue;
    }
    if (raw === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${command}: --${name} needs a value`);
      if (argv[i + 1].startsWith('--')) {
        throw new UsageError(`${command}: --${name} needs a value, but the next argument is the flag ${argv[i + 1]} (write --${name}=${argv[i + 1]} if that is really the value)`);
      }
      raw = argv[++i];
    }
    if (spec.kind === 'string') {
      if (spec.choices && !spec.choices.includes(raw)) {
        throw new UsageError(`${command}: --${name} must be one of ${spec.choices.join(', ')}, got "${raw}"`);
      }
      if (spec.many) flags[name] = [...((flags[name] as string[] | undefined) ?? []), raw];
      else flags[name] = raw;
      continue;
    }
    const value = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(value)) throw new UsageError(`${command}: --${name} must be a number, got "${raw}"`);
    if (spec.kind === 'integer' && !Number.isInteger(value)) {
      throw new UsageError(`${command}: --${name} must be a whole number, got "${raw}"`);
    }
    if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
      throw new UsageError(`${command}: --${name} must be in [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}], got ${raw}`);
    }
    flags[name] = value;
  }
  return { flags, positionals };
}
