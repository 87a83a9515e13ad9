/**
 * npm run deploy: wraps `aws cloudformation deploy` (AWS CLI v1 or v2) — see HELP below.
 *
 * The template inlines every function (~0.5 MB), above the 51,200-byte limit of a direct
 * upload, so it is staged in an S3 bucket: --s3-bucket, or one per account and region
 * (travellog-cfn-<account>-<region>), created on first use. The JWT secret comes from the
 * environment or a file, never from the command line (ours or aws's: `ps` shows both):
 * the parameters reach `aws` in a private temporary file (`--parameter-overrides file://…`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TEMPLATE_PATH } from './template.js';

export const HELP = `Deploy TravelLog backend-serverless to AWS with CloudFormation (AWS CLI, credentials configured).

Usage:
  npm run deploy -- --stack-name <name> [options]            deploy or update
  npm run deploy -- --stack-name <name> --delete             tear down (the bucket and table are kept)

Options:
  --stack-name <name>        the CloudFormation stack (letters, digits, hyphens)
  --jwt-secret-file <path>   read the backend-server's JWT secret from this file
                             (or set JWT_SECRET in the environment; never on the command line)
  --allowed-origins <a,b>    CORS origins of the front end (AllowedOrigins)
  --region <region>          default: AWS_REGION, AWS_DEFAULT_REGION, then the CLI's configured region
  --s3-bucket <bucket>       where the template is staged (default travellog-cfn-<account>-<region>, created if missing)
  --param <Key=Value>        any other template parameter, repeatable (e.g. --param JwtRequireExp=false)
  --dry-run                  print what would run, with the real account and region; run nothing
  -h, --help                 this text

The secret (at least 16 characters) is stored in AWS Secrets Manager by the stack; it is never printed.
`;

export class UsageError extends Error {}
/** A step that failed at run time (exit 1, not 2). */
export class DeployError extends Error {}

const SECRET_PARAMETER = 'JwtSecret';
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
export const PARAMETERS_FILE = '{parameters-file}';
export const ACCOUNT = '{account}';

export interface DeployPlan {
  help?: boolean;
  dryRun: boolean;
  /** Each command as argv; ACCOUNT and PARAMETERS_FILE are filled in when run. */
  commands: string[][];
  /** Template parameters as Key=Value (the secret among them): written to the private file. */
  parameters: string[];
  /** Where the secret came from, for the printout. */
  secretSource?: string;
  /** Region as given (option or environment); undefined = the CLI's configured one. */
  region?: string;
  /** The staging bucket when created by us (contains ACCOUNT until resolved). */
  stagingBucket?: string;
}

const readSecretFile = (path: string): string => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --jwt-secret-file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return text.replace(/\r?\n$/, ''); // one trailing newline, as editors and `echo` leave it
};

export const planDeploy = (argv: string[], env: Record<string, string | undefined> = process.env): DeployPlan => {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'stack-name': { type: 'string' },
        'jwt-secret-file': { type: 'string' },
        'allowed-origins': { type: 'string' },
        region: { type: 'string' },
        's3-bucket': { type: 'string' },
        param: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', default: false },
        delete: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    if (argv.some((a) => a === '--jwt-secret' || a.startsWith('--jwt-secret='))) {
      throw new UsageError('the JWT secret is never taken from the command line (ps and shell history would keep it): set JWT_SECRET or use --jwt-secret-file.');
    }
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see --help)`);
  }
  if (values.help) return { help: true, dryRun: true, commands: [], parameters: [] };
  const stack = values['stack-name'];
  if (!stack || !STACK_NAME.test(stack)) throw new UsageError('--stack-name is required: letters, digits and hyphens, starting with a letter.');
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const regionArgs = region ? ['--region', region] : [];

  if (values.delete) {
    const commands = [
      ['aws', 'cloudformation', 'delete-stack', '--stack-name', stack, ...regionArgs],
      ['aws', 'cloudformation', 'wait', 'stack-delete-complete', '--stack-name', stack, ...regionArgs],
    ];
    return { commands, parameters: [], dryRun: values['dry-run'], region };
  }

  if ((values.param ?? []).some((p) => p.startsWith(`${SECRET_PARAMETER}=`))) {
    throw new UsageError('the JWT secret is never taken from the command line: set JWT_SECRET or use --jwt-secret-file.');
  }
  const fromFile = values['jwt-secret-file'];
  const secret = fromFile !== undefined ? readSecretFile(fromFile) : env.JWT_SECRET;
  const secretSource = fromFile !== undefined ? `--jwt-secret-file ${fromFile}` : 'JWT_SECRET';
  if (!secret) throw new UsageError('the JWT secret is required: set JWT_SECRET or use --jwt-secret-file <path> (the backend-server’s signing secret, at least 16 characters).');
  if (secret.length < 16) throw new UsageError(`the JWT secret from ${secretSource} has ${secret.length} characters: at least 16 are required.`);
  const parameters = [`${SECRET_PARAMETER}=${secret}`];
  if (values['allowed-origins'] !== undefined) parameters.push(`AllowedOrigins=${values['allowed-origins']}`);
  for (const p of values.param ?? []) {
    if (!/^[A-Za-z][A-Za-z0-9]*=.*$/.test(p)) throw new UsageError(`--param must look like Key=Value, got "${p}".`);
    parameters.push(p);
  }
  const stagingBucket = values['s3-bucket'] ? undefined : `travellog-cfn-${ACCOUNT}-${region ?? '{region}'}`;
  const bucket = values['s3-bucket'] ?? stagingBucket!;
  const commands: string[][] = [];
  if (stagingBucket) commands.push(['aws', 's3', 'mb', `s3://${stagingBucket}`, ...regionArgs]);
  commands.push([
    'aws', 'cloudformation', 'deploy',
    '--template-file', TEMPLATE_PATH,
    '--stack-name', stack,
    '--s3-bucket', bucket,
    '--capabilities', 'CAPABILITY_IAM',
    '--no-fail-on-empty-changeset',
    ...regionArgs,
    '--parameter-overrides', `file://${PARAMETERS_FILE}`,
  ]);
  commands.push(['aws', 'cloudformation', 'describe-stacks', '--stack-name', stack, ...regionArgs, '--query', 'Stacks[0].Outputs', '--output', 'table']);
  return { commands, parameters, secretSource, dryRun: values['dry-run'], region, stagingBucket };
};

