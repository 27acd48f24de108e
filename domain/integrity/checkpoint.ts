/** A C2SP tlog-checkpoint body: what a log commits to at one size. */
export interface CheckpointBody {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
}

export function checkpointOrigin(serviceOrigin: string, tenantId: string): string {
  return `${serviceOrigin}/tenants/${tenantId}`;
}

export function formatCheckpointBody({ origin, treeSize, rootHash }: CheckpointBody): string {
  if (origin.length === 0 || /[\n]/.test(origin)) throw new RangeError('a checkpoint origin is one non-empty line');
  return `${origin}\n${treeSize}\n${rootHash.toString('base64')}\n`;
}

const SIZE = /^(0|[1-9][0-9]{0,15})$/;
const BASE64 = /^[A-Za-z0-9+/]{43}=$/;

/** The first three lines of a checkpoint body (extension lines after them are allowed and ignored), or undefined if malformed. */
export function parseCheckpointBody(body: string): CheckpointBody | undefined {
  if (!body.endsWith('\n')) return undefined;
  const [origin, size, root] = body.slice(0, -1).split('\n');
  if (!origin || !size || !root || !SIZE.test(size) || !BASE64.test(root)) return undefined;
  const treeSize = Number(size);
  if (!Number.isSafeInteger(treeSize)) return undefined;
  return { origin, treeSize, rootHash: Buffer.from(root, 'base64') };
}
