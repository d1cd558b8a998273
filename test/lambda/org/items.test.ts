/**
 * Map items and the ResultWriter files are data read back from a bucket: every reader validates them, hostile
 * values are refused in one line, and the documented shapes parse.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { accountName, compareItems, parseItem } from '../../../src/lambda/org/items.js';
import { failureMessage, mapRunOutputOf, parseChildExecution, parseManifest } from '../../../src/lambda/org/map-files.js';

const ROLE = 'arn:aws:iam::111122223333:role/cloud502-audit';

describe('parseItem', () => {
  it('accepts an item, with an external id and a name made single-line', () => {
    expect(parseItem({ account: '111122223333', region: 'eu-west-1', roleArn: ROLE, externalId: 'ext-1', name: 'shop\u0000\nprod' }, 'item 1')).toEqual({
      account: '111122223333',
      region: 'eu-west-1',
      roleArn: ROLE,
      externalId: 'ext-1',
      name: 'shop prod',
    });
    expect(accountName('x'.repeat(300))).toHaveLength(256);
  });

  it.each([
    ['not an object', 'x', /item 1: expected an object/],
    ['a short account', { account: '1234', region: 'eu-west-1', roleArn: ROLE }, /"1234" is not a 12-digit account id/],
    ['a path as region', { account: '111122223333', region: '../x', roleArn: ROLE }, /"\.\.\/x" is not a region name/],
    ['a role elsewhere', { account: '444455556666', region: 'eu-west-1', roleArn: ROLE }, /role .* is not in account 444455556666/],
    ['not a role', { account: '111122223333', region: 'eu-west-1', roleArn: 'arn:aws:iam::111122223333:user/x' }, /is not an IAM role ARN/],
    ['a number as region', { account: '111122223333', region: 7, roleArn: ROLE }, /"region" must be a string/],
    ['an unknown key', { account: '111122223333', region: 'eu-west-1', roleArn: ROLE, credentials: 'x' }, /unknown key "credentials"/],
  ])('refuses %s', (_name, value, message) => {
    expect(() => parseItem(value, 'item 1')).toThrow(ConfigError);
    expect(() => parseItem(value, 'item 1')).toThrow(message);
  });

  it('orders by account, then region', () => {
    const items = [
      { account: '222222222222', region: 'eu-west-1' },
      { account: '111111111111', region: 'us-east-1' },
      { account: '111111111111', region: 'eu-west-1' },
    ];
    expect(items.sort(compareItems).map((i) => `${i.account}/${i.region}`)).toEqual(['111111111111/eu-west-1', '111111111111/us-east-1', '222222222222/eu-west-1']);
  });
});

describe('ResultWriter files', () => {
  // The manifest example of the Step Functions developer guide ("ResultWriter (Map)").
  const manifest = {
    DestinationBucket: 'amzn-s3-demo-destination-bucket',
    MapRunArn: 'arn:aws:states:us-east-2:123456789012:mapRun:csvProcess/Map:ad9b5f27-090b-3ac6-9beb-243cd77144a7',
    ResultFiles: {
      FAILED: [],
      PENDING: [],
      SUCCEEDED: [{ Key: 'csvProcessJobs/ad9b5f27-090b-3ac6-9beb-243cd77144a7/SUCCEEDED_0.json', Size: 1661 }],
    },
  };

  it('parses the documented manifest, a status left out meaning no file', () => {
    expect(parseManifest(manifest, 'm')).toEqual(manifest);
    const { PENDING: _, ...partial } = manifest.ResultFiles;
    expect(parseManifest({ ...manifest, ResultFiles: partial }, 'm').ResultFiles.PENDING).toEqual([]);
  });

  it.each([
    ['no bucket', { ...manifest, DestinationBucket: '' }, /DestinationBucket is missing/],
    ['no map run', { ...manifest, MapRunArn: 'x' }, /MapRunArn is missing/],
    ['a status that is not a list', { ...manifest, ResultFiles: { SUCCEEDED: {} } }, /ResultFiles.SUCCEEDED is not a list/],
    ['a file without a key', { ...manifest, ResultFiles: { FAILED: [{ Size: 1 }] } }, /ResultFiles.FAILED\[0\].Key is missing/],
  ])('refuses a manifest with %s', (_name, value, message) => {
    expect(() => parseManifest(value, 's3://b/manifest.json')).toThrow(message);
  });

  it('reads child executions and their Lambda errors as one line', () => {
    const failed = parseChildExecution(
      { ExecutionArn: 'arn:x', Input: '{"Items":[]}', Status: 'FAILED', Error: 'CollectionError', Cause: JSON.stringify({ errorType: 'CollectionError', errorMessage: 'cannot reach\nAWS', trace: ['a'] }), RedriveCount: 0 },
      'f',
    );
    expect(failureMessage(failed)).toBe('cannot reach AWS');
    expect(failureMessage({ Error: 'States.Timeout', Cause: '' })).toBe('the child execution failed with States.Timeout');
    expect(failureMessage({ Cause: 'x'.repeat(2000) })).toHaveLength(1000);
    expect(() => parseChildExecution({ Status: 'SUCCEEDED' }, 'r')).toThrow('r: the child execution has no Input');
    expect(() => parseChildExecution({ Input: '{}', Output: { a: 1 } }, 'r')).toThrow('r: Output is not text');
  });

  it('recognizes the Map state output with ResultWriterDetails, and nothing else', () => {
    const output = { MapRunArn: manifest.MapRunArn, ResultWriterDetails: { Bucket: 'b', Key: 'csvProcessJobs/x/manifest.json' } };
    expect(mapRunOutputOf(output)).toEqual(output);
    expect(mapRunOutputOf({ Error: 'States.ALL' })).toBeUndefined();
    expect(mapRunOutputOf({ MapRunArn: 'x', ResultWriterDetails: { Bucket: 'b' } })).toBeUndefined();
  });
});
