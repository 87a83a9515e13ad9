import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { planDeploy, UsageError } from '../../scripts/deploy.js';

const SECRET = 'a-very-long-secret-123';

describe('npm run deploy (argument handling)', () => {
  it('stages the template in a per-account bucket and passes parameters, the secret masked when printed', () => {
    const plan = planDeploy(['--stack-name', 'travellog-dev', '--jwt-secret', SECRET, '--allowed-origins', 'https://a.example,https://b.example', '--region', 'eu-west-1'], {});
    expect(plan.commands[0]).toEqual(['aws', 's3', 'mb', 's3://travellog-cfn-{account}-eu-west-1', '--region', 'eu-west-1']);
    const deploy = plan.commands[1]!;
    expect(deploy.slice(0, 3)).toEqual(['aws', 'cloudformation', 'deploy']);
    expect(deploy).toEqual(expect.arrayContaining(['--template-file', 'serverless/infrastructure.yaml', '--stack-name', 'travellog-dev', '--capabilities', 'CAPABILITY_IAM']));
    expect(deploy.slice(deploy.indexOf('--parameter-overrides') + 1)).toEqual([`JwtSecret=${SECRET}`, 'AllowedOrigins=https://a.example,https://b.example']);
    expect(plan.printable.join('\n')).not.toContain(SECRET);
    expect(plan.printable[1]).toContain('JwtSecret=****');
    expect(plan.commands[2]).toEqual(expect.arrayContaining(['describe-stacks', 'Stacks[0].Outputs']));
  });

  it('uses a given bucket without creating one, JWT_SECRET from the environment, and extra parameters', () => {
    const plan = planDeploy(['--stack-name', 's1', '--s3-bucket', 'my-bucket', '--param', 'MinConfidence=80', '--param', 'CensoredLabel=dog'], { JWT_SECRET: SECRET, AWS_REGION: 'us-east-2' });
    expect(plan.commands).toHaveLength(2);
    const deploy = plan.commands[0]!;
    expect(deploy[deploy.indexOf('--s3-bucket') + 1]).toBe('my-bucket');
    expect(deploy[deploy.indexOf('--region') + 1]).toBe('us-east-2');
    expect(deploy.slice(deploy.indexOf('--parameter-overrides') + 1)).toEqual([`JwtSecret=${SECRET}`, 'MinConfidence=80', 'CensoredLabel=dog']);
  });

  it('tears a stack down with --delete', () => {
    const plan = planDeploy(['--stack-name', 's1', '--delete'], {});
    expect(plan.commands).toEqual([
      ['aws', 'cloudformation', 'delete-stack', '--stack-name', 's1'],
      ['aws', 'cloudformation', 'wait', 'stack-delete-complete', '--stack-name', 's1'],
    ]);
  });

  it('refuses missing or bad arguments with a usage message', () => {
    expect(() => planDeploy(['--jwt-secret', SECRET], {})).toThrow(UsageError);
    expect(() => planDeploy(['--stack-name', '1bad', '--jwt-secret', SECRET], {})).toThrow(/stack-name/);
    expect(() => planDeploy(['--stack-name', 's1'], {})).toThrow(/JWT secret/);
    expect(() => planDeploy(['--stack-name', 's1', '--jwt-secret', 'short'], {})).toThrow(/16 characters/);
    expect(() => planDeploy(['--stack-name', 's1', '--jwt-secret', SECRET, '--param', 'nope'], {})).toThrow(/Key=Value/);
    expect(() => planDeploy(['--stack-name', 's1', '--jwt-secret', SECRET, '--bogus'], {})).toThrow();
  });

  it('prints the plan and runs nothing with --dry-run; exits 2 on a usage error', () => {
    const dry = spawnSync('npx', ['tsx', 'scripts/deploy.ts', '--stack-name', 's1', '--jwt-secret', SECRET, '--dry-run'], { encoding: 'utf8' });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('$ aws cloudformation deploy');
    expect(dry.stdout).not.toContain(SECRET);
    const bad = spawnSync('npx', ['tsx', 'scripts/deploy.ts', '--dry-run'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--stack-name is required');
  });
});
