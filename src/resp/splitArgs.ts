// Splits a line into arguments with the quoting rules Redis uses for inline
// commands and for redis.conf lines (sdssplitargs): "double quotes" with
// \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' with only \' escaped,
// and a closing quote that must be followed by a space or the end of line.
// Returns null for unbalanced quotes, as Redis does.

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const ESCAPES: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x61: 0x07 };

export function splitArgs(line: Buffer): Buffer[] | null {
  const args: Buffer[] = [];
  let p = 0;
  const n = line.length;
  for (;;) {
    while (p < n && isSpace(line[p]!)) p++;
    if (p >= n) return args;
    const current: number[] = [];
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      if (inDouble) {
        if (p >= n) return null;
        const c = line[p]!;
        if (c === 0x5c && p + 3 < n && line[p + 1] === 0x78 && hexValue(line[p + 2]!) >= 0 && hexValue(line[p + 3]!) >= 0) {
          current.push(hexValue(line[p + 2]!) * 16 + hexValue(line[p + 3]!));
          p += 3;
        } else if (c === 0x5c && p + 1 < n) {
          p++;
          const e = line[p]!;
          current.push(ESCAPES[e] ?? e);
        } else if (c === 0x22) {
          if (p + 1 < n && !isSpace(line[p + 1]!)) return null;
          inDouble = false;
          p++;
          break;
        } else {
          current.push(c);
        }
      } else if (inSingle) {
        if (p >= n) return null;
        const c = line[p]!;
        if (c === 0x5c && p + 1 < n && line[p + 1] === 0x27) {
          p++;
          current.push(0x27);
        } else if (c === 0x27) {
          if (p + 1 < n && !isSpace(line[p + 1]!)) return null;
          inSingle = false;
          p++;
          break;
        } else {
          current.push(c);
        }
      } else {
        if (p >= n) break;
        const c = line[p]!;
        if (isSpace(c)) break;
        if (c === 0x22) inDouble = true;
        else if (c === 0x27) inSingle = true;
        else current.push(c);
      }
      p++;
    }
    args.push(Buffer.from(current));
  }
}

export function splitArgsText(line: string): string[] | null {
  const parts = splitArgs(Buffer.from(line, 'utf8'));
  return parts === null ? null : parts.map((b) => b.toString('utf8'));
}
