/**
 * Attribute-backed values: returned by the API, a documented default when the call succeeded without the key, and
 * undefined when the call failed or was not made.
 */
import { describe, expect, it } from 'vitest';
import { normalizeAws } from '../../../../providers/aws/normalize/index.js';
import type { AwsRegionSnapshot } from '../../../../providers/aws/raw.js';
import type { Inventory, Sourced } from '../../../../src/model/index.js';
import { ALB_ARN, LISTENER_ARN, NLB_ARN, REGION, TG_ARN, alb, nlb, region, snapshot, targetGroup } from './raw-builder.js';

type Attrs = Array<{ Key: string; Value: string }> | 'missing' | 'failed';

interface Row {
  name: string;
  /** Builds the region with the attribute list under test. */
  setup: (r: AwsRegionSnapshot, attrs: Attrs) => void;
  read: (inv: Inventory) => Sourced<number | boolean> | undefined;
  key: string;
  value: string;
  expectApi: number | boolean;
  expectDefault: Sourced<number | boolean>['value'] | undefined;
}

const failure = (api: string, resourceId: string) => ({ api, region: REGION, code: 'AccessDenied', message: 'User is not authorized', resourceId, httpStatus: 403 });

function put(record: Record<string, unknown>, key: string, attrs: Attrs, errors: AwsRegionSnapshot['errors'], api: string): void {
  if (attrs === 'failed') errors.push(failure(api, key));
  else if (attrs !== 'missing') record[key] = attrs;
}

const albAttrs = (r: AwsRegionSnapshot, attrs: Attrs) => {
  r.elbv2.loadBalancers.push(alb());
  put(r.elbv2.loadBalancerAttributes, ALB_ARN, attrs, r.errors, 'elasticloadbalancing:DescribeLoadBalancerAttributes');
};
const nlbAttrs = (r: AwsRegionSnapshot, attrs: Attrs) => {
  r.elbv2.loadBalancers.push(nlb());
  put(r.elbv2.loadBalancerAttributes, NLB_ARN, attrs, r.errors, 'elasticloadbalancing:DescribeLoadBalancerAttributes');
};
const tgAttrs = (overrides: Parameters<typeof targetGroup>[0]) => (r: AwsRegionSnapshot, attrs: Attrs) => {
  r.elbv2.targetGroups.push(targetGroup(overrides));
  put(r.elbv2.targetGroupAttributes, TG_ARN, attrs, r.errors, 'elasticloadbalancing:DescribeTargetGroupAttributes');
};
const nlbListener = (protocol: 'TCP' | 'TLS' | 'UDP') => (r: AwsRegionSnapshot, attrs: Attrs) => {
  r.elbv2.loadBalancers.push(nlb());
  r.elbv2.listeners[NLB_ARN] = [{ ListenerArn: LISTENER_ARN, LoadBalancerArn: NLB_ARN, Port: 5432, Protocol: protocol, DefaultActions: [] }];
  put(r.elbv2.listenerAttributes, LISTENER_ARN, attrs, r.errors, 'elasticloadbalancing:DescribeListenerAttributes');
};
const pool0 = (inv: Inventory) => inv.backendPools[0];
const nlbTg = { Protocol: 'TCP' as const, HealthCheckProtocol: 'TCP' as const, Matcher: undefined, LoadBalancerArns: [NLB_ARN] };

const rows: Row[] = [
  { name: 'ALB idle timeout', setup: albAttrs, read: (i) => i.loadBalancers[0]?.backendIdleTimeoutSeconds, key: 'idle_timeout.timeout_seconds', value: '120', expectApi: 120, expectDefault: 60 },
  { name: 'ALB client keep-alive', setup: albAttrs, read: (i) => i.loadBalancers[0]?.clientKeepAliveSeconds, key: 'client_keep_alive.seconds', value: '600', expectApi: 600, expectDefault: 3600 },
  { name: 'ALB cross-zone', setup: albAttrs, read: (i) => i.loadBalancers[0]?.crossZoneEnabled, key: 'load_balancing.cross_zone.enabled', value: 'true', expectApi: true, expectDefault: true },
  { name: 'NLB cross-zone', setup: nlbAttrs, read: (i) => i.loadBalancers[0]?.crossZoneEnabled, key: 'load_balancing.cross_zone.enabled', value: 'true', expectApi: true, expectDefault: false },
  { name: 'TG deregistration delay', setup: tgAttrs({}), read: (i) => pool0(i)?.drainSeconds, key: 'deregistration_delay.timeout_seconds', value: '5', expectApi: 5, expectDefault: 300 },
  { name: 'ALB TG slow start', setup: tgAttrs({}), read: (i) => pool0(i)?.slowStartSeconds, key: 'slow_start.duration_seconds', value: '30', expectApi: 30, expectDefault: 0 },
  { name: 'NLB instance TG client IP preservation', setup: tgAttrs(nlbTg), read: (i) => pool0(i)?.preservesClientIp, key: 'preserve_client_ip.enabled', value: 'false', expectApi: false, expectDefault: true },
  { name: 'NLB ip TG (TCP) client IP preservation', setup: tgAttrs({ ...nlbTg, TargetType: 'ip' }), read: (i) => pool0(i)?.preservesClientIp, key: 'preserve_client_ip.enabled', value: 'true', expectApi: true, expectDefault: false },
  { name: 'NLB ip TG (UDP) client IP preservation', setup: tgAttrs({ ...nlbTg, Protocol: 'UDP', TargetType: 'ip' }), read: (i) => pool0(i)?.preservesClientIp, key: 'preserve_client_ip.enabled', value: 'true', expectApi: true, expectDefault: true },
  { name: 'NLB TCP listener idle timeout', setup: nlbListener('TCP'), read: (i) => i.loadBalancers[0]?.listeners[0]?.idleTimeoutSeconds, key: 'tcp.idle_timeout.seconds', value: '600', expectApi: 600, expectDefault: 350 },
];

