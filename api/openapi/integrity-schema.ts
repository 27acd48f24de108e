import { Type } from '@sinclair/typebox';
import { LogEventSchema } from './log-event-schema';

const Base64 = (description: string) => Type.String({ contentEncoding: 'base64', description });

export const JwksSchema = Type.Object(
  {
    keys: Type.Array(
      Type.Object(
        {
          kty: Type.Literal('OKP'),
          crv: Type.Literal('Ed25519'),
          x: Type.String({ description: 'The public key, base64url (RFC 8037).' }),
          kid: Type.String({ description: 'Key id: the RFC 7638 thumbprint unless configured.' }),
          use: Type.Literal('sig'),
          alg: Type.Literal('EdDSA'),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'IntegrityKeys', additionalProperties: false },
);

export const CheckpointSchema = Type.Object(
  {
    origin: Type.String({ description: '`<service origin>/tenants/<tenant id>`.' }),
    tree_size: Type.Integer({ minimum: 1 }),
    root_hash: Base64('RFC 9162 Merkle tree hash of the first tree_size leaves.'),
    body: Type.String({ description: 'The C2SP tlog-checkpoint text `<origin>\\n<tree size>\\n<base64 root hash>\\n`: exactly the signed bytes.' }),
    signature: Base64('Ed25519 signature (64 bytes) over body.'),
    key_id: Type.String({ description: 'kid of the signing key in GET /integrity/keys.' }),
    note: Type.String({ description: 'The C2SP signed note: body, a blank line, and `— <origin> <base64(4-byte key hash ‖ signature)>`.' }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Checkpoint', additionalProperties: false },
);

export const InclusionProofSchema = Type.Object(
  {
    event: LogEventSchema,
    seq: Type.Integer({ minimum: 1 }),
    leaf_hash: Base64('SHA-256(0x00 ‖ RFC 8785 JCS of event).'),
    checkpoint: CheckpointSchema,
    inclusion: Type.Object(
      {
        leaf_index: Type.Integer({ minimum: 0, description: 'seq - 1.' }),
        tree_size: Type.Integer({ minimum: 1 }),
        hashes: Type.Array(Base64('A node hash'), { description: 'RFC 9162 §2.1.3 audit path, the leaf sibling first.' }),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'InclusionProof', additionalProperties: false },
);

export const ConsistencyProofSchema = Type.Object(
  {
    first: Type.Integer({ minimum: 1 }),
    second: Type.Integer({ minimum: 1 }),
    hashes: Type.Array(Base64('A node hash'), { description: 'RFC 9162 §2.1.4 consistency proof.' }),
  },
  { $id: 'ConsistencyProof', additionalProperties: false },
);
