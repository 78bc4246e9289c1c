/**
 * Real data for the experiments, read from npm packages installed as devDependencies (nothing
 * is shipped in rnnkit's own package): the package's folder is found by Node's resolution
 * from this module, so it works from the repository after `npm install`.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UsageError } from '../args.js';
import { readFileOrFail } from '../files.js';

/** The text of `file` inside the npm package `name`, or a usage error saying how to install it. */
export function packageFile(command: string, name: string, file: string): string {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    throw new UsageError(`${command}: the data package ${name} is not installed (it is a devDependency: run "npm install" in the rnnkit repository)`);
  }
  return readFileOrFail(command, `${name} data`, join(dir, file)).toString('utf8');
}
