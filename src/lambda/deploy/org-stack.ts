/**
 * The organization audit as an AWS CDK stack: three functions from one bundle (plan, worker, merge), the Step Functions
 * state machine that runs them (Plan → DISTRIBUTED Map → Merge, state-machine.ts), an EventBridge Scheduler schedule
 * that starts it, the report bucket, the notification topic, least-privilege roles, and optionally the StackSet
 * (service-managed, for OUs) that deploys the read-only audit role into the member accounts.
 *
 * Deploy-time only; synthesizes offline (no lookups, environment-agnostic by default). Every policy is one inline
 * policy of exact statements (Sids stable, tests read them), never grant* helpers, which add actions nothing calls:
 * - plan: the Organizations listing its filters need (Resource "*": these actions have no resource-level
 *   permissions), sts:AssumeRole on the member audit role, s3:PutObject on the run files, the accounts file if any;
 * - worker: sts:AssumeRole on the member audit role, s3:PutObject on the run files, the config file if any;
 * - merge: s3:GetObject/PutObject/AbortMultipartUpload under `<prefix>org/`, s3:ListBucket on it (a missing
 *   previous report is then a 404, not a 403), sns:Publish;
 * - state machine: lambda:InvokeFunction on the three functions; for the Distributed Map, states:StartExecution on
 *   itself and states:DescribeExecution/StopExecution on its child executions; the ItemReader's s3:GetObject on the
 *   run files and the ResultWriter's s3:PutObject, GetObject, ListMultipartUploadParts, AbortMultipartUpload on the
 *   map results (Step Functions developer guide, "IAM policies for using Distributed Map states");
 * - scheduler: states:StartExecution on the state machine.
 */
import { Arn, ArnFormat, Aws, CfnOutput, Duration, RemovalPolicy, Size, Stack, type StackProps } from 'aws-cdk-lib';
import * as cfn from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { REPORT_BUCKET_PROTECTION } from './report-bucket.js';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { Severity } from '../../engine/index.js';
import type { ReportFormat } from '../../report/render.js';
import { DEFAULT_PREFIX } from '../config.js';
import { DEFAULT_AUDIT_ROLE_NAME, DEFAULT_ITEM_CONCURRENCY, STEP_VARIABLE, type AccountSource, type OrgStep } from '../org/config.js';
import { mapResultsPrefix, orgRoot } from '../org/layout.js';
import { MERGE_ACTIONS, planActions, WORKER_ACTIONS } from '../org/permissions.js';
import { orgAuditDefinition } from '../org/state-machine.js';
import { LAMBDA_BUNDLE_FILE } from './bundle.js';
import { memberRoleTemplate } from './member-role.js';

export interface MemberRoleStackSetProps {
  /** OUs (or the root) whose accounts get the audit role; accounts joining them later get it too. */
  organizationalUnitIds: string[];
  /** SELF in the management account, DELEGATED_ADMIN in a StackSets delegated administrator account. */
  callAs?: 'SELF' | 'DELEGATED_ADMIN';
  /** The one region of the stack instances (IAM is global). Default: the stack's region. */
  region?: string;
}

