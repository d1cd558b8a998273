/**
 * Options, endpoints and the lazy SDK boundary of the Google Cloud provider.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gcpDescriptor } from '../../../providers/gcp/descriptor.js';
import { gcpCustomRoleYaml, gcpPermissionDocument, GCP_PERMISSIONS } from '../../../providers/gcp/iam.js';
import { parseEndpointUrl, parseProjectId, projectsOf, regionsOf, resolveEndpoints } from '../../../providers/gcp/options.js';

describe('--project and --region', () => {
  it.each(['shop-prod-4711', 'example.com:legacy-proj', 'abcdef'])('accepts %s', (id) => expect(parseProjectId(id)).toBe(id));
  it.each(['Shop', 'abc', 'x'.repeat(31), 'ends-with-', '1starts-with-digit', 'has space', 'a\u001b[31mred'])('rejects %j in one line', (id) => {
    expect(() => parseProjectId(id)).toThrow(/is not a Google Cloud project id/);
  });
  it('lists are comma-separated and repeatable; bad values are ConfigErrors', () => {
    expect(projectsOf({ project: ['a-proj-1,b-proj-2', 'a-proj-1'] })).toEqual(['a-proj-1', 'b-proj-2']);
    expect(regionsOf({ region: 'us-central1, europe-west4' })).toEqual(['us-central1', 'europe-west4']);
    expect(() => regionsOf({ region: 'moon-1' })).toThrow(expect.objectContaining({ name: 'ConfigError' }));
  });
  it('the descriptor declares --project and the shared --region', () => {
    expect(gcpDescriptor.options.map((o) => o.flags)).toEqual(['--project <id>', '--region <region>']);
    expect(gcpDescriptor.demoSnapshot).toBe('demo/gcp-demo.json');
  });
});

describe('endpoints', () => {
  it('--endpoint-url is one base URL for Compute and Monitoring; scheme, host and port are all used', () => {
    const e = resolveEndpoints('http://127.0.0.1:8123', { CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: 'https://ignored.example' });
    expect(e.compute).toEqual({ host: '127.0.0.1', port: 8123, protocol: 'http', label: '--endpoint-url http://127.0.0.1:8123' });
    expect(e.monitoring).toEqual(e.compute);
  });
  it("gcloud's per-API overrides (Private Service Connect); the path is the client's own", () => {
    const e = resolveEndpoints(undefined, {
      CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: 'https://compute-psc.p.googleapis.com/compute/v1/',
      CLOUDSDK_API_ENDPOINT_OVERRIDES_MONITORING: 'https://monitoring-psc.p.googleapis.com/',
      GOOGLE_CLOUD_UNIVERSE_DOMAIN: 'example-universe.test',
    });
    expect(e.compute).toMatchObject({ host: 'compute-psc.p.googleapis.com', port: 443, protocol: 'https' });
    expect(e.monitoring).toMatchObject({ host: 'monitoring-psc.p.googleapis.com', port: 443 });
    expect(e.universeDomain).toBe('example-universe.test');
  });
  it('empty variables count as unset', () => {
    expect(resolveEndpoints(undefined, { CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: '  ' })).toEqual({});
  });
  it.each(['not a url', 'ftp://x.example'])('rejects %j in one line', (value) => {
    expect(() => parseEndpointUrl(value, '--endpoint-url')).toThrow(expect.objectContaining({ name: 'ConfigError' }));
  });
});

describe('permissions', () => {
  it('the custom role lists exactly the permissions of the method table, sorted', () => {
    const yaml = gcpCustomRoleYaml();
    expect(yaml).toContain('includedPermissions:\n- compute.backendServices.get\n');
    expect(yaml.match(/^- /gm)).toHaveLength(GCP_PERMISSIONS.length);
    expect([...GCP_PERMISSIONS]).toEqual([...GCP_PERMISSIONS].sort());
    expect(GCP_PERMISSIONS.every((p) => /^(compute|monitoring)\.[a-zA-Z]+\.(list|get|getRegionEffectiveFirewalls)$/.test(p))).toBe(true);
    expect(gcpPermissionDocument().title).toContain('roles/compute.viewer plus roles/monitoring.viewer');
  });
});

describe('lazy SDK', () => {
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
  }
  it('only collect/sdk.ts imports the Google SDK at run time (everything else: types only)', () => {
    const offenders = files('providers/gcp').filter((f) => {
      const text = readFileSync(f, 'utf8');
      return /^import (?!type)[^;]*from '(@google-cloud\/|google-auth-library|google-gax)/m.test(text) && !f.endsWith(join('collect', 'sdk.ts'));
    });
    expect(offenders).toEqual([]);
    expect(readFileSync('providers/gcp/index.ts', 'utf8')).toMatch(/await import\('\.\/collect\/index\.js'\)/);
  });
});

describe('README section', () => {
  it('lists exactly the permissions of the custom role', () => {
    const text = readFileSync('providers/gcp/README-section.md', 'utf8');
    const block = /includedPermissions:\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
    const listed = [...block.matchAll(/^- ([a-zA-Z.]+)/gm)].map((m) => m[1]);
    expect(listed).toEqual([...GCP_PERMISSIONS]);
  });
});
