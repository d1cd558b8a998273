/**
 * Fix intents → Azure CLI commands and azurerm Terraform attributes, right for the kind: an Application Gateway
 * fix names its gateway, backend settings and probe, a Load Balancer fix its rule and probe. Resource groups and
 * names come from the ARM ids and the pool's attributes (normalize/app-gateway.ts, normalize/load-balancer.ts).
 * Every interpolated value is quoted for bash; values a user must supply are shell variables that fail loudly when
 * unset (`${VAR:?…}`), so every command parses with `bash -n`.
 */
import type { FixContext, FixIntent, FixIntentKind, FixRenderer, HealthCheckChanges, RenderedFix } from '../../src/engine/fix.js';
import { commentText, sh as q, userValue } from '../../src/engine/shell.js';
import type { BackendPool, LoadBalancer, LoadBalancerKind, Peer } from '../../src/model/index.js';
import { nameOfId, parentAt, resourceGroupOf, segmentOf } from './ids.js';
import { planNsgSlots } from './nsg-slots.js';


/** What each kind can be told to do (the registry test keeps `supports` equal to `render`). */
const SUPPORTED: Readonly<Record<'azure-appgw' | 'azure-lb', ReadonlySet<FixIntentKind>>> = {
  'azure-appgw': new Set<FixIntentKind>([
    'allow-flow',
    'set-backend-keepalive',
    'set-request-timeout',
    'set-health-check',
    'set-drain',
    'register-targets',
    'start-targets',
    'inspect-target-health',
    'remove-pool',
    'replace-listener-certificate',
    'set-pool-protocol',
    'fix-backend-certificate',
    'fix-default-route',
    'enable-zones',
  ]),
  'azure-lb': new Set<FixIntentKind>([
    'allow-flow',
    'set-backend-keepalive',
    'set-flow-idle-timeout',
    'set-health-check',
    'enable-health-check',
    'register-targets',
    'start-targets',
    'inspect-target-health',
    'remove-pool',
    'enable-zones',
    // A load balancer that passes TLS through: the certificate fixes are on the backends or at the clients.
    'replace-listener-certificate',
    'fix-backend-certificate',
  ]),
};

function gatewayArgs(lb: LoadBalancer | undefined, pool: BackendPool | undefined): string {
  const id = lb?.ref.id ?? pool?.loadBalancerIds[0] ?? '';
  return `--resource-group ${q(resourceGroupOf(id) ?? '')} --gateway-name ${q(lb?.ref.name ?? pool?.attributes.applicationGateway ?? nameOfId(id))}`;
}

function lbArgs(lb: LoadBalancer | undefined, pool: BackendPool | undefined): string {
  const id = lb?.ref.id ?? pool?.loadBalancerIds[0] ?? '';
  return `--resource-group ${q(resourceGroupOf(id) ?? '')} --lb-name ${q(lb?.ref.name ?? pool?.attributes.loadBalancer ?? nameOfId(id))}`;
}

function poolOf(intent: { poolId: string }, ctx: FixContext): BackendPool | undefined {
  return ctx.pool?.ref.id === intent.poolId ? ctx.pool : ctx.index.pool(intent.poolId);
}

function lbOf(ctx: FixContext, pool: BackendPool | undefined, lbId?: string): LoadBalancer | undefined {
  if (lbId) return ctx.index.loadBalancer(lbId) ?? ctx.lb;
  return ctx.lb ?? (pool ? ctx.index.loadBalancersOf(pool)[0] : undefined);
}

function kindOf(lb: LoadBalancer | undefined, pool: BackendPool | undefined): 'azure-appgw' | 'azure-lb' | undefined {
  if (lb?.kind === 'azure-appgw' || lb?.kind === 'azure-lb') return lb.kind;
  if (pool?.ref.type.startsWith('azure-appgw')) return 'azure-appgw';
  if (pool?.ref.type.startsWith('azure-lb')) return 'azure-lb';
  return undefined;
}

/** An NSG rule's address prefix for a peer; undefined for peers an NSG cannot name. */
function prefixOf(peer: Peer): string | undefined {
  switch (peer.type) {
    case 'cidr':
      return peer.cidr;
    case 'service-tag':
      return peer.tag;
    case 'any':
      return '*';
    default:
      return undefined;
  }
}

