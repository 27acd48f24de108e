import { expect } from 'chai';
import { workflowIdFor } from '../../domain/task';
import { decodeTaskMessage, encodeTaskMessage } from '../../adapters/sqs/task-messages';

describe('task retry generations', () => {
  const ref = { taskId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', tenantId: '11111111-2222-4333-8444-555555555555', taskType: 'archive' as const };

  it('names the first run by task and every retry by its generation', () => {
    expect(workflowIdFor(ref)).to.equal(`archive-${ref.taskId}`);
    expect(workflowIdFor({ ...ref, retryCount: 0 })).to.equal(`archive-${ref.taskId}`);
    expect(workflowIdFor({ ...ref, retryCount: 3 })).to.equal(`archive-${ref.taskId}-retry-3`);
  });

  it('carries the generation in the message only for retries', () => {
    expect(JSON.parse(encodeTaskMessage([ref])).tasks[0]).to.not.have.property('retry_count');
    expect(JSON.parse(encodeTaskMessage([{ ...ref, retryCount: 2 }])).tasks[0]).to.include({ retry_count: 2 });
    expect(decodeTaskMessage(encodeTaskMessage([{ ...ref, retryCount: 2 }]))).to.deep.equal([{ ...ref, retryCount: 2 }]);
    expect(decodeTaskMessage(JSON.stringify({ task_id: ref.taskId, tenant_id: ref.tenantId, task_type: 'archive', retry_count: 0 }))).to.deep.equal([ref]);
  });

  it('rejects a generation that is not a non-negative integer', () => {
    for (const retryCount of [-1, 1.5, '2', null, 2 ** 60]) {
      const body = JSON.stringify({ task_id: ref.taskId, tenant_id: ref.tenantId, task_type: 'archive', retry_count: retryCount });
      expect(decodeTaskMessage(body), String(retryCount)).to.equal(undefined);
    }
  });

  it('knows the operator reindex type', () => {
    expect(decodeTaskMessage(encodeTaskMessage([{ ...ref, taskType: 'reindex_tenant' }]))).to.deep.equal([{ ...ref, taskType: 'reindex_tenant' }]);
  });
});
