import { createHash } from 'node:crypto';

/** Stable fingerprint of a finding: same check, same resource, same discriminator → same fingerprint across runs. */
export function fingerprint(checkId: string, resourceId: string, discriminator = ''): string {
  return createHash('sha256').update(`${checkId}\u0000${resourceId}\u0000${discriminator}`).digest('hex').slice(0, 32);
}
