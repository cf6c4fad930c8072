/**
 * The digest worker's program. It runs in a Web Worker made from this
 * function's source (a Blob URL), so it must not refer to anything outside
 * itself: bundlers cannot follow it there. MD5 and CRC32 are written out
 * because Web Crypto has neither; SHA-256 comes from Web Crypto.
 */
export function digestWorkerMain(): void {
  function md5(bytes: Uint8Array): Uint8Array {
    const shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    const table = new Int32Array(64);
    for (let i = 0; i < 64; i++) table[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;
    const length = bytes.length;
    const padded = new Uint8Array(((length + 8) >>> 6) * 64 + 64);
    padded.set(bytes);
    padded[length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, (length * 8) >>> 0, true);
    view.setUint32(padded.length - 4, Math.floor(length / 2 ** 29), true);
    let a0 = 0x67452301;
    let b0 = 0xefcdab89 | 0;
    let c0 = 0x98badcfe | 0;
    let d0 = 0x10325476;
    const words = new Int32Array(16);
    for (let offset = 0; offset < padded.length; offset += 64) {
      for (let i = 0; i < 16; i++) words[i] = view.getInt32(offset + i * 4, true);
      let a = a0;
      let b = b0;
      let c = c0;
      let d = d0;
      for (let i = 0; i < 64; i++) {
        let f: number;
        let g: number;
        if (i < 16) {
          f = (b & c) | (~b & d);
          g = i;
        } else if (i < 32) {
          f = (d & b) | (~d & c);
          g = (5 * i + 1) % 16;
        } else if (i < 48) {
          f = b ^ c ^ d;
          g = (3 * i + 5) % 16;
        } else {
          f = c ^ (b | ~d);
          g = (7 * i) % 16;
        }
        const shift = shifts[(i >> 4) * 4 + (i % 4)] as number;
        const sum = (a + f + (table[i] as number) + (words[g] as number)) | 0;
        a = d;
        d = c;
        c = b;
        b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
      }
      a0 = (a0 + a) | 0;
      b0 = (b0 + b) | 0;
      c0 = (c0 + c) | 0;
      d0 = (d0 + d) | 0;
    }
    const out = new DataView(new ArrayBuffer(16));
    out.setInt32(0, a0, true);
    out.setInt32(4, b0, true);
    out.setInt32(8, c0, true);
    out.setInt32(12, d0, true);
    return new Uint8Array(out.buffer);
  }

  function crc32(bytes: Uint8Array): Uint8Array {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    let crc = 0xffffffff;
    for (let i = 0; i < bytes.length; i++) crc = (table[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
    const out = new DataView(new ArrayBuffer(4));
    out.setUint32(0, (crc ^ 0xffffffff) >>> 0, false);
    return new Uint8Array(out.buffer);
  }

  function base64(bytes: Uint8Array): string {
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  }

  async function digest(algorithm: string, blob: Blob): Promise<string> {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    if (algorithm === 'sha256') return base64(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
    if (algorithm === 'crc32') return base64(crc32(bytes));
    return base64(md5(bytes));
  }

  const scope = globalThis as unknown as {
    onmessage: ((event: MessageEvent) => void) | null;
    postMessage: (message: unknown) => void;
  };
  // Exposed for the main-thread fallback, which runs this same program.
  (globalThis as Record<string, unknown>).__s3DirectUploadDigest = digest;
  if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined') return;
  scope.onmessage = (event: MessageEvent) => {
    const { id, algorithm, blob } = event.data as { id: number; algorithm: string; blob: Blob };
    digest(algorithm, blob).then(
      (value) => scope.postMessage({ id, value }),
      (error: unknown) => scope.postMessage({ id, error: String(error) }),
    );
  };
}
