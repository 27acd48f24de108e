import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const root = path.resolve(__dirname, '..', '..');
const read = (...parts: string[]) => readFileSync(path.join(root, ...parts), 'utf8');
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

describe('the Node runtime', () => {
  it(`runs the tests on Node ${process.versions.node} (engines: "${engines}")`, () => {
    expect(semver.satisfies(process.versions.node, engines), `Node ${process.versions.node} at ${process.execPath}`).to.equal(true);
  });

  it('fetches a Node for the stack that satisfies engines (ops/stack/node-deps.sh)', () => {
    const script = read('ops', 'stack', 'node-deps.sh');
    const version = /^NODE_VERSION=(\S+)$/m.exec(script)?.[1] ?? '';
    const major = /^NODE_MAJOR=(\d+)$/m.exec(script)?.[1];
    expect(semver.satisfies(version, engines), `NODE_VERSION=${version}`).to.equal(true);
    expect(major, 'NODE_MAJOR').to.equal(String(semver.major(version)));
    expect(semver.minVersion(engines)?.major, 'engines admit older majors than the stack fetches').to.equal(semver.major(version));
  });

  it('builds and runs the image on a Node that satisfies engines (Dockerfile)', () => {
    const images = [...read('Dockerfile').matchAll(/^FROM node:(\S+)/gm)].map((match) => match[1] as string);
    expect(images, 'node base images').to.have.length.greaterThan(0);
    for (const tag of images) expect(semver.satisfies(semver.coerce(tag) ?? '0.0.0', engines), `node:${tag}`).to.equal(true);
  });
});
