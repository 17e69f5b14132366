// RESP2 encoders: commands as multibulk arrays of bulk strings (what a replica
// sends to its master), and replies (what the replica's own port answers).

export type CommandArg = string | number | Buffer;

const CRLF = '\r\n';

function argBuffer(arg: CommandArg): Buffer {
  return Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg), 'utf8');
}

/** `*N\r\n$len\r\narg\r\n…`, byte for byte what redis-server's replica writes. */
export function encodeCommand(args: readonly CommandArg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}${CRLF}`)];
  for (const arg of args) {
    const b = argBuffer(arg);
    parts.push(Buffer.from(`$${b.length}${CRLF}`), b, Buffer.from(CRLF));
  }
  return Buffer.concat(parts);
}

/** The exact length of encodeCommand(args) without building it. */
export function encodedCommandLength(args: readonly Buffer[]): number {
  let n = 1 + decimalDigits(args.length) + 2;
  for (const a of args) n += 1 + decimalDigits(a.length) + 2 + a.length + 2;
  return n;
}

function decimalDigits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** A reply value the RESP server can send. Errors carry their full text, code included (`ERR …`). */
export type ReplyValue =
  | { type: 'simple'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: number | bigint }
  | { type: 'bulk'; value: string | Buffer | null }
  | { type: 'array'; value: ReplyValue[] | null };

export const reply = {
  ok: (): ReplyValue => ({ type: 'simple', value: 'OK' }),
  simple: (value: string): ReplyValue => ({ type: 'simple', value }),
  error: (value: string): ReplyValue => ({ type: 'error', value }),
  integer: (value: number | bigint): ReplyValue => ({ type: 'integer', value }),
  bulk: (value: string | Buffer | null): ReplyValue => ({ type: 'bulk', value }),
  array: (value: ReplyValue[] | null): ReplyValue => ({ type: 'array', value }),
};

export function encodeReply(r: ReplyValue): Buffer {
  const parts: Buffer[] = [];
  writeReply(r, parts);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

function writeReply(r: ReplyValue, out: Buffer[]): void {
  switch (r.type) {
    case 'simple':
      out.push(Buffer.from(`+${oneLine(r.value)}${CRLF}`));
      return;
    case 'error':
      out.push(Buffer.from(`-${oneLine(r.value)}${CRLF}`));
      return;
    case 'integer':
      out.push(Buffer.from(`:${r.value}${CRLF}`));
      return;
    case 'bulk': {
      if (r.value === null) {
        out.push(Buffer.from(`$-1${CRLF}`));
        return;
      }
      const b = argBuffer(r.value);
      out.push(Buffer.from(`$${b.length}${CRLF}`), b, Buffer.from(CRLF));
      return;
    }
    case 'array':
      if (r.value === null) {
        out.push(Buffer.from(`*-1${CRLF}`));
        return;
      }
      out.push(Buffer.from(`*${r.value.length}${CRLF}`));
      for (const item of r.value) writeReply(item, out);
      return;
  }
}

// Status and error replies cannot carry newlines; Redis replaces them with spaces.
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}
