// stringmatchlen as Redis 8.8 runs it for ARGREP GLOB, on arbitrary bytes: C's
// `char` is signed, so a byte ≥ 0x80 compares as a negative number in a range
// ([a-\xff] is [\xff-a] swapped: bytes 0x80…0xff and everything up to 'a');
// a '*' whose rest fails everywhere ends the search (skipLongerMatches); and
// more than 1000 nested stars are no match.

const signed = (c: number): number => (c >= 0x80 ? c - 256 : c);
const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 32 : c);

export function globMatch(pattern: string, value: string, nocase: boolean): boolean {
  const skip = { longer: false };
  return matchFrom(pattern, 0, value, 0, nocase, skip, 0);
}

function matchFrom(pat: string, p: number, str: string, s: number, nocase: boolean, skip: { longer: boolean }, nesting: number): boolean {
  if (nesting > 1000) return false;
  // Past the end C reads the terminating NUL.
  const pc = (i: number): number => (i < pat.length ? pat.charCodeAt(i) : 0);
  const same = (a: number, b: number): boolean => (nocase ? lower(a) === lower(b) : a === b);
  while (p < pat.length && s < str.length) {
    const c = pc(p);
    if (c === 0x2a /* * */) {
      while (p < pat.length && pc(p + 1) === 0x2a) p++;
      if (pat.length - p === 1) return true;
      for (; s < str.length; s++) {
        if (matchFrom(pat, p + 1, str, s, nocase, skip, nesting + 1)) return true;
        if (skip.longer) return false;
      }
      skip.longer = true;
      return false;
    } else if (c === 0x3f /* ? */) {
      s++;
    } else if (c === 0x5b /* [ */) {
      p++;
      const not = p < pat.length && pc(p) === 0x5e;
      if (not) p++;
      const sc = str.charCodeAt(s);
      let match = false;
      for (;;) {
        const left = pat.length - p;
        if (left >= 2 && pc(p) === 0x5c /* \ */) {
          p++;
          if (pc(p) === sc) match = true;
        } else if (left <= 0) {
          p--;
          break;
        } else if (pc(p) === 0x5d /* ] */) {
          break;
        } else if (left >= 3 && pc(p + 1) === 0x2d /* - */) {
          let start = signed(pc(p)), end = signed(pc(p + 2));
          let x = signed(sc);
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(start);
            end = lower(end);
            x = lower(x);
          }
          p += 2;
          if (x >= start && x <= end) match = true;
        } else if (same(pc(p), sc)) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return false;
      s++;
    } else {
      if (c === 0x5c /* \ */ && pat.length - p >= 2) p++;
      if (!same(pc(p), str.charCodeAt(s))) return false;
      s++;
    }
    p++;
    if (s === str.length) {
      while (p < pat.length && pc(p) === 0x2a) p++;
      break;
    }
  }
  return p === pat.length && s === str.length;
}
