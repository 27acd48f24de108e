import { expect } from 'chai';
import type { IntegrityRepository, NewLeaf } from '../../adapters/postgres/integrity-repository';
import type { logsRepository } from '../../adapters/postgres/logs-repository';
import { appendLeaves } from '../../features/integrity/append-leaves';
import { EVENT_COLUMN_FIELDS, eventColumnsLeafHash, type EventColumnTexts } from '../../domain/integrity/event-column-texts';

const TENANT = '0190a6c4-0000-7000-8000-000000000001';

/** The column texts of a stored event with this id (instants as epoch milliseconds, as the sealer reads them). */
function columnsOf(id: string): EventColumnTexts {
  const values: Record<string, string | null> = { id, tenant_id: TENANT, received_at: '1765000000000', event_timestamp: '1765000000000', action: 'user.login', severity: 'INFO', metadata: '{"n": 1}' };
  return EVENT_COLUMN_FIELDS.map((field) => values[field] ?? null);
}

const partsOf = (ids: readonly string[], size: number) => Array.from({ length: Math.ceil(ids.length / size) }, (_, k) => ({ ids: ids.slice(k * size, (k + 1) * size), bytes: 0 }));
const idOf = (n: number) => `0190a6c4-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

/**
 * Fakes of the two repositories that answer at once and record, at each read, how many parts were
 * read and not yet hashed (a part counts as hashed once its leaves are inserted).
 */
function recordingRepositories(missing: ReadonlySet<string> = new Set()) {
  const log = { reads: 0, inserted: [] as NewLeaf[][], unhashedAtRead: [] as number[] };
  const logs = {
    async findColumnTextsByIds(_tenant: string, ids: readonly string[]) {
      log.unhashedAtRead.push(log.reads - log.inserted.length);
      log.reads += 1;
      return ids.filter((id) => !missing.has(id)).reverse().map(columnsOf);
    },
  } as unknown as ReturnType<typeof logsRepository>;
  const repo = {
    async insertLeaves(_tenant: string, leaves: readonly NewLeaf[]) {
      log.inserted.push([...leaves]);
    },
  } as unknown as IntegrityRepository;
  return { logs, repo, log };
}

describe('appendLeaves: reading a step of events to seal', () => {
  it('keeps at most one part read ahead of the one being hashed, however many parts the step has', async () => {
    const ids = Array.from({ length: 25_000 }, (_, n) => idOf(n));
    const { logs, repo, log } = recordingRepositories();
    const hashes = await appendLeaves(repo, logs, TENANT, 0, partsOf(ids, 2500), []);
    expect(hashes).to.have.length(25_000);
    expect(log.reads).to.equal(10);
    // Reading every part before hashing the first held a whole step's rows (25,000) in memory per tenant.
    expect(Math.max(...log.unhashedAtRead)).to.equal(1);
  });

  it('gives consecutive seqs from the tree size in the order of the ids, skipping rows that are gone', async () => {
    const ids = Array.from({ length: 6000 }, (_, n) => idOf(n));
    const gone = new Set([idOf(0), idOf(2500), idOf(5999)]);
    const { logs, repo, log } = recordingRepositories(gone);
    const hashes = await appendLeaves(repo, logs, TENANT, 41, partsOf(ids, 2500), []);
    const leaves = log.inserted.flat();
    expect(leaves.map((leaf) => leaf.seq)).to.deep.equal(Array.from({ length: 5997 }, (_, n) => 42 + n));
    expect(leaves.map((leaf) => leaf.logId)).to.deep.equal(ids.filter((id) => !gone.has(id)));
    expect(leaves[10]?.leafHash.equals(eventColumnsLeafHash(columnsOf(leaves[10]?.logId as string), 52))).to.equal(true);
    expect(hashes.map((hash) => hash.toString('hex'))).to.deep.equal(leaves.map((leaf) => leaf.leafHash.toString('hex')));
  });
});
