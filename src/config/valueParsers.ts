// Value parsers with redis-server 7.0's acceptance rules and error texts
// (string2ll, memtoull, yesnotoi, enum lookup, octal strtoll). The rules are
// stricter or looser than JavaScript's in places that users hit: "05" and
// "+5" are not integers, "1K" is 1000 but "1KB" is 1024, a memory value wraps
// modulo 2^64 instead of overflowing. Checked against a real 7.0.15 binary.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = <T = never>(error: string): Parsed<T> => ({ ok: false, error });

export const INT_MIN = -2147483648n;
export const INT_MAX = 2147483647n;
export const UINT_MAX = 4294967295n;
export const LLONG_MIN = -(2n ** 63n);
export const LLONG_MAX = 2n ** 63n - 1n;
export const ULLONG_MAX = 2n ** 64n - 1n;

export const NOT_AN_INTEGER = "argument couldn't be parsed into an integer";
export const NOT_A_MEMORY_VALUE = 'argument must be a memory value';
export const NOT_YES_NO = "argument must be 'yes' or 'no'";

/** Redis's string2ll: no sign but '-', no leading zeros, no spaces, 64-bit range. */
export function parseStrictInteger(s: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const v = BigInt(s);
  return v < LLONG_MIN || v > LLONG_MAX ? null : v;
}

/**
 * C strtoll(s, &end, base) followed by a `*end == '\0'` check, as used by
 * `save`, `client-output-buffer-limit`, `oom-score-adj-values` and octal
 * configs: leading whitespace and a sign are allowed and "" reads as 0.
 * The value is returned unclamped: the callers only test its sign or a small
 * range, where strtoll's saturation makes no difference, except octal configs
 * which reject overflow.
 */
export function parseLooseInteger(s: string, base: 8 | 10 = 10): bigint | null {
  if (s === '') return 0n;
  const digits = base === 8 ? '[0-7]' : '[0-9]';
  const m = new RegExp(`^[ \\t\\n\\v\\f\\r]*([+-]?)(${digits}+)$`).exec(s);
  if (!m) return null;
  let v = 0n;
  for (const ch of m[2]!) v = v * BigInt(base) + BigInt(ch.charCodeAt(0) - 48);
  return m[1] === '-' ? -v : v;
}

const MEMORY_UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/**
 * Redis's memtoull: digits then an optional unit. An empty digit part reads
 * as 0 ("mb" is 0 bytes), 128 digits or more is an error, the digit part
 * saturates at 2^64-1, and the product wraps modulo 2^64 (no overflow check
 * in 7.0: "17179869185gb" is accepted as 1gb).
 */
export function parseMemory(s: string): bigint | null {
  if (s.startsWith('-')) return null;
  const m = /^([0-9]*)(.*)$/s.exec(s)!;
  const digits = m[1]!;
  const mul = MEMORY_UNITS[m[2]!.toLowerCase()];
  if (mul === undefined || digits.length >= 128) return null;
  let v = digits === '' ? 0n : BigInt(digits);
  if (v > ULLONG_MAX) v = ULLONG_MAX;
  return (v * mul) & ULLONG_MAX;
}

export function boundsError(min: bigint, max: bigint): string {
  return `argument must be between ${min} and ${max} inclusive`;
}

/** A numeric config: bounds are checked on the 64-bit value Redis parsed. */
export function parseIntInRange(s: string, min: bigint, max: bigint): Parsed<bigint> {
  const v = parseStrictInteger(s);
  if (v === null) return fail(NOT_AN_INTEGER);
  return v < min || v > max ? fail(boundsError(min, max)) : ok(v);
}

/**
 * A memory config. `unsigned` configs (maxmemory...) compare the raw 64-bit
 * value; signed ones see values >= 2^63 as negative, which is why
 * "18446744073709551615" reports the bounds rather than "not a memory value".
 */
export function parseMemoryInRange(s: string, min: bigint, max: bigint, unsigned = false): Parsed<bigint> {
  const raw = parseMemory(s);
  if (raw === null) return fail(NOT_A_MEMORY_VALUE);
  const v = unsigned ? raw : BigInt.asIntN(64, raw);
  return v < min || v > max ? fail(boundsError(min, max)) : ok(v);
}

export function parseBool(s: string): Parsed<boolean> {
  const lower = s.toLowerCase();
  if (lower === 'yes') return ok(true);
  if (lower === 'no') return ok(false);
  return fail(NOT_YES_NO);
}

export function enumError(values: readonly string[]): string {
  return `argument(s) must be one of the following: ${values.join(', ')}`;
}

/** Case-insensitive; returns the canonical (table) spelling. */
export function parseEnum<T extends string>(s: string, values: readonly T[]): Parsed<T> {
  const lower = s.toLowerCase();
  const found = values.find((v) => v === lower);
  return found === undefined ? fail(enumError(values)) : ok(found);
}

/** Octal configs (unixsocketperm): bounds are printed in octal too. */
export function parseOctalInRange(s: string, min: bigint, max: bigint): Parsed<bigint> {
  const v = parseLooseInteger(s, 8);
  if (v === null || v > LLONG_MAX || v < LLONG_MIN) return fail("argument couldn't be parsed as an octal number");
  if (v < min || v > max) return fail(`argument must be between ${min.toString(8)} and ${max.toString(8)} inclusive`);
  return ok(v);
}
