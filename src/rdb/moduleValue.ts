// Module data (spec §7.11): MODULE_2 values (type 7), MODULE_AUX records and
// the classes of a KEY_META record (Redis 8.6+).
// Without the module we cannot interpret them, but their serialization is
// self-describing (`len opcode` + operand, until opcode 0), so they are walked
// one opcode at a time and kept as raw bytes.
import type { ValueParser } from './collectionValues';
import type { DecodedValue, KeyMetaClass } from './decodedValue';
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

  /** what: where the opcodes are, for errors ("data of module 'X'"). */
  constructor(private readonly what: string) {}

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
        default: fail(`Unknown module opcode ${op} in ${this.what}`);
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
      const body = new ModuleBody(`data of module '${moduleTypeName(id)}'`);
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
      const body = new ModuleBody(`data of module '${moduleTypeName(id)}'`);
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

// keymeta.c's alphabet for class names: not the module-type one (it ends "_-", not "-_").
const KEY_META_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
/** KEY_META_MAX_NUM_MODULES: classes 1..7 (0 is the key's expiry, never saved here). */
const KEY_META_MAX_CLASSES = 7;

/**
 * A KEY_META record (Redis 8.6+, the opcode byte already read): a class count,
 * then per class its 32-bit spec (host byte order, little-endian on the
 * servers that write it: 24 bits of name, 5 of version, 3 of flags) and its
 * value in module opcodes through EOF. One class per committed step.
 */
export class KeyMetaParser {
  private left = -1;
  private readonly classes: KeyMetaClass[] = [];
  private spec: { name: string; version: number; flags: number } | null = null;
  private body: ModuleBody | null = null;

  step(r: RdbReader): KeyMetaClass[] {
    if (this.left < 0) {
      const n = r.length();
      if (n > KEY_META_MAX_CLASSES) fail(`Too many metadata classes: ${n} (max ${KEY_META_MAX_CLASSES})`);
      this.left = n;
      r.commitItem();
    }
    while (this.left > 0) {
      if (this.spec === null) {
        let v = r.bytes(4).readUInt32LE(0);
        const flags = v & 7;
        const version = (v >>> 3) & 31;
        v >>>= 8;
        let name = '';
        for (let i = 0; i < 4; i++, v >>>= 6) name = KEY_META_CHARSET[v & 63] + name;
        this.spec = { name, version, flags };
        this.body = new ModuleBody(`metadata of class '${name}'`);
        r.commitItem();
      }
      const raw = this.body!.step(r);
      this.classes.push({ ...this.spec, raw });
      this.spec = null;
      this.body = null;
      this.left--;
    }
    return this.classes;
  }
}
