import { spawnSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, PARAMETERS_FILE, planDeploy, printableParameters, UsageError } from '../../scripts/deploy.js';
import { MOTO_ACCOUNT, startMoto, type Moto } from '../helpers/moto.js';

const SECRET = 'a-very-long-secret-123';

describe('npm run deploy: planning', () => {
  it('stages the template in a per-account bucket and passes the parameters in a file, the secret only there', () => {
    const plan = planDeploy(['--stack-name', 'travellog-dev', '--allowed-origins', 'https://a.example,https://b.example', '--region', 'eu-west-1'], { JWT_SECRET: SECRET });
    expect(plan.commands[0]).toEqual(['aws', 's3', 'mb', `s3://travellog-cfn-${ACCOUNT}-eu-west-1`, '--region', 'eu-west-1']);
    const deploy = plan.commands[1]!;
    expect(deploy.slice(0, 3)).toEqual(['aws', 'cloudformation', 'deploy']);
    expect(deploy).toEqual(expect.arrayContaining(['--template-file', 'serverless/infrastructure.yaml', '--stack-name', 'travellog-dev', '--capabilities', 'CAPABILITY_IAM']));
    expect(deploy.slice(deploy.indexOf('--parameter-overrides') + 1)).toEqual([`file://${PARAMETERS_FILE}`]);
    expect(plan.commands.flat().join(' ')).not.toContain(SECRET); // never on aws's command line
    expect(plan.parameters).toEqual([`JwtSecret=${SECRET}`, 'AllowedOrigins=https://a.example,https://b.example']);
    expect(printableParameters(plan).join(' ')).not.toContain(SECRET);
    expect(printableParameters(plan)[0]).toBe('JwtSecret=**** (22 characters from JWT_SECRET)');
    expect(plan.commands[2]).toEqual(expect.arrayContaining(['describe-stacks', 'Stacks[0].Outputs']));
  });

  it('uses a given bucket without creating one, the secret from a file, and extra parameters', async () => {
    const file = `/tmp/travellog-deploy-test-${process.pid}.txt`;
    await writeFile(file, `${SECRET}\n`);
    try {
      const plan = planDeploy(['--stack-name', 's1', '--jwt-secret-file', file, '--s3-bucket', 'my-bucket', '--param', 'MinConfidence=80', '--param', 'JwtRequireExp=false'], { AWS_REGION: 'us-east-2' });
      expect(plan.commands).toHaveLength(2);
      const deploy = plan.commands[0]!;
      expect(deploy[deploy.indexOf('--s3-bucket') + 1]).toBe('my-bucket');
      expect(deploy[deploy.indexOf('--region') + 1]).toBe('us-east-2');
      expect(plan.parameters).toEqual([`JwtSecret=${SECRET}`, 'MinConfidence=80', 'JwtRequireExp=false']); // the trailing newline is not part of it
    } finally {
      await rm(file, { force: true });
    }
  });

  it('tears a stack down with --delete, and needs no secret for it', () => {
    const plan = planDeploy(['--stack-name', 's1', '--delete'], {});
    expect(plan.commands).toEqual([
      ['aws', 'cloudformation', 'delete-stack', '--stack-name', 's1'],
      ['aws', 'cloudformation', 'wait', 'stack-delete-complete', '--stack-name', 's1'],
    ]);
  });

  it('refuses missing or bad arguments, and any secret on the command line, with a one-line usage message', () => {
    const env = { JWT_SECRET: SECRET };
    expect(() => planDeploy([], env)).toThrow(UsageError);
    expect(() => planDeploy(['--stack-name', '1bad'], env)).toThrow(/stack-name/);
    expect(() => planDeploy(['--stack-name', 's1'], {})).toThrow(/JWT secret is required/);
    expect(() => planDeploy(['--stack-name', 's1'], { JWT_SECRET: 'short' })).toThrow(/5 characters: at least 16/);
    expect(() => planDeploy(['--stack-name', 's1', '--jwt-secret-file', '/nonexistent/secret'], {})).toThrow(/cannot read --jwt-secret-file .*ENOENT/);
    expect(() => planDeploy(['--stack-name', 's1', '--param', 'nope'], env)).toThrow(/Key=Value/);
    expect(() => planDeploy(['--stack-name', 's1', '--jwt-secret', SECRET], {})).toThrow(/never taken from the command line/);
    expect(() => planDeploy(['--stack-name', 's1', `--jwt-secret=${SECRET}`], {})).toThrow(/never taken from the command line/);
    expect(() => planDeploy(['--stack-name', 's1', '--param', `JwtSecret=${SECRET}`], {})).toThrow(/never taken from the command line/);
    expect(() => planDeploy(['--stack-name', 's1', '--bogus'], env)).toThrow(/Unknown option '--bogus' \(see --help\)/);
  });
});

