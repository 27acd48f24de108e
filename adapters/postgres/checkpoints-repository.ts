import type { SignedCheckpoint } from '../../domain/integrity/signed-checkpoint';
import { formatSignedNote, noteKeyHash } from '../../domain/integrity/signed-note';
import type { VerifyingKey } from '../../domain/integrity/signing-keys';
import { assertTenant, type TenantTx } from './tenant-transaction';

export interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  origin: string;
  body: string;
  signature: Buffer;
  key_id: string;
  created_at: Date;
}

export type StoredCheckpoint = Omit<SignedCheckpoint, 'note'> & { created_at: string };

const CHECKPOINT_COLUMNS = 'tree_size, root_hash, origin, body, signature, key_id, created_at';

export function toStoredCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    origin: row.origin,
    tree_size: Number(row.tree_size),
    root_hash: row.root_hash.toString('base64'),
    body: row.body,
    signature: row.signature.toString('base64'),
    key_id: row.key_id,
    created_at: row.created_at.toISOString(),
  };
}

/** The checkpoint with its C2SP signed note, when its key is one this deployment knows (else the note cannot name the key hash). */
export function withNote(checkpoint: StoredCheckpoint, keys: readonly VerifyingKey[]): SignedCheckpoint & { created_at: string } {
  const key = keys.find((candidate) => candidate.kid === checkpoint.key_id);
  const keyHash = key ? noteKeyHash(checkpoint.origin, key.publicKey) : Buffer.alloc(4);
  return { ...checkpoint, note: formatSignedNote(checkpoint.body, [{ keyName: checkpoint.origin, keyHash, signature: Buffer.from(checkpoint.signature, 'base64') }]) };
}

/** A tenant's signed checkpoints (integrity_checkpoints): written by the sealer, read by proofs and verify. */
export function checkpointsRepository(tx: TenantTx) {
  const query = tx.client.query.bind(tx.client);
  return {
    async insertCheckpoint(tenantId: string, checkpoint: SignedCheckpoint): Promise<void> {
      assertTenant(tx, tenantId);
      await query(
        `INSERT INTO integrity_checkpoints (tenant_id, tree_size, root_hash, origin, body, signature, key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, tree_size) DO NOTHING`,
        [tenantId, checkpoint.tree_size, Buffer.from(checkpoint.root_hash, 'base64'), checkpoint.origin, checkpoint.body, Buffer.from(checkpoint.signature, 'base64'), checkpoint.key_id],
      );
    },

    async latestCheckpoint(tenantId: string): Promise<StoredCheckpoint | undefined> {
      assertTenant(tx, tenantId);
      const { rows } = await query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM integrity_checkpoints WHERE tenant_id = $1 ORDER BY tree_size DESC LIMIT 1`, [tenantId]);
      return rows[0] && toStoredCheckpoint(rows[0]);
    },

    async checkpointOfSize(tenantId: string, treeSize: number): Promise<StoredCheckpoint | undefined> {
      assertTenant(tx, tenantId);
      const { rows } = await query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM integrity_checkpoints WHERE tenant_id = $1 AND tree_size = $2`, [tenantId, treeSize]);
      return rows[0] && toStoredCheckpoint(rows[0]);
    },

    /** Newest first. */
    async listCheckpoints(tenantId: string, limit: number, offset: number): Promise<{ items: StoredCheckpoint[]; total: number }> {
      assertTenant(tx, tenantId);
      const [page, count] = await Promise.all([
        query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM integrity_checkpoints WHERE tenant_id = $1 ORDER BY tree_size DESC LIMIT $2 OFFSET $3`, [tenantId, limit, offset]),
        query<{ total: string }>('SELECT count(*) AS total FROM integrity_checkpoints WHERE tenant_id = $1', [tenantId]),
      ]);
      return { items: page.rows.map(toStoredCheckpoint), total: Number(count.rows[0]?.total ?? 0) };
    },

    /** Every checkpoint in size order, for verification. */
    async allCheckpoints(tenantId: string): Promise<StoredCheckpoint[]> {
      assertTenant(tx, tenantId);
      const { rows } = await query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM integrity_checkpoints WHERE tenant_id = $1 ORDER BY tree_size`, [tenantId]);
      return rows.map(toStoredCheckpoint);
    },
  };
}
