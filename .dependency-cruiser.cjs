// @ts-check
/**
 * The layer rule, kept by `npm run lint`: imports run one way, down this list, and never in a circle.
 *   ops/, test/        may import anything
 *   workers/           process entry points (composition roots)
 *   api/, workflows/   the HTTP/WebSocket edge; deterministic orchestration (activities as types only)
 *   activities/        Temporal activities
 *   features/          use cases by feature
 *   adapters/          one folder per server
 *   platform/          config, observability, auth, validation, lifecycle
 *   domain/            pure types and rules
 */
const LAYERS = [
  ['domain'],
  ['platform'],
  ['adapters'],
  ['features'],
  ['activities'],
  ['api', 'workflows'],
  ['workers'],
  ['ops', 'test'],
];

const folderPattern = (folders) => `^(${folders.join('|')})/`;

/** For each layer: a rule forbidding imports of any layer above it. */
const upwardRules = LAYERS.slice(0, -1).map((layer, rank) => ({
  name: `no-import-up-from-${layer.join('-')}`,
  comment: `${layer.join(' and ')} may import only the layers below it (see the layout table in README.md)`,
  severity: 'error',
  from: { path: folderPattern(layer) },
  to: { path: folderPattern(LAYERS.slice(rank + 1).flat()) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles hide the layer order and make start-up order fragile.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upwardRules,
    {
      name: 'no-edge-and-orchestration-mix',
      comment: 'The HTTP edge and workflow code are separate entry layers: neither imports the other.',
      severity: 'error',
      from: { path: '^(api|workflows)/' },
      to: { path: '^(api|workflows)/', pathNot: '^$1/' },
    },
    {
      name: 'no-adapter-to-adapter',
      comment: 'An adapter speaks to one server; what two adapters share belongs in domain/ or platform/.',
      severity: 'error',
      from: { path: '^adapters/([^/]+)/' },
      to: { path: '^adapters/[^/]+/', pathNot: ['^adapters/$1/', '^adapters/[^/]+\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