/** The README's deploy block, line by line, as a user would paste it. */
const readmeExamples = async () => {
  const readme = await readFile('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Deploy to AWS'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  const lines = block.split('\n').map((l) => l.trim()).filter(Boolean);
  return { exports: lines.filter((l) => l.startsWith('export ')), commands: lines.filter((l) => l.startsWith('npm run deploy')) };
};

describe('npm run deploy: every README example, as written, against moto', () => {
  let moto: Moto;
  let env: NodeJS.ProcessEnv;
  const run = (exports: string[], line: string) =>
    spawnSync('bash', ['-c', [...exports, line].join('\n')], { encoding: 'utf8', env, timeout: 90_000 });

  beforeAll(async () => {
    moto = await startMoto();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // moto takes a template URL with "localhost" in it as path-style (the CLI stages the template in S3).
      AWS_ENDPOINT_URL: moto.endpoint.replace('127.0.0.1', 'localhost'),
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      BACKEND_JWT_SECRET: SECRET,
    };
    await writeFile('jwt-secret.txt', `${SECRET}-from-file\n`);
  });
  afterAll(async () => {
    await rm('jwt-secret.txt', { force: true });
    await moto?.stop();
  });

  it('runs each, prints no secret and no stack trace, and leaves the stack as each says', async () => {
    const { exports, commands } = await readmeExamples();
    expect(commands.length).toBeGreaterThanOrEqual(4);
    const cfn = new CloudFormationClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const stackStatus = async (name: string) =>
      (await cfn.send(new DescribeStacksCommand({ StackName: name })).catch(() => ({ Stacks: [] }))).Stacks?.[0]?.StackStatus;
    try {
      for (const line of commands) {
        const r = run(exports, line);
        const out = r.stdout + r.stderr;
        expect(r.status, `${line}\n${out}`).toBe(0);
        expect(out).not.toContain(SECRET);
        expect(out).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no JavaScript stack trace
        const stack = /--stack-name (\S+)/.exec(line)?.[1];
        if (line.includes('--help')) expect(out).toContain('Usage:');
        else if (line.includes('--dry-run')) {
          expect(out).toContain(`AWS account: ${MOTO_ACCOUNT}`);
          expect(out).toContain(`s3://travellog-cfn-${MOTO_ACCOUNT}-`);
          expect(out).toContain('Dry run: nothing was run.');
        } else if (line.includes('--delete')) expect(await stackStatus(stack!)).toBeUndefined();
        else {
          expect(out).toContain('Successfully created/updated stack');
          const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
          expect(Stacks![0]!.StackStatus).toBe('CREATE_COMPLETE');
          const params = Object.fromEntries(Stacks![0]!.Parameters!.map((p) => [p.ParameterKey, p.ParameterValue]));
          expect(params.MinConfidence).toBe('80');
          expect(params.AllowedOrigins).toContain('https://travellog.example'); // moto shows a list as its Python repr
        }
      }
    } finally {
      cfn.destroy();
    }
  }, 240_000); // four CLI runs, two of which wait for CloudFormation (moto answers at once, the CLI polls every 5 s)

  it('says in one line what is wrong, without a stack trace', () => {
    const noCredentials = { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
    const cases: [NodeJS.ProcessEnv, string, number, RegExp][] = [
      [env, 'npm run -s deploy -- --stack-name s1 --jwt-secret x', 2, /^deploy: the JWT secret is never taken from the command line/],
      [env, 'npm run -s deploy -- --stack-name s1 --region eu-west-1', 2, /^deploy: the JWT secret is required/],
      [{ ...env, JWT_SECRET: SECRET }, 'npm run -s deploy -- --stack-name s1 --region eu-west-1 --s3-bucket nope', 1, /^deploy: aws cloudformation deploy failed \(exit \d+\)/],
      [{ ...noCredentials, JWT_SECRET: SECRET }, 'npm run -s deploy -- --stack-name s1 --region eu-west-1', 1, /^deploy: no usable AWS credentials/],
      // node itself, not through bash: a login shell's profile may put aws back on PATH
      [{ ...env, JWT_SECRET: SECRET, PATH: '/nonexistent' }, 'node --import tsx scripts/deploy.ts --stack-name s1 --region eu-west-1', 1, /^deploy: the AWS CLI \(`aws`\) is not installed/],
    ];
    for (const [e, line, status, message] of cases) {
      const r = line.startsWith('node ')
        ? spawnSync(process.execPath, line.split(' ').slice(1), { encoding: 'utf8', env: e, timeout: 60_000 })
        : spawnSync('bash', ['-c', line], { encoding: 'utf8', env: e, timeout: 60_000 });
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('deploy:'));
      expect(r.status, `${line}: ${r.stdout} ${r.stderr}`).toBe(status);
      expect(lines, line).toHaveLength(1);
      expect(lines[0], line).toMatch(message);
      expect(r.stderr, line).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    }
  }, 180_000);
});
