/**
 * The organization audit's CDK stack, synthesized offline: the Distributed Map (ItemReader, ItemBatcher, ResultWriter,
 * concurrency, retries, tolerated failures), the schedule that starts it, every role's exact statements, and the
 * StackSet of the member accounts' read-only role. Also `npm run synth:lambda`'s script, run as a user would.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsIamPolicy } from '../../../providers/aws/iam.js';
import { LAMBDA_BUNDLE_FILE } from '../../../src/lambda/deploy/bundle.js';
import { standaloneMemberRoleTemplate } from '../../../src/lambda/deploy/member-role.js';
import { Cloud502OrgAuditStack, ORG_STATEMENT_IDS, type Cloud502OrgAuditStackProps } from '../../../src/lambda/deploy/org-stack.js';
import { MERGE_ACTIONS, planActions, WORKER_ACTIONS } from '../../../src/lambda/org/permissions.js';
import { LAMBDA_SERVICE_ERRORS, STATE_NAMES, type AslDefinition } from '../../../src/lambda/org/state-machine.js';

const run = promisify(execFile);
const SYNTH = fileURLToPath(new URL('../../../dist/src/lambda/deploy/synth.js', import.meta.url));
const OU = 'ou-ab12-cdef3456';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

let dir: string;
let bundleDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloud502-org-cdk-'));
  // The stack only packages the directory; a placeholder bundle keeps the test from running esbuild.
  bundleDir = join(dir, 'bundle');
  await mkdir(bundleDir);
  await writeFile(join(bundleDir, LAMBDA_BUNDLE_FILE), 'export const handler = async () => ({});\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function synth(props: Partial<Cloud502OrgAuditStackProps> = {}): { template: Template; stack: Cloud502OrgAuditStack } {
  const app = new App({ outdir: join(dir, `out-${Math.random().toString(36).slice(2)}`) });
  const stack = new Cloud502OrgAuditStack(app, 'Cloud502OrgAudit', { bundleDir, ...props });
  return { template: Template.fromStack(stack), stack };
}

/** A Fn::Join of strings and tokens as one string, each token replaced by a readable placeholder. */
function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1].map((p) => (typeof p === 'string' ? p : `<${JSON.stringify(p).replace(/["{}[\]]/g, '')}>`)).join(join[0]);
}

function definitionOf(template: Template): AslDefinition {
  const [sm] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as Array<{ Properties: { DefinitionString: unknown } }>;
  return JSON.parse(joined(sm!.Properties.DefinitionString)) as AslDefinition;
}

function policyOf(template: Template, logicalPrefix: string): Statement[] {
  const found = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith(logicalPrefix));
  expect(found, logicalPrefix).toHaveLength(1);
  return (found[0]![1] as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement;
}

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const bySid = (statements: Statement[]) => Object.fromEntries(statements.map((s) => [s.Sid, [...actions(s)].sort()]));

