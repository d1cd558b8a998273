import { describe, expect, it } from 'vitest';
import { validateAwsRaw } from '../../../../providers/aws/snapshot.js';
import { SnapshotError } from '../../../../src/errors.js';
import { emptyRegion, snapshot } from './raw-builder.js';

/** A valid snapshot as plain JSON, to break one field at a time. */
const valid = (): Record<string, unknown> => JSON.parse(JSON.stringify(snapshot(emptyRegion()))) as Record<string, unknown>;

function broken(edit: (s: Record<string, any>) => void): unknown {
  const s = valid();
  edit(s);
  return s;
}

describe('validateAwsRaw', () => {
  it('accepts a valid snapshot and returns it', () => {
    const s = valid();
    expect(validateAwsRaw(s)).toBe(s);
  });

  it.each<[string, unknown, RegExp]>([
    ['an array', [], /expected a JSON object, got an array/],
    ['null', null, /expected a JSON object, got null/],
    ['a string', 'snapshot', /expected a JSON object, got a string/],
    ['no format', broken((s) => delete s.format), /no "format" field \(expected "cloud502-raw-snapshot"\)/],
    ['a report', broken((s) => (s.format = 'cloud502-report')), /format "cloud502-report"/],
    ['another provider', broken((s) => (s.provider = 'azure')), /provider is "azure" \(expected "aws"\)/],
    ['a newer schema', broken((s) => (s.schemaVersion = 2)), /schemaVersion 2 \(supported: 1\)/],
    ['no schema', broken((s) => delete s.schemaVersion), /schemaVersion null \(supported: 1\)/],
    ['a bad collectedAt', broken((s) => (s.collectedAt = 'yesterday')), /collectedAt must be an ISO-8601 timestamp/],
    ['a string demo flag', broken((s) => (s.demo = 'yes')), /demo must be true or false/],
    ['no regions', broken((s) => delete s.regions), /^regions must be an array \(got nothing\)$/],
    ['regions as object', broken((s) => (s.regions = {})), /^regions must be an array \(got an object\)$/],
    ['a region without a name', broken((s) => delete s.regions[0].region), /regions\[0\]\.region must be a region name/],
    ['no elbv2 section', broken((s) => delete s.regions[0].elbv2), /regions\[0\]\.elbv2 must be an object \(got nothing\)/],
    ['target groups as object', broken((s) => (s.regions[0].elbv2.targetGroups = {})), /regions\[0\]\.elbv2\.targetGroups must be an array/],
    ['a non-array target health entry', broken((s) => (s.regions[0].elbv2.targetHealth = { arn: {} })), /regions\[0\]\.elbv2\.targetHealth\["arn"\] must be an array/],
    ['no ec2 subnets', broken((s) => delete s.regions[0].ec2.subnets), /regions\[0\]\.ec2\.subnets must be an array/],
    ['a null instance', broken((s) => (s.regions[0].ec2.instances = [null])), /regions\[0\]\.ec2\.instances\[0\] must be an object \(got null\)/],
    ['a classic attributes array', broken((s) => (s.regions[0].elb.attributes = { legacy: [] })), /regions\[0\]\.elb\.attributes\["legacy"\] must be an object/],
    ['a metric query without id', broken((s) => (s.regions[0].cloudwatch.queries = [{ resourceArn: 'a', namespace: 'AWS/ELB', metricName: 'x', stat: 'Sum', periodSeconds: 60 }])), /cloudwatch\.queries\[0\]\.id must be a string/],
    ['a bad metrics window', broken((s) => (s.regions[0].cloudwatch.window = { start: 1 })), /cloudwatch\.window needs start, end/],
    ['an error without code', broken((s) => (s.regions[0].errors = [{ api: 'ec2:DescribeVpcs', message: 'm' }])), /errors\[0\]\.code must be a string/],
    ['no acm', broken((s) => delete s.regions[0].acm), /regions\[0\]\.acm must be an object/],
  ])('rejects %s with one clear line', (_, value, message) => {
    let thrown: unknown;
    try {
      validateAwsRaw(value);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SnapshotError);
    const text = (thrown as Error).message;
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});
