import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { MAX_LISTED_IDS, startTaskWorkflow } from '../../adapters/temporal/start-task-workflow';
import { TASK_ID_ATTRIBUTE, TENANT_ID_ATTRIBUTE } from '../../adapters/temporal/search-attributes';
import { RUN_ATTRIBUTES } from '../../workflows/claimed-run-attributes';

/** A stand-in for the Temporal client that records the options of each start. */
function recordingClient() {
  const starts: { workflowType: string; options: { typedSearchAttributes: TypedSearchAttributes; workflowIdReusePolicy: string } }[] = [];
  const client = {
    workflow: {
      start: async (workflowType: string, options: (typeof starts)[number]['options']) => {
        starts.push({ workflowType, options });
        return { workflowId: 'w', firstExecutionRunId: 'r' };
      },
    },
  } as unknown as Client;
  return { client, starts };
}

const ids = (count: number) => Array.from({ length: count }, () => randomUUID());
const attributes = (start: { options: { typedSearchAttributes: TypedSearchAttributes } }) =>
  Object.fromEntries(start.options.typedSearchAttributes.getAll().map((pair) => [pair.key.name, pair.value]));

describe('starting a task run', () => {
  it("starts the type's workflow from the task-type table, lists its tenants and tasks, and never reuses an id", async () => {
    const { client, starts } = recordingClient();
    const tenants = ids(2);
    const tasks = ids(3);
    await startTaskWorkflow(client, 'q', { taskType: 'reindex', workflowId: 'reindex-x', input: {}, tenantIds: [...tenants, tenants[0] as string], taskIds: tasks });
    expect(starts[0]?.workflowType).to.equal('indexTaskBatchWorkflow');
    expect(starts[0]?.options.workflowIdReusePolicy).to.equal('REJECT_DUPLICATE');
    expect(attributes(starts[0] as (typeof starts)[number])).to.deep.equal({ TaskType: 'reindex', TenantId: tenants, TaskId: tasks });
  });

  it("leaves TaskId out when the list would pass Temporal's 2 KB value limit, and refuses a run of too many tenants", async () => {
    const { client, starts } = recordingClient();
    await startTaskWorkflow(client, 'q', { taskType: 'reindex', workflowId: 'reindex-y', input: {}, tenantIds: ids(1), taskIds: ids(MAX_LISTED_IDS + 1) });
    expect(attributes(starts[0] as (typeof starts)[number])).to.have.keys('TaskType', 'TenantId');
    expect(JSON.stringify(ids(MAX_LISTED_IDS)).length).to.be.lessThan(2048);
    let refused: unknown;
    await startTaskWorkflow(client, 'q', { taskType: 'reindex', workflowId: 'reindex-z', input: {}, tenantIds: ids(MAX_LISTED_IDS + 1), taskIds: ids(1) }).catch((error: unknown) => (refused = error));
    expect(String(refused)).to.match(/at most 40 tenants/);
  });
});

describe('search attribute keys inside workflow code', () => {
  it('are the keys and the listing limit runs are started with', () => {
    expect(RUN_ATTRIBUTES.TENANT_ID).to.deep.equal(TENANT_ID_ATTRIBUTE);
    expect(RUN_ATTRIBUTES.TASK_ID).to.deep.equal(TASK_ID_ATTRIBUTE);
    expect(RUN_ATTRIBUTES.MAX_LISTED_IDS).to.equal(MAX_LISTED_IDS);
  });
});
