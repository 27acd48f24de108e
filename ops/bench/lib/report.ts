import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Figure, ScenarioOutcome } from './figures';
import type { MachineInfo } from './machine';
import type { Scale } from './scale';

export interface BenchReport {
  mode: 'quick' | 'full';
  machine: MachineInfo;
  scale: Scale;
  /** Load averages at the end of the run: how busy the shared machine was. */
  loadAverageAfter: number[];
  caveats: string[];
  scenarios: ScenarioOutcome[];
}

const num = (value: number) => {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  return abs >= 100 ? Math.round(value).toLocaleString('en-US') : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
};

/** Half the min–max range relative to the median; past ±100% (e.g. a median near zero) only "wide" says anything. */
function halfSpread(spread: number): string {
  if (!Number.isFinite(spread)) return '±?';
  return spread > 2 ? 'wide' : `±${Math.round((spread * 100) / 2)}%`;
}

const cell = (summary: Figure['service'], unit: string) => `${num(summary.median)} ${unit} (${num(summary.min)}–${num(summary.max)}, ${halfSpread(summary.spread)})`;

function verdict(f: Figure): string {
  if (f.refused) return '**refused**';
  return f.met === null ? '—' : f.met ? 'met' : '**not met**';
}

const goalCell = (f: Figure) => (f.lost ? `${f.goal}; ${f.lost.shed} shed, ${f.lost.failed} failed` : f.goal);

/** Why figures were refused, and what was lost: a verdict never stands without its reason. */
function honestyNotes(figures: readonly Figure[]): string[] {
  return figures.flatMap((f) => [
    ...(f.refused ? [`**Refused** ${f.name}: ${f.refused.join('; ')}`] : []),
    ...(f.lost ? [`${f.name}: ${f.lost.shed} requests shed by the in-flight cap and ${f.lost.failed} failed or unanswered over all runs${f.met === null ? '' : ', so its goal is not met'}`] : []),
  ]);
}

function scenarioMarkdown(outcome: ScenarioOutcome): string {
  const lines = [`### ${outcome.id}. ${outcome.title}`, ''];
  if (outcome.status !== 'measured') lines.push(`**${outcome.status}**${outcome.reason ? `: ${outcome.reason}` : ''}`, '');
  if (outcome.figures.length > 0) {
    lines.push('| figure | service: median (min–max, ±half-spread) | raw anchor | anchor: median (min–max) | ratio | goal | |', '|---|---|---|---|---|---|---|');
    for (const f of outcome.figures) {
      lines.push(`| ${f.name} | ${cell(f.service, f.unit)} | ${f.anchorName} | ${cell(f.anchor, f.unit)} | ${num(f.ratio)}× | ${goalCell(f)} | ${verdict(f)} |`);
    }
    lines.push('');
  }
  for (const note of [...honestyNotes(outcome.figures), ...outcome.notes]) lines.push(`- ${note}`);
  lines.push('', `_Scenario time: ${Math.round(outcome.durationMs / 1000)} s._`, '');
  return lines.join('\n');
}

export function toMarkdown(report: BenchReport): string {
  const { machine } = report;
  const summary = report.scenarios.flatMap((s) => s.figures.filter((f) => f.met !== null || f.refused).map((f) => `| ${s.id} | ${f.name} | ${num(f.ratio)}× | ${goalCell(f)} | ${verdict(f)} |`));
  return [
    `# Benchmark results: ${machine.date.slice(0, 10)} (${report.mode})`,
    '',
    `- Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB memory; load average at start ${machine.loadAverage.join(' / ')}, at end ${report.loadAverageAfter.join(' / ')}`,
    `- Versions: Node ${machine.versions.node}, PostgreSQL ${machine.versions.postgresql}, OpenSearch ${machine.versions.opensearch}, Temporal ${machine.versions.temporalCli}`,
    `- Commit measured: ${machine.commit}`,
    `- Date: ${machine.date}; ${report.scale.runs} runs per figure (median, min–max across runs)`,
    '',
    '## Caveats',
    ...report.caveats.map((c) => `- ${c}`),
    '',
    '## Goals',
    '| scenario | figure | ratio | goal | |',
    '|---|---|---|---|---|',
    ...summary,
    '',
    '## Scenarios',
    '',
    ...report.scenarios.map(scenarioMarkdown),
  ].join('\n');
}

/** Writes `<dir>/<date>-<mode>.md` and `.json`; returns the two paths. */
export async function writeReport(report: BenchReport, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, `${report.machine.date.slice(0, 10)}-${report.mode}`);
  await writeFile(`${base}.md`, toMarkdown(report));
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  return [`${base}.md`, `${base}.json`];
}
