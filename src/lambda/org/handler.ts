/**
 * The entry point of the organization audit's three functions, one bundle for all: CLOUD502_ORG_STEP (plan, worker,
 * merge) says which step this function is. Its configuration is read and validated here, at cold start, so a bad
 * variable fails the init with one line naming it, before the state machine ever calls it. See config.ts.
 */
import { defaultRegistry } from '../../audit.js';
import { loadAuditConfig } from '../run.js';
import { lazyOrgClients } from './clients.js';
import { readMergeConfig, readPlanConfig, readStep, readWorkerConfig } from './config.js';
import { createMergeHandler } from './merge.js';
import { createPlanHandler } from './plan.js';
import { createWorker } from './worker.js';
import type { LambdaContext } from '../run.js';

type Handler = (event: unknown, context: LambdaContext) => Promise<unknown>;

async function init(): Promise<Handler> {
  const step = readStep(process.env);
  switch (step) {
    case 'plan': {
      const config = readPlanConfig(process.env);
      const clients = lazyOrgClients({ ...(config.endpointUrl !== undefined ? { endpointUrl: config.endpointUrl } : {}), homeRegion: config.homeRegion });
      return createPlanHandler(config, { clients });
    }
    case 'worker': {
      const registry = await defaultRegistry();
      const config = readWorkerConfig(process.env, registry);
      const clients = lazyOrgClients(config.endpointUrl !== undefined ? { endpointUrl: config.endpointUrl } : {});
      const auditConfig = await loadAuditConfig(config.auditConfig, config.bucket, registry, clients);
      return createWorker(config, auditConfig, { registry, clients });
    }
    case 'merge': {
      const registry = await defaultRegistry();
      const config = readMergeConfig(process.env);
      const clients = lazyOrgClients({ ...(config.endpointUrl !== undefined ? { endpointUrl: config.endpointUrl } : {}), ...(config.topicArn !== undefined ? { topicArn: config.topicArn } : {}) });
      return createMergeHandler(config, { clients, registry });
    }
  }
}

export const handler: Handler = await init();
