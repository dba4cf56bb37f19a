/**
 * The command line's options, read strictly by node:util's parseArgs; a bad option is a UsageError
 * with parseArgs's message on one line (its "To specify a positional argument…" hint dropped).
 * Shared by every command (main.ts, nab.ts, nab-run.ts); main.ts reports a UsageError as one line, exit 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake on the command line: reported as its message alone. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseOptions<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\. To specify.*$/s, '.'));
  }
}

/**
 * `--k -1`: a negative number after an option that takes a value is that value (parseArgs would read
 * it as an option), so the value's own check gives its one-line message. (main.ts's parse does the same.)
 */
export function joinNegativeValues(args: string[], options: Options): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    if (name && options[name]?.type === 'string' && i + 1 < args.length && /^-(\d|\.\d|inf)/i.test(args[i + 1])) joined.push(`${args[i]}=${args[++i]}`);
    else joined.push(args[i]);
  }
  return joined;
}