export interface Cloud502OrgAuditStackProps extends StackProps {
  /** The directory `npm run build:lambda` wrote the organization bundle to (dist/lambda-org). */
  bundleDir: string;
  /** `all` (default), or the regions to audit where each account has them enabled. */
  regions?: 'all' | string[];
  /** Take the accounts from this accounts file in the report bucket instead of AWS Organizations. */
  accountsKey?: string;
  /** Audit only the accounts of these OUs or roots, nested OUs included. */
  organizationalUnits?: string[];
  /** Audit only accounts carrying all these tags. */
  accountTags?: Record<string, string>;
  /** Accounts never audited (e.g. the management account, where a service-managed StackSet puts no role). */
  skipAccounts?: string[];
  /** The member accounts' audit role. Default `cloud502-audit`. */
  auditRoleName?: string;
  externalId?: string;
  /** How often the audit runs. Default: every day. */
  scheduleRate?: Duration;
  checks?: string[];
  skipChecks?: string[];
  metricsWindow?: string;
  notifySeverity?: Severity;
  notificationEmail?: string;
  /** The key of a config file (thresholds, backends, baseline) in the report bucket. */
  configKey?: string;
  /** Key prefix of everything the audit writes. Default `cloud502/`. */
  prefix?: string;
  /** Report formats besides JSON. Default html, markdown. */
  formats?: ReportFormat[];
  /** Batches audited at once. Default 40. */
  maxConcurrency?: number;
  /** Items (account × region) per worker invocation. Default 4. */
  itemsPerBatch?: number;
  /** Items of one batch audited at once inside the worker. Default 4. */
  itemConcurrency?: number;
  /** Default 10 minutes; the worker stops collecting `safetyMargin` before it. */
  workerTimeout?: Duration;
  safetyMargin?: Duration;
  /** Default 1024 MB. */
  workerMemorySize?: number;
  /** Default 1024 MB: the merge holds one account at a time (bench/README.md). */
  mergeMemorySize?: number;
  /** Default 2 GiB of /tmp for the organization report's scratch files. */
  mergeEphemeralStorage?: Size;
  /** Dated reports are deleted after this long. Default 90 days. */
  reportRetention?: Duration;
  /** The run files (item lists, partial reports, map results) are deleted after this long. Default 14 days. */
  runRetention?: Duration;
  /** Deploy the member audit role with a service-managed StackSet. */
  memberRoleStackSet?: MemberRoleStackSetProps;
}

export const ORG_STATEMENT_IDS = {
  listAccounts: 'ListAccounts',
  assumeRoles: 'AssumeAuditRoles',
  runFiles: 'WriteRunFiles',
  accountsFile: 'ReadAccountsFile',
  accountsFileListing: 'AccountsFileListing',
  configFile: 'ReadConfigFile',
  configFileListing: 'ConfigFileListing',
  reportObjects: 'ReportObjects',
  reportListing: 'ReportListing',
  abortUploads: 'AbortUploads',
  notify: 'Notify',
  logs: 'Logs',
  invoke: 'InvokeFunctions',
  startChildren: 'StartChildExecutions',
  manageChildren: 'ManageChildExecutions',
  readItems: 'ReadItemList',
  writeResults: 'WriteMapResults',
  startAudit: 'StartAudit',
} as const;

export const DEFAULT_MAX_CONCURRENCY = 40;
export const DEFAULT_ITEMS_PER_BATCH = 4;

