import { expect } from 'chai';
import { createDependencyGate, GateWaitAbortedError } from '../../features/delivery/dependency-gate';
import { capturedLogger } from '../support/captured-logger';
import { waitFor } from '../support/wait-for';

describe('dependency gate', () => {
  const log = capturedLogger('info');
  let answering = true;
  let probes = 0;
  const gate = () =>
    createDependencyGate({
      name: 'Temporal',
      probe: async () => {
        probes += 1;
        if (!answering) throw new Error('connect ECONNREFUSED');
      },
      logger: log.logger,
      initialIntervalMs: 5,
      maxIntervalMs: 20,
    });

  beforeEach(() => {
    answering = true;
    probes = 0;
  });

  it('stays open after a failure the dependency answers through (the call itself was refused)', async () => {
    const open = gate();
    expect(await open.check()).to.equal(true);
    expect(open.isShut()).to.equal(false);
    await open.whenOpen();
    open.close();
  });

  it('shuts when the dependency does not answer, holds waiters while it probes, and opens at the first answer', async () => {
    const shut = gate();
    answering = false;
    expect(await shut.check()).to.equal(false);
    expect(shut.isShut()).to.equal(true);
    let released = false;
    const waiter = shut.whenOpen().then(() => (released = true));
    await waitFor('a few probes while down', () => probes >= 4, { timeoutMs: 5000, intervalMs: 5 });
    expect(released).to.equal(false);
    answering = true;
    await waiter;
    expect(shut.isShut()).to.equal(false);
    expect(log.lines().map((line) => line.msg)).to.include.members(['Temporal does not answer; taking no work until it does', 'Temporal answers again; taking work']);
    shut.close();
  });

  it('shares one probe between concurrent checks', async () => {
    const shared = gate();
    answering = false;
    const results = await Promise.all([shared.check(), shared.check(), shared.check()]);
    expect(results).to.deep.equal([false, false, false]);
    expect(probes).to.equal(1);
    shared.close();
  });

  it('releases a waiter whose consumer stops', async () => {
    const shut = gate();
    answering = false;
    await shut.check();
    const stopping = new AbortController();
    const waiter = shut.whenOpen(stopping.signal);
    stopping.abort();
    const error = await waiter.then(() => undefined, (thrown: unknown) => thrown);
    expect(error).to.be.instanceOf(GateWaitAbortedError);
    shut.close();
  });
});
