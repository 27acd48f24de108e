import path from 'node:path';
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';

/** What one markdown file refers to and offers, as a parser (not a regex) reads it. */
export interface MarkdownFacts {
  /** Link targets and image sources, as written. */
  links: string[];
  /** Anchors of its headings, by GitHub's rules (duplicates get -1, -2, …). */
  anchors: Set<string>;
  /** Inline code spans, as written. */
  codeSpans: string[];
  /** Inline code spans inside the table that follows the heading named `tableUnder`. */
  tableCodeSpans: string[];
}

const markdown = new MarkdownIt({ html: true });
type Token = MarkdownIt.Token;

const inlineText = (token: Token | undefined) =>
  (token?.children ?? []).filter((child) => child.type === 'text' || child.type === 'code_inline').map((child) => child.content).join('');

export function readMarkdown(source: string, tableUnder?: string): MarkdownFacts {
  const tokens = markdown.parse(source, {});
  const slugger = new GithubSlugger();
  const facts: MarkdownFacts = { links: [], anchors: new Set(), codeSpans: [], tableCodeSpans: [] };
  let section = '';
  let inTable = false;
  tokens.forEach((token, index) => {
    if (token.type === 'heading_open') {
      section = inlineText(tokens[index + 1]);
      facts.anchors.add(slugger.slug(section));
    }
    if (token.type === 'table_open') inTable = true;
    if (token.type === 'table_close') inTable = false;
    for (const child of token.children ?? []) {
      if (child.type === 'link_open') facts.links.push(String(child.attrGet('href') ?? ''));
      if (child.type === 'image') facts.links.push(String(child.attrGet('src') ?? ''));
      if (child.type === 'code_inline') {
        facts.codeSpans.push(child.content);
        if (inTable && tableUnder !== undefined && section === tableUnder) facts.tableCodeSpans.push(child.content);
      }
    }
  });
  return facts;
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** The repository as git tracks it: files, and every folder that holds one. */
export interface Tree {
  files: Set<string>;
  folders: Set<string>;
}

export function treeOf(files: readonly string[]): Tree {
  const folders = new Set<string>(['']);
  for (const file of files) {
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) folders.add(dir);
  }
  return { files: new Set(files), folders };
}

/** A repository path from `from` (a file's folder, '' for the root), or null when it leaves the repository. */
function resolveInRepo(from: string, target: string): string | null {
  const resolved = target.startsWith('/') ? path.posix.normalize(target.slice(1)) : path.posix.join(from, target);
  if (resolved === '..' || resolved.startsWith('../') || path.posix.isAbsolute(resolved)) return null;
  return resolved === '.' ? '' : resolved.replace(/\/$/, '');
}

const exists = (tree: Tree, repoPath: string) => tree.files.has(repoPath) || tree.folders.has(repoPath);

/**
 * Why a link written in `file` does not work on a fresh clone, or null when it does. `anchorsOf`
 * gives the heading anchors of a markdown file in the repository.
 */
export function brokenLink(file: string, href: string, tree: Tree, anchorsOf: (file: string) => Set<string>): string | null {
  if (EXTERNAL.test(href) || href.startsWith('//')) return null;
  const [rawTarget = '', fragment] = href.split('#', 2) as [string, string | undefined];
  const target = decodeURIComponent(rawTarget.split('?')[0] ?? '');
  const resolved = target === '' ? file : resolveInRepo(path.posix.dirname(file).replace(/^\.$/, ''), target);
  if (resolved === null) return `${href}: leaves the repository`;
  if (!exists(tree, resolved)) return `${href}: no such file or folder in the repository (${resolved})`;
  if (fragment !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(decodeURIComponent(fragment))) {
    return `${href}: ${resolved} has no heading with the anchor #${fragment}`;
  }
  return null;
}

/** Inline code that names a file or folder: a slash, and a file extension or a trailing slash; no placeholders. */
export const looksLikeRepoPath = (span: string) =>
  /^[\w.@-]+(\/[\w.@-]+)*\/?$/.test(span) && span.includes('/') && (span.endsWith('/') || /\.[a-z0-9]{1,5}$/i.test(span));

/** Whether a path named in `file` exists, read from the repository root or from the file's folder. */
export function namedPathExists(file: string, span: string, tree: Tree): boolean {
  const fromRoot = resolveInRepo('', span);
  const fromFile = resolveInRepo(path.posix.dirname(file).replace(/^\.$/, ''), span);
  return [fromRoot, fromFile].some((candidate) => candidate !== null && exists(tree, candidate));
}