export class Cloud502OrgAuditStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly topic: sns.Topic;
  readonly functions: Record<OrgStep, lambda.Function>;
  readonly roles: Record<OrgStep | 'stateMachine' | 'scheduler', iam.Role>;
  readonly stateMachine: sfn.CfnStateMachine;
  readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: Cloud502OrgAuditStackProps) {
    super(scope, id, props);
    const prefix = props.prefix ?? DEFAULT_PREFIX;
    if (prefix !== '' && !prefix.endsWith('/')) throw new Error(`Cloud502OrgAuditStack: prefix must end with "/", got "${prefix}"`);
    if (props.accountsKey !== undefined && (props.organizationalUnits?.length || Object.keys(props.accountTags ?? {}).length)) {
      throw new Error('Cloud502OrgAuditStack: accountsKey lists the accounts itself; organizationalUnits and accountTags filter AWS Organizations');
    }
    const workerTimeout = props.workerTimeout ?? Duration.minutes(10);
    const safetyMargin = props.safetyMargin ?? Duration.seconds(60);
    if (safetyMargin.toMilliseconds() >= workerTimeout.toMilliseconds()) throw new Error('Cloud502OrgAuditStack: the safety margin must be shorter than the worker timeout');
    const roleName = props.auditRoleName ?? DEFAULT_AUDIT_ROLE_NAME;
    const root = orgRoot(prefix);
    const source: AccountSource =
      props.accountsKey !== undefined
        ? { kind: 's3', key: props.accountsKey }
        : { kind: 'organizations', organizationalUnitIds: props.organizationalUnits ?? [], tags: props.accountTags ?? {} };

    this.bucket = new s3.Bucket(this, 'Reports', {
      ...REPORT_BUCKET_PROTECTION,
      lifecycleRules: [
        // Dated folders start with the year (`org/2026/...`); `org/latest/` does not, so it is never expired.
        { id: 'ExpireDatedReports', prefix: `${root}2`, expiration: props.reportRetention ?? Duration.days(90) },
        { id: 'ExpireRunFiles', prefix: `${root}runs/`, expiration: props.runRetention ?? Duration.days(14) },
        { id: 'ExpireMapResults', prefix: `${mapResultsPrefix(prefix)}/`, expiration: props.runRetention ?? Duration.days(14) },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    this.topic = new sns.Topic(this, 'Findings', { displayName: 'cloud502 new findings (organization)', enforceSSL: true });
    if (props.notificationEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.notificationEmail));

    const objects = (pattern: string) => this.bucket.arnForObjects(pattern);
    const memberRoles = Arn.format({ service: 'iam', region: '', account: '*', resource: 'role', resourceName: roleName }, this);
    this.stateMachineName = `${this.stackName}-org-audit`.slice(0, 80);
    const stateMachineArn = Arn.format({ service: 'states', resource: 'stateMachine', resourceName: this.stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, this);
    const childExecutions = Arn.format({ service: 'states', resource: 'execution', resourceName: `${this.stateMachineName}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, this);

    const statement = (sid: string, actions: readonly string[], resources: string[], conditions?: Record<string, unknown>) =>
      new iam.PolicyStatement({ sid, actions: [...actions], resources, ...(conditions ? { conditions } : {}) });
    const listing = (sid: string, key: string) => statement(sid, ['s3:ListBucket'], [this.bucket.bucketArn], { StringLike: { 's3:prefix': [key] } });
    const lambdaRole = (name: string, description: string) => new iam.Role(this, name, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });

    // Functions
    const plan = planActions(source);
    const planStatements = [
      statement(ORG_STATEMENT_IDS.assumeRoles, plan.assumeRole, [memberRoles]),
      statement(ORG_STATEMENT_IDS.runFiles, plan.items, [objects(`${root}runs/*`)]),
    ];
    if (plan.organizations.length) planStatements.push(statement(ORG_STATEMENT_IDS.listAccounts, plan.organizations, ['*']));
    if (props.accountsKey !== undefined) {
      planStatements.push(statement(ORG_STATEMENT_IDS.accountsFile, plan.accountsFile, [objects(props.accountsKey)]), listing(ORG_STATEMENT_IDS.accountsFileListing, props.accountsKey));
    }
    const workerStatements = [
      statement(ORG_STATEMENT_IDS.assumeRoles, WORKER_ACTIONS.assumeRole, [memberRoles]),
      statement(ORG_STATEMENT_IDS.runFiles, WORKER_ACTIONS.partials, [objects(`${root}runs/*`)]),
    ];
    if (props.configKey !== undefined) {
      workerStatements.push(statement(ORG_STATEMENT_IDS.configFile, WORKER_ACTIONS.configFile, [objects(props.configKey)]), listing(ORG_STATEMENT_IDS.configFileListing, props.configKey));
    }
    const mergeStatements = [
      statement(ORG_STATEMENT_IDS.reportObjects, MERGE_ACTIONS.objects, [objects(`${root}*`)]),
      listing(ORG_STATEMENT_IDS.reportListing, `${root}*`),
      statement(ORG_STATEMENT_IDS.abortUploads, MERGE_ACTIONS.abort, [objects(`${root}*`)]),
      statement(ORG_STATEMENT_IDS.notify, MERGE_ACTIONS.notify, [this.topic.topicArn]),
    ];

    const common: Record<string, string> = {
      CLOUD502_BUCKET: this.bucket.bucketName,
      CLOUD502_PREFIX: prefix,
      // The bundle ships a source map; this makes stack traces in the logs point at the TypeScript sources.
      NODE_OPTIONS: '--enable-source-maps',
    };
    const planEnv: Record<string, string> = { ...common, CLOUD502_AUDIT_ROLE_NAME: roleName, CLOUD502_REGIONS: props.regions === undefined || props.regions === 'all' ? 'all' : props.regions.join(',') };
    if (props.accountsKey !== undefined) planEnv.CLOUD502_ACCOUNTS_KEY = props.accountsKey;
    if (props.organizationalUnits?.length) planEnv.CLOUD502_ORG_UNITS = props.organizationalUnits.join(',');
    if (props.accountTags && Object.keys(props.accountTags).length) planEnv.CLOUD502_ACCOUNT_TAGS = Object.entries(props.accountTags).map(([k, v]) => `${k}=${v}`).join(',');
    if (props.skipAccounts?.length) planEnv.CLOUD502_SKIP_ACCOUNTS = props.skipAccounts.join(',');
    if (props.externalId !== undefined) planEnv.CLOUD502_EXTERNAL_ID = props.externalId;
    const workerEnv: Record<string, string> = {
      ...common,
      CLOUD502_METRICS_WINDOW: props.metricsWindow ?? '24h',
      CLOUD502_SAFETY_MARGIN_MS: String(safetyMargin.toMilliseconds()),
      CLOUD502_ITEM_CONCURRENCY: String(props.itemConcurrency ?? DEFAULT_ITEM_CONCURRENCY),
    };
    if (props.checks?.length) workerEnv.CLOUD502_CHECKS = props.checks.join(',');
    if (props.skipChecks?.length) workerEnv.CLOUD502_SKIP_CHECKS = props.skipChecks.join(',');
    if (props.configKey !== undefined) workerEnv.CLOUD502_CONFIG_KEY = props.configKey;
    const mergeEnv: Record<string, string> = {
      ...common,
      CLOUD502_FORMATS: (props.formats ?? ['html', 'markdown']).join(','),
      CLOUD502_TOPIC_ARN: this.topic.topicArn,
      CLOUD502_NOTIFY_SEVERITY: props.notifySeverity ?? 'high',
    };

    const code = lambda.Code.fromAsset(props.bundleDir);
    const make = (step: OrgStep, settings: { statements: iam.PolicyStatement[]; environment: Record<string, string>; timeout: Duration; memorySize: number; description: string; extra?: Partial<lambda.FunctionProps> }) => {
      const role = lambdaRole(`${step[0]!.toUpperCase()}${step.slice(1)}Role`, `cloud502 organization audit, ${step}: ${settings.description}`);
      const logGroup = new logs.LogGroup(this, `${step[0]!.toUpperCase()}${step.slice(1)}Logs`, { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
      const policy = new iam.Policy(this, `${step[0]!.toUpperCase()}${step.slice(1)}Policy`, {
        statements: [...settings.statements, statement(ORG_STATEMENT_IDS.logs, ['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`])],
      });
      role.attachInlinePolicy(policy);
      const fn = new lambda.Function(this, `${step[0]!.toUpperCase()}${step.slice(1)}Function`, {
        description: `cloud502 organization audit: ${step}`,
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        code,
        handler: `${LAMBDA_BUNDLE_FILE.replace(/\.mjs$/, '')}.handler`,
        memorySize: settings.memorySize,
        timeout: settings.timeout,
        role,
        logGroup,
        environment: { ...settings.environment, [STEP_VARIABLE]: step },
        // Step Functions invokes synchronously and retries itself (state-machine.ts).
        retryAttempts: 0,
        ...settings.extra,
      });
      fn.node.addDependency(policy);
      return { fn, role };
    };
    const planFn = make('plan', { statements: planStatements, environment: planEnv, timeout: Duration.minutes(15), memorySize: 512, description: 'lists the accounts and their regions' });
    const workerFn = make('worker', { statements: workerStatements, environment: workerEnv, timeout: workerTimeout, memorySize: props.workerMemorySize ?? 1024, description: 'audits account x region items' });
    const mergeFn = make('merge', {
      statements: mergeStatements,
      environment: mergeEnv,
      timeout: Duration.minutes(15),
      memorySize: props.mergeMemorySize ?? 1024,
      description: 'merges the reports and notifies',
      // Two merges at once would race on latest/ and notify the same findings twice.
      extra: { ephemeralStorageSize: props.mergeEphemeralStorage ?? Size.gibibytes(2), reservedConcurrentExecutions: 1 },
    });
    this.functions = { plan: planFn.fn, worker: workerFn.fn, merge: mergeFn.fn };

    // State machine
    const sameAccount = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } };
    const smRole = new iam.Role(this, 'StateMachineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com').withConditions(sameAccount),
      description: 'cloud502 organization audit: runs the plan, the Distributed Map of workers and the merge',
    });
    const smPolicy = new iam.Policy(this, 'StateMachinePolicy', {
      statements: [
        statement(ORG_STATEMENT_IDS.invoke, ['lambda:InvokeFunction'], [planFn.fn.functionArn, workerFn.fn.functionArn, mergeFn.fn.functionArn]),
        statement(ORG_STATEMENT_IDS.startChildren, ['states:StartExecution'], [stateMachineArn]),
        statement(ORG_STATEMENT_IDS.manageChildren, ['states:DescribeExecution', 'states:StopExecution'], [childExecutions]),
        statement(ORG_STATEMENT_IDS.readItems, ['s3:GetObject'], [objects(`${root}runs/*`)]),
        statement(ORG_STATEMENT_IDS.writeResults, ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'], [objects(`${mapResultsPrefix(prefix)}/*`)]),
      ],
    });
    smRole.attachInlinePolicy(smPolicy);
    const definition = orgAuditDefinition({
      planFunctionArn: planFn.fn.functionArn,
      workerFunctionArn: workerFn.fn.functionArn,
      mergeFunctionArn: mergeFn.fn.functionArn,
      bucketName: this.bucket.bucketName,
      resultsPrefix: mapResultsPrefix(prefix),
      maxConcurrency: props.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      itemsPerBatch: props.itemsPerBatch ?? DEFAULT_ITEMS_PER_BATCH,
      workerTimeoutSeconds: workerTimeout.toSeconds(),
      mergeTimeoutSeconds: Duration.minutes(15).toSeconds(),
      planTimeoutSeconds: Duration.minutes(15).toSeconds(),
    });
    this.stateMachine = new sfn.CfnStateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: 'STANDARD',
      roleArn: smRole.roleArn,
      definitionString: this.toJsonString(definition),
    });
    this.stateMachine.node.addDependency(smPolicy);

    // Schedule
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions(sameAccount),
      description: 'cloud502 organization audit: starts the state machine on schedule',
    });
    const schedulerPolicy = new iam.Policy(this, 'SchedulerPolicy', { statements: [statement(ORG_STATEMENT_IDS.startAudit, ['states:StartExecution'], [stateMachineArn])] });
    schedulerRole.attachInlinePolicy(schedulerPolicy);
    const schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      description: 'Starts the cloud502 organization audit',
      scheduleExpression: scheduler.ScheduleExpression.rate(props.scheduleRate ?? Duration.days(1)).expressionString,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: { arn: this.stateMachine.attrArn, roleArn: schedulerRole.roleArn, input: '{}', retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } },
    });
    schedule.node.addDependency(schedulerPolicy);
    this.roles = { plan: planFn.role, worker: workerFn.role, merge: mergeFn.role, stateMachine: smRole, scheduler: schedulerRole };

    // Member accounts' audit role
    if (props.memberRoleStackSet) {
      const set = props.memberRoleStackSet;
      if (set.organizationalUnitIds.length === 0) throw new Error('Cloud502OrgAuditStack: memberRoleStackSet needs at least one OU or root id');
      new cfn.CfnStackSet(this, 'MemberRoleStackSet', {
        stackSetName: `${this.stackName}-member-role`,
        description: 'cloud502: the read-only audit role of every member account',
        permissionModel: 'SERVICE_MANAGED',
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
        capabilities: ['CAPABILITY_NAMED_IAM'],
        callAs: set.callAs ?? 'SELF',
        managedExecution: { Active: true },
        operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: 'PARALLEL' },
        stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: set.organizationalUnitIds }, regions: [set.region ?? Aws.REGION] }],
        templateBody: this.toJsonString(
          memberRoleTemplate({ roleName, trustedRoleArns: [workerFn.role.roleArn, planFn.role.roleArn], ...(props.externalId !== undefined ? { externalId: props.externalId } : {}) }),
        ),
      });
    }

    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TopicArn', { value: this.topic.topicArn });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.attrArn });
    new CfnOutput(this, 'WorkerRoleArn', { value: workerFn.role.roleArn });
    new CfnOutput(this, 'PlanRoleArn', { value: planFn.role.roleArn });
  }
}
