/**
 * Compute resource links. Responses reference resources by `selfLink` URLs on www.googleapis.com (or the universe's
 * host); cloud502 never fetches them: it parses them into the relative name (`projects/p/regions/r/backendServices/b`)
 * that identifies the resource, and calls the SDK with the parts.
 */

export interface ResourceLink {
  /** `projects/p/zones/z/instanceGroups/ig`: the id cloud502 uses everywhere. */
  relative: string;
  project: string;
  /** `global`, or the region / zone name. */
  location: string;
  scope: 'global' | 'regions' | 'zones';
  collection: string;
  name: string;
}

const LINK = /(?:^|\/)projects\/([^/]+)\/(?:(global)|(regions|zones)\/([^/]+))\/([A-Za-z]+)\/([^/?#]+)/;

/** Parses a selfLink or a relative name; undefined for anything else (hostile or truncated strings included). */
export function parseLink(link: string | undefined): ResourceLink | undefined {
  if (!link) return undefined;
  const m = LINK.exec(link);
  if (!m) return undefined;
  const [, project, global, scopeKind, location, collection, name] = m;
  if (!project || !collection || !name) return undefined;
  const scope = global ? 'global' : (scopeKind as 'regions' | 'zones');
  const where = global ? 'global' : `${scopeKind}/${location}`;
  return { relative: `projects/${project}/${where}/${collection}/${name}`, project, location: global ? 'global' : (location ?? ''), scope, collection, name };
}

/** The relative name of a link, or the link itself when it is not a Compute resource link. */
export function relativeName(link: string | undefined): string {
  if (!link) return '';
  return parseLink(link)?.relative ?? link;
}

/** The last path segment: a zone or region URL's name, a resource's short name. */
export function lastSegment(link: string | undefined): string {
  if (!link) return '';
  const parts = link.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? '';
}

/** The region of a zone name (`us-central1-a` → `us-central1`). */
export function regionOfZone(zone: string): string {
  return zone.replace(/-[a-z]$/, '');
}

/** `global`, the region, or the region of the zone of a resource link. */
export function regionOf(link: ResourceLink): string {
  return link.scope === 'zones' ? regionOfZone(link.location) : link.location;
}
