import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { docsFor, docsProvider } from '../../src/report/docs.js';
import { docsOf } from '../../src/report/format.js';
import { renderText } from '../../src/report/text.js';

describe('documentation links by cloud', () => {
  const docs = [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
    'https://repost.aws/knowledge-center/elb-alb-troubleshoot-502-errors',
    'https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview',
    'https://cloud.google.com/load-balancing/docs/health-check-concepts',
    'https://nginx.org/en/docs/http/ngx_http_core_module.html#keepalive_timeout',
  ];

  it('knows each cloud by the host of its pages, and a page of no cloud as none', () => {
    expect(docs.map(docsProvider)).toEqual(['aws', 'aws', 'azure', 'gcp', undefined]);
    expect(docsProvider('not a url')).toBeUndefined();
    expect(docsProvider('https://learn.microsoft.com.example.org/x')).toBeUndefined();
  });

  it('keeps the pages of the finding’s cloud and of no cloud', () => {
    expect(docsFor(docs, 'azure')).toEqual([docs[2], docs[4]]);
    expect(docsFor(docs, 'gcp')).toEqual([docs[3], docs[4]]);
    expect(docsFor(docs, 'aws')).toEqual([docs[0], docs[1], docs[4]]);
  });

  it('gives every finding of the demo the pages of its own cloud, and the text report never mixes clouds on a Docs line', async () => {
    const { report } = await runAudit({ source: { kind: 'demo' }, now: new Date('2026-11-20T09:05:00Z') });
    const findings = report.results.filter((r) => r.status === 'fail');
    expect(new Set(findings.map((r) => r.resource.provider))).toEqual(new Set(['aws', 'azure', 'gcp']));
    for (const r of findings) {
      const links = docsOf(report, r);
      expect(links.length, r.checkId).toBeGreaterThan(0);
      for (const url of links) expect([r.resource.provider, undefined], `${r.checkId} on ${r.resource.provider}: ${url}`).toContain(docsProvider(url));
    }
    const docLines = renderText(report, { verbose: true }).split('\n').filter((l) => /^\s+Docs: /.test(l));
    expect(docLines.length).toBeGreaterThan(0);
    for (const line of docLines) {
      const clouds = new Set(line.replace(/^\s+Docs: /, '').split(' ').map(docsProvider).filter(Boolean));
      expect(clouds.size, line).toBeLessThanOrEqual(1);
    }
  });
});
