/**
 * Documentation links by provider. A check that applies to several clouds lists each cloud's pages; a finding shows
 * the pages of its own cloud (and any that belong to none), so an Azure finding never sends its reader to AWS docs.
 */
import type { Provider } from '../model/index.js';

const HOSTS: Readonly<Record<Provider, readonly string[]>> = {
  aws: ['docs.aws.amazon.com', 'aws.amazon.com', 'repost.aws'],
  azure: ['learn.microsoft.com', 'azure.microsoft.com'],
  gcp: ['cloud.google.com', 'gcpdiag.dev'],
};

/** The provider whose documentation a link is, or undefined for a page of no provider's. */
export function docsProvider(url: string): Provider | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  for (const [provider, hosts] of Object.entries(HOSTS) as Array<[Provider, readonly string[]]>) {
    if (hosts.some((h) => host === h || host.endsWith(`.${h}`))) return provider;
  }
  return undefined;
}

/** The links that are about `provider`'s resources: its own pages and pages of no provider. */
export function docsFor(docs: readonly string[], provider: Provider): string[] {
  return docs.filter((url) => {
    const of = docsProvider(url);
    return of === undefined || of === provider;
  });
}
