import { expect } from 'chai';
import { GateWaitAbortedError } from '../../features/delivery/dependency-gate';
import { createReceivePacer } from '../../features/delivery/receive-pacer';

describe('receive pacer (task bridge)', () => {
  const pauses: number[] = [];
  const pacer = (thinQueuePauseMs = 250) =>
    createReceivePacer({
      batchSize: 10,
      thinQueuePauseMs,
      pause: async (ms) => {
        pauses.push(ms);
      },
    });
  const signal = new AbortController().signal;

  beforeEach(() => {
    pauses.length = 0;
  });

  it('receives at once the first time, after an empty long poll, and after a full batch', async () => {
    const paced = pacer();
    await paced.beforeReceive(signal);
    await paced.beforeReceive(signal); // nothing was received in between: the long poll came back empty
    paced.received(10);
    await paced.beforeReceive(signal);
    expect(pauses).to.deep.equal([]);
  });

  it('pauses once after each part batch, whatever its size below the batch size', async () => {
    const paced = pacer();
    for (const count of [1, 9]) {
      paced.received(count);
      await paced.beforeReceive(signal);
    }
    await paced.beforeReceive(signal);
    expect(pauses).to.deep.equal([250, 250]);
  });

  it('never pauses when its pause is 0', async () => {
    const paced = pacer(0);
    paced.received(1);
    await paced.beforeReceive(signal);
    expect(pauses).to.deep.equal([]);
  });

  it('ends a real pause as soon as the consumer stops', async () => {
    const paced = createReceivePacer({ batchSize: 10, thinQueuePauseMs: 60_000 });
    const stopping = new AbortController();
    paced.received(1);
    const waiting = paced.beforeReceive(stopping.signal);
    stopping.abort();
    const outcome = await waiting.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    expect(outcome).to.be.instanceOf(GateWaitAbortedError);
  });
});
