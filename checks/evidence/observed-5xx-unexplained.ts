import { defineCheck } from '../../src/engine/index.js';
import { describeWindow, metricEvidence, observedLbStatus } from '../../src/engine/evidence.js';
import { kindFacts } from '../../src/model/index.js';
import { LAYER7_KINDS } from '../kinds.js';
import { metricsMissing } from './metrics-gap.js';

export const observed5xxUnexplained = defineCheck({
  id: 'evidence/observed-5xx-unexplained',
  title: 'Every 5xx the load balancer generates is explained by a known cause',
  family: 'evidence',
  severity: 'medium',
  causes: [502, 503, 504],
  kinds: [...LAYER7_KINDS],
  // An investigation, not a setting: the message names the logs to read.
  fixes: [],
  rationale:
    'Load balancers count the 5xx they generate themselves apart from the backends\' own (AWS HTTPCode_ELB_5XX vs ' +
    'HTTPCode_Target_5XX, Application Gateway ResponseStatus vs BackendResponseStatus, Google statusDetails). When the load ' +
    'balancer returned them in the window and no configuration check explains them, the cause is outside what the APIs ' +
    'show (application closing connections, oversized headers, function errors, malformed responses): the access logs tell ' +
    'which. The audit drops this finding when another failing check on the same load balancer causes the observed codes.',
  remediation: {
    summary: 'Enable access logs and read, for the 5xx requests, which side generated them and why, then the backend logs at those times.',
  },
  docs: [
    'https://repost.aws/knowledge-center/elb-alb-troubleshoot-502-errors',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://repost.aws/knowledge-center/504-error-classic',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-troubleshooting-502',
    'https://cloud.google.com/load-balancing/docs/https/https-logging-monitoring',
  ],
  thresholds: {
    minCount: {
      default: 0,
      description: 'Fail when the LB-generated 502+503+504 over the window exceed this count.',
      unit: 'count',
      min: 0,
    },
    highCount: {
      default: 100,
      description: 'High instead of medium when they exceed this count (heuristic).',
      unit: 'count',
      min: 0,
    },
  },
  messages: {
    unexplained: '{{lb}} itself returned {{counts}} in the last {{window}}, and no configuration check explains them. Next: {{nextSteps}}',
  },
  evaluate(inv, ctx) {
    const { minCount, highCount } = ctx.thresholds;
    const window = describeWindow(inv.metricsWindowSeconds);
    for (const lb of inv.loadBalancers) {
      const facts = kindFacts(lb.kind);
      const observed = observedLbStatus(inv, lb.ref.id, ctx.index);
      if (!observed) {
        ctx.unknown(lb, metricsMissing(inv, lb, `the load balancer's own 5xx counts (${facts.errorMetricLabel})`));
        continue;
      }
      const total = observed.perCode ? [...observed.counts.values()].reduce((a, b) => a + b, 0) : (observed.counts.get(502) ?? 0);
      const metrics = observed.series.map((s) => metricEvidence(s, undefined, inv.metricsWindowSeconds));
      if (total <= minCount) {
        ctx.pass(lb, { message: `${lb.ref.name}: ${total} LB-generated 5xx in the last ${window}.`, evidence: { metrics } });
        continue;
      }
      const observedCodes = observed.perCode ? [...observed.counts].filter(([, n]) => n > 0).map(([c]) => c) : [502, 503, 504];
      const counts = observed.perCode
        ? [...observed.counts].filter(([, n]) => n > 0).map(([c, n]) => `${n} × ${c}`).join(', ')
        : `${total} × 5xx (the load balancer does not split them by code)`;
      ctx.fail(
        lb,
        'unexplained',
        { lb: lb.ref.name, counts, window, nextSteps: facts.triage ?? 'read the load balancer\'s access logs for the 5xx requests and the backend logs at those times.' },
        {
          severity: total > highCount ? 'high' : 'medium',
          evidence: {
            path: 'metrics.lb.http',
            observed: Object.fromEntries(observed.counts),
            expected: `≤ ${minCount}`,
            source: `api: ${observed.series.map((s) => s.providerName).join(', ')}`,
            metrics,
            details: { observedCodes, perCode: observed.perCode, total, statusCodes: observedCodes },
          },
        },
      );
    }
  },
});
