import type { Consumer } from 'sqs-consumer';

/** Stops polling and resolves once the batch in hand has finished (sqs-consumer's graceful stop). */
export function stopConsumer(consumer: Consumer): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!consumer.status.isRunning) return resolve();
    consumer.once('stopped', () => resolve());
    consumer.stop({ abort: false });
  });
}
