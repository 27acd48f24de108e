import http from 'node:http';

export interface HttpResponse {
  status: number;
  body: string;
}

/** A keep-alive HTTP/1.1 client over loopback, as a load generator needs: no retries, no redirects. */
export function httpClient(baseUrl: string, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const base = new URL(baseUrl);

  function request(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { agent, host: base.hostname, port: base.port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    request,
    /** Streams a response, counting its bytes and newlines, without holding it. */
    download(path: string, headers: Record<string, string>): Promise<{ status: number; bytes: number; lines: number }> {
      return new Promise((resolve, reject) => {
        const req = http.request({ agent, host: base.hostname, port: base.port, method: 'GET', path, headers }, (res) => {
          let bytes = 0;
          let lines = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, lines }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}

export const jsonHeaders = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
