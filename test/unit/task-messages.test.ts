import { expect } from 'chai';
import { decodeTaskMessage, encodeTaskMessage } from '../../queue/task-messages';

describe('task messages', () => {
  const ref = { taskId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', tenantId: '11111111-2222-4333-8444-555555555555', taskType: 'reindex' as const };

  it('round-trips a task reference', () => {
    expect(decodeTaskMessage(encodeTaskMessage(ref))).to.deep.equal(ref);
  });

  it('rejects bodies that are not task messages', () => {
    for (const body of [undefined, '', 'not json', '[]', '{}', JSON.stringify({ ...JSON.parse(encodeTaskMessage(ref)), task_type: 'drop_tables' }), JSON.stringify({ task_id: 'x', tenant_id: ref.tenantId, task_type: 'reindex' })]) {
      expect(decodeTaskMessage(body), String(body)).to.equal(undefined);
    }
  });
});
