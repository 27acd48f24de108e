import { productionNodeFlags } from '../support/production-node-flags';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { EnvSchema } from '../../platform/config/env-schema';

const root = path.resolve(__dirname, '..', '..');
const composeFile = path.join(root, 'docker-compose.yml');
const PROVISIONING_ONLY = ['DATABASE_OWNER_URL', 'DATABASE_ADMIN_URL'];

interface ComposeService {
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as { services: Record<string, ComposeService>; 'x-service-env': Record<string, string> };

  it('is valid Compose syntax (docker-compose config)', function () {
    this.timeout(30_000);
    const output = execFileSync('docker-compose', ['-f', composeFile, 'config', '--quiet'], {
      env: { ...process.env, JWT_SECRET: 'x'.repeat(32), CURSOR_SECRET: 'y'.repeat(32), INTEGRITY_SIGNING_KEYS: '{"kty":"OKP"}' },
      encoding: 'utf8',
    });
    expect(output.trim()).to.equal('');
  });

  it('runs the same servers and processes as the native stack', () => {
    expect(Object.keys(compose.services).sort()).to.deep.equal(
      ['api', 'elasticmq', 'opensearch', 'postgres', 'provision', 'redis', 's3', 'background', 'temporal'].sort(),
    );
    const appProcesses = readFileSync(path.join(root, 'ops', 'stack', 'app.sh'), 'utf8');
    for (const name of ['api', 'background']) {
      const entry = compose.services[name]?.command?.find((part) => part.startsWith('dist/')) as string;
      expect(appProcesses, name).to.contain(entry);
      const flags = compose.services[name]?.command?.filter((part) => part.startsWith('--max-')) ?? [];
      expect(flags.join(' '), `${name}'s memory flags`).to.equal(productionNodeFlags(name).join(' '));
      expect(existsSync(path.join(root, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), entry).to.equal(true);
    }
  });

  it('mounts only files of the repository that exist', () => {
    const sources = Object.values(compose.services).flatMap((service) => service.volumes ?? []).map((volume) => volume.split(':')[0] as string);
    const binds = sources.filter((source) => source.startsWith('.'));
    expect(binds).to.not.be.empty;
    for (const source of binds) expect(existsSync(path.join(root, source)), source).to.equal(true);
  });

  it('sets every variable the service requires, and only variables it reads', () => {
    const env = compose['x-service-env'];
    const known = Object.keys(EnvSchema.properties);
    for (const name of Object.keys(env)) expect([...known, ...PROVISIONING_ONLY], name).to.include(name);
    for (const name of EnvSchema.required ?? []) {
      const schema = EnvSchema.properties[name as keyof typeof EnvSchema.properties] as { default?: unknown };
      if (schema.default === undefined) expect(env, name).to.have.property(name);
    }
  });

  it('sets the token issuer and audience, which production requires', () => {
    expect(env(compose, 'NODE_ENV')).to.equal('production');
    expect(env(compose, 'JWT_ISSUER')).to.be.a('string').and.not.equal('');
    expect(env(compose, 'JWT_AUDIENCE')).to.be.a('string').and.not.equal('');
  });

  it('declares the task queues and their dead-letter queues like the native ElasticMQ', () => {
    const conf = readFileSync(path.join(root, 'ops', 'deploy', 'elasticmq.conf'), 'utf8');
    for (const queue of ['index', 'archive', 'cleanup']) {
      expect(conf).to.match(new RegExp(`"${queue}"\\s*\\{[^\\n]*deadLettersQueue \\{ name = "${queue}-dlq"`));
      expect(env(compose, `SQS_${queue.toUpperCase()}_QUEUE_URL`)).to.match(new RegExp(`/${queue}$`));
    }
  });
});

function env(compose: { 'x-service-env': Record<string, string> }, name: string): string {
  return compose['x-service-env'][name] as string;
}
