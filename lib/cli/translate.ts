/** `rnnkit translate train|test|predict` (in progress). */
import { UsageError } from './args.js';

export const translateUsage = `usage: rnnkit translate train|test|predict [options]`;

export function translateCommand(_argv: string[], _out: (line: string) => void): number {
  throw new UsageError('translate: not built yet');
}
