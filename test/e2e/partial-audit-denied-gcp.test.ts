/**
 * The same class of defect on Google Cloud: a denied Compute listing never turns a finding of the bundled demo into a
 * pass or `not_applicable`, nor makes it vanish; it becomes `unknown` naming the denied method. The denial is recorded
 * in the raw snapshot as the collector records it (the listing's data absent, one PERMISSION_DENIED error).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../checks/index.js';
import { normalizeGcp } from '../../providers/gcp/normalize/index.js';
import type { GcpRawSnapshot } from '../../providers/gcp/raw.js';
import type { CheckResult } from '../../src/engine/index.js';
import { runChecks } from '../../src/engine/index.js';
import { root } from '../support/built-cli.js';
import { FIX_RENDERERS } from '../support/fix-renderers.js';

const raw = (): GcpRawSnapshot => JSON.parse(readFileSync(join(root, 'demo', 'gcp-demo.json'), 'utf8')) as GcpRawSnapshot;
const audit = (snapshot: GcpRawSnapshot): CheckResult[] => runChecks(normalizeGcp(snapshot, {}), allChecks, {}, { fixRenderers: FIX_RENDERERS });
const label = (r: CheckResult) => `${r.checkId} ${r.resource.name}${r.discriminator ? ` (${r.discriminator})` : ''}`;

type Compute = GcpRawSnapshot['projects'][number]['compute'];

/** The Compute listings whose denial a user can hit with a partial role, and the raw field each one fills. */
const DENIED: Array<{ api: string; field: keyof Compute }> = [
  { api: 'compute.healthChecks.aggregatedList', field: 'healthChecks' },
  { api: 'compute.firewalls.list', field: 'firewalls' },
  { api: 'compute.instances.aggregatedList', field: 'instances' },
  { api: 'compute.sslCertificates.aggregatedList', field: 'sslCertificates' },
  { api: 'compute.urlMaps.aggregatedList', field: 'urlMaps' },
];


function denying(api: string, field: keyof Compute): CheckResult[] {
  const snapshot = raw();
  for (const project of snapshot.projects) {
    const value = project.compute[field];
    (project.compute as Record<string, unknown>)[field] = Array.isArray(value) ? [] : {};
    project.errors.push({ api, permission: api, project: project.project, code: 'PERMISSION_DENIED', message: `Required '${api}' permission for 'projects/${project.project}'`, httpStatus: 403 });
  }
  return audit(snapshot);
}

const full = audit(raw());

it('the demo has findings a denied listing could hide', () => {
  expect(full.filter((r) => r.status === 'fail' && r.resource.provider === 'gcp').length).toBeGreaterThan(5);
});

describe.each(DENIED)('with $api denied', ({ api, field }) => {
  const denied = denying(api, field);

  it('keeps every finding as a failure, or as unknown naming the denied method', () => {
    const byPrint = new Map(denied.map((r) => [r.fingerprint, r]));
    const lost: string[] = [];
    for (const finding of full.filter((r) => r.status === 'fail' && r.resource.provider === 'gcp')) {
      const now = byPrint.get(finding.fingerprint);
      if (now?.status === 'fail') continue;
      const replacements = now ? [now] : denied.filter((r) => r.checkId === finding.checkId && r.status === 'unknown' && (r.resource.id === finding.resource.id || r.resource.id === finding.resource.loadBalancerId));
      if (!replacements.some((r) => r.status === 'unknown' && r.message.includes(api))) lost.push(`${label(finding)} → ${now ? `${now.status}: ${now.message}` : 'vanished'}`);
    }
    expect(lost).toEqual([]);
  });
});

it('names the denied instance listing where keep-alive declarations would have been read (labels and tags)', () => {
  const keepAlive = denying('compute.instances.aggregatedList', 'instances').filter((r) => r.checkId === 'timeouts/backend-keepalive-exceeds-idle-timeout' && r.status === 'unknown');
  expect(keepAlive.length).toBeGreaterThan(0);
  for (const r of keepAlive.filter((x) => x.message.includes('no backend keep-alive is known'))) expect(r.message, label(r)).toContain('compute.instances.aggregatedList: PERMISSION_DENIED');
});
