// The main channel during a multi-channel full sync: its stream read into
// the local buffer while the RDB loads (Redis's replDataBufReadFromConn,
// Valkey's bufferReplData), and streamed into the dataset once it is loaded
// (replDataBufStreamToDb, streamReplDataBufToDb).
import type { ReplicaCore, Work } from './core';
import type { StepPoint } from './io';
import { channelMachine } from './states';
import { processInputBuffer, readIntoQuery } from './stream';

/** PROTO_IOBUF_LEN: a read, and the piece the buffer is streamed in. */
const PROTO_IOBUF_LEN = 16 * 1024;

const BUFFER = ['bufferReplData'];

export function bufferReadable(core: ReplicaCore): boolean {
  const link = core.link;
  return link !== null && (link.input.length > 0 || link.eof);
}

/** A read event on the main channel while the RDB loads. */
export function* onBufferReadable(core: ReplicaCore): Work {
  core.eventsWindow = false;
  if (channelMachine(core.profile) === 'dual-channel') yield* valkeyBufferRead(core);
  else yield* redisBufferRead(core);
}

/** connRead(): what the socket holds, up to `len`; null at the end of the stream. */
function connRead(core: ReplicaCore, len: number): Buffer | null {
  const link = core.link!;
  if (link.input.length === 0) return null;
  const bytes = link.input.take(Math.min(len, link.input.length));
  core.info.stat_net_repl_input_bytes += bytes.length;
  return bytes;
}

function bufferLimit(core: ReplicaCore): number {
  const configured = core.config['replica-full-sync-buffer-limit'];
  return configured !== 0 ? configured : core.config['client-output-buffer-limit'].replica.hard;
}

/** replDataBufReadFromConn(): fill the last 1 MB block; a new block unless past the limit. */
function* redisBufferRead(core: ReplicaCore): Work {
  const buf = core.replBuffer;
  let readBytes = 0;
  let needsRead = true;
  if (buf.tailRoom > 0) {
    const bytes = connRead(core, buf.tailRoom);
    if (bytes === null) return yield* mainChannelError(core, `Main channel error while reading from ${core.w.master}: ${core.link!.error ?? 'Success'}`);
    buf.append(bytes);
    readBytes += bytes.length;
    // A full block with a short read: the socket may hold more.
    needsRead = buf.tailRoom === 0 && bytes.length < PROTO_IOBUF_LEN;
  }
  if (needsRead && core.link!.input.length > 0) {
    const limit = bufferLimit(core);
    if (limit !== 0 && buf.size > limit) {
      core.log('notice', `Replication buffer limit has been reached (${limit} bytes), stopped buffering replication stream. Further accumulation may occur on ${core.w.master} side.`);
      core.link!.handler = null;
      if (readBytes > 0) yield bufferPoint(core, readBytes);
      yield { kind: 'line', state: core.info.repl_state, line: 'replication buffer limit reached', callPath: BUFFER };
      return;
    }
    buf.addBlock(PROTO_IOBUF_LEN);
    const bytes = connRead(core, buf.tailRoom);
    if (bytes !== null) {
      buf.append(bytes);
      readBytes += bytes.length;
    }
  } else if (needsRead && readBytes === 0) {
    return yield* mainChannelError(core, `Main channel error while reading from ${core.w.master}: ${core.link!.error ?? 'Success'}`);
  }
  yield bufferPoint(core, readBytes);
}

