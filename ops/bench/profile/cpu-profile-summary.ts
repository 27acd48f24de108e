import { readFile } from 'node:fs/promises';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  share: number;
}

/** Where a frame's code lives: an npm package, a project file, or a V8/Node built-in. */
function moduleOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName || '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1] as string;
  return frame.url.replace(/^file:\/\/.*?\/(?=(?:api|auth|db|ingest|queue|search|streaming|validation|export|observability)\/)/, '');
}

const top = (totals: Map<string, number>, all: number, count: number): SelfTime[] =>
  [...totals].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, time]) => ({ name, share: time / all }));

/** Self time of a V8 .cpuprofile, by function and by module, largest first. */
export async function summarizeCpuProfile(file: string, count = 20): Promise<{ functions: SelfTime[]; modules: SelfTime[]; totalMs: number }> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = frames.get(id);
    if (!frame) return;
    total += delta;
    const name = frame.url ? `${frame.functionName || '(anonymous)'} ${moduleOf(frame)}:${frame.lineNumber + 1}` : moduleOf(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
    byModule.set(moduleOf(frame), (byModule.get(moduleOf(frame)) ?? 0) + delta);
  });
  return { functions: top(byFunction, total, count), modules: top(byModule, total, count), totalMs: total / 1000 };
}
