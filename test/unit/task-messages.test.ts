import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { TaskRef } from '../../domain/task';
import { decodeTaskMessage, encodeTaskMessage, MAX_REFS_PER_MESSAGE } from '../../adapters/sqs/task-messages';

describe('task messages', () => {
  const ref: TaskRef = { taskId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', tenantId: '11111111-2222-4333-8444-555555555555', taskType: 'reindex' };
  const refs = (count: number): TaskRef[] => Array.from({ length: count }, () => ({ taskId: randomUUID(), tenantId: randomUUID(), taskType: 'reindex' }));

  it('round-trips one task reference and a full message of them', () => {
    expect(decodeTaskMessage(encodeTaskMessage([ref]))).to.deep.equal([ref]);
    const many = [...refs(MAX_REFS_PER_MESSAGE - 1), { ...ref, taskType: 'archive' as const, retryCount: 3 }];
    expect(decodeTaskMessage(encodeTaskMessage(many))).to.deep.equal(many);
  });

  it('keeps a full message of ten inside the 256 KiB SQS limit on a whole batch', () => {
    const body = encodeTaskMessage(refs(MAX_REFS_PER_MESSAGE).map((r) => ({ ...r, retryCount: 12 })));
    expect(Buffer.byteLength(body) * 10).to.be.below(256 * 1024);
  });

  it('reads the single-task shape earlier builds published', () => {
    const legacy = JSON.stringify({ task_id: ref.taskId, tenant_id: ref.tenantId, task_type: 'reindex' });
    expect(decodeTaskMessage(legacy)).to.deep.equal([ref]);
  });

  it('refuses to encode an empty or oversized message', () => {
    expect(() => encodeTaskMessage([])).to.throw(RangeError);
    expect(() => encodeTaskMessage(refs(MAX_REFS_PER_MESSAGE + 1))).to.throw(RangeError);
  });

  it('rejects bodies that are not task messages, and a message with any bad ref', () => {
    const good = JSON.parse(encodeTaskMessage([ref])).tasks[0];
    for (const body of [
      undefined,
      '',
      'not json',
      '[]',
      '{}',
      'null',
      JSON.stringify({ tasks: [] }),
      JSON.stringify({ tasks: 'x' }),
      JSON.stringify({ tasks: [good, { ...good, task_type: 'drop_tables' }] }),
      JSON.stringify({ tasks: [good, null] }),
      JSON.stringify({ tasks: Array.from({ length: MAX_REFS_PER_MESSAGE + 1 }, () => good) }),
      JSON.stringify({ ...good, task_type: 'drop_tables' }),
      JSON.stringify({ task_id: 'x', tenant_id: ref.tenantId, task_type: 'reindex' }),
    ]) {
      expect(decodeTaskMessage(body), String(body)).to.equal(undefined);
    }
  });
});
