import '../platform/lifecycle/source-maps';
import { createServer } from 'node:http';
import { loadConfig } from '../platform/config/config';
import { loadDotenv } from '../platform/config/load-dotenv';
import { runClustered, shutdownSignals } from '../platform/lifecycle/run-clustered';
import { runProcess } from '../platform/lifecycle/run-process';
import { createLogger } from '../platform/observability/logger';
import { answerClientErrors } from './client-error';
import { composeApi } from './compose-api';
import { drainServer } from './drain-server';
import { attachLogStream } from './stream/attach-log-stream';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-api');

runClustered(logger, { processes: config.http.processes, graceMs: config.http.shutdownGraceMs }, () =>
  runProcess(
    logger,
    config.http.shutdownGraceMs,
    async () => {
      const api = await composeApi(config, logger);
      const server = createServer(api.app.callback());
      const liveTail = attachLogStream(server, api.liveStream);
      answerClientErrors(server);
      // A client must send its headers and whole request within these bounds (slowloris protection);
      // responses, such as long exports, are not bounded by them.
      server.headersTimeout = config.http.headersTimeoutMs;
      server.requestTimeout = config.http.requestTimeoutMs;
      server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.http.port, resolve);
      });
      logger.info({ port: config.http.port }, 'API listening');
      return async () => {
        // Upgraded sockets hold the server open: close them (1001) while the server drains.
        const liveTailClosed = liveTail.close();
        // Leave a second of the grace period for closing the clients below.
        const { forced } = await drainServer(server, Math.max(500, config.http.shutdownGraceMs - 1000));
        if (forced) logger.warn('requests still in flight at the end of the grace period were cut off');
        await liveTailClosed;
        await api.close();
        logger.info('API stopped');
      };
    },
    shutdownSignals(),
  ),
);
