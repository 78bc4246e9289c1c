/** `rnnkit <task> train|test|predict`: dispatch to the subcommand, or print the task's usage. */
import { UsageError } from '../args.js';

export type Run = (argv: string[], out: (line: string) => void) => number | Promise<number>;

export function dispatch(task: string, usage: string, subcommands: Record<string, Run>, argv: string[], out: (line: string) => void): number | Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === 'help') { out(usage); return 0; }
  if (name === undefined) throw new UsageError(`${task}: name a subcommand (${Object.keys(subcommands).join(', ')}); see rnnkit ${task} --help`);
  if (!Object.prototype.hasOwnProperty.call(subcommands, name)) {
    throw new UsageError(`${task}: unknown subcommand "${name}" (subcommands: ${Object.keys(subcommands).join(', ')})`);
  }
  return subcommands[name](rest, out);
}
