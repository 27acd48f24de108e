import { objectsUnder } from '../../adapters/s3/object-listing';
import type { Config } from '../../platform/config/config';
import { archiveInspector } from '../support/retention';
import type { StoreReaders } from './delivery-check';
import type { RetentionLoadRecord } from './retention-load';

export interface RetentionFigures {
  /** Old events acknowledged over all waves. */
  seeded: number;
  /** Of those, rows gone from PostgreSQL. */
  deleted: number;
  /** Old events an accepted (202) cleanup of their tenant, sent after their wave was acknowledged, had to delete. */
  due: number;
  manifests: number;
  parts: number;
  /** Event ids read from every part of every manifest of the soak's tenants (with repeats). */
  archivedEntries: number;
  /** Due events still in PostgreSQL. */
  dueButKept: string[];
  /** Deleted from PostgreSQL without being in any manifest. */
  deletedNotArchived: string[];
  /** Ids found more than once over all manifests (also within one). */
  archivedMoreThanOnce: string[];
  /** Ids in the manifests of two or more archive tasks. */
  inTwoManifests: string[];
  /** Archived ids that are not old events: a recent event archived (and so deleted). */
  archivedNotOld: string[];
  /** Archived ids whose row is still in PostgreSQL after every chain finished. */
  archivedButKept: string[];
  /** Deleted ids that OpenSearch still holds a document for. */
  resurrected: string[];
  /** Part objects under the tenants' archive prefixes that no manifest lists (e.g. from a crashed attempt). */
  strayParts: string[];
}

/** Every archived event id of each manifest of the tenant, read from the bucket directly (checksums and row counts verified). */
async function archivedIds(config: Config, tenantIds: readonly string[]) {
  const inspector = archiveInspector(config);
  const byManifest = new Map<string, string[]>();
  const partKeys: string[] = [];
  const listedParts = new Set<string>();
  try {
    for (const tenantId of tenantIds) {
      for await (const object of objectsUnder(inspector.s3, config.s3.bucket, `tenants/${tenantId}/archives/`)) {
        if (!object.key.endsWith('manifest.json')) {
          partKeys.push(object.key);
          continue;
        }
        const { manifest } = await inspector.manifest(object.key);
        if (manifest.tenant_id !== tenantId) throw new Error(`${object.key} names tenant ${manifest.tenant_id}`);
        manifest.parts.forEach((part) => listedParts.add(part.key));
        byManifest.set(object.key, (await inspector.events(manifest)).map((event) => event.id));
      }
    }
  } finally {
    inspector.close();
  }
  return { byManifest, parts: listedParts.size, strayParts: partKeys.filter((key) => !listedParts.has(key)) };
}

/** The ids of `ids` that have a document in the index, by an ids query over every shard (no tenant routing). */
async function idsInSearch(readers: StoreReaders, ids: readonly string[]): Promise<string[]> {
  await readers.opensearch.indices.refresh({ index: readers.index });
  const found: string[] = [];
  for (let start = 0; start < ids.length; start += 1000) {
    const chunk = ids.slice(start, start + 1000);
    const page = await readers.opensearch.search({ index: readers.index, body: { size: chunk.length, _source: false, query: { ids: { values: chunk } } } });
    found.push(...(page.body.hits.hits as { _id: string }[]).map((hit) => hit._id));
  }
  return found;
}

/**
 * Judges the retention that ran during the load from PostgreSQL, the bucket and the index alone:
 * every deleted old event is in exactly one manifest and in no search result, every event due for
 * deletion is gone, and nothing but old events was archived.
 */
export async function checkRetention(readers: StoreReaders, config: Config, record: RetentionLoadRecord): Promise<RetentionFigures> {
  const old = new Map<string, { tenantId: string; ackedAt: number }>();
  for (const wave of record.waves) for (const ack of wave.acknowledged.values()) old.set(ack.id, { tenantId: ack.tenantId, ackedAt: wave.acknowledgedAt });
  const oldIds = [...old.keys()];
  const kept = new Set((await readers.ownerPool.query<{ id: string }>('SELECT id::text FROM logs WHERE id = ANY($1::uuid[])', [oldIds])).rows.map((row) => row.id));
  const deleted = oldIds.filter((id) => !kept.has(id));
  const isDue = (id: string) => {
    const { tenantId, ackedAt } = old.get(id) as { tenantId: string; ackedAt: number };
    return record.cleanups.some((cleanup) => cleanup.status === 202 && cleanup.tenantId === tenantId && cleanup.sentAt > ackedAt);
  };
  const due = oldIds.filter(isDue);

  const { byManifest, parts, strayParts } = await archivedIds(config, readers.tenantIds);
  const occurrences = new Map<string, number>();
  const manifestsOf = new Map<string, Set<string>>();
  for (const [manifest, ids] of byManifest) {
    for (const id of ids) {
      occurrences.set(id, (occurrences.get(id) ?? 0) + 1);
      manifestsOf.set(id, (manifestsOf.get(id) ?? new Set()).add(manifest));
    }
  }
  const archived = [...occurrences.keys()];
  const archivedButKeptRows = archived.length
    ? (await readers.ownerPool.query<{ id: string }>('SELECT id::text FROM logs WHERE id = ANY($1::uuid[])', [archived])).rows.map((row) => row.id)
    : [];

  return {
    seeded: old.size,
    deleted: deleted.length,
    due: due.length,
    manifests: byManifest.size,
    parts,
    archivedEntries: [...occurrences.values()].reduce((sum, n) => sum + n, 0),
    dueButKept: due.filter((id) => kept.has(id)),
    deletedNotArchived: deleted.filter((id) => !occurrences.has(id)),
    archivedMoreThanOnce: archived.filter((id) => (occurrences.get(id) ?? 0) > 1),
    inTwoManifests: archived.filter((id) => (manifestsOf.get(id)?.size ?? 0) > 1),
    archivedNotOld: archived.filter((id) => !old.has(id)),
    archivedButKept: archivedButKeptRows,
    resurrected: await idsInSearch(readers, deleted),
    strayParts,
  };
}

/** Throws naming the first offending ids of every broken retention guarantee. */
export function assertRetained(figures: RetentionFigures): void {
  const first = (ids: string[]) => `${ids.length} (first: ${ids.slice(0, 10).join(', ')})`;
  const problems: string[] = [];
  if (figures.deleted === 0) problems.push(`no old event was deleted (of ${figures.seeded} seeded): the cleanups during the load did nothing to check`);
  if (figures.dueButKept.length) problems.push(`due for deletion by an accepted cleanup but still in PostgreSQL: ${first(figures.dueButKept)}`);
  if (figures.deletedNotArchived.length) problems.push(`deleted without being archived: ${first(figures.deletedNotArchived)}`);
  if (figures.archivedMoreThanOnce.length) problems.push(`archived more than once: ${first(figures.archivedMoreThanOnce)}`);
  if (figures.inTwoManifests.length) problems.push(`in two manifests: ${first(figures.inTwoManifests)}`);
  if (figures.archivedNotOld.length) problems.push(`archived though not old: ${first(figures.archivedNotOld)}`);
  if (figures.archivedButKept.length) problems.push(`archived but still in PostgreSQL: ${first(figures.archivedButKept)}`);
  if (figures.resurrected.length) problems.push(`deleted but still in OpenSearch: ${first(figures.resurrected)}`);
  if (problems.length) throw new Error(`retention guarantees broken:\n  - ${problems.join('\n  - ')}`);
}
