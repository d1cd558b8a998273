/**
 * The CDK stack, synthesized offline (no credentials, no lookups) over a freshly built bundle: the audit permissions
 * are exactly the collector's read-only actions, everything else is scoped to the stack's own bucket, topic and
 * log group, and the schedule, bucket protections and function settings are in place.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_READ_ONLY_ACTIONS } from '../../providers/aws/iam.js';
import { bundleLambda } from '../../src/lambda/deploy/bundle.js';
import { Cloud502AuditStack, STATEMENT_IDS, type Cloud502AuditStackProps } from '../../src/lambda/deploy/stack.js';

const run = promisify(execFile);
/** The compiled app (the global setup builds dist/), run as `cdk deploy --app` would run it. */
const APP = fileURLToPath(new URL('../../dist/src/lambda/deploy/app.js', import.meta.url));
const ROLES = ['arn:aws:iam::111111111111:role/cloud502-audit', 'arn:aws:iam::222222222222:role/cloud502-audit'];

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloud502-cdk-'));
  await bundleLambda({ outdir: join(dir, 'bundle') });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function synth(props: Partial<Cloud502AuditStackProps> = {}): Template {
  const app = new App({ outdir: join(dir, `cdk.out-${Math.random().toString(36).slice(2)}`) });
  const stack = new Cloud502AuditStack(app, 'Cloud502Audit', { bundleDir: join(dir, 'bundle'), regions: ['eu-west-1', 'us-east-1'], ...props });
  return Template.fromStack(stack);
}

function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

function actions(s: Statement): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

function bySid(template: Template, sid: string): Statement {
  const found = statements(template).filter((s) => s.Sid === sid);
  expect(found, `statement ${sid}`).toHaveLength(1);
  return found[0]!;
}

const MUTATING = /:(Create|Delete|Put|Modify|Update|Register|Deregister|Set|Attach|Detach|Authorize|Revoke|Run|Start|Stop|Terminate|Reboot|Add|Remove|Replace|Import|Request|Tag|Untag)/;

describe('Cloud502AuditStack', () => {
  let template: Template;
  beforeAll(() => {
    template = synth({ roleArns: ROLES, scheduleRate: Duration.hours(6) });
  }, 60_000);

  it('grants exactly the collector read-only actions, on "*", in one statement', () => {
    const audit = bySid(template, STATEMENT_IDS.audit);
    expect([...actions(audit)].sort()).toEqual([...AWS_READ_ONLY_ACTIONS].sort());
    expect(audit.Resource).toBe('*');
    expect(audit.Effect).toBe('Allow');
    expect(actions(audit).filter((a) => MUTATING.test(a) || a.includes('*'))).toEqual([]);
  });

  it('puts no read-only audit action in any other statement, and no wildcard action anywhere', () => {
    const others = statements(template).filter((s) => s.Sid !== STATEMENT_IDS.audit);
    expect(others.flatMap(actions).filter((a) => (AWS_READ_ONLY_ACTIONS as readonly string[]).includes(a))).toEqual([]);
    expect(statements(template).flatMap(actions).filter((a) => a.includes('*'))).toEqual([]);
    // Only the audit statement may use Resource "*".
    expect(others.filter((s) => JSON.stringify(s.Resource).includes('"*"'))).toEqual([]);
  });

  it('scopes S3 to the report prefix of its own bucket, listing included', () => {
    const bucket = Object.keys(template.findResources('AWS::S3::Bucket'));
    expect(bucket).toHaveLength(1);
    const objects = bySid(template, STATEMENT_IDS.objects);
    expect(actions(objects).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(objects.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket[0], 'Arn'] }, '/cloud502/*']] });
    const listing = bySid(template, STATEMENT_IDS.listing);
    expect(actions(listing)).toEqual(['s3:ListBucket']);
    expect(listing.Resource).toEqual({ 'Fn::GetAtt': [bucket[0], 'Arn'] });
    expect(listing.Condition).toEqual({ StringLike: { 's3:prefix': ['cloud502/*'] } });
  });

  it('publishes only to its own topic and assumes only the configured roles', () => {
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'));
    expect(bySid(template, STATEMENT_IDS.notify)).toMatchObject({ Action: 'sns:Publish', Resource: { Ref: topic[0] } });
    expect(bySid(template, STATEMENT_IDS.assumeRoles)).toMatchObject({ Action: 'sts:AssumeRole', Resource: ROLES });
    const logs = bySid(template, STATEMENT_IDS.logs);
    expect(actions(logs).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('gives the function a role with no other policy', () => {
    const roles = template.findResources('AWS::IAM::Role');
    expect(Object.keys(roles)).toHaveLength(1);
    const role = Object.values(roles)[0] as { Properties: Record<string, unknown> };
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] },
    });
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toHaveLength(1);
  });

  it('runs the bundled function on nodejs22.x arm64 with the configuration in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 600,
      MemorySize: 1024,
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          CLOUD502_REGIONS: 'eu-west-1,us-east-1',
          CLOUD502_ROLE_ARNS: ROLES.join(','),
          CLOUD502_PREFIX: 'cloud502/',
          CLOUD502_NOTIFY_SEVERITY: 'high',
          CLOUD502_SAFETY_MARGIN_MS: '60000',
          CLOUD502_BUCKET: { Ref: Match.anyValue() },
          CLOUD502_TOPIC_ARN: { Ref: Match.anyValue() },
        }),
      },
    });
  });

  it('schedules the function', () => {
    const fn = Object.keys(template.findResources('AWS::Lambda::Function'));
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(6 hours)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn[0], 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' });
  });

  it('keeps the bucket private, encrypted, TLS-only, and expires dated reports only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireDatedReports', Prefix: 'cloud502/2', ExpirationInDays: 90, Status: 'Enabled' })]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('grants no AssumeRole without role ARNs, and honours a custom prefix', () => {
    const plain = synth({ prefix: 'reports/' });
    expect(statements(plain).flatMap(actions)).not.toContain('sts:AssumeRole');
    expect(bySid(plain, STATEMENT_IDS.listing).Condition).toEqual({ StringLike: { 's3:prefix': ['reports/*'] } });
    plain.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CLOUD502_PREFIX: 'reports/' }) } });
    plain.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
  });

  it('refuses settings the function would reject', () => {
    expect(() => synth({ regions: [] })).toThrow('at least one region');
    expect(() => synth({ prefix: 'reports' })).toThrow('prefix must end with "/"');
    expect(() => synth({ timeout: Duration.seconds(30), safetyMargin: Duration.seconds(60) })).toThrow('safety margin must be shorter');
  });
});

