/**
 * The scheduled Lambda's entry point (EventBridge schedule → `handler`). Everything configurable is read and
 * validated here, at cold start: a bad environment variable fails the init with one line naming it, before any
 * schedule fires an audit. The handler itself is run.ts `createHandler`; see config.ts for the variables.
 */
import { defaultRegistry } from '../audit.js';
import { lazyClients } from './clients.js';
import { readLambdaConfig } from './config.js';
import { createHandler, loadAuditConfig } from './run.js';

const registry = await defaultRegistry();
const config = await readLambdaConfig(process.env, registry);
const clients = lazyClients({
  ...(config.endpointUrl !== undefined ? { endpointUrl: config.endpointUrl } : {}),
  ...(config.topicArn !== undefined ? { topicArn: config.topicArn } : {}),
});
const auditConfig = await loadAuditConfig(config.auditConfig, config.bucket, registry, clients);

export const handler = createHandler(config, auditConfig, { registry, clients });
