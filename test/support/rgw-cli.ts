/**
 * Runs a throwaway Ceph RGW (a real S3 that checks signatures) until Ctrl-C / SIGTERM / SIGHUP.
 *
 *   npx tsx test/support/rgw-cli.ts [--port N] [--quiet]
 *
 * Once the server is ready it prints four shell lines on stdout:
 *   export S3_ENDPOINT='http://127.0.0.1:N'  S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY likewise
 * Progress and errors go to stderr (--quiet: errors only). For another shell:
 *   npx tsx test/support/rgw-cli.ts > /tmp/rgw.env &   # then, once it has 4 lines:  . /tmp/rgw.env
 */
import { startRgw } from './rgw.js';

function parsePort(argv: string[]): number | undefined {
  const i = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (i < 0) return undefined;
  const arg = argv[i] ?? '';
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`rgw-cli: invalid --port ${value ?? ''}`);
    process.exit(2);
  }
  return port;
}

const argv = process.argv.slice(2);
const quiet = argv.includes('--quiet');
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

let stopping = false;
const keepAlive = setInterval(() => {}, 1 << 30);

// Installed before startRgw so a Ctrl-C during bring-up is handled here too (rgw.ts then leaves it to us).
let server: Awaited<ReturnType<typeof startRgw>> | undefined;
const onSignal = (sig: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  console.error(`rgw-cli: ${sig}, stopping`);
  const done = server ? server.stop() : Promise.resolve();
  done.then(
    () => {
      console.error('rgw-cli: stopped');
      clearInterval(keepAlive);
      process.exit(0);
    },
    (error: unknown) => {
      console.error('rgw-cli: stop failed:', error);
      process.exit(1); // the exit handler in rgw.ts SIGKILLs whatever is left
    },
  );
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

try {
  server = await startRgw({ port: parsePort(argv), log: quiet ? undefined : (line) => console.error(line) });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
if (stopping) {
  // A signal arrived during bring-up; stop what just came up.
  await server.stop();
  process.exit(0);
}
console.log(`export S3_ENDPOINT=${shellQuote(server.endpoint)}`);
console.log(`export S3_REGION=${shellQuote(server.region)}`);
console.log(`export S3_ACCESS_KEY_ID=${shellQuote(server.accessKeyId)}`);
console.log(`export S3_SECRET_ACCESS_KEY=${shellQuote(server.secretAccessKey)}`);
console.error('rgw-cli: ready; Ctrl-C or SIGTERM to stop');