function allowFlow(intent: Extract<FixIntent, { kind: 'allow-flow' }>, ctx: FixContext): RenderedFix {
  const rg = resourceGroupOf(intent.policyId) ?? '';
  const nsg = nameOfId(intent.policyId);
  const prefixes = intent.peers.map(prefixOf).filter((p): p is string => p !== undefined);
  const asgs = intent.peers.filter((p) => p.type === 'network-tag' && p.tag.startsWith('asg:')).map((p) => (p as { tag: string }).tag.slice(4));
  const ports = intent.ports.from === intent.ports.to ? String(intent.ports.from) : `${intent.ports.from}-${intent.ports.to}`;
  const inbound = intent.direction === 'ingress';
  // Planned with every other fix into this NSG when there are findings to reconcile; on its own otherwise.
  const slot = ctx.slot ?? planNsgSlots(ctx.policy ?? ctx.index.policy(intent.policyId), [intent]).get(intent) ?? { priorities: [], moves: [] };
  const priority = slot.priorities[0];
  if (priority === undefined) {
    // No command that would collide: say what to do by hand.
    const at = intent.beforePriority !== undefined ? `below priority ${intent.beforePriority}` : 'for a new rule';
    return {
      cli: `# no priority is free ${at} in this NSG and the rules there cannot be moved up: free one (az network nsg rule update --priority), then add an ${inbound ? 'inbound' : 'outbound'} allow for ${intent.protocol}/${ports}`,
    };
  }
  // Names are unique within an NSG: the priority (unique per direction) and the direction make them so.
  const name = `cloud502-allow-${intent.purpose}-${ports}${inbound ? '' : '-out'}-p${priority}`;
  const nsgArgs = `--resource-group ${q(rg)} --nsg-name ${q(nsg)}`;
  const moves = [...slot.moves].sort((a, b) => b.from - a.from);
  const moveLines = moves.length
    ? [
        '# make room before the deny rule: move it and the rules right after it to higher priorities, order kept',
        ...moves.map((m) => `az network nsg rule update ${nsgArgs} --name ${q(m.ruleId)} --priority ${m.to}`),
      ]
    : [];
  const peerArgs = [
    ...(prefixes.length > 0 ? [`--${inbound ? 'source' : 'destination'}-address-prefixes ${prefixes.map(q).join(' ')}`] : []),
    ...(asgs.length > 0 ? [`--${inbound ? 'source' : 'destination'}-asgs ${asgs.map(q).join(' ')}`] : []),
  ];
  const create =
    `az network nsg rule create ${nsgArgs} --name ${q(name)} --priority ${priority} ` +
    `--direction ${inbound ? 'Inbound' : 'Outbound'} --access Allow --protocol ${intent.protocol === 'udp' ? 'Udp' : 'Tcp'} ` +
    `${peerArgs.join(' ')} --destination-port-ranges ${q(ports)}`;
  const movedTerraform = moves.map((m) => `; priority = ${m.to} on rule ${JSON.stringify(m.ruleId)}`).join('');
  return {
    cli: [...moveLines, create].join('\n'),
    terraform: `azurerm_network_security_rule { network_security_group_name = "${nsg}", priority = ${priority}, direction = "${inbound ? 'Inbound' : 'Outbound'}", access = "Allow", protocol = "${intent.protocol === 'udp' ? 'Udp' : 'Tcp'}", destination_port_range = "${ports}", ${inbound ? 'source' : 'destination'}_address_prefixes = [${prefixes.map((p) => `"${p}"`).join(', ')}] }${movedTerraform}`,
  };
}

function probeArgs(c: HealthCheckChanges, kind: 'azure-appgw' | 'azure-lb'): string[] {
  const out: string[] = [];
  if (c.intervalSeconds !== undefined) out.push(`--interval ${q(c.intervalSeconds)}`);
  if (kind === 'azure-appgw' && c.timeoutSeconds !== undefined) out.push(`--timeout ${q(c.timeoutSeconds)}`);
  if (c.unhealthyThreshold !== undefined) out.push(kind === 'azure-appgw' ? `--threshold ${q(c.unhealthyThreshold)}` : `--probe-threshold ${q(c.unhealthyThreshold)}`);
  if (c.path !== undefined) out.push(`--path ${q(c.path)}`);
  if (c.port !== undefined) out.push(`--port ${q(c.port)}`);
  if (c.protocol !== undefined) out.push(`--protocol ${q(c.protocol.charAt(0).toUpperCase() + c.protocol.slice(1).toLowerCase())}`);
  if (kind === 'azure-appgw' && c.matcher !== undefined) out.push(`--match-status-codes ${c.matcher.split(',').map((m) => q(m.trim())).join(' ')}`);
  // An empty host: the check does not know the name the backends serve, so the command asks for it.
  if (kind === 'azure-appgw' && c.host !== undefined) out.push(`--host ${c.host === '' ? userValue('BACKEND_HOST_NAME', 'host name the backends serve') : q(c.host)}`);
  return out;
}

