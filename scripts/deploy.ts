/**
 * npm run deploy -- --stack-name <name> [--jwt-secret <s> | JWT_SECRET=…] [--allowed-origins a,b]
 *                   [--region r] [--s3-bucket b] [--param Key=Value]… [--dry-run] [--delete]
 *
 * Wraps `aws cloudformation deploy`. The template inlines every function (~0.5 MB),
 * above the 51,200-byte limit of a direct upload, so it is staged in an S3 bucket:
 * --s3-bucket, or one created per account and region (travellog-cfn-<account>-<region>).
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TEMPLATE_PATH } from './template.js';

export interface DeployPlan {
  /** Each command as argv; `{account}` is resolved with `aws sts get-caller-identity` when run. */
  commands: string[][];
  /** The same, printable, with the secret masked. */
  printable: string[];
}

export class UsageError extends Error {}

const SECRET_MASK = '****';

export const planDeploy = (argv: string[], env: Record<string, string | undefined> = process.env): DeployPlan & { dryRun: boolean } => {
  const { values } = parseArgs({
    args: argv,
    options: {
      'stack-name': { type: 'string' },
      'jwt-secret': { type: 'string' },
      'allowed-origins': { type: 'string' },
      region: { type: 'string' },
      's3-bucket': { type: 'string' },
      param: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
      delete: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const stack = values['stack-name'];
  if (!stack || !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stack)) throw new UsageError('--stack-name is required: letters, digits and hyphens, starting with a letter.');
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const regionArgs = region ? ['--region', region] : [];

  if (values.delete) {
    const commands = [
      ['aws', 'cloudformation', 'delete-stack', '--stack-name', stack, ...regionArgs],
      ['aws', 'cloudformation', 'wait', 'stack-delete-complete', '--stack-name', stack, ...regionArgs],
    ];
    return { commands, printable: commands.map((c) => c.join(' ')), dryRun: values['dry-run'] };
  }

  const secret = values['jwt-secret'] ?? env.JWT_SECRET;
  if (!secret || secret.length < 16) throw new UsageError('The JWT secret (--jwt-secret or JWT_SECRET) is required: the backend-server’s signing secret, at least 16 characters.');
  const params = [`JwtSecret=${secret}`];
  if (values['allowed-origins'] !== undefined) params.push(`AllowedOrigins=${values['allowed-origins']}`);
  for (const p of values.param ?? []) {
    if (!/^[A-Za-z][A-Za-z0-9]*=.*$/.test(p)) throw new UsageError(`--param must look like Key=Value, got "${p}".`);
    params.push(p);
  }
  const bucket = values['s3-bucket'] ?? `travellog-cfn-{account}-${region ?? '{region}'}`;
  const commands: string[][] = [];
  if (!values['s3-bucket']) commands.push(['aws', 's3', 'mb', `s3://${bucket}`, ...regionArgs]);
  commands.push([
    'aws', 'cloudformation', 'deploy',
    '--template-file', TEMPLATE_PATH,
    '--stack-name', stack,
    '--s3-bucket', bucket,
    '--capabilities', 'CAPABILITY_IAM',
    '--no-fail-on-empty-changeset',
    ...regionArgs,
    '--parameter-overrides', ...params,
  ]);
  commands.push(['aws', 'cloudformation', 'describe-stacks', '--stack-name', stack, ...regionArgs, '--query', 'Stacks[0].Outputs', '--output', 'table']);
  const printable = commands.map((c) => c.map((a) => (a.startsWith('JwtSecret=') ? `JwtSecret=${SECRET_MASK}` : /[\s"'*[\]]/.test(a) ? JSON.stringify(a) : a)).join(' '));
  return { commands, printable, dryRun: values['dry-run'] };
};

const run = (argv: string[]) => {
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['inherit', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  return r.status ?? 1;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const plan = planDeploy(process.argv.slice(2));
    console.log(`Template ${TEMPLATE_PATH}: ${statSync(TEMPLATE_PATH).size} bytes`);
    for (const line of plan.printable) console.log(`$ ${line}`);
    if (!plan.dryRun) {
      let account = '';
      for (const argv of plan.commands) {
        if (argv.some((a) => a.includes('{account}'))) {
          account ||= spawnSync('aws', ['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text'], { encoding: 'utf8' }).stdout.trim();
          if (!account) throw new Error('Could not read the AWS account id: are credentials configured?');
        }
        const resolved = argv.map((a) => a.replaceAll('{account}', account));
        const status = run(resolved);
        // `s3 mb` fails when the staging bucket already exists: that is fine.
        if (status !== 0 && resolved[1] !== 's3') process.exit(status);
      }
    }
  } catch (e) {
    console.error(e instanceof UsageError ? `deploy: ${e.message}` : e);
    process.exit(2);
  }
}
