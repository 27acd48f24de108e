import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../../platform/config/config';

export function createSqsClient(config: Config['sqs']): SQSClient {
  return new SQSClient({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
}
