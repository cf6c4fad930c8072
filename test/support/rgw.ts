/**
 * A real, signature-checking S3 for tests and benchmarks: a throwaway single-node Ceph cluster
 * (1 mon, 1 bluestore OSD on a sparse file, radosgw) on 127.0.0.1, built in a fresh temp dir.
 *
 * Needs the Debian 12 packages ceph-mon, ceph-osd, radosgw and ceph-common (Ceph 16.2):
 * scripts/install-system-deps.sh installs them. No systemd, no /etc/ceph, no /var/lib/ceph:
 * every command gets `--conf <tmp>/ceph.conf`, every daemon runs in the foreground as our child.
 *
 * How this RGW differs from AWS S3 (know it before blaming the code under test):
 * - path-style addressing only (forcePathStyle: true);
 * - it verifies SigV4 and Content-MD5, but not x-amz-checksum-* headers;
 * - uploads need a Content-Length (chunked bodies get 411); with AWS SDK v3 >= 3.729 set
 *   requestChecksumCalculation / responseChecksumValidation to 'WHEN_REQUIRED';
 * - POST-policy uploads answer without ETag/Location headers; CompleteMultipartUpload answers with an empty ETag.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RgwServer {
  /** e.g. http://127.0.0.1:41234 (path-style addressing only). */
  endpoint: string;
  /** The SigV4 signing region: "us-east-1". (This RGW accepts any region in the credential scope; AWS does not.) */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Stops the daemons this instance started (and only those), waits for them to exit, removes the temp dir. */
  stop(): Promise<void>;
}

export interface StartRgwOptions {
  /** Port for the S3 endpoint; a free one by default. */
  port?: number;
  /** Progress lines ("rgw: osd up after 4.1 s"); silent by default. */
  log?: (line: string) => void;
  /** Size of the sparse file the OSD stores data in; 20 GiB by default (only what is written uses disk). */
  blockSizeBytes?: number;
  /** Limit for the whole bring-up; 90 s by default. */
  timeoutMs?: number;
}

const REGION = 'us-east-1';
const RGW_NAME = 'client.rgw.a';
const DEFAULT_BLOCK_SIZE = 20 * 1024 ** 3;
const DEFAULT_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;
const POLL_MS = 200;

/** Every daemon started by any instance in this process and not yet reaped, for the last-resort exit handler. */
const live = new Set<Instance>();
let handlersInstalled = false;

interface Daemon {
  name: string;
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
  exitInfo?: string;
  stderrPath: string;
  logPath: string;
}

interface Instance {
  dir: string;
  daemons: Daemon[];
  watchdog?: ChildProcess;
  stopped: boolean;
}

