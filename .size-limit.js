// What a page downloads to start uploading. The hashing code is imported
// dynamically (only signers that require checksums need it); a bundler ships
// it as a chunk of its own, loaded on first use, so it has its own check and
// stays out of the entries' totals.
const lazyChunks = (config) => ({ ...config, external: [...(config.external ?? []), './digest-*.js'] });

export default [
  {
    name: 's3-direct-upload/react (S3Uploader with its dependencies, React excluded)',
    path: 'dist/react/index.js',
    import: '{ S3Uploader }',
    ignore: ['react', 'react-dom', 'react/jsx-runtime'],
    gzip: true,
    modifyEsbuildConfig: lazyChunks,
    // 30 KiB until the widget's accessibility work (issue #13: announcements, grouped refusals, bulk
    // actions, failures in words, focus kept) and the engine's store healing (#11) took it to 31.0 kB.
    limit: '31 KiB',
  },
  {
    name: 's3-direct-upload (core uploader with its dependencies)',
    path: 'dist/index.js',
    import: '{ createUploader }',
    gzip: true,
    modifyEsbuildConfig: lazyChunks,
    // 25 KiB until healing on stores without POST Object, create-only PUTs, setOptions and Uppy made on first use took it to 25.65 kB.
    limit: '26 KiB',
  },
  {
    name: 'checksums (MD5, SHA-256, CRC32 in a Web Worker), loaded on first use',
    path: 'dist/shared/digest-*.js',
    import: '{ computeDigest }',
    gzip: true,
    limit: '3 KiB',
  },
];
