// The values breakpoint conditions, watches and logpoints compute with.
//
// Integers are bigint, always: replication offsets are 64-bit (long long in
// Redis), and a condition like `master_repl_offset >= 9007199254740993` must
// compare exactly past 2^53. Non-integers (a decimal literal, a division mixed
// with one) are JS numbers. A scope handing over a JS number that is already
// past 2^53 has lost the exact value before it gets here; a scope that must be
// exact there hands over a bigint.
import { phaseOf, stateName, type AnyState } from '../engine/states';
import type { VersionProfile } from '../versions/profile';

export type Value =
  | { type: 'int'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'null' }
  /** repl_state, or a bare state name (`TRANSFER`) in an expression. */
  | { type: 'state'; value: AnyState }
  /** A struct such as `master`: shown whole, compared only with null. */
  | { type: 'record'; fields: ReadonlyArray<readonly [string, Value]> };

/** Where identifiers come from. `names` (every name lookup knows) feeds "did you mean". */
export interface Scope {
  lookup(name: string): Value | undefined;
  readonly names?: readonly string[];
  /** The replica's version: a state compared with a number is its number in that version's server.h. */
  readonly profile?: VersionProfile;
}

export const NULL: Value = { type: 'null' };

export const int = (v: bigint | number): Value => ({ type: 'int', value: BigInt(v) });
export const str = (value: string): Value => ({ type: 'string', value });
export const bool = (value: boolean): Value => ({ type: 'bool', value });
export const state = (value: AnyState): Value => ({ type: 'state', value });

/** A plain JS value (a ReplicaInfo field) as a Value; undefined for what has no Value (functions). */
export function toValue(x: unknown): Value | undefined {
  if (x === null) return NULL;
  switch (typeof x) {
    case 'bigint': return { type: 'int', value: x };
    case 'number': return Number.isInteger(x) ? { type: 'int', value: BigInt(x) } : { type: 'float', value: x };
    case 'string': return str(x);
    case 'boolean': return bool(x);
    case 'object': {
      const fields: [string, Value][] = [];
      for (const [k, v] of Object.entries(x)) {
        const value = toValue(v);
        if (value) fields.push([k, value]);
      }
      return { type: 'record', fields };
    }
    default: return undefined;
  }
}

/** The type a debugger shows next to a value. */
export function typeName(v: Value): string {
  switch (v.type) {
    case 'int': return 'integer';
    case 'float': return 'number';
    case 'bool': return 'boolean';
    case 'record': return 'object';
    default: return v.type;
  }
}

/**
 * Text for a value. `quoteStrings` for watches and hovers (where 'abc' and
 * abc must look different); logpoints print strings as they are.
 */
export function formatValue(v: Value, quoteStrings = false): string {
  switch (v.type) {
    case 'int': return v.value.toString();
    case 'float': return String(v.value);
    case 'string': return quoteStrings ? `'${v.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : v.value;
    case 'bool': return String(v.value);
    case 'null': return 'null';
    case 'state': return stateName(v.value);
    case 'record': return `{${v.fields.map(([k, f]) => `${k}: ${formatValue(f, true)}`).join(', ')}}`;
  }
}

/** C's truth: zero, empty, null and REPL_STATE_NONE (0) are false. */
export function truthy(v: Value): boolean {
  switch (v.type) {
    case 'int': return v.value !== 0n;
    case 'float': return v.value !== 0 && !Number.isNaN(v.value);
    case 'string': return v.value.length > 0;
    case 'bool': return v.value;
    case 'null': return false;
    case 'state': return phaseOf(v.value) !== 'NONE';
    case 'record': return true;
  }
}
