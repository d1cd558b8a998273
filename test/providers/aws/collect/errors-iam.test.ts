import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { awsErrorCode, classifyAwsError, credentialsError, toCollectionErrorRecord, unreachableError } from '../../../../providers/aws/errors.js';
import { AWS_READ_ONLY_ACTIONS, awsIamPolicy, awsIamPolicyJson } from '../../../../providers/aws/iam.js';
import { CollectionError, CredentialsError } from '../../../../src/errors.js';

const named = (name: string, message = 'x', extra: object = {}) => Object.assign(new Error(message), { name }, extra);
const system = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code, address: '127.0.0.1', port: 9 });

describe('classifyAwsError', () => {
  it.each([
    [named('AccessDenied'), 'access-denied'],
    [named('AccessDeniedException'), 'access-denied'],
    [named('UnauthorizedOperation'), 'access-denied'],
    [named('UnauthorizedAccess'), 'access-denied'],
    [named('Throttling'), 'throttling'],
    [named('RequestLimitExceeded'), 'throttling'],
    [named('CredentialsProviderError', 'Could not load credentials from any providers'), 'credentials'],
    [named('Error', 'Could not resolve credentials using profile: [prod] in configuration/credentials file(s).'), 'credentials'],
    [named('ExpiredToken'), 'credentials'],
    [named('ExpiredTokenException'), 'credentials'],
    [named('InvalidClientTokenId'), 'credentials'],
    [named('SignatureDoesNotMatch'), 'credentials'],
    [named('AuthFailure'), 'credentials'],
    [named('TokenProviderError', 'The SSO session associated with this profile has expired or is otherwise invalid.'), 'credentials'],
    [system('ECONNREFUSED'), 'network'],
    [system('ENOTFOUND'), 'network'],
    [system('ETIMEDOUT'), 'network'],
    [named('TimeoutError', 'Connection timed out after 5000 ms'), 'network'],
    [named('AbortError', 'Request aborted'), 'aborted'],
    [named('LoadBalancerNotFoundException'), 'service'],
    [named('InvalidAction', 'Operation DescribeListenerAttributes is not supported'), 'service'],
  ])('classifies %o as %s', (err, kind) => {
    expect(classifyAwsError(err)).toBe(kind);
  });

  it('takes the code of Node system errors, the name of SDK errors', () => {
    expect(awsErrorCode(system('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(awsErrorCode(named('AccessDenied'))).toBe('AccessDenied');
    expect(awsErrorCode('weird')).toBe('UnknownError');
  });

  it('records the first line of the message and the HTTP status', () => {
    const err = named('AccessDenied', 'User is not authorized\nEncoded authorization failure message: abc', { $metadata: { httpStatusCode: 403 } });
    expect(toCollectionErrorRecord(err, 'ec2:DescribeInstances', 'eu-west-1', 'i-1')).toEqual({
      api: 'ec2:DescribeInstances',
      region: 'eu-west-1',
      code: 'AccessDenied',
      message: 'User is not authorized',
      resourceId: 'i-1',
      httpStatus: 403,
    });
  });
});

describe('fatal errors', () => {
  it('names the default chain and how to choose a profile when no profile was given', () => {
    const err = credentialsError(named('CredentialsProviderError', 'Could not load credentials from any providers'), undefined);
    expect(err).toBeInstanceOf(CredentialsError);
    expect(err.message).toBe(
      'AWS credentials from the default credential chain (AWS_PROFILE, environment, ~/.aws, SSO, instance role) cannot be used ' +
        '(CredentialsProviderError: Could not load credentials from any providers); pass --profile NAME, or run "aws sso login" / "aws configure"',
    );
  });

  it('names the host that did not resolve when no endpoint override is set', () => {
    const err = unreachableError(Object.assign(system('ENOTFOUND'), { hostname: 'elasticloadbalancing.xx-east-1.amazonaws.com' }), 'xx-east-1', undefined, 'elasticloadbalancing');
    expect(err).toBeInstanceOf(CollectionError);
    expect(err.message).toBe(
      'cannot reach AWS elasticloadbalancing at elasticloadbalancing.xx-east-1.amazonaws.com for region xx-east-1 (ENOTFOUND); check the network, proxy and that the region is enabled for the account',
    );
  });
});

describe('AWS_READ_ONLY_ACTIONS and the IAM policy', () => {
  it('lists sorted, unique service:Action names that only read', () => {
    expect([...AWS_READ_ONLY_ACTIONS].sort()).toEqual([...AWS_READ_ONLY_ACTIONS]);
    expect(new Set(AWS_READ_ONLY_ACTIONS).size).toBe(AWS_READ_ONLY_ACTIONS.length);
    for (const action of AWS_READ_ONLY_ACTIONS) {
      expect(action).toMatch(/^(elasticloadbalancing|ec2|cloudwatch|acm):(Describe|Get)[A-Za-z]+$/);
      expect(action.split(':')[1]).not.toMatch(/^(Create|Delete|Modify|Put|Register|Set|Add|Remove|Attach|Detach|Update|Authorize|Revoke)/);
    }
  });

  it('builds a policy that allows exactly those actions', () => {
    const policy = awsIamPolicy();
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Cloud502ReadOnlyAudit', Effect: 'Allow', Action: [...AWS_READ_ONLY_ACTIONS], Resource: '*' }],
    });
    expect(JSON.parse(awsIamPolicyJson())).toEqual(policy);
  });
});

describe('lazy SDK loading', () => {
  it('loads no AWS SDK client when the collect modules are imported, only when collection starts', async () => {
    // The SDK clients are CommonJS: once loaded they appear in require.cache of this worker process.
    const require = createRequire(import.meta.url);
    const sdkLoaded = () => Object.keys(require.cache).some((k) => /@aws-sdk[\\/]client-/.test(k));
    await import('../../../../providers/aws/collect/index.js');
    await import('../../../../providers/aws/iam.js');
    await import('../../../../providers/aws/regions.js');
    expect(sdkLoaded()).toBe(false);
    const { loadAwsSdk } = await import('../../../../providers/aws/clients.js');
    await loadAwsSdk();
    expect(sdkLoaded()).toBe(true);
  });
});
