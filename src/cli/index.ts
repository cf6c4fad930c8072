#!/usr/bin/env node
import { main } from './main.js';

// The AWS SDK warns on every run that its releases from 2027 will need Node 22: nothing a CLI user can act on here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv.slice(2)).then(exit, (error: unknown) => {
  process.stderr.write(`s3-direct-upload: ${error instanceof Error ? error.message : String(error)}\n`);
  exit(1);
});

/** Exits once stdout and stderr have taken everything (a pipe may still be flushing). */
function exit(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
