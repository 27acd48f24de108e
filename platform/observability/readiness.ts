export interface DependencyCheck {
  name: string;
  /** A required dependency that is down makes the process unready (503). */
  required: boolean;
  check(): Promise<unknown>;
}

export interface DependencyState {
  status: 'up' | 'down';
  required: boolean;
  latency_ms: number;
  error?: string;
}

export interface Readiness {
  status: 'ready' | 'degraded' | 'unavailable';
  dependencies: Record<string, DependencyState>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Checks every dependency concurrently, each bounded by `timeoutMs`. */
export async function checkReadiness(checks: readonly DependencyCheck[], timeoutMs = 2000): Promise<Readiness> {
  const states = await Promise.all(
    checks.map(async ({ name, required, check }): Promise<[string, DependencyState]> => {
      const started = performance.now();
      try {
        await withTimeout(check(), timeoutMs);
        return [name, { status: 'up', required, latency_ms: Math.round(performance.now() - started) }];
      } catch (error) {
        return [name, { status: 'down', required, latency_ms: Math.round(performance.now() - started), error: (error as Error).message || String(error) }];
      }
    }),
  );
  const dependencies = Object.fromEntries(states);
  const down = states.filter(([, state]) => state.status === 'down');
  const status = down.some(([, state]) => state.required) ? 'unavailable' : down.length > 0 ? 'degraded' : 'ready';
  return { status, dependencies };
}