describe('the state machine', () => {
  let definition: AslDefinition;
  beforeAll(() => {
    definition = definitionOf(synth().template);
  });

  it('plans, maps in DISTRIBUTED mode over the plan\'s JSON item list, then merges, also after a failed map', () => {
    expect(definition.StartAt).toBe(STATE_NAMES.plan);
    const plan = definition.States[STATE_NAMES.plan]!;
    expect(plan).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', Next: STATE_NAMES.map });
    expect((plan.Parameters as { Payload: unknown }).Payload).toEqual({ 'executionName.$': '$$.Execution.Name', 'startedAt.$': '$$.Execution.StartTime' });
    const map = definition.States[STATE_NAMES.map]!;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: '<Ref:Reports65402A0A>', 'Key.$': '$.itemsKey' } },
      ItemBatcher: { MaxItemsPerBatch: 4, BatchInput: { 'runId.$': '$.runId', 'generatedAt.$': '$.generatedAt' } },
      MaxConcurrency: 40,
      ToleratedFailurePercentagePath: '$.toleratedFailurePercentage',
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: '<Ref:Reports65402A0A>', Prefix: 'cloud502/org/map-results' } },
      ResultPath: '$.map',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.mapError', Next: STATE_NAMES.merge }],
      Next: STATE_NAMES.merge,
    });
    expect(definition.States[STATE_NAMES.merge]).toMatchObject({ Type: 'Task', End: true, Parameters: { 'Payload.$': '$' } });
  });

  it('retries Lambda throttling and service errors with jittered backoff, and unreachable collections later; not access denials', () => {
    const processor = definition.States[STATE_NAMES.map]!.ItemProcessor as { States: Record<string, { Retry: unknown[]; Parameters: unknown; TimeoutSeconds: number }> };
    const worker = processor.States[STATE_NAMES.worker]!;
    expect(worker.Parameters).toEqual({ FunctionName: expect.stringContaining('WorkerFunction') as string, 'Payload.$': '$' });
    expect(worker.TimeoutSeconds).toBe(660);
    expect(worker.Retry).toEqual([
      { ErrorEquals: [...LAMBDA_SERVICE_ERRORS], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
      { ErrorEquals: ['CollectionError'], IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' },
    ]);
    expect(LAMBDA_SERVICE_ERRORS).toContain('Lambda.TooManyRequestsException');
    expect(JSON.stringify(worker.Retry)).not.toMatch(/AccessDenied|CredentialsError|States\.ALL/);
  });

  it('takes concurrency and batching from the props, and refuses values Step Functions would', () => {
    const map = definitionOf(synth({ maxConcurrency: 5, itemsPerBatch: 1 }).template).States[STATE_NAMES.map]!;
    expect(map).toMatchObject({ MaxConcurrency: 5, ItemBatcher: { MaxItemsPerBatch: 1 } });
    expect(() => synth({ itemsPerBatch: 0 })).toThrow('itemsPerBatch must be 1 to 100');
    expect(() => synth({ maxConcurrency: 0 })).toThrow('maxConcurrency must be 1 to 10000');
  });
});

describe('the schedule', () => {
  it('starts the state machine through a role that may do only that', () => {
    const { template, stack } = synth({ scheduleRate: Duration.hours(12) });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(12 hours)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: { 'Fn::GetAtt': ['StateMachine', 'Arn'] }, Input: '{}', RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SchedulerRole'), 'Arn'] } },
    });
    const statements = policyOf(template, 'SchedulerPolicy');
    expect(bySid(statements)).toEqual({ [ORG_STATEMENT_IDS.startAudit]: ['states:StartExecution'] });
    expect(joined(statements[0]!.Resource)).toBe(`arn:<Ref:AWS::Partition>:states:<Ref:AWS::Region>:<Ref:AWS::AccountId>:stateMachine:${stack.stateMachineName}`);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }] },
    });
  });
});

