/**
 * Reads a saved JSON report (`audit --format json`) for `report`, `diff` and `baseline create`, validated against the
 * published schema (schema/report.schema.json) so that every renderer can trust its input. ajv is loaded only by the
 * commands that read reports.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { packageRoot } from '../audit.js';
import { SnapshotError } from '../errors.js';
import { expandPassed } from '../report/passes.js';
import type { Report } from '../report/types.js';
import { READABLE_REPORT_SCHEMA_VERSIONS, REPORT_SCHEMA_VERSION } from '../report/types.js';
import { readJsonFile, RAW_SNAPSHOT_FORMAT } from '../snapshot.js';

let validator: Promise<ValidateFunction> | undefined;

async function compileValidator(): Promise<ValidateFunction> {
  const [{ Ajv2020 }, formats, schemaText] = await Promise.all([
    import('ajv/dist/2020.js'),
    import('ajv-formats'),
    readFile(join(packageRoot(), 'schema', 'report.schema.json'), 'utf8'),
  ]);
  // ajv-formats is CommonJS: through ESM interop its plugin may sit one `default` deeper.
  const mod = formats.default as unknown as { default?: unknown };
  const addFormats = (typeof mod === 'function' ? mod : mod.default) as (ajv: InstanceType<typeof Ajv2020>) => unknown;
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(schemaText) as object);
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'the top level' : e.instancePath;
  const extra =
    e.keyword === 'additionalProperties' ? ` ("${String((e.params as { additionalProperty?: unknown }).additionalProperty)}")` :
    e.keyword === 'enum' ? ` (${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')})` : '';
  return `${where} ${e.message ?? 'is invalid'}${extra}`;
}

/**
 * Checks that a parsed value is a cloud502 JSON report this version can read.
 * @throws SnapshotError one line naming the file: a raw snapshot, another version, or the first schema violation.
 */
export async function checkReport(value: unknown, path: string): Promise<Report> {
  const where = `report ${path}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SnapshotError(`${where} is not a cloud502 JSON report (expected a JSON object)`);
  }
  const v = value as Record<string, unknown>;
  // The two likely mix-ups get a precise answer instead of a schema path.
  if (v.format === RAW_SNAPSHOT_FORMAT) {
    throw new SnapshotError(`${where} is a raw snapshot, not a JSON report (audit it with "cloud502 audit --snapshot ${path} --format json")`);
  }
  if (typeof v.schemaVersion === 'number' && !READABLE_REPORT_SCHEMA_VERSIONS.includes(v.schemaVersion) && 'results' in v) {
    const hint = v.schemaVersion > REPORT_SCHEMA_VERSION ? 'upgrade cloud502 to read it' : 'audit again with this version';
    throw new SnapshotError(
      `${where} has schemaVersion ${v.schemaVersion}; this version of cloud502 reads versions ${READABLE_REPORT_SCHEMA_VERSIONS.join(' and ')} (${hint})`,
    );
  }
  validator ??= compileValidator();
  const validate = await validator;
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new SnapshotError(`${where} is not a cloud502 JSON report (${first ? describeError(first) : 'schema validation failed'})`);
  }
  try {
    return expandPassed(value as unknown as Report);
  } catch (err) {
    throw new SnapshotError(`${where} is not a cloud502 JSON report (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * Reads, parses and validates a JSON report file. `path` is what is read; `label` names the file in errors, as the
 * user wrote it (the two differ when `path` was resolved against the CLI's working directory).
 */
export async function readReportFile(path: string, label = path): Promise<Report> {
  let value: unknown;
  try {
    value = await readJsonFile(path, 'report');
  } catch (err) {
    if (err instanceof SnapshotError && path !== label) throw new SnapshotError(err.message.replace(`report ${path}`, `report ${label}`));
    throw err;
  }
  return checkReport(value, label);
}
