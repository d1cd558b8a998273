/**
 * The scheduled audit as an AWS CDK stack: the bundled function, an EventBridge schedule, the report bucket, the
 * notification topic, and a role with exactly the permissions the function uses. Deploy-time only: compiled by tsc
 * but never imported by the runtime code. Synthesizes offline (no lookups, environment-agnostic by default).
 *
 * Permissions, statement by statement (Sids are stable, tests read them):
 * - `Cloud502ReadOnlyAudit`: AWS_READ_ONLY_ACTIONS, the exact list the collector calls (Resource "*": these
 *   Describe/Get actions have no resource-level permissions);
 * - `AssumeAuditRoles`: sts:AssumeRole on the configured role ARNs, only when there are any;
 * - `ReportObjects`: s3:GetObject and s3:PutObject under the report prefix (and on the config key when it lies outside);
 * - `ReportListing`: s3:ListBucket restricted to the prefix, so that S3 answers 404 (not 403) for a missing
 *   `latest/report.json` on the first run, and a 403 stays a real permission problem;
 * - `Notify`: sns:Publish on the topic;
 * - `Logs`: CreateLogStream/PutLogEvents on the function's own log group (created here, so no CreateLogGroup).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { REPORT_BUCKET_PROTECTION } from './report-bucket.js';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { AWS_READ_ONLY_ACTIONS } from '../../../providers/aws/iam.js';
import type { Severity } from '../../engine/index.js';
import { DEFAULT_PREFIX } from '../config.js';
import { LAMBDA_BUNDLE_FILE } from './bundle.js';

export interface Cloud502AuditStackProps extends StackProps {
  /** The directory `npm run build:lambda` wrote (dist/lambda): deployed as the function's code. */
  bundleDir: string;
  /** Regions to audit (CLOUD502_REGIONS). */
  regions: string[];
  /** Roles to assume, one audited account each (CLOUD502_ROLE_ARNS); the function gets sts:AssumeRole on them. */
  roleArns?: string[];
  externalId?: string;
  /** How often the audit runs. Default: every day. */
  scheduleRate?: Duration;
  checks?: string[];
  skipChecks?: string[];
  /** As `--metrics-window`: `24h`, `7d`, `0`. */
  metricsWindow?: string;
  /** Default: high. */
  notifySeverity?: Severity;
  /** The audit config as JSON (CLOUD502_CONFIG_JSON). */
  configJson?: string;
  /** Or the key of a config file in the report bucket (CLOUD502_CONFIG_KEY). */
  configKey?: string;
  /** Key prefix of every report. Default `cloud502/`. */
  prefix?: string;
  /** Dated reports are deleted after this long. Default: 90 days. */
  reportRetention?: Duration;
  /** E-mail address subscribed to the topic (confirmed by the recipient). */
  notificationEmail?: string;
  /** Default 1024 MB: the SDK clients and the inventory of a few hundred load balancers fit with room. */
  memorySize?: number;
  /** Default 10 minutes; the function stops collecting `safetyMargin` before it. */
  timeout?: Duration;
  /** Default 60 s. */
  safetyMargin?: Duration;
}

/** The statement ids of the function's policy. */
export const STATEMENT_IDS = {
  audit: 'Cloud502ReadOnlyAudit',
  assumeRoles: 'AssumeAuditRoles',
  objects: 'ReportObjects',
  listing: 'ReportListing',
  notify: 'Notify',
  logs: 'Logs',
} as const;

