/**
 * A fake AWS endpoint on 127.0.0.1 for fault injection without moto: every request is named as the collector names it
 * (bench/throttle-proxy.ts `describeCall`) and answered by the test, in the call's own wire protocol, or never ('hang').
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeCall, errorAnswer, throttlingAnswer, type ProxiedCall, type ProxyAnswer } from '../../bench/throttle-proxy.js';

export { errorAnswer, throttlingAnswer, type ProxiedCall, type ProxyAnswer };

export interface FakeAws {
  url: string;
  calls: ProxiedCall[];
  close(): Promise<void>;
}

export type FakeAnswer = ProxyAnswer | 'hang';

export async function startFakeAws(answer: (call: ProxiedCall) => FakeAnswer): Promise<FakeAws> {
  const calls: ProxiedCall[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const call = describeCall(req.headers, body);
      calls.push(call);
      const out = answer(call);
      if (out === 'hang') return;
      res.writeHead(out.status, out.headers).end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const xml = (body: string): ProxyAnswer => ({ status: 200, headers: { 'content-type': 'text/xml' }, body });

/** Genuine answers of an empty account, per API; undefined for an API this fake does not know. */
export function emptyAccountAnswer(call: ProxiedCall, account = '123456789012'): ProxyAnswer | undefined {
  switch (call.api) {
    case 'sts:GetCallerIdentity':
      return xml(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          `<Arn>arn:aws:iam::${account}:user/auditor</Arn><UserId>AIDAFAKE</UserId><Account>${account}</Account>` +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
    case 'elasticloadbalancing:DescribeLoadBalancers':
      return xml(
        '<DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeLoadBalancersResult><LoadBalancers/></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>',
      );
    case 'elasticloadbalancing:DescribeTargetGroups':
      return xml(
        '<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetGroupsResult><TargetGroups/></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>',
      );
    case 'elasticloadbalancing-classic:DescribeLoadBalancers':
      return xml(
        '<DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/"><DescribeLoadBalancersResult><LoadBalancerDescriptions/></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>',
      );
    default:
      return undefined;
  }
}

/** What a plain web server (not an AWS endpoint) answers to everything. */
export function webPage(status = 200): ProxyAnswer {
  return { status, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><body><h1>It works!</h1></body></html>' };
}

/** XML cut off in the middle, with the status given. */
export function truncatedXml(status = 200): ProxyAnswer {
  return { status, headers: { 'content-type': 'text/xml' }, body: '<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancers><member>' };
}
