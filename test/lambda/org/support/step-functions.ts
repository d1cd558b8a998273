/**
 * Runs the organization audit's state machine definition in-process, the way AWS Step Functions would, for the
 * constructs that definition uses: Task states invoking Lambda functions (Parameters with `.$` paths and the
 * `$$.Execution` context, OutputPath, ResultPath, Retry, Catch) and a DISTRIBUTED Map (ItemReader over a JSON array
 * in S3, ItemBatcher with BatchInput, MaxConcurrency, ToleratedFailurePercentagePath, ResultWriter). The ResultWriter
 * files follow AWS's documented layout: `<Prefix>/<mapRunId>/manifest.json` plus `SUCCEEDED_n.json`, `FAILED_n.json`,
 * `PENDING_n.json`, each a JSON array of child executions whose Input and Output are JSON text.
 * Anything else in a definition fails loudly: a definition the emulator cannot follow is a test failure, not a pass.
 */
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { LambdaContext } from '../../../../src/lambda/run.js';
import type { AslDefinition, AslRetrier, AslState } from '../../../../src/lambda/org/state-machine.js';

export type LambdaFunction = (event: unknown, context: LambdaContext) => Promise<unknown>;

export interface EmulatorOptions {
  s3: S3Client;
  functions: Record<string, LambdaFunction>;
  stateMachineName: string;
  executionName: string;
  startTime: Date;
  /** What `context.getRemainingTimeInMillis()` answers in every invocation. */
  remainingMs?: number;
}

export interface ChildExecutionRecord {
  input: unknown;
  status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  output?: unknown;
  error?: string;
  cause?: string;
  attempts: number;
}

export interface EmulatedRun {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: { Error: string; Cause: string };
  /** State names in the order they ran. */
  states: string[];
  children: ChildExecutionRecord[];
  mapRunArn?: string;
  /** Invocations retried, as `state: error`. */
  retries: string[];
}

class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly causeText: string,
  ) {
    super(`${error}: ${causeText}`);
  }
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readPath(path: string, input: unknown, context: unknown): unknown {
  const [root, rest] = path.startsWith('$$') ? [context, path.slice(2)] : path.startsWith('$') ? [input, path.slice(1)] : [undefined, path];
  if (root === undefined && !path.startsWith('$')) throw new Error(`emulator: not a path: ${path}`);
  let value: unknown = root;
  for (const part of rest.split('.').filter(Boolean)) {
    if (!isRecord(value) || !(part in value)) throw new StatesError('States.Runtime', `path ${path} does not exist in the input`);
    value = value[part];
  }
  return value;
}

function resolve(template: unknown, input: unknown, context: unknown): unknown {
  if (Array.isArray(template)) return template.map((t) => resolve(t, input, context));
  if (!isRecord(template)) return template;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(template)) {
    if (k.endsWith('.$')) out[k.slice(0, -2)] = readPath(v as string, input, context);
    else out[k] = resolve(v, input, context);
  }
  return out;
}

function setPath(input: unknown, path: string, value: unknown): unknown {
  if (path === '$') return value;
  const parts = path.replace(/^\$\./, '').split('.');
  const copy = structuredClone(isRecord(input) ? input : {}) as Record<string, unknown>;
  let cur = copy;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[parts.at(-1)!] = value;
  return copy;
}

function lambdaError(err: unknown): StatesError {
  const e = err as { name?: string; message?: string };
  return new StatesError(e.name ?? 'Error', JSON.stringify({ errorType: e.name ?? 'Error', errorMessage: e.message ?? String(err), trace: [] }));
}

function matches(list: readonly string[], error: string): boolean {
  return list.includes(error) || (list.includes('States.ALL') && !error.startsWith('States.Runtime'));
}

const KNOWN_KEYS: Record<string, Set<string>> = {
  Task: new Set(['Type', 'Resource', 'Parameters', 'OutputPath', 'ResultPath', 'TimeoutSeconds', 'Retry', 'Catch', 'Next', 'End']),
  Map: new Set(['Type', 'ItemReader', 'ItemBatcher', 'ItemProcessor', 'MaxConcurrency', 'ToleratedFailurePercentagePath', 'ResultWriter', 'ResultPath', 'Catch', 'Next', 'End']),
};

function checkKeys(name: string, state: AslState): void {
  const known = KNOWN_KEYS[state.Type];
  if (!known) throw new Error(`emulator: state ${name} has type ${state.Type}, which it does not run`);
  const unknown = Object.keys(state).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`emulator: state ${name} uses ${unknown.join(', ')}, which it does not run`);
}

