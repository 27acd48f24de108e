import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/s3/s3-client';
import { createTenant, tokenFor } from '../support/fixtures';
import { ingestEvents, waitForSealed } from '../support/integrity';
import { testSystem, type TestSystem } from '../support/system';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** `npm run verify` as a user runs it: a separate process that reads only the files it is given. */
function verifyCli(args: string[]): { status: number | null; result: any; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'ops/scripts/verify-offline.ts', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH } });
  let result: any;
  try {
    result = JSON.parse(run.stdout);
  } catch {
    result = undefined;
  }
  return { status: run.status, result, stderr: run.stderr };
}

describe('integrity: the offline verifier (npm run verify)', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let dir: string;
  let lines: string[];

  before(async () => {
    system = await testSystem();
    const tenantId = await createTenant(system);
    await ingestEvents(system, tenantId, 25, 'offline one');
    await waitForSealed(system, tenantId, 25);
    await ingestEvents(system, tenantId, 40, 'offline two');
    await waitForSealed(system, tenantId, 65);
    const auditor = tokenFor(system, 'auditor', tenantId);
    dir = mkdtempSync(path.join(tmpdir(), 'audit-verify-'));
    const exported = await system.api.http.get('/api/v1/logs/export?format=ndjson', { token: auditor });
    lines = exported.text.trim().split('\n');
    writeFileSync(path.join(dir, 'logs.ndjson'), exported.text);
    writeFileSync(path.join(dir, 'checkpoints.json'), (await system.api.http.get('/api/v1/integrity/checkpoints?page_size=100', { token: auditor })).text);
    writeFileSync(path.join(dir, 'jwks.json'), (await system.api.http.get('/.well-known/audit-log-keys.json')).text);
    // The same checkpoints as the bucket holds them: plain signed notes.
    const s3 = createS3Client(system.config.s3);
    mkdirSync(path.join(dir, 'notes'));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: system.config.s3.bucket, Prefix: `tenants/${tenantId}/checkpoints/` }));
    for (const object of listed.Contents ?? []) {
      const body = await (await s3.send(new GetObjectCommand({ Bucket: system.config.s3.bucket, Key: object.Key }))).Body?.transformToString();
      writeFileSync(path.join(dir, 'notes', path.basename(object.Key as string)), body as string);
    }
    s3.destroy();
  });

  const file = (name: string) => path.join(dir, name);

  it('verifies an untouched export against the API checkpoints and against the bucket notes', () => {
    for (const checkpoints of [file('checkpoints.json'), file('notes')]) {
      const run = verifyCli(['--export', file('logs.ndjson'), '--checkpoints', checkpoints, '--keys', file('jwks.json')]);
      expect(run.status, run.stderr).to.equal(0);
      expect(run.result).to.include({ ok: true, events_checked: 65, tree_size: 65 });
      expect(run.result.checkpoints_checked).to.be.at.least(2);
    }
  });

  it('fails an export with an edited event, a dropped event, or checkpoints under another key', () => {
    const edited = lines.map((line, index) => (index === 3 ? line.replace('offline', 'OFFLINE') : line));
    writeFileSync(file('edited.ndjson'), `${edited.join('\n')}\n`);
    const run = verifyCli(['--export', file('edited.ndjson'), '--checkpoints', file('checkpoints.json'), '--keys', file('jwks.json')]);
    expect(run.status).to.equal(1);
    expect(run.result.problems.map((problem: any) => problem.kind)).to.include('inconsistent_checkpoint');

    const dropped = lines.filter((line) => JSON.parse(line).seq !== 30);
    writeFileSync(file('dropped.ndjson'), `${dropped.join('\n')}\n`);
    const gap = verifyCli(['--export', file('dropped.ndjson'), '--checkpoints', file('checkpoints.json'), '--keys', file('jwks.json')]);
    expect(gap.status).to.equal(1);
    expect(gap.result.problems[0]).to.include({ kind: 'missing', seq: 30 });

    writeFileSync(file('other-jwks.json'), JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: Buffer.alloc(32, 1).toString('base64url'), kid: 'other' }] }));
    const wrongKeys = verifyCli(['--export', file('logs.ndjson'), '--checkpoints', file('checkpoints.json'), '--keys', file('other-jwks.json')]);
    expect(wrongKeys.status).to.equal(1);
    expect(new Set(wrongKeys.result.problems.map((problem: any) => problem.kind))).to.deep.equal(new Set(['bad_signature']));
  });
});
