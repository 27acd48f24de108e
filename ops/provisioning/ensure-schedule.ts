import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';

/**
 * Creates a Schedule, or brings an existing one to this build's spec, action and policies. Its
 * state is left alone: a schedule an operator paused stays paused.
 */
export async function ensureSchedule(client: Client, options: ScheduleOptions, note: string): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create({ ...options, state: { note } });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(options.scheduleId).update((previous) => ({
    spec: options.spec,
    action: options.action,
    policies: options.policies,
    state: { paused: previous.state.paused, note: previous.state.note },
  }));
  return 'updated';
}
