import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

const fixtures = path.join(__dirname, '..', 'fixtures', 'workflow-histories');

/**
 * Replays recorded histories (`temporal workflow show -w ID -o json`, see
 * test/fixtures/workflow-histories/README.md) against today's workflow code: a change that would
 * make running workflows non-deterministic fails here, not in production.
 */
describe('workflow replay', function () {
  this.timeout(120_000);

  it('replays every recorded history without a determinism error', async () => {
    const files = readdirSync(fixtures).filter((file) => file.endsWith('.json'));
    expect(files.length).to.be.greaterThan(0);
    const histories = files.map((file) => ({ workflowId: file.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(readFileSync(path.join(fixtures, file), 'utf8'))) }));
    const replayed: string[] = [];
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: require.resolve('../../workflows') }, histories)) {
      replayed.push(result.workflowId);
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).to.deep.equal([]);
    expect(replayed.sort()).to.deep.equal(histories.map((h) => h.workflowId).sort());
  });
});
