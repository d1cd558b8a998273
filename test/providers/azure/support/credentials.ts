/**
 * The real credential route for tests (HARNESS.md §5): a fake `az` first on PATH answering
 * `az account get-access-token`, DefaultAzureCredential narrowed to it by AZURE_TOKEN_CREDENTIALS, and https with a
 * test certificate for 127.0.0.1. Nothing here lets the chain probe the managed-identity endpoint or any Azure host.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { generate } from 'selfsigned';

export interface TestCertificate {
  key: string;
  cert: string;
}

/** A self-signed certificate for 127.0.0.1 (SAN IP:127.0.0.1). */
export async function localCertificate(): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Trusts the certificate in this process (what NODE_EXTRA_CA_CERTS does for a new one). */
export function trustInProcess(cert: string): void {
  setDefaultCACertificates([...getCACertificates('default'), cert]);
}

export type FakeAzMode = 'token' | 'expired' | 'not-logged-in';

export interface FakeAz {
  /** Directory to put first on PATH. */
  bin: string;
  /** Every argument list `az` was called with. */
  calls(): string[][];
  setMode(mode: FakeAzMode): void;
  cleanup(): void;
}

/** A fake Azure CLI: `account get-access-token` answers a token, or fails the way an expired login does. */
export function fakeAz(): FakeAz {
  const bin = mkdtempSync(join(tmpdir(), 'cloud502-az-'));
  const log = join(bin, 'calls.jsonl');
  const modeFile = join(bin, 'mode');
  writeFileSync(modeFile, 'token');
  writeFileSync(
    join(bin, 'az'),
    `#!${process.execPath}
const fs = require('fs');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');
const mode = fs.readFileSync(${JSON.stringify(modeFile)}, 'utf8').trim();
if (mode === 'expired') {
  process.stderr.write("ERROR: AADSTS700082: The refresh token has expired due to inactivity. Please run 'az login' to setup account.\\n");
  process.exit(1);
}
if (mode === 'not-logged-in') {
  process.stderr.write("ERROR: Please run 'az login' to setup account.\\n");
  process.exit(1);
}
const expires = Math.floor(Date.now() / 1000) + 3600;
process.stdout.write(JSON.stringify({ accessToken: 'fake-cli-token', expiresOn: new Date(expires * 1000).toISOString().replace('T', ' ').replace('Z', '000'), expires_on: expires, subscription: '11111111-1111-1111-1111-111111111111', tenant: '22222222-2222-2222-2222-222222222222', tokenType: 'Bearer' }));
`,
  );
  chmodSync(join(bin, 'az'), 0o755);
  return {
    bin,
    calls: () => {
      try {
        return readFileSync(log, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as string[]);
      } catch {
        return [];
      }
    },
    setMode: (mode) => writeFileSync(modeFile, mode),
    cleanup: () => rmSync(bin, { recursive: true, force: true }),
  };
}

/** The environment variables that would let DefaultAzureCredential use anything but the fake az. */
export const CREDENTIAL_ENV_TO_UNSET = ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_USERNAME', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET', 'IMDS_ENDPOINT', 'AZURE_AUTHORITY_HOST', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_MANAGER_ENDPOINT'] as const;
