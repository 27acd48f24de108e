import { expect } from 'chai';
import { createServer } from 'node:net';
import { createTemporalHealth } from '../../adapters/temporal/temporal-health';
import { loadConfig } from '../../platform/config/config';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Temporal health without the SDK (adapters/temporal/temporal-health.ts)', () => {
  it('answers once the real Temporal server says it is serving', async () => {
    const health = createTemporalHealth(loadConfig().temporal.address);
    try {
      await health.check();
      await health.check();
    } finally {
      health.close();
    }
  });

  it('fails when nothing listens at the address', async () => {
    const health = createTemporalHealth(`127.0.0.1:${await closedPort()}`, 1000);
    try {
      const outcome = await health.check().then(() => 'answered', (error: Error) => error.message);
      expect(outcome).to.not.equal('answered');
    } finally {
      health.close();
    }
  });
});
