import type { FromLoad, JobControl, ToLoad } from './protocol';
import { JOBS } from './jobs';

/**
 * A load process: receives one job from the bench over IPC, runs it, sends back its result and
 * exits. Keeping load generation out of the bench and service processes keeps their CPU apart.
 */
function send(message: FromLoad): Promise<void> {
  return new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));
}

let go: (() => void) | undefined;

const control: JobControl = {
  async readyThenWait() {
    const started = new Promise<void>((resolve) => (go = resolve));
    await send({ type: 'ready' });
    await started;
  },
};

process.on('message', (message: ToLoad) => {
  if (message.type === 'go') return go?.();
  const job = JOBS[message.kind];
  if (!job) {
    void send({ type: 'failed', message: `unknown load job ${message.kind}` }).then(() => process.exit(1));
    return;
  }
  job(message.params as never, control).then(
    async (result) => {
      await send({ type: 'result', result });
      process.exit(0);
    },
    async (error: unknown) => {
      await send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
});
