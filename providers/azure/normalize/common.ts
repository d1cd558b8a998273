/** Small mappers shared by the Application Gateway and Load Balancer normalizers. */
import type { InputKind, NotCollected, Protocol } from '../../../src/model/index.js';
import type { AzureApi } from '../apis.js';
import type { SubscriptionContext } from './context.js';

/** `Http` → `HTTP`; undefined for protocols the model has no name for. */
export function modelProtocol(value: string | undefined): Protocol | undefined {
  switch ((value ?? '').toLowerCase()) {
    case 'http':
      return 'HTTP';
    case 'https':
      return 'HTTPS';
    case 'tcp':
      return 'TCP';
    case 'tls':
      return 'TLS';
    case 'udp':
      return 'UDP';
    case 'all':
      return 'TCP_UDP';
    default:
      return undefined;
  }
}

/** A NotCollected entry when collection recorded a failure of `api` (about `resourceId` or the whole call). */
export function notCollectedIf(ctx: SubscriptionContext, input: InputKind, api: AzureApi, resourceId?: string): NotCollected[] {
  const failure = ctx.failure(api, resourceId);
  if (!failure) return [];
  return [{ input, api: api.operation, ...(failure.httpStatus === 403 ? { permission: failure.permission ?? api.action } : {}), code: failure.code }];
}

/** A NotCollected entry for a call that was not made at all (e.g. no result recorded and no error either). */
export function notMade(input: InputKind, api: AzureApi, code: string): NotCollected {
  return { input, api: api.operation, code };
}