describe('attribute-backed values', () => {
  describe.each(rows)('$name', (row) => {
    const normalize = (attrs: Attrs) => {
      const r = region((reg) => row.setup(reg, attrs));
      return row.read(normalizeAws(snapshot(r), {}));
    };

    it('uses the API value when the key is returned', () => {
      expect(normalize([{ Key: row.key, Value: row.value }])).toEqual({ value: row.expectApi, source: 'api', detail: `attribute ${row.key}` });
    });

    it('uses the documented default when the call succeeded without the key', () => {
      const got = normalize([{ Key: 'unrelated.key', Value: 'x' }]);
      expect(got).toMatchObject({ value: row.expectDefault, source: 'provider-default' });
      expect(got?.detail).toContain(row.key);
    });

    it('is undefined when the call failed', () => {
      expect(normalize('failed')).toBeUndefined();
    });

    it('is undefined when the call was not made', () => {
      expect(normalize('missing')).toBeUndefined();
    });

    it('is undefined when the API value is not parseable', () => {
      expect(normalize([{ Key: row.key, Value: 'soon' }])).toBeUndefined();
    });
  });

  it.each([
    ['TLS', { value: 350, source: 'fixed' }],
    ['UDP', { value: 120, source: 'fixed' }],
  ] as const)('NLB %s listener idle timeout is fixed, whatever the attribute call did', (protocol, expected) => {
    for (const attrs of ['failed', 'missing', []] as Attrs[]) {
      const r = region((reg) => nlbListener(protocol)(reg, attrs));
      expect(normalizeAws(snapshot(r), {}).loadBalancers[0]?.listeners[0]?.idleTimeoutSeconds).toMatchObject(expected);
    }
  });

  it('ALB listeners carry no L4 idle timeout; NLBs no backend idle timeout', () => {
    const r = region((reg) => {
      reg.elbv2.loadBalancers.push(alb(), nlb());
      reg.elbv2.loadBalancerAttributes[ALB_ARN] = [];
      reg.elbv2.loadBalancerAttributes[NLB_ARN] = [];
      reg.elbv2.listeners[ALB_ARN] = [{ ListenerArn: LISTENER_ARN, Port: 80, Protocol: 'HTTP', DefaultActions: [] }];
    });
    const [a, n] = normalizeAws(snapshot(r), {}).loadBalancers;
    expect(a?.listeners[0]?.idleTimeoutSeconds).toBeUndefined();
    expect(n?.backendIdleTimeoutSeconds).toBeUndefined();
  });

  it('Classic idle timeout: API value, documented 60 s when omitted, undefined when the call failed', () => {
    const classic = (attrs: AwsRegionSnapshot['elb']['attributes'][string] | 'failed') =>
      normalizeAws(
        snapshot(
          region((r) => {
            r.elb.loadBalancers.push({ LoadBalancerName: 'legacy', ListenerDescriptions: [{ Listener: { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 } }] });
            if (attrs === 'failed') r.errors.push(failure('elasticloadbalancing:DescribeLoadBalancerAttributes', 'legacy'));
            else r.elb.attributes.legacy = attrs;
          }),
        ),
        {},
      ).loadBalancers[0]?.backendIdleTimeoutSeconds;
    expect(classic({ ConnectionSettings: { IdleTimeout: 30 } })).toEqual({ value: 30, source: 'api', detail: 'attribute ConnectionSettings.IdleTimeout' });
    expect(classic({ CrossZoneLoadBalancing: { Enabled: true } })).toMatchObject({ value: 60, source: 'provider-default' });
    expect(classic('failed')).toBeUndefined();
  });

  it('keeps the raw attributes for evidence', () => {
    const r = region((reg) => albAttrs(reg, [{ Key: 'idle_timeout.timeout_seconds', Value: '45' }, { Key: 'routing.http2.enabled', Value: 'true' }]));
    expect(normalizeAws(snapshot(r), {}).loadBalancers[0]?.attributes).toEqual({ 'idle_timeout.timeout_seconds': '45', 'routing.http2.enabled': 'true' });
  });
});
