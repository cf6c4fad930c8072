/**
 * Optional system-wide CPU profile of one run (`--perf`): `perf record -a`
 * while the upload runs, then `perf report` by process name (comm) and DSO,
 * and by symbol, as text next to the results. Needs root and linux-perf.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface PerfSession {
  stop(): Promise<string | undefined>;
}

export function perfAvailable(): boolean {
  return spawnSync('perf', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Starts `perf record -a -g`; `track` receives the child so that the caller can stop it on failure. */
export function startPerf(output: string, track: (child: ChildProcess | undefined) => void): PerfSession {
  const child = spawn('perf', ['record', '-a', '-g', '-F', '249', '-o', output, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  track(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    async stop() {
      if (child.pid !== undefined && child.exitCode === null) child.kill('SIGINT');
      await exited;
      track(undefined);
      const report = (args: string[]) =>
        spawnSync('perf', ['report', '-i', output, '--stdio', '--no-children', '--percent-limit', '0.7', ...args], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        }).stdout ?? '';
      const byProcess = report(['--sort', 'comm,dso', '-g', 'none']);
      const bySymbol = report(['--sort', 'comm,dso,symbol', '-g', 'none']);
      const text = `# perf record -a -g -F 249 (${output})\n${stderr}\n## by comm, dso\n${byProcess}\n## by comm, dso, symbol\n${bySymbol}`;
      const summary = `${output}.txt`;
      writeFileSync(summary, text);
      return summary;
    },
  };
}
