import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles the web console (console/src) into dist/console: index.html plus content-hashed scripts and
 * styles under assets/. Skips the build when the sources, the lockfile and this script hash as last
 * time, so `npm run up` and `npm test` can run it every time. `--force` rebuilds anyway.
 */
const root = path.resolve(__dirname, '..', '..');
const sourceDir = path.join(root, 'console');
const outDir = process.env.CONSOLE_DIR ?? path.join(root, 'dist', 'console');
const stampFile = path.join(outDir, '.source-hash');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name)).sort();
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...(await filesUnder(sourceDir)), path.join(root, 'package-lock.json'), __filename]) {
    hash.update(path.relative(root, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

function page(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Audit log console</title>
  <link rel="stylesheet" href="/console/assets/${style}">
  <script type="module" src="/console/assets/${script}"></script>
</head>
<body>
  <div id="app"></div>
</body>
</html>
`;
}

async function main() {
  const hash = await sourceHash();
  const previous = await readFile(stampFile, 'utf8').catch(() => '');
  if (previous.trim() === hash && !process.argv.includes('--force')) {
    console.log(`console: up to date in ${path.relative(root, outDir)}`);
    return;
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(path.join(outDir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { main: path.join(sourceDir, 'src', 'main.tsx') },
    outdir: path.join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(sourceDir, 'tsconfig.json'),
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const style = outputs.find((file) => file.endsWith('.css'));
  if (!script || !style) throw new Error(`console: the build produced ${outputs.join(', ')}, not one script and one stylesheet`);
  await writeFile(path.join(outDir, 'index.html'), page(script, style));
  await writeFile(stampFile, `${hash}\n`);
  console.log(`console: built ${script} and ${style} into ${path.relative(root, outDir)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
