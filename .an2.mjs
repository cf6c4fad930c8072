import * as esbuild from 'esbuild';
import { gzipSync } from 'zlib';
const [entry, name] = process.argv.slice(2);
const r = await esbuild.build({ stdin: { contents: `export { ${name} } from '${entry}'`, resolveDir: process.cwd(), loader:'ts' }, bundle: true, minify: true, write: false, metafile: true, format: 'esm', external: ['react','react-dom','react/jsx-runtime','*/digest.ts','*/multipart.ts','*/resume-restore.ts','./digest.js','./multipart.js','./resume-restore.js'], });
const out = Object.values(r.metafile.outputs)[0];
console.log('total min', out.bytes, 'gzip', gzipSync(r.outputFiles[0].contents).length);
const rows = Object.entries(out.inputs).map(([k,v])=>[v.bytesInOutput,k]).sort((a,b)=>b[0]-a[0]);
for (const [b,k] of rows.slice(0,Number(process.env.N||25))) console.log(b, k);