export interface ResultWriterTarget {
  bucket: string;
  prefix: string;
  mapRunId: string;
  mapRunArn: string;
  stateMachineName: string;
  stateName: string;
  startTime: Date;
}

/** Writes the child executions' results and the manifest as Step Functions' ResultWriter does (Transformation NONE). */
export async function writeResultWriterFiles(s3: S3Client, target: ResultWriterTarget, records: readonly ChildExecutionRecord[]): Promise<{ manifestKey: string }> {
  const dir = `${target.prefix}/${target.mapRunId}`;
  const files: Record<string, Array<{ Key: string; Size: number }>> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const status of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
    const group = records.filter((r) => r.status === status);
    if (group.length === 0) continue;
    const body = JSON.stringify(
      group.map((r, n) => {
        const executionName = `${target.mapRunId.slice(0, 8)}-${status}-${n}`;
        return {
          ExecutionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${target.stateMachineName}/${target.stateName}:${executionName}`,
          Input: JSON.stringify(r.input),
          InputDetails: { Included: true },
          Name: executionName,
          ...(r.output !== undefined ? { Output: JSON.stringify(r.output), OutputDetails: { Included: true } } : {}),
          ...(r.error !== undefined ? { Error: r.error, Cause: r.cause } : {}),
          RedriveCount: 0,
          RedriveStatus: status === 'SUCCEEDED' ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
          ...(status === 'SUCCEEDED' ? { RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven' } : {}),
          StartDate: target.startTime.toISOString(),
          StateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${target.stateMachineName}/${target.stateName}`,
          Status: status,
          StopDate: new Date().toISOString(),
        };
      }),
    );
    const key = `${dir}/${status}_0.json`;
    await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: body }));
    files[status]!.push({ Key: key, Size: Buffer.byteLength(body) });
  }
  const manifestKey = `${dir}/manifest.json`;
  const manifest = { DestinationBucket: target.bucket, MapRunArn: target.mapRunArn, ResultFiles: files };
  await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: manifestKey, Body: JSON.stringify(manifest) }));
  return { manifestKey };
}

