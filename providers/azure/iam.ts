/**
 * The permissions `cloud502 audit --provider azure` needs: exactly the RBAC actions the collect layer calls, as an
 * Azure custom role definition (`az role definition create --role-definition @cloud502-role.json`).
 * Reader has every read action but not the two health actions (long-running POSTs), so a Reader audit records them as
 * coverage gaps; test/providers/azure/collect records every request the collector sends and compares.
 */
import type { PermissionDocument } from '../../src/provider.js';
import type { AzureApi } from './apis.js';
import { AZURE_API } from './apis.js';

/** Listing subscriptions needs no role: every identity sees the subscriptions it has a role in. */
const NOT_IN_ROLE = new Set<string>([AZURE_API.listSubscriptions.action]);

const APIS: readonly AzureApi[] = Object.values(AZURE_API);

/** Sorted, unique. */
export const AZURE_ROLE_ACTIONS: readonly string[] = [...new Set(APIS.filter((a) => !a.dataAction).map((a) => a.action))].filter((a) => !NOT_IN_ROLE.has(a)).sort();

/** The data actions of data-plane calls (the metrics batch API), sorted, unique. */
export const AZURE_ROLE_DATA_ACTIONS: readonly string[] = [...new Set(APIS.filter((a) => a.dataAction).map((a) => a.action))].sort();

export interface AzureRoleDefinition {
  Name: string;
  IsCustom: true;
  Description: string;
  Actions: string[];
  NotActions: string[];
  DataActions: string[];
  NotDataActions: string[];
  AssignableScopes: string[];
}

/**
 * @example JSON.stringify(azureRoleDefinition(['00000000-0000-0000-0000-000000000000']), null, 2)
 */
export function azureRoleDefinition(subscriptionIds: readonly string[] = []): AzureRoleDefinition {
  const scopes = subscriptionIds.length > 0 ? subscriptionIds.map((id) => `/subscriptions/${id}`) : ['/subscriptions/00000000-0000-0000-0000-000000000000'];
  return {
    Name: 'cloud502 auditor',
    IsCustom: true,
    Description:
      'Read-only audit of load balancers and application gateways by cloud502: reads their configuration, network and compute, ' +
      'Azure Monitor metrics (the data action serves the batch metrics API), and asks for backend health (the two health actions run probes; they change nothing).',
    Actions: [...AZURE_ROLE_ACTIONS],
    NotActions: [],
    DataActions: [...AZURE_ROLE_DATA_ACTIONS],
    NotDataActions: [],
    AssignableScopes: scopes,
  };
}

export function azurePermissions(): PermissionDocument {
  return {
    title: 'Azure custom role definition (JSON): replace the subscription id in AssignableScopes, then run az role definition create --role-definition @cloud502-role.json',
    text: `${JSON.stringify(azureRoleDefinition(), null, 2)}\n`,
    permissions: [...new Set([...AZURE_ROLE_ACTIONS, ...AZURE_ROLE_DATA_ACTIONS])],
  };
}
