/**
 * A package registry on 127.0.0.1 that serves what is already installed in a node_modules tree, so a test can run
 * a real `npm install` of the packed cloud502 with no network: every package directory found (hoisted or nested)
 * becomes one version in its packument, and its tarball is made on request with `tar` (the directory under
 * `package/`, without its own node_modules). Unknown packages are 404, which npm reports as such.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

interface Installed {
  dir: string;
  manifest: Record<string, unknown>;
}

export interface LocalRegistry {
  url: string;
  /** Package names npm asked for. */
  requested: Set<string>;
  close(): Promise<void>;
}

/** Every package in a node_modules tree, nested ones included: name → version → where it is. */
function index(nodeModules: string): Map<string, Map<string, Installed>> {
  const out = new Map<string, Map<string, Installed>>();
  const visit = (modules: string): void => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const dirs = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((n) => join(modules, entry, n)) : [join(modules, entry)];
      for (const dir of dirs) {
        const pkg = join(dir, 'package.json');
        if (!existsSync(pkg)) continue;
        const manifest = JSON.parse(readFileSync(pkg, 'utf8')) as Record<string, unknown>;
        const name = String(manifest.name ?? '');
        const version = String(manifest.version ?? '');
        if (name && version) {
          if (!out.has(name)) out.set(name, new Map());
          if (!out.get(name)!.has(version)) out.get(name)!.set(version, { dir, manifest });
        }
        visit(join(dir, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return out;
}

/** The fields of a manifest npm needs to resolve and install a version. */
const MANIFEST_FIELDS = ['name', 'version', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines', 'os', 'cpu', 'bundleDependencies', 'bundledDependencies'];

export async function startLocalRegistry(nodeModules: string): Promise<LocalRegistry> {
  const packages = index(nodeModules);
  const requested = new Set<string>();
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
    const tarball = /^-\/tarball\/(.+)\/([^/]+)\.tgz$/.exec(path);
    if (tarball) {
      const found = packages.get(tarball[1]!)?.get(tarball[2]!);
      if (!found) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const tar = spawn('tar', ['-czf', '-', '--exclude=./node_modules', '--transform', 's,^\\.,package,', '-C', found.dir, '.'], { stdio: ['ignore', 'pipe', 'ignore'] });
      tar.stdout.pipe(res);
      return;
    }
    requested.add(path);
    const versions = packages.get(path);
    if (!versions) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    const all = [...versions.entries()].map(([version, { manifest }]) => {
      const m: Record<string, unknown> = {};
      for (const f of MANIFEST_FIELDS) if (manifest[f] !== undefined) m[f] = manifest[f];
      m.dist = { tarball: `${base}/-/tarball/${encodeURIComponent(path)}/${version}.tgz` };
      return [version, m] as const;
    });
    const latest = all.map(([v]) => v).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1)!;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name: path, 'dist-tags': { latest }, versions: Object.fromEntries(all) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    requested,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