/** The parameters as printed: the secret masked, with its length and source. */
export const printableParameters = (plan: DeployPlan): string[] =>
  plan.parameters.map((p) => (p.startsWith(`${SECRET_PARAMETER}=`) ? `${SECRET_PARAMETER}=**** (${p.length - SECRET_PARAMETER.length - 1} characters from ${plan.secretSource})` : p));

const quote = (a: string) => (/[\s"'*[\]{}$]/.test(a) ? JSON.stringify(a) : a);

interface Aws {
  /** Runs aws with its output to our terminal; the exit status. */
  run(argv: string[]): number;
  /** Runs aws quietly; stdout, or undefined with the reason. */
  read(argv: string[]): { out?: string; error?: string };
}

const awsCli: Aws = {
  run(argv) {
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'inherit' });
    if (r.error) throw r.error;
    return r.status ?? 1;
  },
  read(argv) {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    if (r.error) throw r.error;
    if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').filter(Boolean).pop() ?? `exit ${r.status}` };
    return { out: r.stdout.trim() };
  },
};

const main = (argv: string[], aws: Aws, log: (s: string) => void) => {
  const plan = planDeploy(argv);
  if (plan.help) {
    log(HELP);
    return 0;
  }
  // Real values for the printout and the bucket name: the account of these credentials, the region in force.
  const region = plan.region ?? aws.read(['aws', 'configure', 'get', 'region']).out;
  // STS answers in any region: ask us-east-1 when none is configured, so a dry run still names the account.
  const identity = aws.read(['aws', 'sts', 'get-caller-identity', '--query', 'Account', '--output', 'text', '--region', region ?? 'us-east-1']);
  const account = identity.out;
  log(`Template ${TEMPLATE_PATH}: ${statSync(TEMPLATE_PATH).size} bytes`);
  log(`AWS account: ${account ?? `unknown — no usable credentials (${identity.error})`}`);
  log(`Region: ${region ?? 'none configured (use --region or AWS_REGION)'}`);
  const resolve = (a: string) => a.replaceAll(ACCOUNT, account ?? ACCOUNT).replaceAll('{region}', region ?? '{region}');
  const withRegion = (c: string[]) => (plan.region || !region || c.includes('--region') ? c : [...c, '--region', region]);
  const commands = plan.commands.map((c) => withRegion(c.map(resolve)));
  for (const c of commands) log(`$ ${c.map(quote).join(' ')}`);
  if (plan.parameters.length) log(`  parameters (in a private temporary file): ${printableParameters(plan).join(' ')}`);
  if (plan.dryRun) {
    log('Dry run: nothing was run.');
    return 0;
  }
  if (!account) throw new DeployError(`no usable AWS credentials: ${identity.error}`);
  if (!region) throw new UsageError('no AWS region: use --region or set AWS_REGION.');

  const dir = mkdtempSync(join(tmpdir(), 'travellog-deploy-')); // 0700
  try {
    const file = join(dir, 'parameters.json');
    writeFileSync(file, JSON.stringify(plan.parameters), { mode: 0o600 });
    for (const c of commands) {
      if (c[1] === 's3' && c[2] === 'mb') {
        const bucket = c[3]!.slice('s3://'.length);
        if (aws.read(['aws', 's3api', 'head-bucket', '--bucket', bucket, '--region', region]).out !== undefined) continue; // already there
      }
      const status = aws.run(c.map((a) => a.replaceAll(PARAMETERS_FILE, file)));
      if (status !== 0) throw new DeployError(`${c.slice(0, 3).join(' ')} failed (exit ${status}): see the AWS CLI's message above.`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = main(process.argv.slice(2), awsCli, (s) => console.log(s));
  } catch (e) {
    // One line, never a stack trace.
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' && err.path === 'aws') console.error('deploy: the AWS CLI (`aws`) is not installed or not on PATH: install AWS CLI v2 and configure credentials.');
    else console.error(`deploy: ${err.message}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}
