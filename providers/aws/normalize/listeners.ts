/**
 * ELBv2 listeners and rules → Listener / Route; certificates enriched from ACM.
 */
import type { Certificate, Listener, Route, Sourced } from '../../../src/model/index.js';
import { AWS_API } from './apis.js';
import type { RawAction, RawListener, RawRule, RegionContext } from './context.js';
import { parseSeconds, readAttribute, uniq } from './context.js';
import { elbv2Protocol } from './target-groups.js';

/**
 * Target groups an action forwards to. A weighted forward lists several; a group with weight 0 receives no requests,
 * so it is not a route (it still shows in the target group's LoadBalancerArns).
 */
export function forwardedTargetGroups(actions: RawAction[] | undefined): string[] {
  const out: string[] = [];
  for (const action of actions ?? []) {
    if (action.Type !== 'forward') continue;
    const weighted = action.ForwardConfig?.TargetGroups ?? [];
    if (weighted.length > 0) {
      for (const t of weighted) if (t.TargetGroupArn && t.Weight !== 0) out.push(t.TargetGroupArn);
    } else if (action.TargetGroupArn) {
      out.push(action.TargetGroupArn);
    }
  }
  return uniq(out);
}

type Condition = NonNullable<RawRule['Conditions']>[number];

function conditionText(c: Condition): string {
  // The API repeats simple values in both `Values` and the typed config; prefer the typed config.
  const values = (typed: string[] | undefined, plain?: string[]): string => [...(typed ?? plain ?? []), ...(c.RegexValues ?? []).map((r) => `~${r}`)].join(', ');
  switch (c.Field) {
    case 'path-pattern':
      return `path ${values(c.PathPatternConfig?.Values, c.Values)}`;
    case 'host-header':
      return `host ${values(c.HostHeaderConfig?.Values, c.Values)}`;
    case 'http-header':
      return `header ${c.HttpHeaderConfig?.HttpHeaderName ?? '?'}: ${values(c.HttpHeaderConfig?.Values)}`;
    case 'http-request-method':
      return `method ${values(c.HttpRequestMethodConfig?.Values, c.Values)}`;
    case 'query-string':
      return `query ${(c.QueryStringConfig?.Values ?? []).map((kv) => `${kv.Key ?? ''}=${kv.Value ?? ''}`).join(', ')}`;
    case 'source-ip':
      return `source ${values(c.SourceIpConfig?.Values, c.Values)}`;
    default:
      return `${c.Field ?? 'condition'} ${values(undefined, c.Values)}`;
  }
}

function weightsText(actions: RawAction[] | undefined): string | undefined {
  const weighted = (actions ?? []).flatMap((a) => (a.Type === 'forward' ? (a.ForwardConfig?.TargetGroups ?? []) : []));
  if (weighted.length < 2) return undefined;
  return `weights ${weighted.map((t) => `${(t.TargetGroupArn ?? '').split('/').at(-2) ?? '?'}=${t.Weight ?? 1}`).join(', ')}`;
}

export function mapRule(rule: RawRule): Route {
  const priority = Number(rule.Priority);
  const conditions = [...(rule.Conditions ?? []).map(conditionText), ...[weightsText(rule.Actions)].filter((w): w is string => !!w)].join('; ');
  return {
    id: rule.RuleArn ?? '',
    ...(Number.isFinite(priority) ? { priority } : {}),
    ...(conditions ? { conditions } : {}),
    poolIds: forwardedTargetGroups(rule.Actions),
  };
}