describe('roles', () => {
  it('give each function exactly the actions its code calls, and nothing in audited accounts', () => {
    const { template } = synth({ organizationalUnits: [OU], accountTags: { env: 'prod' } });
    const plan = planActions({ kind: 'organizations', organizationalUnitIds: [OU], tags: { env: 'prod' } });
    const logs = ['logs:CreateLogStream', 'logs:PutLogEvents'];
    expect(bySid(policyOf(template, 'PlanPolicy'))).toEqual({
      [ORG_STATEMENT_IDS.listAccounts]: plan.organizations,
      [ORG_STATEMENT_IDS.assumeRoles]: plan.assumeRole,
      [ORG_STATEMENT_IDS.runFiles]: plan.items,
      [ORG_STATEMENT_IDS.logs]: logs,
    });
    expect(plan.organizations).toEqual(['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent', 'organizations:ListTagsForResource']);
    expect(bySid(policyOf(template, 'WorkerPolicy'))).toEqual({ [ORG_STATEMENT_IDS.assumeRoles]: [...WORKER_ACTIONS.assumeRole], [ORG_STATEMENT_IDS.runFiles]: [...WORKER_ACTIONS.partials], [ORG_STATEMENT_IDS.logs]: logs });
    expect(bySid(policyOf(template, 'MergePolicy'))).toEqual({
      [ORG_STATEMENT_IDS.reportObjects]: [...MERGE_ACTIONS.objects],
      [ORG_STATEMENT_IDS.reportListing]: [...MERGE_ACTIONS.listing],
      [ORG_STATEMENT_IDS.abortUploads]: [...MERGE_ACTIONS.abort],
      [ORG_STATEMENT_IDS.notify]: [...MERGE_ACTIONS.notify],
      [ORG_STATEMENT_IDS.logs]: logs,
    });
    // The functions never hold the read-only audit actions: those run as the member accounts' role.
    const all = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
    expect(all.flatMap(actions).filter((a) => a.startsWith('elasticloadbalancing:') || a.startsWith('ec2:'))).toEqual([]);
    expect(all.flatMap(actions).filter((a) => a.includes('*'))).toEqual([]);
    // Only the Organizations listing (no resource-level permissions) uses Resource "*".
    expect(all.filter((s) => JSON.stringify(s.Resource).includes('"*"')).map((s) => s.Sid)).toEqual([ORG_STATEMENT_IDS.listAccounts]);
  });

  it('scope AssumeRole to the member role name, S3 to the run files and the org prefix, SNS to the topic', () => {
    const { template } = synth({ auditRoleName: 'audit/cloud502-ro' });
    const plan = policyOf(template, 'PlanPolicy');
    expect(joined(plan.find((s) => s.Sid === ORG_STATEMENT_IDS.assumeRoles)!.Resource)).toBe('arn:<Ref:AWS::Partition>:iam::*:role/audit/cloud502-ro');
    expect(joined(plan.find((s) => s.Sid === ORG_STATEMENT_IDS.runFiles)!.Resource)).toBe('<Fn::GetAtt:Reports65402A0A,Arn>/cloud502/org/runs/*');
    const merge = policyOf(template, 'MergePolicy');
    expect(joined(merge.find((s) => s.Sid === ORG_STATEMENT_IDS.reportObjects)!.Resource)).toBe('<Fn::GetAtt:Reports65402A0A,Arn>/cloud502/org/*');
    expect(merge.find((s) => s.Sid === ORG_STATEMENT_IDS.reportListing)!.Condition).toEqual({ StringLike: { 's3:prefix': ['cloud502/org/*'] } });
    expect(merge.find((s) => s.Sid === ORG_STATEMENT_IDS.notify)!.Resource).toEqual({ Ref: 'Findings172CF60E' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CLOUD502_ORG_STEP: 'plan', CLOUD502_AUDIT_ROLE_NAME: 'audit/cloud502-ro', CLOUD502_REGIONS: 'all' }) } });
  });

  it('grant the accounts file and the config file only when they are used, with listing limited to their key', () => {
    const { template } = synth({ accountsKey: 'config/accounts.yml', configKey: 'config/cloud502.yml' });
    const plan = bySid(policyOf(template, 'PlanPolicy'));
    expect(plan[ORG_STATEMENT_IDS.listAccounts]).toBeUndefined();
    expect(plan[ORG_STATEMENT_IDS.accountsFile]).toEqual(['s3:GetObject']);
    expect(policyOf(template, 'PlanPolicy').find((s) => s.Sid === ORG_STATEMENT_IDS.accountsFileListing)!.Condition).toEqual({ StringLike: { 's3:prefix': ['config/accounts.yml'] } });
    expect(bySid(policyOf(template, 'WorkerPolicy'))[ORG_STATEMENT_IDS.configFile]).toEqual(['s3:GetObject']);
    expect(() => synth({ accountsKey: 'a.yml', organizationalUnits: [OU] })).toThrow('accountsKey lists the accounts itself');
  });

  it('give the state machine what Step Functions documents for a Distributed Map with an ItemReader and a ResultWriter', () => {
    const { template, stack } = synth();
    const statements = policyOf(template, 'StateMachinePolicy');
    expect(bySid(statements)).toEqual({
      [ORG_STATEMENT_IDS.invoke]: ['lambda:InvokeFunction'],
      [ORG_STATEMENT_IDS.startChildren]: ['states:StartExecution'],
      [ORG_STATEMENT_IDS.manageChildren]: ['states:DescribeExecution', 'states:StopExecution'],
      [ORG_STATEMENT_IDS.readItems]: ['s3:GetObject'],
      [ORG_STATEMENT_IDS.writeResults]: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
    });
    const resource = (sid: string) => statements.find((s) => s.Sid === sid)!.Resource;
    expect((resource(ORG_STATEMENT_IDS.invoke) as unknown[]).map((r) => JSON.stringify(r))).toEqual(['Plan', 'Worker', 'Merge'].map((f) => expect.stringContaining(`${f}Function`) as string));
    expect(joined(resource(ORG_STATEMENT_IDS.manageChildren))).toBe(`arn:<Ref:AWS::Partition>:states:<Ref:AWS::Region>:<Ref:AWS::AccountId>:execution:${stack.stateMachineName}/*`);
    expect(joined(resource(ORG_STATEMENT_IDS.writeResults))).toBe('<Fn::GetAtt:Reports65402A0A,Arn>/cloud502/org/map-results/*');
    // Every Lambda the definition invokes is one the role may invoke, and no other.
    const invoked = JSON.stringify(definitionOf(template)).match(/(Plan|Worker|Merge)Function[A-F0-9]{8}/g);
    expect(new Set(invoked)).toEqual(new Set((resource(ORG_STATEMENT_IDS.invoke) as Array<{ 'Fn::GetAtt': [string] }>).map((r) => r['Fn::GetAtt'][0])));
  });

  it('run the functions with their step, the merge alone at a time with scratch space', () => {
    const { template } = synth({ formats: ['html', 'csv'] });
    for (const step of ['plan', 'worker', 'merge']) {
      template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', Environment: { Variables: Match.objectLike({ CLOUD502_ORG_STEP: step }) } });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CLOUD502_ORG_STEP: 'merge', CLOUD502_FORMATS: 'html,csv' }) },
      ReservedConcurrentExecutions: 1,
      EphemeralStorage: { Size: 2048 },
      Timeout: 900,
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CLOUD502_ORG_STEP: 'worker', CLOUD502_SAFETY_MARGIN_MS: '60000' }) }, Timeout: 600 });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'ExpireDatedReports', Prefix: 'cloud502/org/2', ExpirationInDays: 90 }),
          Match.objectLike({ Id: 'ExpireRunFiles', Prefix: 'cloud502/org/runs/', ExpirationInDays: 14 }),
          Match.objectLike({ Id: 'ExpireMapResults', Prefix: 'cloud502/org/map-results/', ExpirationInDays: 14 }),
        ]),
      },
    });
  });
});

