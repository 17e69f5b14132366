// Glob matching with the rules of Redis's stringmatchlen, used by CONFIG GET
// (and KEYS/SCAN in Redis): `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes. Its
// corner cases differ from shell globs and are kept: an unterminated `[` set
// runs to the end of the pattern, a reversed range `[z-a]` is swapped, and a
// `\`-escaped character inside a set is compared case-sensitively even when
// matching ignores case.

const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 32 : c);

export function stringMatch(pattern: string, str: string, nocase: boolean): boolean {
  return matchAt(pattern, 0, str, 0, nocase);
}

function matchAt(pat: string, p: number, str: string, s: number, nocase: boolean): boolean {
  const same = (a: number, b: number): boolean => (nocase ? lower(a) === lower(b) : a === b);
  // NaN past the end, like the NUL terminator the C code reads there.
  const at = (i: number): number => pat.charCodeAt(i);
  while (p < pat.length && s < str.length) {
    const c = at(p);
    if (c === 0x2a /* * */) {
      while (at(p + 1) === 0x2a) p++;
      if (p + 1 === pat.length) return true;
      for (; s < str.length; s++) if (matchAt(pat, p + 1, str, s, nocase)) return true;
      return false;
    } else if (c === 0x3f /* ? */) {
      s++;
    } else if (c === 0x5b /* [ */) {
      p++;
      const negate = at(p) === 0x5e; /* ^ */
      if (negate) p++;
      const sc = str.charCodeAt(s);
      let matched = false;
      for (;;) {
        if (at(p) === 0x5c /* \ */ && pat.length - p >= 2) {
          p++;
          if (at(p) === sc) matched = true;
        } else if (at(p) === 0x5d /* ] */) {
          break;
        } else if (p >= pat.length) {
          p--; // the set ran off the end: the increments below land on the end
          break;
        } else if (pat.length - p >= 3 && at(p + 1) === 0x2d /* - */) {
          let lo = at(p);
          let hi = at(p + 2);
          if (lo > hi) [lo, hi] = [hi, lo];
          const x = nocase ? lower(sc) : sc;
          if (nocase) [lo, hi] = [lower(lo), lower(hi)];
          if (x >= lo && x <= hi) matched = true;
          p += 2;
        } else if (same(at(p), sc)) {
          matched = true;
        }
        p++;
      }
      if (negate) matched = !matched;
      if (!matched) return false;
      s++;
    } else {
      if (c === 0x5c /* \ */ && pat.length - p >= 2) p++;
      if (!same(at(p), str.charCodeAt(s))) return false;
      s++;
    }
    p++;
    if (s === str.length) {
      while (at(p) === 0x2a) p++;
      break;
    }
  }
  return p >= pat.length && s === str.length;
}
