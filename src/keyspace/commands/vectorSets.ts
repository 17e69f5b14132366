// Vector sets (Redis 8.0's built-in vectorset module, feature
// `vector-set-commands`): VADD, VREM and VSETATTR reach a replica as sent. The
// value is a module type (an HNSW graph the module builds with its own random
// levels and quantization) that the replica keyspace does not reproduce, so a
// write marks its key unknown: the rest of the dataset stays provable, and
// DEBUG DIGEST names the key. On the port they are writes: READONLY.
import type { WriteCommand } from '../command';
import { diverged } from './util';

const REASON = 'vector sets (the vectorset module type) are not reproduced by the replica keyspace';

function vectorWrite(name: string, arity: number): WriteCommand {
  return { name, arity, requires: 'vector-set-commands', apply: (_ctx, argv) => diverged([argv[1]!], REASON) };
}

export const vectorSetWriteCommands: WriteCommand[] = [vectorWrite('vadd', -5), vectorWrite('vrem', 3), vectorWrite('vsetattr', 4)];