describe('the CDK app (dist/src/lambda/deploy/app.js)', () => {
  async function synthApp(context: Record<string, string>): Promise<{ out: string; code: number; stderr: string }> {
    const out = join(dir, `app.out-${Math.random().toString(36).slice(2)}`);
    try {
      await run(process.execPath, [APP], { cwd: dir, env: { PATH: process.env.PATH ?? '', CDK_OUTDIR: out, CDK_CONTEXT_JSON: JSON.stringify(context) }, timeout: 60_000 });
      return { out, code: 0, stderr: '' };
    } catch (err) {
      const e = err as { code?: number; stderr?: string };
      return { out, code: e.code ?? -1, stderr: e.stderr ?? '' };
    }
  }

  it('synthesizes the stack from context, with the bundle as the function asset', async () => {
    const { out, code, stderr } = await synthApp({ regions: 'eu-west-1,us-east-1', schedule: '6h', notifySeverity: 'critical', bundleDir: join(dir, 'bundle') });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const template = Template.fromJSON(JSON.parse(await readFile(join(out, 'Cloud502Audit.template.json'), 'utf8')) as Record<string, unknown>);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CLOUD502_REGIONS: 'eu-west-1,us-east-1', CLOUD502_NOTIFY_SEVERITY: 'critical' }) },
    });
    const assets = (await readdir(out)).filter((d) => d.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    expect((await readdir(join(out, assets[0]!))).sort()).toEqual(['index.mjs', 'index.mjs.map', 'package.json']);
  }, 90_000);

  it.each([
    [{}, 'pass the regions to audit'],
    [{ regions: 'eu-west-1', bundleDir: '/nonexistent' }, 'run "npm run build:lambda" first'],
    [{ regions: 'eu-west-1', notifySeverity: 'urgent' }, 'notifySeverity must be one of'],
  ])('refuses %j', async (context, message) => {
    const { code, stderr } = await synthApp({ bundleDir: join(dir, 'bundle'), ...context });
    expect(code).not.toBe(0);
    expect(stderr).toContain(message);
  });
});
