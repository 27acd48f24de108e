/** Messages between the bench (parent) and a load process (child). */
export type ToLoad = { type: 'job'; kind: string; params: unknown } | { type: 'go' };
export type FromLoad = { type: 'ready' } | { type: 'result'; result: unknown } | { type: 'failed'; message: string };

/** What a job gets besides its parameters: a way to say "set up, start me when you are ready". */
export interface JobControl {
  /** Tells the parent set-up is done and waits for its go (a job that needs no gate skips this). */
  readyThenWait(): Promise<void>;
}

export type Job = (params: never, control: JobControl) => Promise<unknown>;