describe('the member accounts\' audit role', () => {
  it('is deployed by a service-managed StackSet to the OUs, with exactly the documented policy, trusting only the audit', () => {
    const { template } = synth({ memberRoleStackSet: { organizationalUnitIds: [OU] }, externalId: 'ext-123' });
    const [set] = Object.values(template.findResources('AWS::CloudFormation::StackSet')) as Array<{ Properties: Record<string, unknown> }>;
    expect(set!.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      CallAs: 'SELF',
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: [OU] }, Regions: [{ Ref: 'AWS::Region' }] }],
    });
    const body = JSON.parse(joined(set!.Properties.TemplateBody)) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    expect(Object.values(body.Resources).map((r) => r.Type)).toEqual(['AWS::IAM::Role']);
    const role = body.Resources.AuditRole!.Properties as { RoleName: string; Policies: Array<{ PolicyDocument: unknown }>; AssumeRolePolicyDocument: { Statement: unknown[] } };
    expect(role.RoleName).toBe('cloud502-audit');
    expect(role.Policies).toHaveLength(1);
    expect(role.Policies[0]!.PolicyDocument).toEqual(awsIamPolicy());
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Sid: 'Cloud502Audit',
        Effect: 'Allow',
        Principal: { AWS: ['<Fn::GetAtt:WorkerRole8DD27D41,Arn>', '<Fn::GetAtt:PlanRole42C4D327,Arn>'] },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'ext-123' } },
      },
    ]);
    expect(() => synth({ memberRoleStackSet: { organizationalUnitIds: [] } })).toThrow('needs at least one OU');
  });

  it('is also a standalone StackSet template with the trusted roles as parameters', () => {
    const template = standaloneMemberRoleTemplate();
    const role = template.Resources.AuditRole!.Properties as { Policies: Array<{ PolicyDocument: unknown }>; AssumeRolePolicyDocument: { Statement: Array<{ Principal: unknown }> } };
    expect(role.Policies[0]!.PolicyDocument).toEqual(awsIamPolicy());
    expect(role.AssumeRolePolicyDocument.Statement[0]!.Principal).toEqual({ AWS: { Ref: 'TrustedRoleArns' } });
    expect(Object.keys(template.Parameters ?? {})).toEqual(['TrustedRoleArns', 'ExternalId', 'RoleName']);
  });
});

