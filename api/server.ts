import { createServer } from 'node:http';
import { loadConfig } from '../config/config';
import { loadDotenv } from '../config/load-dotenv';
import { runProcess } from '../lifecycle/run-process';
import { createLogger } from '../observability/logger';
import { composeApi } from './compose-api';

loadDotenv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'audit-api');

runProcess(logger, config.http.shutdownGraceMs, async () => {
  const api = await composeApi(config, logger);
  const server = createServer(api.app.callback());
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, resolve);
  });
  logger.info({ port: config.http.port }, 'API listening');
  return async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await api.close();
  };
});
