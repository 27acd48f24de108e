import path from 'node:path';
import { Client, Pool } from 'pg';
import Postgrator from 'postgrator';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { createOpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import { createS3Client } from '../../adapters/s3/s3-client';
import { createSqsClient } from '../../adapters/sqs/sqs-client';
import { ensureQueues } from '../provisioning/ensure-queues';
import { ensureReconcileSchedule } from '../provisioning/ensure-reconcile-schedule';
import { ensureRetentionSchedule } from '../provisioning/ensure-retention-schedule';
import { ensureLogPartitionSchedule } from '../provisioning/ensure-log-partition-schedule';
import { ensureRestoreExpirySchedule } from '../provisioning/ensure-restore-expiry-schedule';
import { createRestoredCopies, restoredIndexName } from '../../adapters/opensearch/restored-copies';
import { ensureLogPartitions } from '../../features/log-partitions/ensure-log-partitions';
import { createTemporalClient } from '../../adapters/temporal/temporal-client';
import { loadConfig } from '../../platform/config/config';
import { loadDotenv } from '../../platform/config/load-dotenv';
import { createLogIndexer } from '../../adapters/opensearch/log-indexer';

/**
 * Brings every store to the shape this build expects, idempotently:
 * roles and database (when DATABASE_ADMIN_URL names a superuser), SQL migrations (as the owner),
 * the partitions of `logs` for the event horizon and the months ahead, the task queues with their
 * dead-letter queues, the archive bucket, the OpenSearch index, and the Temporal Schedules of the
 * daily retention sweep, partition maintenance and reconciliation.
 */

function credentialsOf(url: string) {
  const parsed = new URL(url);
  return { user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password), database: parsed.pathname.slice(1) };
}

async function ensureRolesAndDatabase(adminUrl: string, ownerUrl: string, appUrl: string) {
  const owner = credentialsOf(ownerUrl);
  const app = credentialsOf(appUrl);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const roleExists = async (name: string) => (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
    if (!(await roleExists('audit_application'))) {
      await admin.query('CREATE ROLE audit_application NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE');
    }
    if (!(await roleExists(owner.user))) {
      // The owner runs migrations and the few SECURITY DEFINER functions that work across tenants.
      await admin.query(`CREATE ROLE ${quote(owner.user)} LOGIN BYPASSRLS PASSWORD ${literal(owner.password)}`);
    }
    if (!(await roleExists(app.user))) {
      await admin.query(`CREATE ROLE ${quote(app.user)} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD ${literal(app.password)} IN ROLE audit_application`);
    }
    const dbExists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [owner.database])).rowCount === 1;
    if (!dbExists) await admin.query(`CREATE DATABASE ${quote(owner.database)} OWNER ${quote(owner.user)}`);
  } finally {
    await admin.end();
  }
  const inDatabase = new Client({ connectionString: adminUrl.replace(/\/[^/?]*(\?|$)/, `/${owner.database}$1`) });
  await inDatabase.connect();
  try {
    await inDatabase.query(`ALTER SCHEMA public OWNER TO "${owner.user.replace(/"/g, '""')}"`);
  } finally {
    await inDatabase.end();
  }
}

async function migrate(ownerUrl: string) {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const postgrator = new Postgrator({
      migrationPattern: path.join(__dirname, '..', '..', 'migrations', '*.sql'),
      driver: 'pg',
      database: credentialsOf(ownerUrl).database,
      schemaTable: 'schemaversion',
      execQuery: (query) => client.query(query),
    });
    const applied = await postgrator.migrate();
    console.log(`migrations: ${applied.length} applied, now at version ${await postgrator.getDatabaseVersion()}`);
  } finally {
    await client.end();
  }
}

async function main() {
  loadDotenv();
  const config = loadConfig();
  const ownerUrl = process.env.DATABASE_OWNER_URL;
  if (!ownerUrl) throw new Error('DATABASE_OWNER_URL is required to run migrations');
  if (process.env.DATABASE_ADMIN_URL) await ensureRolesAndDatabase(process.env.DATABASE_ADMIN_URL, ownerUrl, config.postgres.url);
  await migrate(ownerUrl);
  const owner = new Pool({ connectionString: ownerUrl, max: 1 });
  try {
    const partitions = await ensureLogPartitions(owner, { horizonYears: config.events.horizonYears, monthsAhead: config.events.partitionMonthsAhead });
    console.log(`log partitions: ${partitions.total}${partitions.created.length ? ` (created ${partitions.created.join(', ')})` : ''}`);
  } finally {
    await owner.end();
  }

  const sqs = createSqsClient(config.sqs);
  try {
    const { visibilityTimeoutSeconds, maxReceiveCount } = config.sqs;
    const created = await ensureQueues(sqs, Object.values(config.sqs.queueUrls), { visibilityTimeoutSeconds, maxReceiveCount });
    const settings = `visibility timeout ${visibilityTimeoutSeconds} s, dead-lettered after ${maxReceiveCount} deliveries`;
    console.log(`queues: ready, ${settings}${created.length ? ` (created ${created.join(', ')})` : ''}`);
  } finally {
    sqs.destroy();
  }

  const s3 = createS3Client(config.s3);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: config.s3.bucket })).catch(() => s3.send(new CreateBucketCommand({ Bucket: config.s3.bucket })));
    console.log(`bucket: ${config.s3.bucket} ready`);
  } finally {
    s3.destroy();
  }

  const opensearch = createOpenSearchClient(config.opensearch.url);
  try {
    await createLogIndexer(opensearch, config.opensearch.index).ensureTemplate();
    console.log(`search index: ${config.opensearch.index} ready`);
    await createRestoredCopies(opensearch, config.opensearch.index).ensureIndex();
    console.log(`restored copies index: ${restoredIndexName(config.opensearch.index)} ready`);
  } finally {
    await opensearch.close();
  }

  const temporal = await createTemporalClient(config.temporal);
  try {
    console.log(`retention schedule: ${await ensureRetentionSchedule(temporal, config.temporal.taskQueue)}`);
    console.log(`log partition schedule: ${await ensureLogPartitionSchedule(temporal, config.temporal.taskQueue)}`);
    console.log(`reconcile schedule: ${await ensureReconcileSchedule(temporal, config.temporal.taskQueue)}`);
    console.log(`restore expiry schedule: ${await ensureRestoreExpirySchedule(temporal, config.temporal.taskQueue)}`);
  } finally {
    await temporal.connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`provision failed: ${(error as Error).message}`);
  process.exit(1);
});
