/**
 * The organization audit's state machine, in Amazon States Language (JSONPath): Plan → a DISTRIBUTED Map over the
 * plan's item list → Merge. Pure data, so the CDK stack deploys exactly this and the tests read and run it.
 *
 * - ItemReader: the plan's JSON array (`"ReaderConfig": {"InputType": "JSON"}`, Resource `s3:getObject`).
 * - ItemBatcher: MaxItemsPerBatch items per worker invocation (fewer cold starts and child executions), with the
 *   run's id and clock as BatchInput.
 * - MaxConcurrency: how many batches run at once. AWS rate limits are per account × region × API, each item is one
 *   account × region and the plan lists each once, so concurrent items never share an API bucket of an audited
 *   account; inside an item the collector's rate budget paces every bucket. MaxConcurrency bounds what the audit
 *   account itself spends: Lambda concurrency, and the AssumeRole calls every item makes.
 * - Retry: Lambda's own throttling and service errors with jittered exponential backoff; a collection that could
 *   not reach an AWS endpoint (CollectionError) twice more, later. Access denials are not retried: they do not heal.
 * - ToleratedFailurePercentagePath: the plan's per-run percentage (the largest account's share of the items), so
 *   one broken account never fails the run; a failed map still goes to Merge (Catch), which reports what ran.
 * - ResultWriter: the child executions' results, exported to S3 under `<prefix>org/map-results/<mapRunId>/`.
 */

export interface OrgDefinitionProps {
  planFunctionArn: string;
  workerFunctionArn: string;
  mergeFunctionArn: string;
  bucketName: string;
  /** The ResultWriter Prefix (layout.ts mapResultsPrefix). */
  resultsPrefix: string;
  maxConcurrency: number;
  itemsPerBatch: number;
  /** The worker function's timeout; the task waits this long plus a minute. */
  workerTimeoutSeconds: number;
  mergeTimeoutSeconds: number;
  planTimeoutSeconds: number;
}

export const STATE_NAMES = { plan: 'Plan', map: 'Audit accounts', worker: 'Audit items', merge: 'Merge' } as const;

/** Errors the Lambda service raises about the invocation itself, as Step Functions names them. */
export const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'] as const;

export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export type AslState = Record<string, unknown> & { Type: string };

export interface AslDefinition {
  Comment: string;
  StartAt: string;
  States: Record<string, AslState>;
}

const lambdaRetry = (maxAttempts: number): AslRetrier => ({
  ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
  IntervalSeconds: 2,
  MaxAttempts: maxAttempts,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
});

function invoke(functionArn: string, payload: Record<string, unknown>, timeoutSeconds: number, retry: AslRetrier[]): AslState {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: functionArn, ...payload },
    OutputPath: '$.Payload',
    TimeoutSeconds: timeoutSeconds,
    Retry: retry,
  };
}

/** @example JSON.stringify(orgAuditDefinition({ planFunctionArn, ... })) */
export function orgAuditDefinition(p: OrgDefinitionProps): AslDefinition {
  if (!Number.isInteger(p.maxConcurrency) || p.maxConcurrency < 1 || p.maxConcurrency > 10_000) throw new Error(`maxConcurrency must be 1 to 10000, got ${p.maxConcurrency}`);
  if (!Number.isInteger(p.itemsPerBatch) || p.itemsPerBatch < 1 || p.itemsPerBatch > 100) throw new Error(`itemsPerBatch must be 1 to 100, got ${p.itemsPerBatch}`);
  return {
    Comment: 'cloud502 organization audit: plan the account x region items, audit them on a Distributed Map, merge the reports',
    StartAt: STATE_NAMES.plan,
    States: {
      [STATE_NAMES.plan]: {
        ...invoke(p.planFunctionArn, { Payload: { 'executionName.$': '$$.Execution.Name', 'startedAt.$': '$$.Execution.StartTime' } }, p.planTimeoutSeconds + 60, [lambdaRetry(4)]),
        Next: STATE_NAMES.map,
      },
      [STATE_NAMES.map]: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { Bucket: p.bucketName, 'Key.$': '$.itemsKey' },
        },
        ItemBatcher: {
          MaxItemsPerBatch: p.itemsPerBatch,
          BatchInput: { 'runId.$': '$.runId', 'generatedAt.$': '$.generatedAt' },
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: STATE_NAMES.worker,
          States: {
            [STATE_NAMES.worker]: {
              ...invoke(p.workerFunctionArn, { 'Payload.$': '$' }, p.workerTimeoutSeconds + 60, [
                lambdaRetry(6),
                { ErrorEquals: ['CollectionError'], IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' },
              ]),
              End: true,
            },
          },
        },
        MaxConcurrency: p.maxConcurrency,
        ToleratedFailurePercentagePath: '$.toleratedFailurePercentage',
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { Bucket: p.bucketName, Prefix: p.resultsPrefix },
        },
        ResultPath: '$.map',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.mapError', Next: STATE_NAMES.merge }],
        Next: STATE_NAMES.merge,
      },
      [STATE_NAMES.merge]: {
        ...invoke(p.mergeFunctionArn, { 'Payload.$': '$' }, p.mergeTimeoutSeconds + 60, [lambdaRetry(4)]),
        End: true,
      },
    },
  };
}