export class Cloud502AuditStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly topic: sns.Topic;
  readonly function: lambda.Function;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: Cloud502AuditStackProps) {
    super(scope, id, props);
    if (props.regions.length === 0) throw new Error('Cloud502AuditStack: at least one region to audit is required');
    if (props.configJson !== undefined && props.configKey !== undefined) throw new Error('Cloud502AuditStack: give configJson or configKey, not both');
    const prefix = props.prefix ?? DEFAULT_PREFIX;
    if (prefix !== '' && !prefix.endsWith('/')) throw new Error(`Cloud502AuditStack: prefix must end with "/", got "${prefix}"`);
    const timeout = props.timeout ?? Duration.minutes(10);
    const safetyMargin = props.safetyMargin ?? Duration.seconds(60);
    if (safetyMargin.toMilliseconds() >= timeout.toMilliseconds()) throw new Error('Cloud502AuditStack: the safety margin must be shorter than the timeout');

    this.bucket = new s3.Bucket(this, 'Reports', {
      ...REPORT_BUCKET_PROTECTION,
      lifecycleRules: [
        {
          id: 'ExpireDatedReports',
          // Dated keys start with the year (`<prefix>2026/...`); `<prefix>latest/` does not, so it is never expired.
          prefix: `${prefix}2`,
          expiration: props.reportRetention ?? Duration.days(90),
        },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    this.topic = new sns.Topic(this, 'Findings', { displayName: 'cloud502 new findings', enforceSSL: true });
    if (props.notificationEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.notificationEmail));

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cloud502 scheduled audit: read-only load balancer audit, report bucket, notification topic',
    });
    const statements = [
      new iam.PolicyStatement({ sid: STATEMENT_IDS.audit, actions: [...AWS_READ_ONLY_ACTIONS], resources: ['*'] }),
      new iam.PolicyStatement({
        sid: STATEMENT_IDS.objects,
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects(`${prefix}*`), ...(props.configKey && !props.configKey.startsWith(prefix) ? [this.bucket.arnForObjects(props.configKey)] : [])],
      }),
      new iam.PolicyStatement({
        sid: STATEMENT_IDS.listing,
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
      new iam.PolicyStatement({ sid: STATEMENT_IDS.notify, actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
      new iam.PolicyStatement({ sid: STATEMENT_IDS.logs, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`] }),
    ];
    if (props.roleArns?.length) {
      statements.push(new iam.PolicyStatement({ sid: STATEMENT_IDS.assumeRoles, actions: ['sts:AssumeRole'], resources: [...props.roleArns] }));
    }
    // One inline policy, not grant* helpers: those add actions (s3:GetBucket*, s3:List*) this function never calls.
    const policy = new iam.Policy(this, 'Policy', { statements });
    this.role.attachInlinePolicy(policy);

    const environment: Record<string, string> = {
      CLOUD502_REGIONS: props.regions.join(','),
      CLOUD502_BUCKET: this.bucket.bucketName,
      CLOUD502_PREFIX: prefix,
      CLOUD502_TOPIC_ARN: this.topic.topicArn,
      CLOUD502_NOTIFY_SEVERITY: props.notifySeverity ?? 'high',
      CLOUD502_METRICS_WINDOW: props.metricsWindow ?? '24h',
      CLOUD502_SAFETY_MARGIN_MS: String(safetyMargin.toMilliseconds()),
      // The bundle ships a source map; this makes stack traces in the logs point at the TypeScript sources.
      NODE_OPTIONS: '--enable-source-maps',
    };
    if (props.roleArns?.length) environment.CLOUD502_ROLE_ARNS = props.roleArns.join(',');
    if (props.externalId !== undefined) environment.CLOUD502_EXTERNAL_ID = props.externalId;
    if (props.checks?.length) environment.CLOUD502_CHECKS = props.checks.join(',');
    if (props.skipChecks?.length) environment.CLOUD502_SKIP_CHECKS = props.skipChecks.join(',');
    if (props.configJson !== undefined) environment.CLOUD502_CONFIG_JSON = props.configJson;
    if (props.configKey !== undefined) environment.CLOUD502_CONFIG_KEY = props.configKey;

    this.function = new lambda.Function(this, 'Function', {
      description: 'cloud502 scheduled load balancer audit',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromAsset(props.bundleDir),
      handler: `${LAMBDA_BUNDLE_FILE.replace(/\.mjs$/, '')}.handler`,
      memorySize: props.memorySize ?? 1024,
      timeout,
      role: this.role,
      logGroup,
      environment,
      // Two overlapping runs would race on `latest/` and notify the same findings twice.
      reservedConcurrentExecutions: 1,
      // A failed run is retried by the next schedule, which compares with the same `latest/`.
      retryAttempts: 0,
    });
    // The policy is a resource of its own: without this the function could exist (and be invoked) before it.
    this.function.node.addDependency(policy);

    new events.Rule(this, 'Schedule', {
      description: 'Runs the cloud502 audit',
      schedule: events.Schedule.rate(props.scheduleRate ?? Duration.days(1)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TopicArn', { value: this.topic.topicArn });
    new CfnOutput(this, 'FunctionName', { value: this.function.functionName });
  }
}
