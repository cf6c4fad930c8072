/**
 * Real HTTP servers on free ports of 127.0.0.1 for the adapters' tests, and a
 * raw request for what `fetch` will not send (TRACE, a malformed Host).
 * Register `afterEach(closeServers)` in a file that listens.
 */
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';

const servers: Server[] = [];

/** Starts a server for `listener`; answers its port and base URL. */
export async function listen(listener: RequestListener): Promise<{ port: number; base: string }> {
  const server = createServer(listener);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { port, base: `http://127.0.0.1:${port}` };
}

/** Closes every server `listen` started. closeAllConnections: a refused upload's unread body keeps its connection busy, and close() would wait for it. */
export async function closeServers(): Promise<void> {
  await Promise.all(
    servers.splice(0).map((server) => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      return closed;
    }),
  );
}

/** Sends raw bytes to 127.0.0.1:port; the status line's code (0 when the connection closed without one) and the text. */
export async function rawStatus(port: number, request: string): Promise<{ status: number; text: string }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(request);
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  await Promise.race([once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, 3000))]);
  socket.destroy();
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
  return { status: status ? Number(status) : 0, text };
}
