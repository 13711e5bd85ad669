import { checkConfig4File, formatConfigIssue } from '../config/index.ts';

/** `tandem check`: every problem of the file, errors first; exit 1 when there is any error. */
export async function runCheck(path: string): Promise<number> {
  const { config, issues } = await checkConfig4File(path);
  for (const issue of issues) process.stdout.write(formatConfigIssue(issue) + '\n');
  const errors = issues.filter((i) => i.severity === 'error').length;
  if (config === null) {
    process.stdout.write(`${path}: ${errors} error${errors === 1 ? '' : 's'}; configuration refused\n`);
    return 1;
  }
  const pools = config.subnets.reduce((n, s) => n + s.pools.length, 0);
  process.stdout.write(`${path}: configuration OK (${config.subnets.length} subnets, ${pools} pools)\n`);
  return 0;
}