function setHealthCheck(intent: Extract<FixIntent, { kind: 'set-health-check' }>, kind: 'azure-appgw' | 'azure-lb', lb: LoadBalancer | undefined, pool: BackendPool | undefined): RenderedFix {
  const args = probeArgs(intent.changes, kind).join(' ');
  if (kind === 'azure-lb') {
    const probe = pool?.attributes.probe;
    if (!probe || probe === '(none)') return enableLbProbe(lb, pool, intent.changes);
    return {
      cli: `az network lb probe update ${lbArgs(lb, pool)} --name ${q(probe)} ${args}`.trim(),
      terraform: 'azurerm_lb_probe { interval_in_seconds, probe_threshold, request_path, port, protocol }',
    };
  }
  const probe = pool?.attributes.probe;
  const settings = pool?.attributes.backendHttpSettings ?? '';
  if (probe && probe !== '(default probe)') {
    return {
      cli: `az network application-gateway probe update ${gatewayArgs(lb, pool)} --name ${q(probe)} ${args}`.trim(),
      terraform: 'azurerm_application_gateway.probe { interval, timeout, unhealthy_threshold, path, host, pick_host_name_from_backend_http_settings, match { status_code } }',
    };
  }
  // The default probe cannot be changed: create a custom probe and attach it to the backend settings.
  const name = `cloud502-${settings}-probe`;
  const protocol = pool?.protocol === 'HTTPS' ? 'Https' : 'Http';
  const withDefaults = { path: '/', intervalSeconds: 30, timeoutSeconds: 30, unhealthyThreshold: 3, ...intent.changes };
  const host = withDefaults.host === undefined ? ' --host-name-from-http-settings true' : '';
  return {
    cli:
      `az network application-gateway probe create ${gatewayArgs(lb, pool)} --name ${q(name)} --protocol ${q(protocol)} ${probeArgs({ ...withDefaults, protocol: undefined } as HealthCheckChanges, 'azure-appgw').join(' ')}${host}\n` +
      `az network application-gateway http-settings update ${gatewayArgs(lb, pool)} --name ${q(settings)} --probe ${q(name)}`,
    terraform: 'azurerm_application_gateway.probe { name, protocol, path, host or pick_host_name_from_backend_http_settings, interval, timeout, unhealthy_threshold } and backend_http_settings.probe_name',
  };
}

function enableLbProbe(lb: LoadBalancer | undefined, pool: BackendPool | undefined, changes: HealthCheckChanges = {}): RenderedFix {
  const rule = pool?.attributes.loadBalancingRule ?? '';
  const name = `cloud502-${rule}-probe`;
  const port = changes.port ?? pool?.port ?? 0;
  const protocol = changes.protocol ? changes.protocol.charAt(0).toUpperCase() + changes.protocol.slice(1).toLowerCase() : 'Tcp';
  const path = protocol !== 'Tcp' ? ` --path ${q(changes.path ?? '/')}` : '';
  return {
    cli:
      `az network lb probe create ${lbArgs(lb, pool)} --name ${q(name)} --protocol ${q(protocol)} --port ${q(port)}${path} --interval ${q(changes.intervalSeconds ?? 5)} --probe-threshold ${q(changes.unhealthyThreshold ?? 2)}\n` +
      `az network lb rule update ${lbArgs(lb, pool)} --name ${q(rule)} --probe-name ${q(name)}`,
    terraform: 'azurerm_lb_probe { port, protocol, request_path, interval_in_seconds, probe_threshold } and azurerm_lb_rule.probe_id',
  };
}

/** `…/virtualMachineScaleSets/vmss/virtualMachines/3/networkInterfaces/…` → scale set and instance; else the NIC. */
function startCommand(targetId: string): string {
  const scaleSet = parentAt(targetId, 'virtualMachineScaleSets');
  if (scaleSet) {
    return `az vmss start --resource-group ${q(resourceGroupOf(scaleSet) ?? '')} --name ${q(nameOfId(scaleSet))} --instance-ids ${q(segmentOf(targetId, 'virtualMachines') ?? '*')}`;
  }
  const nic = parentAt(targetId, 'networkInterfaces');
  if (nic) return `az vm start --ids "$(az network nic show --ids ${q(nic)} --query virtualMachine.id --output tsv)"`;
  return `# ${commentText(targetId)} is not a NIC: start the VM behind this address`;
}

