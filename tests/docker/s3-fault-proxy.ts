import { createServer, request, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP proxy in front of the S3 store, for what the store cannot do by itself: throttle (503 SlowDown to every
 * request), drop connections (a GET whose body is cut after its first bytes), and record the headers clients send
 * (server-side encryption). The Host header is forwarded unchanged, so SigV4 signatures stay valid. With `tls` it is an
 * https endpoint (the certificate and key given, in memory): a store behind TLS, as a team's endpoint is.
 */
export interface FaultProxy {
  endpoint: string;
  mode: 'pass' | 'throttle' | 'drop-body';
  seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export async function faultProxy(target: string, tls?: { cert: Buffer; key: Buffer }): Promise<FaultProxy> {
  const to = new URL(target);
  const state: FaultProxy = { endpoint: '', mode: 'pass', seen: [], close: async () => {} };
  const handle: RequestListener = (req, res) => {
    state.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (state.mode === 'throttle') {
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
      );
      return;
    }
    const up = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      if (state.mode === 'drop-body' && req.method === 'GET' && Number(r.headers['content-length'] ?? 0) > 1024) {
        // send a little of the body, then cut the connection
        r.once('data', (chunk: Buffer) => {
          res.write(chunk.subarray(0, 512));
          res.socket?.destroy();
          r.destroy();
        });
        return;
      }
      r.pipe(res);
    });
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  };
  const server: Server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, handle) : createServer(handle);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  state.endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return state;
}
