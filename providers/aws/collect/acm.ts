/**
 * ACM certificates used by listeners (DescribeCertificate), for their expiry and status. Certificates
 * uploaded to IAM (`arn:aws:iam::…:server-certificate/…`) are not described: their expiry stays unknown.
 */
import type { CertificateDetail } from '@aws-sdk/client-acm';
import { call, mapInOrder, type CollectContext } from './context.js';

export function isAcmCertificateArn(arn: string): boolean {
  return /^arn:[a-z-]+:acm:/.test(arn);
}

export async function collectAcm(ctx: CollectContext, certificateArns: readonly string[]): Promise<Record<string, CertificateDetail>> {
  const { acm: sdk } = ctx.sdk;
  const client = ctx.clients.acm;
  const arns = [...new Set(certificateArns.filter(isAcmCertificateArn))];
  const tick = ctx.progress.phase('acm', arns.length);
  const details = await mapInOrder(arns, async (arn) => {
    const res = await call(ctx, 'acm:DescribeCertificate', (send) => client.send(new sdk.DescribeCertificateCommand({ CertificateArn: arn }), send), { resourceId: arn, requires: 'Certificate' });
    tick();
    return res?.Certificate;
  });
  const out: Record<string, CertificateDetail> = {};
  arns.forEach((arn, i) => {
    const detail = details[i];
    if (detail) out[arn] = detail;
  });
  return out;
}
