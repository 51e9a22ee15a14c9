// Brotli at quality 11 for the precompressed copies (scripts/build.sh) and the bench's size
// column (bench/build.mjs), the same for every library: the smallest of a few settings of the
// format's distance parameters (RFC 7932 §4: NDIRECT, the number of direct distance codes, in
// each meta-block header). Any brotli decoder reads every setting; on the SDK's wasm 6-10
// direct codes are ~0.6 KB smaller than the encoder's default of none.
import zlib from 'node:zlib';

const C = zlib.constants;
const DIRECT = [0, 6, 8, 10];

/** The smallest brotli-11 encoding of `data` among the settings tried. */
export function brotli(data) {
  let best;
  for (const ndirect of DIRECT) {
    const b = zlib.brotliCompressSync(data, {
      params: { [C.BROTLI_PARAM_QUALITY]: 11, [C.BROTLI_PARAM_SIZE_HINT]: data.length, [C.BROTLI_PARAM_NDIRECT]: ndirect },
    });
    if (!best || b.length < best.length) best = b;
  }
  return best;
}

// `node scripts/brotli.mjs file...`: writes file.br next to each, prints the total bytes.
if (process.argv[1] === new URL(import.meta.url).pathname) {
  const fs = await import('node:fs');
  let total = 0;
  for (const f of process.argv.slice(2)) {
    const b = brotli(fs.readFileSync(f));
    fs.writeFileSync(`${f}.br`, b);
    total += b.length;
  }
  console.log(total);
}
