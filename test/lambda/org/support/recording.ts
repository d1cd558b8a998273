/**
 * Records the IAM action of every command real SDK clients send (a middleware at the top of their stacks), so tests
 * can compare what the code calls with what the stack grants, as the collector's permission test does.
 */
import type { MiddlewareStack } from '@smithy/types';
import { createAwsClientPool } from '../../../../providers/aws/clients.js';
import { awsAdapter } from '../../../../providers/aws/index.js';
import { collectAwsWithClients } from '../../../../providers/aws/collect/index.js';
import { awsCollectOptions } from '../../../../providers/aws/options.js';
import type { OrgClients } from '../../../../src/lambda/org/clients.js';
import type { ProviderAdapter } from '../../../../src/provider.js';

const PREFIX: Record<string, string> = {
  S3Client: 's3',
  SNSClient: 'sns',
  STSClient: 'sts',
  EC2Client: 'ec2',
  OrganizationsClient: 'organizations',
  ElasticLoadBalancingV2Client: 'elasticloadbalancing',
  ElasticLoadBalancingClient: 'elasticloadbalancing',
  CloudWatchClient: 'cloudwatch',
  ACMClient: 'acm',
};

/**
 * The IAM actions an API call needs, where they differ from its name (Amazon S3 User Guide, "Actions, resources,
 * and condition keys"): HeadObject and CopyObject's source need s3:GetObject; the multipart calls s3:PutObject.
 */
const IAM_OF: Record<string, string[]> = {
  's3:HeadObject': ['s3:GetObject'],
  's3:CopyObject': ['s3:GetObject', 's3:PutObject'],
  's3:CreateMultipartUpload': ['s3:PutObject'],
  's3:UploadPart': ['s3:PutObject'],
  's3:CompleteMultipartUpload': ['s3:PutObject'],
};

export function iamActionsOf(calls: Iterable<string>): string[] {
  return [...new Set([...calls].flatMap((c) => IAM_OF[c] ?? [c]))].sort();
}

type AnyClient = { middlewareStack: unknown };

/** Adds the recording middleware once per client. */
export function record<C extends AnyClient>(client: C, sink: Set<string>): C {
  const stack = client.middlewareStack as MiddlewareStack<object, object>;
  if (stack.identify().some((m) => m.startsWith('cloud502RecordCommands'))) return client;
  stack.add(
    (next, context) => async (args) => {
      const ctx = context as { clientName?: string; commandName?: string };
      sink.add(`${PREFIX[ctx.clientName ?? ''] ?? ctx.clientName}:${(ctx.commandName ?? '').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'initialize', name: 'cloud502RecordCommands' },
  );
  return client;
}

/** The organization functions' clients, every command recorded into `sink`. */
export function recordingClients(base: OrgClients, sink: Set<string>): OrgClients {
  return {
    s3: () => record(base.s3(), sink),
    sns: () => record(base.sns(), sink),
    organizations: () => record(base.organizations(), sink),
    sts: () => record(base.sts(), sink),
    ec2: (region, credentials) => record(base.ec2(region, credentials), sink),
  };
}

/** The AWS adapter with the collector's clients recorded into `sink` (the worker's loadAdapter). */
export function recordingAdapterLoader(endpointUrl: string, sink: Set<string>): () => Promise<ProviderAdapter> {
  return async () =>
    ({
      ...awsAdapter,
      async collect(options) {
        const pool = await createAwsClientPool({ endpointUrl });
        try {
          return await collectAwsWithClients(awsCollectOptions(options), (region, account) => {
            const clients = pool.forRegion(region, account);
            for (const c of Object.values(clients)) record(c, sink);
            return clients;
          });
        } finally {
          pool.destroy();
        }
      },
    }) as ProviderAdapter;
}
