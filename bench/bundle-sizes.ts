/**
 * `npm run bench:bundles`: what each widget costs the page, measured the same
 * way for all: an entry importing the component (and, for Uppy, its S3
 * uploader), bundled by esbuild with its dependencies, React excluded,
 * minified and gzipped — the method of `.size-limit.js`. JavaScript only:
 * every widget also ships CSS, reported apart.
 *
 * The other widgets are installed into a temporary folder from npm (not into
 * this project); this library's entries are the built `dist/` (`npm run build`
 * first).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Pinned, so that a rerun measures the same code. */
const PACKAGES = {
  '@uppy/core': '6.3.1',
  '@uppy/aws-s3': '6.3.1',
  '@uppy/dashboard': '6.0.3',
  '@uppy/react': '6.1.1',
  filepond: '4.32.12',
  'react-filepond': '7.1.3',
  '@rpldy/uploady': '1.13.0',
  '@rpldy/upload-drop-zone': '1.13.0',
  '@rpldy/upload-preview': '1.13.0',
  react: '19.3.1',
  'react-dom': '19.3.1',
};

interface Entry {
  name: string;
  code: string;
  /** CSS the widget needs, for the side column (path inside node_modules, or in this repo). */
  css?: string;
}

const ENTRIES: Entry[] = [
  {
    name: 's3-direct-upload/react — `<S3Uploader>`',
    code: `export { S3Uploader } from ${JSON.stringify(join(root, 'dist/react/index.js'))};`,
    css: join(root, 'dist/style.css'),
  },
  {
    name: 's3-direct-upload — `createUploader` (headless core)',
    code: `export { createUploader } from ${JSON.stringify(join(root, 'dist/index.js'))};`,
  },
  {
    name: 'Uppy 6 — `<Dashboard>` (@uppy/react) + @uppy/aws-s3',
    code: `export { default as Uppy } from '@uppy/core'; export { default as AwsS3 } from '@uppy/aws-s3'; export { default as Dashboard } from '@uppy/react/dashboard';`,
    css: 'node_modules/@uppy/dashboard/dist/style.min.css',
  },
  {
    name: 'FilePond 4 — `<FilePond>` (react-filepond)',
    code: `export { FilePond } from 'react-filepond';`,
    css: 'node_modules/filepond/dist/filepond.min.css',
  },
  {
    name: 'react-uploady 1.13 — `<Uploady>` + `<UploadDropZone>` + `<UploadPreview>`',
    code: `export { default as Uploady } from '@rpldy/uploady'; export { default as UploadDropZone } from '@rpldy/upload-drop-zone'; export { default as UploadPreview } from '@rpldy/upload-preview';`,
  },
];

async function measure(dir: string, entry: Entry): Promise<{ min: number; gzip: number; css?: number }> {
  const result = await build({
    stdin: { contents: entry.code, resolveDir: dir, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'browser',
    // This library's hashing chunk loads on first use only (as in .size-limit.js): measured apart.
    external: ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client', './digest-*.js'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const js = Buffer.concat(result.outputFiles.map((file) => Buffer.from(file.contents)));
  const cssPath = entry.css ? (entry.css.startsWith('/') ? entry.css : join(dir, entry.css)) : undefined;
  return {
    min: js.length,
    gzip: gzipSync(js, { level: 9 }).length,
    ...(cssPath ? { css: gzipSync(readFileSync(cssPath), { level: 9 }).length } : {}),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-bundles', private: true, dependencies: PACKAGES }));
    console.error(`bench:bundles: installing ${Object.keys(PACKAGES).length} packages into ${dir}`);
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', '--legacy-peer-deps'], {
      cwd: dir,
      stdio: 'inherit',
    });
    const kb = (bytes: number) => (bytes / 1000).toFixed(1);
    const lines = ['| widget (JS with its dependencies, React excluded) | min kB | min+gzip kB | its CSS, gzip kB |', '|---|--:|--:|--:|'];
    for (const entry of ENTRIES) {
      const size = await measure(dir, entry);
      lines.push(`| ${entry.name} | ${kb(size.min)} | **${kb(size.gzip)}** | ${size.css === undefined ? '–' : kb(size.css)} |`);
    }
    console.log(lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