export async function startRgw(options: StartRgwOptions = {}): Promise<RgwServer> {
  for (const bin of ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph', 'monmaptool']) {
    if (!which(bin)) {
      throw new Error(
        `startRgw: \`${bin}\` is not installed. Install Ceph (Debian 12: ceph-mon ceph-osd radosgw ceph-common), e.g. sudo bash scripts/install-system-deps.sh`,
      );
    }
  }
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = Date.now();
  const deadline = started + timeoutMs;
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  installExitHandlers();
  const dir = await mkdtemp(join(tmpdir(), 'rgw-'));
  const instance: Instance = { dir, daemons: [], stopped: false };
  live.add(instance);

  try {
    const monPort = await freePort();
    const rgwPort = options.port ?? (await freePort());
    const fsid = randomUUID();
    const osdUuid = randomUUID();
    const confPath = join(dir, 'ceph.conf');
    const keyringPath = join(dir, 'keyring');
    for (const sub of ['mon', 'osd/ceph-0', 'rgw', 'run', 'log', 'crash']) mkdirSync(join(dir, sub), { recursive: true });

    writeFileSync(
      confPath,
      cephConf({ dir, fsid, monPort, rgwPort, keyringPath, blockSizeBytes: options.blockSizeBytes ?? DEFAULT_BLOCK_SIZE }),
    );
    writeFileSync(keyringPath, keyring(), { mode: 0o600 });
    const env = { ...process.env, CEPH_CONF: confPath, CEPH_ARGS: undefined } as NodeJS.ProcessEnv;
    const conf = ['--conf', confPath];
    log(`rgw: cluster ${fsid} in ${dir}, mon on 127.0.0.1:${monPort}, S3 on 127.0.0.1:${rgwPort}`);

    const run = (cmd: string, args: string[], stepTimeout = 30_000) =>
      runCommand(cmd, [...conf, ...args], env, dir, Math.min(stepTimeout, Math.max(1, deadline - Date.now())));
    const spawnDaemon = (name: string, cmd: string, args: string[], logName: string) => {
      const daemon = startDaemon(instance, name, cmd, [...conf, '-f', ...args], env, join(dir, 'log', logName));
      writeFileSync(join(dir, 'pids'), `${instance.daemons.map((d) => d.pid).join('\n')}\n`);
      return daemon;
    };
    // Fails the bring-up as soon as any daemon dies, with the tail of its logs.
    const guard = <T>(what: string, promise: Promise<T>) => raceDaemons(instance, what, promise, deadline, timeoutMs);

    // 1. Monitor.
    const monmap = join(dir, 'monmap');
    await run('monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, monmap]);
    await run('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', monmap, '--keyring', keyringPath]);
    spawnDaemon('ceph-mon', 'ceph-mon', ['-i', 'a'], 'mon.a.log');
    startWatchdog(instance);

    // 2. OSD: register it, make its bluestore (a sparse file created by mkfs), start it.
    await guard('the monitor to form a quorum', run('ceph', ['--connect-timeout', '60', 'osd', 'new', osdUuid, '0'], 65_000));
    log(`rgw: mon up after ${elapsed()}`);
    await guard('ceph-osd --mkfs', run('ceph-osd', ['--mkfs', '-i', '0', '--osd-uuid', osdUuid]));
    log(`rgw: osd mkfs done after ${elapsed()}`);
    spawnDaemon('ceph-osd', 'ceph-osd', ['-i', '0'], 'osd.0.log');
    await guard(
      'the OSD to come up',
      poll(deadline, async () => {
        const out = await run('ceph', ['osd', 'stat', '--format', 'json'], 10_000).catch(() => '');
        return /"num_up_osds"\s*:\s*1\b/.test(out);
      }),
    );
    log(`rgw: osd up after ${elapsed()}`);

    // 3. radosgw: only once the OSD is up (started earlier, its pool creation stalls and bring-up gets ~3 s slower).
    //    On its first start it creates its pools, then opens its HTTP port.
    spawnDaemon('radosgw', 'radosgw', ['-n', RGW_NAME], 'rgw.a.log');
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await guard(
      'radosgw to answer HTTP',
      poll(deadline, () => answersHttp(rgwPort)),
    );
    log(`rgw: radosgw answering after ${elapsed()}`);

    // 4. An S3 user, checked with a real signed request.
    const accessKeyId = `AK${randomBytes(9).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(30).toString('base64url');
    await guard(
      'radosgw-admin user create',
      run('radosgw-admin', [
        '-n',
        'client.admin',
        'user',
        'create',
        '--uid=tests',
        '--display-name=tests',
        `--access-key=${accessKeyId}`,
        `--secret-key=${secretAccessKey}`,
      ]),
    );
    await guard('a signed ListBuckets to succeed', verifySignedRequest(endpoint, accessKeyId, secretAccessKey, deadline));
    log(`rgw: ready at ${endpoint} after ${elapsed()}`);

    return {
      endpoint,
      region: REGION,
      accessKeyId,
      secretAccessKey,
      stop: () => stopInstance(instance),
    };
  } catch (error) {
    await stopInstance(instance).catch(() => {});
    throw error;
  }
}

function cephConf(o: { dir: string; fsid: string; monPort: number; rgwPort: number; keyringPath: string; blockSizeBytes: number }): string {
  const { dir } = o;
  return `[global]
fsid = ${o.fsid}
mon host = v2:127.0.0.1:${o.monPort}
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = ${o.keyringPath}
run dir = ${dir}/run
admin socket = ${dir}/run/$cluster-$name.asok
crash dir = ${dir}/crash
log to stderr = false
err to stderr = true
log to syslog = false
# one OSD, few PGs (RGW creates ~8 pools; at 32 PGs each they exceed the per-OSD limit)
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
# without this the mon stops when the disk looks nearly full
mon data avail crit = 0
mon data avail warn = 0
# RGW's first start: ~9 s -> ~1.5 s
paxos propose interval = 0.1
mon allow pool delete = true

[mon]
mon data = ${dir}/mon/$cluster-$id
mon cluster log file = ${dir}/log/cluster.log
log file = ${dir}/log/mon.$id.log

[osd]
osd data = ${dir}/osd/$cluster-$id
osd objectstore = bluestore
# bluestore on a sparse file in osd data (do NOT point "bluestore block path" at it: mkfs fails with ELOOP)
bluestore block create = true
bluestore block size = ${o.blockSizeBytes}
bluestore fsck on mkfs = false
bluestore cache autotune = false
bluestore cache size = 134217728
# rocksdb dumps its options at level 4 (the default): ~600 KB of log per start
debug rocksdb = 1/5
log file = ${dir}/log/osd.$id.log

[${RGW_NAME}]
rgw frontends = beast endpoint=127.0.0.1:${o.rgwPort}
rgw data = ${dir}/rgw
rgw thread pool size = 64
# Parts as small as 1 KiB, so a 10,000-part upload fits a test (AWS and RGW's default: 5 MiB)
rgw multipart min part size = 1024
log file = ${dir}/log/rgw.a.log
`;
}

/** cephx keys made here (the same format ceph-authtool writes) rather than by four ceph-authtool runs. */
function keyring(): string {
  const entry = (name: string, caps: Record<string, string>) =>
    `[${name}]\n\tkey = ${cephxKey()}\n${Object.entries(caps)
      .map(([k, v]) => `\tcaps ${k} = "${v}"\n`)
      .join('')}`;
  return [
    entry('mon.', { mon: 'allow *' }),
    entry('client.admin', { mds: 'allow *', mgr: 'allow *', mon: 'allow *', osd: 'allow *' }),
    entry('osd.0', { mgr: 'allow profile osd', mon: 'allow profile osd', osd: 'allow *' }),
    entry(RGW_NAME, { mgr: 'allow rw', mon: 'allow rw', osd: 'allow rwx' }),
  ].join('');
}

/** CryptoKey encoding: le16 type (1 = AES), le32 seconds, le32 nanoseconds, le16 length, the secret. */
function cephxKey(): string {
  const header = Buffer.alloc(12);
  header.writeUInt16LE(1, 0);
  header.writeUInt32LE(Math.floor(Date.now() / 1000), 2);
  header.writeUInt32LE(0, 6);
  header.writeUInt16LE(16, 10);
  return Buffer.concat([header, randomBytes(16)]).toString('base64');
}

function which(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else {
        const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${signal ?? code}`;
        reject(new Error(`\`${cmd} ${args.join(' ')}\` ${why}:\n${tail(`${out}\n${err}`, 20)}`));
      }
    });
  });
}

