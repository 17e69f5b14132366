// LZF decompression (liblzf format, as RDB's `C3 <clen> <ulen> <data>` strings use).
// A control byte below 32 starts a run of ctrl+1 literal bytes; otherwise its top
// 3 bits are a length (7 = "add the next byte") and the rest plus the next byte a
// back-reference distance minus one. Back-references may overlap their own output.

/** The decompressed bytes, or null when `src` does not decode to exactly `outLen` bytes. */
export function lzfDecompress(src: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.allocUnsafe(outLen);
  const inEnd = src.length;
  let ip = 0, op = 0;
  while (ip < inEnd) {
    const ctrl = src[ip++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > inEnd) return null;
      out.set(src.subarray(ip, ip + n), op);
      ip += n;
      op += n;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= inEnd) return null;
      len += src[ip++];
    }
    if (ip >= inEnd) return null;
    let ref = op - ((ctrl & 0x1f) << 8) - src[ip++] - 1;
    len += 2;
    if (ref < 0 || op + len > outLen) return null;
    // Byte by byte on purpose: with distance < len the copy re-reads its own output.
    for (const stop = op + len; op < stop;) out[op++] = out[ref++];
  }
  return op === outLen ? out : null;
}
