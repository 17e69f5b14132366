// LZF decompression (liblzf format, as RDB's `C3 <clen> <ulen> <data>` strings use).
// A control byte below 32 starts a run of ctrl+1 literal bytes; otherwise its top
// 3 bits are a length (7 = "add the next byte") and the rest plus the next byte a
// back-reference distance minus one. Back-references may overlap their own output.
// Runs are short (literals ≤ 32 bytes, most references < 10), so plain loops beat
// subarray()+set(), which allocate a Buffer view per run: this is the hot loop
// of loading small compressed strings.

/**
 * The decompressed bytes of src[start, end), or null when they do not decode
 * to exactly `outLen` bytes.
 */
export function lzfDecompress(src: Uint8Array, outLen: number, start = 0, end = src.length): Buffer | null {
  const out = Buffer.allocUnsafe(outLen);
  return lzfDecompressInto(src, start, end, out, outLen) ? out : null;
}

/**
 * Decompresses src[start, end) into out[0, outLen) (out may be longer: a
 * reused scratch buffer); false when the data does not decode to exactly
 * `outLen` bytes.
 */
export function lzfDecompressInto(src: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number): boolean {
  let ip = start, op = 0;
  while (ip < end) {
    const ctrl = src[ip++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > end) return false;
      for (const stop = ip + n; ip < stop;) out[op++] = src[ip++];
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= end) return false;
      len += src[ip++];
    }
    if (ip >= end) return false;
    let ref = op - ((ctrl & 0x1f) << 8) - src[ip++] - 1;
    len += 2;
    if (ref < 0 || op + len > outLen) return false;
    if (ref === op - 1 && len > 16) {
      // Distance 1 repeats one byte (padding, runs): a native fill.
      out.fill(out[ref], op, op + len);
      op += len;
      continue;
    }
    // Byte by byte on purpose: with distance < len the copy re-reads its own output.
    for (const stop = op + len; op < stop;) out[op++] = out[ref++];
  }
  return op === outLen;
}
