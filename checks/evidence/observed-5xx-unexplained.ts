import { defineCheck } from '../../src/engine/index.js';
import { describeWindow, metricEvidence, observedLbStatus } from '../../src/engine/evidence.js';
import type { LoadBalancerKind } from '../../src/model/index.js';

/** Where to look next, per load balancer kind. */
function nextSteps(kind: LoadBalancerKind): string {
  if (kind === 'aws-clb') {
    return (
      'in the Classic ELB access logs, find the requests with elb_status_code 5xx and backend_status_code "-" (the load balancer ' +
      'generated them) or backend_processing_time -1; read the instance logs at those times; check SurgeQueueLength and ' +
      'SpilloverCount for capacity 503s and BackendConnectionErrors for refused connections.'
    );
  }
  return (
    'in the ALB access logs, find the requests with elb_status_code 502/503/504: target_status_code "-" means the load balancer ' +
    'generated the response, target_processing_time -1 means it could not dispatch the request or the target closed the ' +
    'connection, and error_reason names Lambda and authentication failures; read the target logs at those times; look for ' +
    'responses whose headers exceed 32 KB (502); for Lambda targets check function errors, timeouts and response bodies over 1 MB.'
  );
}

export const observed5xxUnexplained = defineCheck({
  id: 'evidence/observed-5xx-unexplained',
  title: 'Every 5xx the load balancer generates is explained by a known cause',
  family: 'evidence',
  severity: 'medium',
  causes: [502, 503, 504],
  providers: ['aws'],
  rationale:
    'HTTPCode_ELB_502/503/504_Count count responses the load balancer generated itself, not the targets\' own 5xx ' +
    '(HTTPCode_Target_5XX_Count). When the load balancer returned them in the window and no configuration check explains ' +
    'them, the cause is outside what the APIs show (application closing connections, oversized headers, Lambda errors, ' +
    'malformed responses): the access logs tell which. The audit drops this finding when another failing check on the same ' +
    'load balancer causes the observed codes.',
  remediation: {
    summary:
      'Enable access logs and read elb_status_code, target_status_code, target_processing_time and error_reason for the 5xx ' +
      'requests, then the target logs at those times.',
  },
  docs: [
    'https://repost.aws/knowledge-center/elb-alb-troubleshoot-502-errors',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
    'https://repost.aws/knowledge-center/504-error-classic',
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
      if (lb.ref.provider !== 'aws') continue;
      if (lb.layer === 4 || lb.kind === 'aws-nlb' || lb.kind === 'aws-gwlb') {
        ctx.notApplicable(lb, 'layer-4 load balancers return no HTTP status codes.');
        continue;
      }
      const observed = observedLbStatus(inv, lb.ref.id, ctx.index);
      if (!observed) {
        ctx.unknown(lb, 'the LB-generated 5xx metrics (HTTPCode_ELB_502/503/504_Count, Classic ELB HTTPCode_ELB_5XX) were not collected: run the audit with a non-zero metrics window and cloudwatch:GetMetricData allowed.');
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
        : `${total} × 5xx (the Classic ELB does not split them by code)`;
      ctx.fail(
        lb,
        'unexplained',
        { lb: lb.ref.name, lbId: lb.ref.id, counts, window, nextSteps: nextSteps(lb.kind) },
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
