// Module data (spec §7.11): MODULE_2 values (type 7) and MODULE_AUX records.
// Without the module we cannot interpret them, but their serialization is
// self-describing (`len opcode` + operand, until opcode 0), so they are walked
// one opcode at a time and kept as raw bytes.
import type { ValueParser } from './collectionValues';
import type { DecodedValue } from './decodedValue';
import { fail, type RdbReader } from './reader';

const CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const OP_EOF = 0, OP_SINT = 1, OP_UINT = 2, OP_FLOAT = 3, OP_DOUBLE = 4, OP_STRING = 5;

/** The 9-character module type name packed in the id's top 54 bits, 6 bits per character, first character highest. */
export function moduleTypeName(id: bigint): string {
  let v = id >> 10n;
  const chars = new Array<string>(9);
  for (let i = 8; i >= 0; i--) {
    chars[i] = CHARSET[Number(v & 63n)];
    v >>= 6n;
  }
  return chars.join('');
}

/** A module id's low 10 bits: the module's own encoding version. */
export function moduleEncver(id: bigint): number {
  return Number(id & 1023n);
}

/** Reads the opcode body; every opcode read is committed and its bytes kept (as views). */
class ModuleBody {
  private readonly parts: Buffer[] = [];
  private done = false;

  constructor(private readonly moduleName: string) {}

  keep(r: RdbReader, from: number): void {
    this.parts.push(r.buf.subarray(from, r.p));
  }

  /** The raw bytes kept so far plus the whole body through its EOF opcode. */
  step(r: RdbReader): Buffer {
    while (!this.done) {
      const from = r.p;
      const op = r.length();
      switch (op) {
        case OP_EOF: break;
        case OP_SINT: case OP_UINT: r.lengthBig(); break;
        case OP_FLOAT: r.bytes(4); break;
        case OP_DOUBLE: r.bytes(8); break;
        case OP_STRING: r.blob(); break;
        default: fail(`Unknown module opcode ${op} in data of module '${this.moduleName}'`);
      }
      this.keep(r, from);
      if (op === OP_EOF) this.done = true;
      r.commitItem();
    }
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
  }
}

/** A MODULE_2 value; raw = everything after the type byte (module id, opcodes, EOF), as a DUMP body holds it. */
export class ModuleValueParser implements ValueParser {
  private id = -1n;
  private body: ModuleBody | null = null;

  step(r: RdbReader): DecodedValue {
    if (this.body === null) {
      const from = r.p;
      const id = r.lengthBig();
      const body = new ModuleBody(moduleTypeName(id));
      body.keep(r, from);
      this.id = id;
      this.body = body;
      r.commitItem();
    }
    const raw = this.body.step(r);
    return { type: 'module', moduleId: this.id, moduleName: moduleTypeName(this.id), encver: moduleEncver(this.id), raw };
  }
}

export interface ModuleAux {
  moduleId: bigint;
  moduleName: string;
  when: number;
  /** Everything after the opcode byte: module id, when-opcode, when, body, EOF. */
  raw: Buffer;
}

/** A MODULE_AUX record (the opcode byte already read). */
export class ModuleAuxParser {
  private id = -1n;
  private when = 0;
  private body: ModuleBody | null = null;

  step(r: RdbReader): ModuleAux {
    if (this.body === null) {
      const from = r.p;
      const id = r.lengthBig();
      const whenOpcode = r.length();
      const when = r.length();
      if (whenOpcode !== OP_UINT) fail(`bad when_opcode ${whenOpcode} in MODULE_AUX of module '${moduleTypeName(id)}'`);
      const body = new ModuleBody(moduleTypeName(id));
      body.keep(r, from);
      this.id = id;
      this.when = when;
      this.body = body;
      r.commitItem();
    }
    const raw = this.body.step(r);
    return { moduleId: this.id, moduleName: moduleTypeName(this.id), when: this.when, raw };
  }
}