function startDaemon(instance: Instance, name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, logPath: string): Daemon {
  const stderrPath = `${logPath.replace(/\.log$/, '')}.stderr`;
  const fd = openSync(stderrPath, 'a');
  // Own process group: a Ctrl-C in the terminal reaches us, not the daemons; we stop them in order.
  // cwd: the temp dir, so a crashing daemon's core file (core_pattern "core") does not land in the project.
  const child = spawn(cmd, args, { env, cwd: instance.dir, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  const daemon: Daemon = {
    name,
    child,
    pid: child.pid,
    stderrPath,
    logPath,
    exited: new Promise<void>((resolve) => {
      child.on('exit', (code, signal) => {
        daemon.exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
        resolve();
      });
      child.on('error', (error) => {
        daemon.exitInfo = `failed to start: ${error.message}`;
        resolve();
      });
    }),
  };
  instance.daemons.push(daemon);
  return daemon;
}

/**
 * If this Node process dies without stop() (even by SIGKILL), a tiny shell watchdog kills the daemons
 * and removes the temp dir. It kills a PID only while its command line still names our ceph.conf.
 */
function startWatchdog(instance: Instance): void {
  const script = `
parent=$1; dir=$2
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
for pid in $(cat "$dir/pids" 2>/dev/null); do
  if tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/ceph.conf"; then kill -9 "$pid" 2>/dev/null; fi
done
sleep 1
rm -rf -- "$dir"
`;
  const watchdog = spawn('sh', ['-c', script, 'rgw-watchdog', String(process.pid), instance.dir], {
    stdio: 'ignore',
    detached: true,
  });
  watchdog.on('error', () => {});
  watchdog.unref();
  instance.watchdog = watchdog;
}

async function raceDaemons<T>(instance: Instance, what: string, promise: Promise<T>, deadline: number, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const died = Promise.race(
    instance.daemons.map((d) =>
      d.exited.then(() => {
        throw new Error(`startRgw: ${d.name} (pid ${d.pid}) ${d.exitInfo} while waiting for ${what}.\n${daemonLogs(d)}`);
      }),
    ),
  );
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`startRgw: timed out after ${timeoutMs} ms waiting for ${what}.\n${instance.daemons.map(daemonLogs).join('\n')}`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([promise, died, timeout]);
  } finally {
    clearTimeout(timer);
    died.catch(() => {});
    promise.catch(() => {});
  }
}

function daemonLogs(d: Daemon): string {
  const read = (path: string) => {
    try {
      return tail(readFileSync(path, 'utf8'), 25);
    } catch {
      return '(none)';
    }
  };
  return `--- ${d.name} stderr (${d.stderrPath}):\n${read(d.stderrPath)}\n--- ${d.name} log (${d.logPath}):\n${read(d.logPath)}`;
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function poll(deadline: number, check: () => Promise<boolean>): Promise<void> {
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  // raceDaemons reports the timeout with logs; this only ends the loop.
  await new Promise(() => {});
}

function answersHttp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode < 500);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function verifySignedRequest(endpoint: string, accessKeyId: string, secretAccessKey: string, deadline: number) {
  const { S3Client, ListBucketsCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
  let last: unknown;
  try {
    while (Date.now() < deadline) {
      try {
        await s3.send(new ListBucketsCommand({}));
        return;
      } catch (error) {
        // A fresh user can take a moment to be visible to radosgw's cache.
        last = error;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
    throw new Error(`signed ListBuckets keeps failing: ${String(last)}`);
  } finally {
    s3.destroy();
  }
}

async function stopInstance(instance: Instance): Promise<void> {
  if (instance.stopped) return;
  instance.stopped = true;
  // Stop in reverse start order: radosgw, osd, mon. SIGTERM is a clean shutdown; SIGKILL after a grace period.
  for (const daemon of [...instance.daemons].reverse()) {
    if (daemon.exitInfo === undefined) {
      // The handles are unref'd so a forgotten server does not keep Node alive; while stopping, wait for real.
      daemon.child.ref();
      signal(daemon.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([
        daemon.exited.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), STOP_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      if (killed) {
        signal(daemon.pid, 'SIGKILL');
        await daemon.exited;
      }
    }
  }
  if (instance.watchdog?.pid !== undefined && instance.watchdog.exitCode === null) {
    signal(instance.watchdog.pid, 'SIGKILL');
  }
  await rm(instance.dir, { recursive: true, force: true, maxRetries: 5 });
  live.delete(instance);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Synchronous last resort for a process that ends without stop(): SIGKILL our daemons, remove our dirs. */
function killAllSync(): void {
  for (const instance of live) {
    for (const daemon of instance.daemons) if (daemon.exitInfo === undefined) signal(daemon.pid, 'SIGKILL');
    if (instance.watchdog?.pid !== undefined && instance.watchdog.exitCode === null) signal(instance.watchdog.pid, 'SIGKILL');
    try {
      rmSync(instance.dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // the daemons may still hold files for a moment; nothing else to do in an exit handler
    }
  }
  live.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      // Someone else (e.g. the CLI, a test runner) handles this signal and will call stop() or exit.
      if (process.listenerCount(sig) > 1) return;
      killAllSync();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig); // default action: die by this signal
    };
    process.on(sig, onSignal);
  }
}
