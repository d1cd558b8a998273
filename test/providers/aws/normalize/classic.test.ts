import { describe, expect, it } from 'vitest';
import { normalizeAws, parseClassicHealthTarget } from '../../../../providers/aws/normalize/index.js';
import { classicHealth } from '../../../../providers/aws/normalize/targets.js';
import type { AwsRegionSnapshot } from '../../../../providers/aws/raw.js';
import { region, snapshot } from './raw-builder.js';

const CLB_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/legacy';
const CERT = 'arn:aws:iam::123456789012:server-certificate/legacy-2026';

describe('Classic health-check target', () => {
  it.each([
    ['HTTP:80/index.html', { protocol: 'HTTP', port: 80, path: '/index.html', matcher: '200' }],
    ['HTTPS:8443/health?deep=1', { protocol: 'HTTPS', port: 8443, path: '/health?deep=1', matcher: '200' }],
    ['HTTP:8080', { protocol: 'HTTP', port: 8080, path: '/', matcher: '200' }],
    ['TCP:80', { protocol: 'TCP', port: 80 }],
    ['SSL:443', { protocol: 'SSL', port: 443 }],
    ['tcp:5000', { protocol: 'TCP', port: 5000 }],
    ['HTTP:eighty/x', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s', (target, expected) => {
    expect(parseClassicHealthTarget(target)).toEqual(expected);
  });
});

describe('Classic instance health', () => {
  it.each([
    [{ State: 'InService', ReasonCode: 'N/A', Description: 'N/A' }, { state: 'healthy' }],
    [
      { State: 'OutOfService', ReasonCode: 'Instance', Description: 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.' },
      { state: 'unhealthy', cause: 'health-check-failed', reason: 'OutOfService (Instance)', description: 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.' },
    ],
    [
      { State: 'OutOfService', ReasonCode: 'ELB', Description: 'Instance is in the EC2 Availability Zone for which LoadBalancer is not configured to route traffic to.' },
      { state: 'unused', cause: 'not-in-use', reason: 'OutOfService (ELB)', description: 'Instance is in the EC2 Availability Zone for which LoadBalancer is not configured to route traffic to.' },
    ],
    [{ State: 'OutOfService', ReasonCode: 'Instance', Description: 'Instance is in stopped state.' }, { state: 'unused', cause: 'stopped', reason: 'OutOfService (Instance)', description: 'Instance is in stopped state.' }],
    [{ State: 'OutOfService', ReasonCode: 'ELB', Description: 'Instance registration is still in progress.' }, { state: 'initial', cause: 'initial', reason: 'OutOfService (ELB)', description: 'Instance registration is still in progress.' }],
    [{ State: 'OutOfService', ReasonCode: 'ELB', Description: 'Instance deregistration currently in progress.' }, { state: 'draining', cause: 'draining', reason: 'OutOfService (ELB)', description: 'Instance deregistration currently in progress.' }],
    [{ State: 'Unknown', ReasonCode: 'ELB', Description: 'A transient error occurred. Please try again later.' }, { state: 'unknown', cause: 'provider-internal', reason: 'Unknown (ELB)', description: 'A transient error occurred. Please try again later.' }],
  ])('%o', (state, expected) => {
    expect(classicHealth({ InstanceId: 'i-0abc', ...state })).toEqual(expected);
  });
});

describe('Classic load balancers', () => {
  const legacy = (edit: (r: AwsRegionSnapshot) => void = () => {}) =>
    normalizeAws(
      snapshot(
        region((r) => {
          r.elb.loadBalancers.push({
            LoadBalancerName: 'legacy',
            DNSName: 'legacy-1234567890.eu-west-1.elb.amazonaws.com',
            Scheme: 'internet-facing',
            VPCId: 'vpc-0a1b2c3d',
            Subnets: ['subnet-0aaa', 'subnet-0bbb'],
            AvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
            SecurityGroups: ['sg-0legacy'],
            SourceSecurityGroup: { OwnerAlias: '123456789012', GroupName: 'legacy-elb' },
            ListenerDescriptions: [
              { Listener: { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 8080 }, PolicyNames: [] },
              { Listener: { Protocol: 'HTTPS', LoadBalancerPort: 443, InstanceProtocol: 'HTTP', InstancePort: 8080, SSLCertificateId: CERT }, PolicyNames: ['ELBSecurityPolicy-2016-08'] },
            ],
            HealthCheck: { Target: 'HTTP:8080/ping', Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 10 },
            Instances: [{ InstanceId: 'i-0aaa' }],
          });
          r.elb.attributes.legacy = { ConnectionSettings: { IdleTimeout: 60 }, ConnectionDraining: { Enabled: true, Timeout: 300 }, CrossZoneLoadBalancing: { Enabled: false } };
          r.elb.instanceHealth.legacy = [{ InstanceId: 'i-0aaa', State: 'InService', ReasonCode: 'N/A', Description: 'N/A' }];
          r.elb.tags.push({ LoadBalancerName: 'legacy', Tags: [{ Key: 'cloud502:server', Value: 'apache' }] });
          r.ec2.subnets.push(
            { SubnetId: 'subnet-0aaa', AvailabilityZone: 'eu-west-1a', CidrBlock: '10.20.0.0/24', VpcId: 'vpc-0a1b2c3d' },
            { SubnetId: 'subnet-0bbb', AvailabilityZone: 'eu-west-1b', CidrBlock: '10.20.1.0/24', VpcId: 'vpc-0a1b2c3d' },
          );
          r.ec2.networkInterfaces.push({ NetworkInterfaceId: 'eni-0c1', Description: 'ELB legacy', SubnetId: 'subnet-0bbb', PrivateIpAddress: '10.20.1.77' });
          r.ec2.instances.push({ InstanceId: 'i-0aaa', PrivateIpAddress: '10.20.10.5', SubnetId: 'subnet-0app', Placement: { AvailabilityZone: 'eu-west-1a' }, State: { Name: 'running' }, SecurityGroups: [{ GroupId: 'sg-0legacyapp' }] });
          edit(r);
        }),
      ),
      {},
    );

  it('maps the load balancer with a constructed ARN, listeners, idle timeout and security groups', () => {
    const lb = legacy().loadBalancers[0];
    expect(lb).toMatchObject({
      ref: { kind: 'load-balancer', type: 'aws-clb', id: CLB_ARN, name: 'legacy' },
      kind: 'aws-clb',
      layer: 7,
      scheme: 'internet-facing',
      networkId: 'vpc-0a1b2c3d',
      zones: [
        { name: 'eu-west-1a', subnetId: 'subnet-0aaa' },
        { name: 'eu-west-1b', subnetId: 'subnet-0bbb', addresses: ['10.20.1.77'] },
      ],
      crossZoneEnabled: { value: false, source: 'api' },
      backendIdleTimeoutSeconds: { value: 60, source: 'api' },
      networkPolicyIds: ['sg-0legacy'],
      subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
      healthCheckSources: [{ type: 'security-group', groupId: 'sg-0legacy' }],
      trafficSources: [{ type: 'security-group', groupId: 'sg-0legacy' }],
      tags: { 'cloud502:server': 'apache' },
    });
    expect(lb?.listeners.map((l) => [l.ref.name, l.protocol, l.port, l.certificates.map((c) => c.id), l.defaultPoolIds])).toEqual([
      ['legacy:80', 'HTTP', 80, [], [`${CLB_ARN}/instances`]],
      ['legacy:443', 'HTTPS', 443, [CERT], [`${CLB_ARN}/instances`]],
    ]);
  });

  it('maps one backend pool of the registered instances, with the parsed health check and draining', () => {
    const pool = legacy().backendPools[0];
    expect(pool).toEqual({
      ref: { provider: 'aws', kind: 'backend-pool', type: 'aws-clb-backend', id: `${CLB_ARN}/instances`, name: 'legacy', region: 'eu-west-1', account: '123456789012' },
      protocol: 'HTTP',
      port: 8080,
      targetType: 'instance',
      networkId: 'vpc-0a1b2c3d',
      healthCheck: { enabled: true, protocol: 'HTTP', port: 8080, path: '/ping', matcher: '200', usesTrafficPort: true, successCodes: [{ from: 200, to: 200 }], intervalSeconds: { value: 30, source: 'api', detail: 'HealthCheck.Interval' }, timeoutSeconds: { value: 5, source: 'api', detail: 'HealthCheck.Timeout' }, healthyThreshold: { value: 10, source: 'api', detail: 'HealthCheck.HealthyThreshold' }, unhealthyThreshold: { value: 2, source: 'api', detail: 'HealthCheck.UnhealthyThreshold' } },
      drainSeconds: { value: 300, source: 'api', detail: 'attribute ConnectionDraining.Timeout' },
      targets: [
        { key: 'i-0aaa:8080', id: 'i-0aaa', type: 'instance', address: '10.20.10.5', port: 8080, zone: 'eu-west-1a', subnetId: 'subnet-0app', instanceState: 'running', health: { state: 'healthy' }, networkPolicyIds: ['sg-0legacyapp'] },
      ],
      loadBalancerIds: [CLB_ARN],
      attributes: {},
      tags: { 'cloud502:server': 'apache' },
      backend: { server: { value: 'apache', source: 'declared', detail: 'tag cloud502:server=apache on legacy' } },
    });
  });

  it('draining disabled is 0 s; a failed instance-health call leaves targets unknown', () => {
    const inv = legacy((r) => {
      r.elb.attributes.legacy = { ConnectionDraining: { Enabled: false, Timeout: 300 } };
      r.errors.push({ api: 'elasticloadbalancing:DescribeInstanceHealth', region: 'eu-west-1', code: 'Throttling', message: 'Rate exceeded', resourceId: 'legacy' });
    });
    expect(inv.backendPools[0]?.drainSeconds).toMatchObject({ value: 0, source: 'api' });
    expect(inv.backendPools[0]?.targets).toBeUndefined();
    expect(inv.loadBalancers[0]?.backendIdleTimeoutSeconds).toMatchObject({ value: 60, source: 'provider-default' });
  });

  it('without SecurityGroups, SourceSecurityGroup names the group', () => {
    const inv = legacy((r) => {
      const lb = r.elb.loadBalancers[0];
      if (lb) lb.SecurityGroups = [];
      r.ec2.securityGroups.push({ GroupId: 'sg-0named', GroupName: 'legacy-elb', VpcId: 'vpc-0a1b2c3d' });
    });
    expect(inv.loadBalancers[0]?.healthCheckSources).toEqual([{ type: 'security-group', groupId: 'sg-0named' }]);
  });

  it('an SSL-only Classic LB is layer 4 and its pool does not verify backend certificates unless a key is pinned', () => {
    const inv = legacy((r) => {
      const lb = r.elb.loadBalancers[0];
      if (!lb) return;
      lb.ListenerDescriptions = [{ Listener: { Protocol: 'SSL', LoadBalancerPort: 443, InstanceProtocol: 'SSL', InstancePort: 8443, SSLCertificateId: CERT } }];
      lb.BackendServerDescriptions = [{ InstancePort: 9443, PolicyNames: ['pinned-key'] }];
    });
    expect(inv.loadBalancers[0]?.layer).toBe(4);
    expect(inv.backendPools[0]?.tls).toEqual({ verifiesCertificate: false });
  });
});