export function mapCertificate(arn: string, isDefault: boolean | undefined, ctx: RegionContext): Certificate {
  const acm = ctx.raw.acm.certificates[arn];
  const sans = acm?.SubjectAlternativeNames;
  return {
    id: arn,
    ...(isDefault !== undefined ? { isDefault } : {}),
    ...(acm?.DomainName ? { subject: acm.DomainName } : {}),
    ...(sans ? { sans: [...sans] } : {}),
    ...(acm?.NotBefore ? { notBefore: new Date(acm.NotBefore).toISOString() } : {}),
    ...(acm?.NotAfter ? { notAfter: new Date(acm.NotAfter).toISOString() } : {}),
    ...(acm?.Status ? { status: acm.Status } : {}),
    // Only ACM is read; IAM server certificates (arn:…:iam::…:server-certificate/…) have no expiry here.
    ...(!acm && arn.includes(':iam::') ? { expiryUnavailable: 'IAM server certificates are not read (only ACM certificates)' } : {}),
  };
}

function certificates(listener: RawListener, ctx: RegionContext): Certificate[] {
  const arn = listener.ListenerArn ?? '';
  // DescribeListeners returns only the default certificate; DescribeListenerCertificates adds the SNI ones.
  const extra = ctx.failed(AWS_API.describeListenerCertificates, arn) ? undefined : ctx.raw.elbv2.listenerCertificates[arn];
  const byArn = new Map<string, boolean | undefined>();
  for (const c of listener.Certificates ?? []) if (c.CertificateArn) byArn.set(c.CertificateArn, c.IsDefault ?? true);
  for (const c of extra ?? []) if (c.CertificateArn) byArn.set(c.CertificateArn, c.IsDefault ?? byArn.get(c.CertificateArn) ?? false);
  return [...byArn].map(([certArn, isDefault]) => mapCertificate(certArn, isDefault, ctx));
}

/**
 * NLB flow idle timeout (CHECKS.md N1): TCP listeners `tcp.idle_timeout.seconds`, default 350 s; TLS listeners fixed at
 * 350 s; UDP flows 120 s.
 */
function idleTimeout(listener: RawListener, lbType: string | undefined, ctx: RegionContext): Sourced<number> | undefined {
  if (lbType !== 'network') return undefined;
  const arn = listener.ListenerArn ?? '';
  switch (listener.Protocol) {
    case 'TLS':
      return { value: 350, source: 'fixed', detail: 'TLS listeners have a fixed 350 s idle timeout' };
    case 'UDP':
      return { value: 120, source: 'fixed', detail: 'UDP flows time out after 120 s' };
    case 'TCP':
    case 'TCP_UDP': {
      const attributes = ctx.failed(AWS_API.describeListenerAttributes, arn) ? undefined : ctx.raw.elbv2.listenerAttributes[arn];
      return readAttribute(attributes, 'tcp.idle_timeout.seconds', parseSeconds, { value: 350, doc: 'documented default 350 s' });
    }
    default:
      return undefined;
  }
}

export function mapListener(listener: RawListener, lb: { name: string; type?: string }, ctx: RegionContext): Listener {
  const arn = listener.ListenerArn ?? '';
  const port = listener.Port ?? 0;
  const rules = ctx.failed(AWS_API.describeRules, arn) ? [] : (ctx.raw.elbv2.rules[arn] ?? []);
  const idle = idleTimeout(listener, lb.type, ctx);
  return {
    ref: ctx.ref('listener', 'aws-listener', arn, `${lb.name}:${port}`),
    // GWLB listeners have no protocol in the API; they carry GENEVE.
    protocol: elbv2Protocol(listener.Protocol) ?? 'GENEVE',
    port,
    certificates: certificates(listener, ctx),
    defaultPoolIds: forwardedTargetGroups(listener.DefaultActions),
    // The default rule repeats the listener's default actions.
    routes: rules.filter((r) => !r.IsDefault).map(mapRule).sort((a, b) => (a.priority ?? Infinity) - (b.priority ?? Infinity)),
    ...(idle ? { idleTimeoutSeconds: idle } : {}),
    ...(listener.SslPolicy ? { sslPolicy: listener.SslPolicy } : {}),
    ...(listener.AlpnPolicy && listener.AlpnPolicy.length > 0 ? { alpnPolicy: [...listener.AlpnPolicy] } : {}),
  };
}