describe('npm run synth:lambda (dist/src/lambda/deploy/synth.js)', () => {
  async function synthScript(args: string[]): Promise<{ out: string; code: number; stdout: string; stderr: string }> {
    const out = join(dir, `synth-${Math.random().toString(36).slice(2)}`);
    try {
      const { stdout, stderr } = await run(process.execPath, [SYNTH, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', CDK_OUTDIR: out }, timeout: 90_000 });
      return { out, code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { out, code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  it('synthesizes the organization stack and the member role template offline, from -c settings', async () => {
    const r = await synthScript(['-c', 'mode=organization', '-c', `organizationalUnits=${OU}`, '-c', `memberRoleOus=${OU}`, '-c', 'regions=eu-west-1,us-east-1', '-c', `bundleDir=${bundleDir}`, '-c', 'maxConcurrency=20']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cloud502: synthesized Cloud502MemberRole\.template\.json, Cloud502OrgAudit\.template\.json into /);
    const files = await readdir(r.out);
    expect(files).toEqual(expect.arrayContaining(['Cloud502OrgAudit.template.json', 'Cloud502MemberRole.template.json']));
    const template = Template.fromJSON(JSON.parse(await readFile(join(r.out, 'Cloud502OrgAudit.template.json'), 'utf8')) as Record<string, unknown>);
    expect(definitionOf(template).States[STATE_NAMES.map]).toMatchObject({ MaxConcurrency: 20 });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CLOUD502_REGIONS: 'eu-west-1,us-east-1', CLOUD502_ORG_UNITS: OU }) } });
    template.resourceCountIs('AWS::CloudFormation::StackSet', 1);
    expect(JSON.parse(await readFile(join(r.out, 'Cloud502MemberRole.template.json'), 'utf8'))).toEqual(standaloneMemberRoleTemplate());
  }, 120_000);

  it('synthesizes the README\'s organization-mode command as written', async () => {
    const readme = await readFile(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith('npm run synth:lambda -- -c mode=organization'));
    expect(line, 'the README shows the organization synth command').toBeDefined();
    const args = line!.slice('npm run synth:lambda -- '.length).split(/\s+/).filter(Boolean);
    // Only the bundle is swapped for the placeholder: the README's command builds the real one first.
    const r = await synthScript([...args, '-c', `bundleDir=${bundleDir}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const template = Template.fromJSON(JSON.parse(await readFile(join(r.out, 'Cloud502OrgAudit.template.json'), 'utf8')) as Record<string, unknown>);
    template.resourceCountIs('AWS::CloudFormation::StackSet', 1);
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
  }, 120_000);

  it.each([
    [['-c', 'mode=everything'], 'cloud502: mode must be single or organization, got "everything"'],
    [['-c', 'mode=organization', '-c', 'bundleDir=/nonexistent'], 'cloud502: no bundle in /nonexistent; run "npm run build:lambda" first'],
    [['-c', 'mode=organization', '-c', 'itemsPerBatch=0'], 'itemsPerBatch must be a whole number from 1 to 100, got "0"'],
    [['mode=organization'], 'cloud502: unexpected argument "mode=organization"; pass settings as -c key=value'],
  ])('refuses %j in one line, exit 2', async (args, message) => {
    // A later -c of the same key wins, so a row may override the placeholder bundle.
    const r = await synthScript(['-c', `bundleDir=${bundleDir}`, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
