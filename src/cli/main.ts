import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';
import { CORS_HELP, MAIN_HELP, PRESIGN_HELP, PUT_HELP } from './help.js';
import { type CliIo, processIo } from './io.js';

type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Loaded on demand: `put` never loads the AWS SDK, `--help` loads nothing. */
const COMMANDS: Record<string, { help: string; load: () => Promise<Command> }> = {
  put: { help: PUT_HELP, load: async () => (await import('./put.js')).runPut },
  presign: { help: PRESIGN_HELP, load: async () => (await import('./presign.js')).runPresign },
  cors: { help: CORS_HELP, load: async () => (await import('./cors.js')).runCors },
};

/** Runs one command line; resolves with the exit status. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(MAIN_HELP);
    return 2;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    io.stdout.write(topic && COMMANDS[topic] ? COMMANDS[topic].help : MAIN_HELP);
    return 0;
  }
  if (name === '-v' || name === '--version') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`s3-direct-upload: unknown command "${name}".\n\n${MAIN_HELP}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`s3-direct-upload ${name}: ${error.message}\nRun "s3-direct-upload ${name} --help" for usage.\n`);
      return 2;
    }
    throw error;
  }
}

/** This package's version, from the package.json above this file (src/cli or dist/cli). */
function version(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 's3-direct-upload' && manifest.version) return manifest.version;
    } catch {
      // no package.json here: look further up
    }
    const parent = dirname(directory);
    if (parent === directory) return 'unknown';
    directory = parent;
  }
}
