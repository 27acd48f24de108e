import { createServer } from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';
import { createRedisSubscriber } from '../../../adapters/redis/redis-subscriber';
import { loadConfig } from '../../../platform/config/config';

/**
 * The live-tail anchor: the least a Redis → WebSocket relay can do. One subscription, every
 * message forwarded as is to every socket; no auth, no filters, no per-socket buffers.
 *   node --import tsx ops/bench/anchors/ws-relay.ts <port> <channel>
 */
const [port, channel] = [Number(process.argv[2]), process.argv[3] as string];
const subscriber = createRedisSubscriber(loadConfig().redis.url, 'bench-relay');
const server = createServer();
const sockets = new WebSocketServer({ server, perMessageDeflate: false });

sockets.on('connection', (socket) => socket.send(JSON.stringify({ type: 'subscribed' })));
subscriber.on('message', (_name: string, message: string) => {
  for (const socket of sockets.clients) if (socket.readyState === WebSocket.OPEN) socket.send(message);
});

void subscriber
  .connect()
  .then(() => subscriber.subscribe(channel))
  .then(() => server.listen(port, '127.0.0.1', () => console.log('relay ready')));
process.on('SIGTERM', () => {
  sockets.clients.forEach((socket) => socket.terminate());
  server.close();
  void subscriber.quit().then(() => process.exit(0));
});
