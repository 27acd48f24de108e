import { setSourceMapsSupport } from 'node:module';

// Imported first by every entry point: stack traces name the project's TypeScript sources. Unlike
// `--enable-source-maps`, files under node_modules keep their JavaScript positions: the flag made
// Node read and hold the source map of every library module loaded (~4 MiB in the worker, issue 13).
setSourceMapsSupport(true);