/** bufferReplData(): up to 16 KB per read event, into blocks of about that size. */
function* valkeyBufferRead(core: ReplicaCore): Work {
  const buf = core.replBuffer;
  const link = core.link!;
  if (link.input.length === 0) {
    if (link.error) {
      core.log('notice', `Error reading from primary: ${link.error}`);
      return yield* mainChannelLost(core, `Error reading from primary: ${link.error}`);
    }
    core.log('verbose', 'Provisional primary closed connection');
    return yield* mainChannelLost(core, 'Provisional primary closed connection');
  }
  let readLen = PROTO_IOBUF_LEN;
  let readBytes = 0;
  while (readLen > 0) {
    let wanted = 0;
    let got = 0;
    if (buf.tailRoom > 0) {
      wanted = Math.min(readLen, buf.tailRoom);
      readLen -= wanted;
      const bytes = connRead(core, wanted);
      got = bytes?.length ?? 0;
      if (bytes) buf.append(bytes);
    }
    if (readLen > 0 && wanted === got) {
      const hard = core.config['client-output-buffer-limit'].replica.hard;
      if (hard !== 0 && buf.size > hard) {
        core.log('notice', 'Replication buffer limit reached, stopping buffering.');
        link.handler = null;
        readBytes += got;
        break;
      }
      buf.addBlock(readLen);
      wanted = Math.min(readLen, buf.tailRoom);
      readLen -= wanted;
      const bytes = connRead(core, wanted);
      const more = bytes?.length ?? 0;
      if (bytes) buf.append(bytes);
      got += more;
      readBytes += got;
      if (more < wanted) break;
    } else {
      readBytes += got;
      if (got < wanted) break;
    }
  }
  yield bufferPoint(core, readBytes);
}

function bufferPoint(core: ReplicaCore, bytes: number): StepPoint {
  return { kind: 'read', bytes, read_reploff: core.info.master?.read_reploff ?? core.info.master_initial_offset, callPath: BUFFER };
}

/** Redis: readReplBufferErrorHandler(). */
function* mainChannelError(core: ReplicaCore, message: string): Work {
  core.fail(message);
  yield* core.cancelReplicationHandshake(true, 'rdb-channel-error', message, BUFFER);
}

/** Valkey: readIntoReplDataBlock()'s error path. */
function* mainChannelLost(core: ReplicaCore, message: string): Work {
  core.info.last_error = { at: core.now(), message };
  yield* core.cancelReplicationHandshake(true, 'rdb-channel-error', message, BUFFER);
}

/**
 * The buffered stream into the dataset through the master client, as its
 * own reads would have come. Blocking, as in Redis: nothing else runs but
 * the commands. Returns false when the master client went meanwhile.
 */
export function* streamReplBufferToDb(core: ReplicaCore): Generator<StepPoint, boolean, void> {
  const buf = core.replBuffer;
  const master = core.info.master;
  if (!master) return false;
  const valkey = channelMachine(core.profile) === 'dual-channel';
  const path = valkey ? ['streamReplDataBufToDb'] : ['rdbChannelStreamReplDataToDb', 'replDataBufStreamToDb'];
  const interval = core.loadingEventsInterval;
  let applied = 0;
  for (let block = buf.shift(); block; block = buf.shift()) {
    // Valkey appends a whole block per processInputBuffer; Redis 16 KB at a time.
    const pieces = valkey ? [Buffer.concat(block.chunks)] : splitPieces(block.chunks, PROTO_IOBUF_LEN);
    for (const piece of pieces) {
      if (core.info.master !== master || master.close_after_reply !== null) return false;
      yield* readIntoQuery(core, piece, path);
      yield* processInputBuffer(core);
      buf.consumed(piece.length);
      if (Math.floor((applied + piece.length) / interval) > Math.floor(applied / interval)) {
        // The drain yields to the event loop: "\n" to the master, then the output buffer is flushed.
        core.sendNewlineToMaster();
        if (!core.flushOutput()) yield* writeFailed(core, path);
      }
      applied += piece.length;
    }
    buf.release(block);
  }
  core.streamedBytes = applied;
  return core.info.master === master;
}

/** A write to the master client failed (its link is gone): Redis frees the client. */
function* writeFailed(core: ReplicaCore, path: readonly string[]): Work {
  const error = core.link?.error ?? 'Broken pipe';
  core.log('verbose', `Error writing to client: ${error}`);
  yield* core.freeMaster('link-lost', `Error writing to client: ${error}`, path);
}

/** A block's bytes in pieces of at most `size`. */
function splitPieces(chunks: readonly Buffer[], size: number): Buffer[] {
  const pieces: Buffer[] = [];
  let pending: Buffer[] = [];
  let pendingLength = 0;
  for (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(size - pendingLength, chunk.length - offset);
      pending.push(chunk.subarray(offset, offset + take));
      pendingLength += take;
      offset += take;
      if (pendingLength === size) {
        pieces.push(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
        pending = [];
        pendingLength = 0;
      }
    }
  }
  if (pendingLength > 0) pieces.push(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
  return pieces;
}
