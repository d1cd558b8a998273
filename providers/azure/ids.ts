/**
 * ARM resource ids. They are case-insensitive (a reference may spell a resource group or a child collection
 * differently from the resource it points at, e.g. `backendaddressPools`), so lookups go through `idKey`, and the
 * inventory always carries the id as the resource itself spells it.
 */

/** The lookup key of an id. */
export function idKey(id: string): string {
  return id.toLowerCase().replace(/\/+$/, '');
}

/** The last segment: the resource's (or child resource's) name. */
export function nameOfId(id: string): string {
  const parts = id.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? id;
}

/** The value after a segment, case-insensitively: `segmentOf(id, 'resourceGroups')` → `rg-web`. */
export function segmentOf(id: string, segment: string): string | undefined {
  const parts = id.split('/');
  const i = parts.findIndex((p) => p.toLowerCase() === segment.toLowerCase());
  return i >= 0 ? parts[i + 1] : undefined;
}

export function resourceGroupOf(id: string): string | undefined {
  return segmentOf(id, 'resourceGroups');
}

/** The id up to and including `segment/name`: `parentAt(ipConfigId, 'networkInterfaces')` → the NIC id. */
export function parentAt(id: string, segment: string): string | undefined {
  const parts = id.split('/');
  const i = parts.findIndex((p) => p.toLowerCase() === segment.toLowerCase());
  return i >= 0 && parts[i + 1] !== undefined ? parts.slice(0, i + 2).join('/') : undefined;
}

/** A case-insensitive index of items by id. */
export class IdIndex<T extends { id?: string }> {
  readonly #byKey = new Map<string, T>();

  constructor(items: Iterable<T> = []) {
    for (const item of items) this.add(item);
  }

  add(item: T): void {
    if (item.id) this.#byKey.set(idKey(item.id), item);
  }

  get(id: string | undefined): T | undefined {
    return id ? this.#byKey.get(idKey(id)) : undefined;
  }
}
