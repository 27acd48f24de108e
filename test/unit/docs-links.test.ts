import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { brokenLink, looksLikeRepoPath, namedPathExists, readMarkdown, treeOf, type MarkdownFacts, type Tree } from '../support/markdown-links';

const ROOT = path.resolve(__dirname, '../..');
/** Benchmark results are dated records of a run: they keep the paths of their day. */
const SKIPPED = /^(ops\/bench\/results\/|node_modules\/)/;
/** What a build or an install creates, so a clone does not have it. */
const GENERATED = /^(dist|node_modules)\//;

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
const markdownFiles = tracked.filter((file) => file.endsWith('.md') && !SKIPPED.test(file));
const tree = treeOf(tracked);
const facts = new Map<string, MarkdownFacts>(
  markdownFiles.map((file) => [file, readMarkdown(readFileSync(path.join(ROOT, file), 'utf8'), file === 'README.md' ? 'Layout' : undefined)]),
);
const anchorsOf = (file: string) => facts.get(file)?.anchors ?? readMarkdown(readFileSync(path.join(ROOT, file), 'utf8')).anchors;

function brokenLinks(file: string, source: string, within: Tree = tree): string[] {
  return readMarkdown(source)
    .links.map((href) => brokenLink(file, href, within, anchorsOf))
    .filter((problem): problem is string => problem !== null);
}

describe('docs: every link resolves inside the repository', () => {
  it('finds the markdown files git tracks', () => {
    expect(markdownFiles).to.include.members(['README.md', 'docs/api.md', 'docs/design.md', 'ops/bench/README.md']);
  });

  it('resolves every relative link and image to a tracked file or folder, and every #anchor to a heading', () => {
    const problems = [...facts].flatMap(([file, { links }]) =>
      links.map((href) => brokenLink(file, href, tree, anchorsOf)).filter(Boolean).map((problem) => `${file}: ${problem}`),
    );
    expect(problems).to.deep.equal([]);
  });

  it('names only files and folders that exist, in inline code', () => {
    const missing = [...facts].flatMap(([file, { codeSpans }]) =>
      codeSpans
        .filter((span) => looksLikeRepoPath(span) && !GENERATED.test(span) && !namedPathExists(file, span, tree))
        .map((span) => `${file}: \`${span}\``),
    );
    expect(missing).to.deep.equal([]);
  });

  it("names in README's layout table only paths that exist", () => {
    const spans = facts.get('README.md')?.tableCodeSpans ?? [];
    const paths = spans.filter((span) => /^[\w.@-]+(\/[\w.@-]*)*$/.test(span) && (span.includes('/') || span.includes('.')));
    expect(paths.length, 'the layout table names the folders').to.be.greaterThan(10);
    expect(paths.filter((span) => !namedPathExists('README.md', span, tree))).to.deep.equal([]);
  });
});

describe('docs: the link check itself', () => {
  it('refuses a link out of the repository, a missing file and a missing anchor; accepts what exists', () => {
    expect(brokenLinks('README.md', 'See [the contract](../shared/api.md).')).to.deep.equal(['../shared/api.md: leaves the repository']);
    expect(brokenLinks('docs/api.md', '![x](../shared/design.png)')).to.have.length(1);
    expect(brokenLinks('docs/api.md', '[x](nowhere.md)')).to.deep.equal(['nowhere.md: no such file or folder in the repository (docs/nowhere.md)']);
    expect(brokenLinks('README.md', '[x](docs/design.md#no-such-heading)')).to.have.length(1);
    expect(brokenLinks('README.md', '[x](#no-such-heading)')).to.have.length(1);
    expect(brokenLinks('README.md', '[x](docs/design.md) [y](https://example.com/a) [z](ops/bench/) [q](#layout)')).to.deep.equal([]);
  });

  it('slugs headings as GitHub does', () => {
    const { anchors } = readMarkdown('# Errors: problem+json\n## `GET /logs/{id}`\n## Tasks\n## Tasks\n');
    expect([...anchors]).to.deep.equal(['errors-problemjson', 'get-logsid', 'tasks', 'tasks-1']);
  });

  it('tells repository paths in inline code from other code', () => {
    expect(['api/app.ts', 'ops/stack/', 'docs/api.md', 'lib/'].every(looksLikeRepoPath)).to.equal(true);
    expect(['npm run up', 'application/problem+json', '/api/v1/logs', 'workers/*.ts', 'tenants/<tenant>/x.gz', 'text/html'].some(looksLikeRepoPath)).to.equal(false);
  });
});