function render(intent: FixIntent, ctx: FixContext): RenderedFix | undefined {
  switch (intent.kind) {
    case 'allow-flow':
      return allowFlow(intent, ctx);
    case 'fix-default-route': {
      const rg = resourceGroupOf(intent.routeTableId) ?? '';
      return {
        cli: `az network route-table route update --resource-group ${q(rg)} --route-table-name ${q(nameOfId(intent.routeTableId))} --name ${q(intent.routeName)} --next-hop-type Internet`,
        terraform: 'azurerm_route { address_prefix = "0.0.0.0/0", next_hop_type = "Internet" } on the gateway subnet route table (or remove the route)',
        console: 'Application Gateway needs direct Internet egress for its management traffic: route 0.0.0.0/0 to Internet on its subnet.',
      };
    }
    case 'set-backend-keepalive':
      return {
        console: `Set the idle keep-alive of the servers behind ${poolOf(intent, ctx)?.ref.name ?? intent.poolId} to ${intent.seconds} s${intent.server ? ` (${intent.server} configuration)` : ''}: Node server.keepAliveTimeout, gunicorn --keep-alive, uvicorn --timeout-keep-alive, nginx keepalive_timeout, Apache KeepAliveTimeout.`,
      };
    default:
      break;
  }
  const pool = 'poolId' in intent ? poolOf(intent, ctx) : undefined;
  const lb = lbOf(ctx, pool, 'lbId' in intent ? intent.lbId : undefined);
  const kind = kindOf(lb, pool);
  if (!kind || !SUPPORTED[kind].has(intent.kind)) return undefined;
  const settings = pool?.attributes.backendHttpSettings ?? '';
  switch (intent.kind) {
    case 'set-request-timeout':
      return {
        cli: `az network application-gateway http-settings update ${gatewayArgs(lb, pool)} --name ${q(settings)} --timeout ${q(intent.seconds)}`,
        terraform: 'azurerm_application_gateway.backend_http_settings.request_timeout',
      };
    case 'set-flow-idle-timeout': {
      const rule = ctx.index.loadBalancer(intent.lbId)?.listeners.find((l) => l.ref.id === intent.listenerId)?.ref.name.split('/').pop() ?? nameOfId(intent.listenerId);
      const minutes = Math.min(100, Math.max(4, Math.ceil(intent.seconds / 60)));
      const reset = intent.enableTcpReset !== undefined ? ` --enable-tcp-reset ${intent.enableTcpReset ? 'true' : 'false'}` : '';
      if (/\/inboundNatRules\//i.test(intent.listenerId)) {
        return {
          cli: `az network lb inbound-nat-rule update ${lbArgs(lb, pool)} --name ${q(rule)} --idle-timeout ${q(minutes)}${reset}`,
          terraform: 'azurerm_lb_nat_rule.idle_timeout_in_minutes and tcp_reset_enabled',
        };
      }
      return {
        cli: `az network lb rule update ${lbArgs(lb, pool)} --name ${q(rule)} --idle-timeout ${q(minutes)}${reset}`,
        terraform: 'azurerm_lb_rule.idle_timeout_in_minutes and tcp_reset_enabled (enable_tcp_reset before azurerm 4.0)',
      };
    }
    case 'set-health-check':
      return setHealthCheck(intent, kind, lb, pool);
    case 'enable-health-check':
      return enableLbProbe(lb, pool);
    case 'set-drain':
      return {
        cli: `az network application-gateway http-settings update ${gatewayArgs(lb, pool)} --name ${q(settings)} --connection-draining-timeout ${q(intent.seconds)}`,
        terraform: 'azurerm_application_gateway.backend_http_settings.connection_draining { enabled = true, drain_timeout_sec }',
      };
    case 'register-targets':
      return kind === 'azure-appgw'
        ? {
            cli: `az network application-gateway address-pool update ${gatewayArgs(lb, pool)} --name ${q(pool?.attributes.backendAddressPool ?? '')} --servers ${userValue('BACKEND_ADDRESSES', 'IP addresses or FQDNs of the backends, space-separated', { list: true })}`,
            terraform: 'azurerm_application_gateway.backend_address_pool { ip_addresses, fqdns }',
          }
        : {
            cli: `az network nic ip-config address-pool add --resource-group ${userValue('NIC_RESOURCE_GROUP', 'resource group of the NIC of a backend VM')} --nic-name ${userValue('NIC_NAME', 'name of that NIC')} --ip-config-name "\${IP_CONFIG:-ipconfig1}" ${lbArgs(lb, pool)} --address-pool ${q(pool?.attributes.backendAddressPool ?? '')}`,
            terraform: 'azurerm_network_interface_backend_address_pool_association (NIC backends) or azurerm_lb_backend_address_pool_address (IP backends)',
          };
    case 'start-targets':
      return { cli: intent.targetIds.map(startCommand).join('\n'), console: 'Start the stopped or deallocated VMs (or scale-set instances) of the pool.' };
    case 'inspect-target-health': {
      if (kind === 'azure-appgw') {
        return {
          cli: `az network application-gateway show-backend-health --resource-group ${q(resourceGroupOf(lb?.ref.id ?? '') ?? '')} --name ${q(lb?.ref.name ?? '')} --output table`,
        };
      }
      const ruleId = (lb?.listeners ?? []).find((l) => l.defaultPoolIds.includes(intent.poolId))?.ref.id ?? '';
      // A URL without a host is prefixed with the current cloud's Resource Manager endpoint by az rest.
      return { cli: `az rest --method post --url ${q(`${ruleId}/health?api-version=2024-05-01`)}` };
    }
    case 'remove-pool':
      return kind === 'azure-appgw'
        ? { cli: `az network application-gateway address-pool delete ${gatewayArgs(lb, pool)} --name ${q(pool?.attributes.backendAddressPool ?? '')}`, terraform: 'remove the azurerm_application_gateway.backend_address_pool block' }
        : { cli: `az network lb address-pool delete ${lbArgs(lb, pool)} --name ${q(pool?.attributes.backendAddressPool ?? '')}`, terraform: 'remove the azurerm_lb_backend_address_pool resource' };
    case 'enable-zones':
      return {
        console:
          kind === 'azure-appgw'
            ? 'Application Gateway instances serve backends in every zone of the region: move the backends into this region, or deploy a gateway where they run.'
            : 'Azure Load Balancer reaches backends in every zone of the region: move the backends into this region, or use a load balancer where they run.',
      };
    case 'replace-listener-certificate': {
      if (kind === 'azure-lb') return { console: 'Azure Load Balancer passes TLS through: renew the certificate on the backends that terminate it.' };
      const cert = nameOfId(intent.certificateId);
      return {
        cli: `az network application-gateway ssl-cert update ${gatewayArgs(lb, pool)} --name ${q(cert)} --key-vault-secret-id ${userValue('KEY_VAULT_SECRET_ID', 'versionless Key Vault secret id of the new certificate')}`,
        terraform: 'azurerm_application_gateway.ssl_certificate.key_vault_secret_id',
      };
    }
    case 'set-pool-protocol': {
      const protocol = (intent.protocol ?? pool?.protocol ?? 'HTTP').toUpperCase() === 'HTTPS' ? 'Https' : 'Http';
      return {
        cli: `az network application-gateway http-settings update ${gatewayArgs(lb, pool)} --name ${q(settings)} --protocol ${protocol}`,
        terraform: 'azurerm_application_gateway.backend_http_settings.protocol',
      };
    }
    case 'fix-backend-certificate': {
      if (kind === 'azure-lb') return { console: `Azure Load Balancer does not check backend certificates: fix the certificate on the backends (${commentText(intent.problem)}).` };
      const v2 = pool?.attributes.generation !== 'v1';
      const certName = `cloud502-${settings}-${v2 ? 'root' : 'auth'}`;
      return v2
        ? {
            cli:
              `# ${commentText(intent.problem)}\n` +
              `az network application-gateway root-cert create ${gatewayArgs(lb, pool)} --name ${q(certName)} --cert-file "\${ROOT_CA_CER:?path to the backend root CA certificate (.cer)}"\n` +
              `az network application-gateway http-settings update ${gatewayArgs(lb, pool)} --name ${q(settings)} --root-certs ${q(certName)}`,
            terraform: 'azurerm_application_gateway.trusted_root_certificate and backend_http_settings.trusted_root_certificate_names; host_name must match the certificate',
          }
        : {
            cli:
              `# ${commentText(intent.problem)}\n` +
              `az network application-gateway auth-cert create ${gatewayArgs(lb, pool)} --name ${q(certName)} --cert-file "\${BACKEND_CER:?path to the backend certificate (.cer)}"\n` +
              `az network application-gateway http-settings update ${gatewayArgs(lb, pool)} --name ${q(settings)} --auth-certs ${q(certName)}`,
            terraform: 'azurerm_application_gateway.authentication_certificate and backend_http_settings.authentication_certificate',
          };
    }
    default:
      return undefined;
  }
}

export const azureFixes: FixRenderer = {
  provider: 'azure',
  supports(intent: FixIntentKind, kind: LoadBalancerKind): boolean {
    return (kind === 'azure-appgw' || kind === 'azure-lb') && SUPPORTED[kind].has(intent);
  },
  render,
  planRuleSlots(policy, intents) {
    return policy.kind === 'azure-nsg' ? planNsgSlots(policy, intents) : new Map();
  },
};
