import http2 from 'node:http2';

/** grpc.health.v1.HealthCheckResponse{status: SERVING}: field 1, varint 1. */
const SERVING = Buffer.from([0x08, 0x01]);
/** A gRPC frame holding an empty HealthCheckRequest (the whole server): no compression, length 0. */
const EMPTY_REQUEST = Buffer.alloc(5);

/**
 * Temporal's gRPC health check (grpc.health.v1.Health/Check, as the SDK's healthService.check({})
 * sends it) over plain HTTP/2, so a process that only needs to know Temporal is up (the API's
 * readiness) does not load the SDK, gRPC and protobuf: ~50 MB of resident memory (issue 13).
 */
export function createTemporalHealth(address: string, timeoutMs = 2000) {
  let session: http2.ClientHttp2Session | undefined;

  function connected(): http2.ClientHttp2Session {
    if (!session || session.closed || session.destroyed) {
      const opened = http2.connect(`http://${address}`);
      opened.on('error', () => opened.destroy());
      opened.unref();
      session = opened;
    }
    return session;
  }

  return {
    check(): Promise<void> {
      return new Promise((resolve, reject) => {
        const stream = connected().request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' });
        const chunks: Buffer[] = [];
        let grpcStatus: string | undefined;
        stream.setTimeout(timeoutMs, () => stream.close(http2.constants.NGHTTP2_CANCEL));
        stream.on('response', (headers) => void (grpcStatus = headers['grpc-status'] as string | undefined));
        stream.on('trailers', (trailers) => void (grpcStatus = trailers['grpc-status'] as string | undefined));
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('close', () => {
          const body = Buffer.concat(chunks);
          if (grpcStatus !== '0') return reject(new Error(`Temporal health check failed (grpc-status ${grpcStatus ?? 'none'})`));
          if (!body.subarray(5).equals(SERVING)) return reject(new Error('Temporal is not serving'));
          resolve();
        });
        stream.end(EMPTY_REQUEST);
      });
    },
    close(): void {
      session?.close();
    },
  };
}

export type TemporalHealth = ReturnType<typeof createTemporalHealth>;
