// The debug console's Redis commands (`GET foo`, `INFO replication`, `DEBUG
// DIGEST`): sent to the replica's own RESP port, exactly as redis-cli would,
// so the answer is the one any client of that replica gets; replies are shown
// the way redis-cli prints them.
import { RedisClient, ReplyError, type Reply } from '../net/redisClient';
import { splitArgs } from '../resp/splitArgs';

/** A command line as Redis splits it; null when the quotes do not balance. */
export function commandWords(line: string): Buffer[] | null {
  const words = splitArgs(Buffer.from(line, 'utf8'));
  return words === null || words.length === 0 ? null : words;
}

/** redis-cli's rendering: "strings" quoted, (integer) n, (nil), (error) …, numbered arrays. */
export function replyText(r: Reply, indent = ''): string {
  if (r instanceof ReplyError) return `(error) ${r.message}`;
  if (r === null) return '(nil)';
  if (typeof r === 'number') return `(integer) ${r}`;
  if (Buffer.isBuffer(r)) return JSON.stringify(r.toString('latin1'));
  if (typeof r === 'string') return r.includes('\n') ? r.replace(/\r\n/g, '\n').trimEnd() : JSON.stringify(r);
  if (r.length === 0) return '(empty array)';
  const width = String(r.length).length;
  return r.map((item, i) => {
    const label = `${String(i + 1).padStart(width)}) `;
    const body = replyText(item, indent + ' '.repeat(label.length));
    return `${i === 0 ? '' : indent}${label}${body}`;
  }).join('\n');
}

/** Runs one command on 127.0.0.1:`port` and closes the connection. */
export async function runCommand(port: number, words: Buffer[], timeoutMs = 5000): Promise<string> {
  const client = await RedisClient.connect(port);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no reply from the replica's port ${port} in ${timeoutMs} ms`)), timeoutMs)));
    return replyText(await Promise.race([client.send(...words), timeout]));
  } finally {
    clearTimeout(timer);
    client.close();
  }
}
