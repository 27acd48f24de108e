import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface ObjectDigest {
  bytes: number;
  sha256: string;
}

/** Passes bytes through unchanged while counting them and hashing them with SHA-256. */
export class DigestMeter extends Transform {
  private readonly hash = createHash('sha256');
  private count = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.count += chunk.length;
    callback(null, chunk);
  }

  /** Call once, after the stream has ended. */
  digest(): ObjectDigest {
    return { bytes: this.count, sha256: this.hash.digest('hex') };
  }
}

/** Reads a byte stream to its end, keeping only its size and SHA-256. */
export async function digestOf(body: AsyncIterable<Uint8Array>, onChunk?: (bytesSoFar: number) => void): Promise<ObjectDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    bytes += chunk.length;
    onChunk?.(bytes);
  }
  return { bytes, sha256: hash.digest('hex') };
}
