import { expect } from 'chai';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/s3/s3-client';
import type { TestSystem } from './system';

/** An export job's object, read straight from the bucket. */
export async function exportObjectBytes(system: TestSystem, key: string): Promise<Buffer> {
  const client = createS3Client(system.config.s3);
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: system.config.s3.bucket, Key: key }));
    return Buffer.from(await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  } finally {
    client.destroy();
  }
}

/** POST /exports, which must be accepted; the task id. */
export async function startExportJob(system: TestSystem, body: Record<string, unknown>, token: string): Promise<string> {
  const response = await system.api.http.post('/api/v1/exports', { token, body });
  expect(response.status, response.text).to.equal(202);
  expect(response.headers.get('location')).to.equal(`/api/v1/tasks/${response.body.task_id}`);
  return response.body.task_id as string;
}
