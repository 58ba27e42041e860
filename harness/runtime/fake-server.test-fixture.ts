// A stand-in MySQL server for unit tests: it speaks just enough of the protocol (the greeting, an answer to the
// login, an OK to the session's set-up that every firedrill connection sends) to let a client in, then does what the
// test tells it to (usually nothing: a frozen server).
import { createServer, type Server, type Socket } from 'node:net';

const packet = (seq: number, payload: Buffer) => {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
};

/** A MySQL handshake (protocol 10, mysql_native_password, no TLS offered) that accepts any login. */
export function greeting(): Buffer {
  const caps = 0x1 | 0x200 | 0x2000 | 0x8000 | 0x80000;
  const lo = Buffer.alloc(2);
  lo.writeUInt16LE(caps & 0xffff);
  const hi = Buffer.alloc(2);
  hi.writeUInt16LE(caps >>> 16);
  return packet(
    0,
    Buffer.concat([
      Buffer.from([10]),
      Buffer.from('8.0.99-never-answers\0'),
      Buffer.from([1, 0, 0, 0]),
      Buffer.alloc(8, 0x41),
      Buffer.from([0]),
      lo,
      Buffer.from([33]),
      Buffer.from([2, 0]),
      hi,
      Buffer.from([21]),
      Buffer.alloc(10),
      Buffer.concat([Buffer.alloc(12, 0x42), Buffer.from([0])]),
      Buffer.from('mysql_native_password\0'),
    ]),
  );
}

/** The OK packet that answers a login. */
export const loginOk = () => packet(2, Buffer.from([0, 0, 0, 2, 0, 0, 0]));

/** An ERR packet (sequence `seq`) with a MySQL error code and message. */
export function errPacket(seq: number, code: number, message: string): Buffer {
  const c = Buffer.alloc(2);
  c.writeUInt16LE(code);
  return packet(seq, Buffer.concat([Buffer.from([0xff]), c, Buffer.from('#28000'), Buffer.from(message)]));
}

/**
 * A listening fake server on 127.0.0.1; `stop` closes it and every connection it accepted. `firstConnectionAt`: when
 * a client first connected (0: none yet), so a test times what a client does from there, not how long it took to start.
 */
export async function fakeServer(
  onConn: (s: Socket) => void,
): Promise<{ port: number; firstConnectionAt(): number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let first = 0;
  const server: Server = createServer((s) => {
    first ||= Date.now();
    sockets.add(s);
    s.on('error', () => undefined);
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    firstConnectionAt: () => first,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The OK packet that answers a statement (sequence 1: the first packet of the server's reply). */
const statementOk = () => packet(1, Buffer.from([0, 0, 0, 2, 0, 0, 0]));

/**
 * Answers the login (the client's first packet) and the session's set-up statement that every firedrill connection
 * sends next (`SET SESSION sql_mode …`, runtime/connection.ts), then hands each later packet to `then`.
 */
export function acceptSession(s: Socket, then: (data: Buffer) => void = () => undefined): void {
  let step = 0;
  s.on('data', (data) => {
    step += 1;
    if (step === 1) s.write(loginOk());
    else if (step === 2 && /^SET SESSION sql_mode/i.test(data.subarray(5).toString('utf8'))) s.write(statementOk());
    else then(data);
  });
}

/** A server that lets any login in, sets the session up, and then never answers a query (a server frozen after it). */
export const frozenAfterLogin = () =>
  fakeServer((s) => {
    s.write(greeting());
    acceptSession(s);
  });