export async function runStateMachine(definition: AslDefinition, input: unknown, options: EmulatorOptions): Promise<EmulatedRun> {
  const run: EmulatedRun = { status: 'SUCCEEDED', states: [], children: [], retries: [] };
  const context = { Execution: { Name: options.executionName, StartTime: options.startTime.toISOString() } };
  const lambdaContext: LambdaContext = { getRemainingTimeInMillis: () => options.remainingMs ?? 600_000, awsRequestId: randomUUID() };

  const task = async (name: string, state: AslState, stateInput: unknown): Promise<unknown> => {
    if (state.Resource !== 'arn:aws:states:::lambda:invoke') throw new Error(`emulator: ${name} calls ${String(state.Resource)}`);
    const params = resolve(state.Parameters, stateInput, context) as { FunctionName: string; Payload: unknown };
    const fn = options.functions[params.FunctionName];
    if (!fn) throw new Error(`emulator: no function ${params.FunctionName}`);
    const retriers = (state.Retry ?? []) as AslRetrier[];
    const used = new Map<AslRetrier, number>();
    for (;;) {
      try {
        // Step Functions passes the payload through JSON: the function never sees shared objects.
        const payload = (await fn(JSON.parse(JSON.stringify(params.Payload)) as unknown, lambdaContext)) ?? null;
        let result: unknown = { Payload: JSON.parse(JSON.stringify(payload)) as unknown, StatusCode: 200 };
        if (state.OutputPath) result = readPath(state.OutputPath as string, result, context);
        return state.ResultPath ? setPath(stateInput, state.ResultPath as string, result) : result;
      } catch (err) {
        const failure = err instanceof StatesError ? err : lambdaError(err);
        const retrier = retriers.find((r) => matches(r.ErrorEquals, failure.error));
        const attempts = retrier ? (used.get(retrier) ?? 0) : 0;
        if (retrier && attempts < retrier.MaxAttempts) {
          used.set(retrier, attempts + 1);
          run.retries.push(`${name}: ${failure.error}`);
          continue;
        }
        throw failure;
      }
    }
  };

  const map = async (name: string, state: AslState, stateInput: unknown): Promise<unknown> => {
    const processor = state.ItemProcessor as { ProcessorConfig: { Mode: string }; StartAt: string; States: Record<string, AslState> };
    if (processor.ProcessorConfig.Mode !== 'DISTRIBUTED') throw new Error(`emulator: ${name} is not a DISTRIBUTED map`);
    const reader = state.ItemReader as { Resource: string; ReaderConfig: { InputType: string }; Parameters: Record<string, unknown> };
    if (reader.Resource !== 'arn:aws:states:::s3:getObject' || reader.ReaderConfig.InputType !== 'JSON') throw new Error(`emulator: ${name} reads items another way`);
    const where = resolve(reader.Parameters, stateInput, context) as { Bucket: string; Key: string };
    const text = await (await options.s3.send(new GetObjectCommand({ Bucket: where.Bucket, Key: where.Key }))).Body!.transformToString();
    const items = JSON.parse(text) as unknown;
    if (!Array.isArray(items)) throw new StatesError('States.ItemReaderFailed', 'the item file is not a JSON array');
    const batcher = state.ItemBatcher as { MaxItemsPerBatch: number; BatchInput: unknown };
    const batchInput = resolve(batcher.BatchInput, stateInput, context);
    const batches: unknown[][] = [];
    for (let i = 0; i < items.length; i += batcher.MaxItemsPerBatch) batches.push(items.slice(i, i + batcher.MaxItemsPerBatch));
    const tolerance = Number(readPath(state.ToleratedFailurePercentagePath as string, stateInput, context));
    const mapRunId = randomUUID();
    run.mapRunArn = `arn:aws:states:${REGION}:${ACCOUNT}:mapRun:${options.stateMachineName}/${name}:${mapRunId}`;

    const limit = pLimit(Number(state.MaxConcurrency));
    let failedItems = 0;
    let stopped = false;
    const records: ChildExecutionRecord[] = batches.map((b) => ({ input: { BatchInput: batchInput, Items: b }, status: 'PENDING', attempts: 0 }));
    await Promise.all(
      records.map((record, i) =>
        limit(async () => {
          if (stopped) return;
          const worker = processor.States[processor.StartAt]!;
          checkKeys(processor.StartAt, worker);
          try {
            record.output = await task(processor.StartAt, worker, record.input);
            record.status = 'SUCCEEDED';
          } catch (err) {
            if (!(err instanceof StatesError)) throw err;
            record.status = 'FAILED';
            record.error = err.error;
            record.cause = err.causeText;
            failedItems += batches[i]!.length;
            if ((100 * failedItems) / items.length > tolerance) stopped = true;
          }
        }),
      ),
    );
    run.children.push(...records);

    const writer = state.ResultWriter as { Resource: string; Parameters: { Bucket: string; Prefix: string } };
    if (writer.Resource !== 'arn:aws:states:::s3:putObject') throw new Error(`emulator: ${name} exports results another way`);
    const { manifestKey } = await writeResultWriterFiles(options.s3, { bucket: writer.Parameters.Bucket, prefix: writer.Parameters.Prefix, mapRunId, mapRunArn: run.mapRunArn, stateMachineName: options.stateMachineName, stateName: name, startTime: options.startTime }, records);
    if (stopped) throw new StatesError('States.ExceedToleratedFailureThreshold', `The specified tolerated failure threshold was exceeded (${tolerance}%)`);
    const output = { MapRunArn: run.mapRunArn, ResultWriterDetails: { Bucket: writer.Parameters.Bucket, Key: manifestKey } };
    return setPath(stateInput, (state.ResultPath as string | undefined) ?? '$', output);
  };

  let name: string | undefined = definition.StartAt;
  let data: unknown = input;
  while (name !== undefined) {
    const state: AslState | undefined = definition.States[name];
    if (!state) throw new Error(`emulator: no state ${name}`);
    checkKeys(name, state);
    run.states.push(name);
    try {
      data = state.Type === 'Task' ? await task(name, state, data) : await map(name, state, data);
    } catch (err) {
      if (!(err instanceof StatesError)) throw err;
      const catchers = (state.Catch ?? []) as Array<{ ErrorEquals: string[]; ResultPath?: string; Next: string }>;
      const handler: { ErrorEquals: string[]; ResultPath?: string; Next: string } | undefined = catchers.find((c) => matches(c.ErrorEquals, err.error));
      if (!handler) {
        run.status = 'FAILED';
        run.error = { Error: err.error, Cause: err.causeText };
        return run;
      }
      data = setPath(data, handler.ResultPath ?? '$', { Error: err.error, Cause: err.causeText });
      name = handler.Next;
      continue;
    }
    name = state.End ? undefined : (state.Next as string);
  }
  run.output = data;
  return run;
}
