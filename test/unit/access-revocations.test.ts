import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import pino from 'pino';
import type { RevocationSnapshot } from '../../adapters/postgres/issued-tokens-repository';
import { ACCESS_CHANGE_CHANNEL } from '../../adapters/redis/access-change-channel';
import type { Principal } from '../../domain/auth';
import { AccessRevokedError, createAccessRevocations, RevocationsUnknownError, type AccessRevocations } from '../../features/tenancy/access-revocations';
import { waitFor } from '../support/wait-for';

const TENANT = '11111111-1111-4111-8111-111111111111';
const TOKEN = '22222222-2222-4222-8222-222222222222';
const LATER = new Date(Date.now() + 3600_000).toISOString();

/** Stands in for the subscriber connection: the test delivers messages and reconnections. */
class FakeSubscriber extends EventEmitter {
  async connect() {
    this.emit('ready');
  }
  async subscribe() {
    return 1;
  }
  deliver(change: unknown) {
    this.emit('message', ACCESS_CHANGE_CHANNEL, typeof change === 'string' ? change : JSON.stringify(change));
  }
}

/** Each re-read waits for the test to answer it with a snapshot. */
class Database {
  reads: ((snapshot: RevocationSnapshot) => void)[] = [];
  load = () => new Promise<RevocationSnapshot>((resolve) => this.reads.push(resolve));
  async answer(snapshot: Partial<RevocationSnapshot> = {}) {
    await waitFor('a re-read', () => this.reads.length > 0, { timeoutMs: 2_000, intervalMs: 5 });
    this.reads.shift()?.({ revokedTokens: new Map(), suspendedTenants: new Set(), ...snapshot });
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const user = (tokenId?: string): Principal => ({ sub: 'svc', role: 'user', tokenTenantId: TENANT, ...(tokenId ? { tokenId } : {}) });
const refusal = (revocations: AccessRevocations, principal: Principal) => {
  try {
    revocations.admit(principal);
    return undefined;
  } catch (error) {
    return error as Error;
  }
};

describe('access revocations: the per-process set of revoked tokens and suspended tenants', () => {
  let subscriber: FakeSubscriber;
  let database: Database;
  let revocations: AccessRevocations;
  let published: unknown[];
  let revokedCalls: number;

  beforeEach(async () => {
    subscriber = new FakeSubscriber();
    database = new Database();
    published = [];
    revokedCalls = 0;
    revocations = createAccessRevocations({
      load: database.load,
      publish: async (change) => published.push(change),
      subscriber: subscriber as unknown as Redis,
      refreshMs: 3_600_000,
      logger: pino({ level: 'silent' }),
    });
    revocations.onRevoked(() => (revokedCalls += 1));
  });

  afterEach(() => revocations.stop());

  it('answers 503-worthy "unknown" for tenant tokens until the first read, and never refuses platform admins', async () => {
    expect(refusal(revocations, user(TOKEN))).to.be.instanceOf(RevocationsUnknownError);
    expect(refusal(revocations, { sub: 'ops', role: 'admin', tokenTenantId: undefined })).to.equal(undefined);
    const started = revocations.start();
    await database.answer({ revokedTokens: new Map([[TOKEN, Date.parse(LATER)]]) });
    await started;
    expect(refusal(revocations, user(TOKEN))).to.be.instanceOf(AccessRevokedError);
    expect(refusal(revocations, user())).to.equal(undefined);
  });

  it('applies announcements at once, tells listeners of what takes access away, and ignores unreadable messages', async () => {
    const started = revocations.start();
    await database.answer();
    await started;
    subscriber.deliver({ kind: 'token-revoked', token_id: TOKEN.toUpperCase(), expires_at: LATER });
    expect(refusal(revocations, user(TOKEN))?.message).to.match(/revoked/);
    subscriber.deliver({ kind: 'tenant-suspended', tenant_id: TENANT });
    expect(refusal(revocations, user())?.message).to.match(/suspended/);
    subscriber.deliver({ kind: 'tenant-resumed', tenant_id: TENANT });
    expect(refusal(revocations, user())).to.equal(undefined);
    subscriber.deliver('not json');
    subscriber.deliver({ kind: 'tenant-suspended' });
    expect(revokedCalls).to.equal(2);
    expect(refusal(revocations, user())).to.equal(undefined);
  });

  it('keeps an announcement that arrives while an older re-read is in flight, and takes later re-reads as the truth', async () => {
    const started = revocations.start();
    await database.answer();
    await started;
    subscriber.emit('ready'); // a reconnection: a re-read begins
    await waitFor('the re-read to begin', () => database.reads.length === 1, { timeoutMs: 2_000, intervalMs: 5 });
    subscriber.deliver({ kind: 'tenant-suspended', tenant_id: TENANT });
    subscriber.deliver({ kind: 'token-revoked', token_id: TOKEN, expires_at: LATER });
    await database.answer(); // read before either change committed
    expect(refusal(revocations, user())?.message).to.match(/suspended/);

    subscriber.emit('ready');
    await database.answer({ revokedTokens: new Map([[TOKEN, Date.parse(LATER)]]) }); // resumed behind our back
    expect(refusal(revocations, user())).to.equal(undefined);
    expect(refusal(revocations, user(TOKEN))?.message).to.match(/revoked/);
  });

  it('drops revoked tokens once they expire, and announces its own changes after applying them', async () => {
    const started = revocations.start();
    await database.answer();
    await started;
    await revocations.announce({ kind: 'token-revoked', token_id: TOKEN, expires_at: new Date(Date.now() - 1000).toISOString() });
    expect(published).to.have.length(1);
    expect(refusal(revocations, user(TOKEN))).to.be.instanceOf(AccessRevokedError);
    subscriber.emit('ready');
    await database.answer();
    expect(refusal(revocations, user(TOKEN))).to.equal(undefined);
  });
});
