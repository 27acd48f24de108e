import type { StreamConnection } from './stream-connection';

export interface ConnectionLimits {
  maxConnectionsPerTenant: number;
  maxConnections: number;
}

export type SlotRefusal = 'tenant-full' | 'process-full';

export interface ConnectionSlot {
  /** The socket this slot now holds; counted from reservation, so concurrent handshakes cannot overshoot. */
  attach(connection: StreamConnection): void;
  /** Idempotent. */
  release(): void;
}

export interface StreamStats {
  connections: number;
  tenants: number;
  /** Events dropped for slow consumers since the process started. */
  droppedEvents: number;
  /** Sockets closed with 1013 for staying too slow, since the process started. */
  slowConsumerCloses: number;
  /** Bytes waiting in every socket's send buffer now. */
  bufferedBytes: number;
}

/** The live-tail sockets of this process, counted per tenant and in total against the configured caps. */
export function createConnectionRegistry(limits: ConnectionLimits) {
  const perTenant = new Map<string, number>();
  const connections = new Set<StreamConnection>();
  let reserved = 0;
  let droppedEvents = 0;
  let slowConsumerCloses = 0;

  return {
    reserve(tenantId: string): ConnectionSlot | SlotRefusal {
      if (reserved >= limits.maxConnections) return 'process-full';
      const tenantCount = perTenant.get(tenantId) ?? 0;
      if (tenantCount >= limits.maxConnectionsPerTenant) return 'tenant-full';
      perTenant.set(tenantId, tenantCount + 1);
      reserved += 1;
      let held: StreamConnection | undefined;
      let released = false;
      return {
        attach(connection) {
          held = connection;
          connections.add(connection);
        },
        release() {
          if (released) return;
          released = true;
          reserved -= 1;
          const remaining = (perTenant.get(tenantId) ?? 1) - 1;
          if (remaining > 0) perTenant.set(tenantId, remaining);
          else perTenant.delete(tenantId);
          if (held) connections.delete(held);
        },
      };
    },

    countDropped(count: number): void {
      droppedEvents += count;
    },

    countSlowConsumerClose(): void {
      slowConsumerCloses += 1;
    },

    connections(): readonly StreamConnection[] {
      return [...connections];
    },

    stats(): StreamStats {
      let bufferedBytes = 0;
      for (const connection of connections) bufferedBytes += connection.bufferedBytes;
      return { connections: reserved, tenants: perTenant.size, droppedEvents, slowConsumerCloses, bufferedBytes };
    },
  };
}

export type ConnectionRegistry = ReturnType<typeof createConnectionRegistry>;
