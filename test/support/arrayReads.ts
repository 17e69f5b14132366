// The Array reads compared between the replica and a live 8.8 server: every
// read command in its forms, per key, the bad-argument cases, and ARGREP RE
// patterns over a key of assorted values (TRE's quirks included: NUL bytes,
// case folding, assertions next to empty alternatives, bracket corners).
import { STRING_KEY } from './arrayWorkload';

const MAX = '18446744073709551614';

export interface ReadOptions {
  /** ARSCAN over the whole index space without a LIMIT (else at most 300 pairs). */
  scanAll?: boolean;
  /** Include DEBUG DIGEST-VALUE (not for an array whose length is astronomical: the server would walk it for hours). */
  digest?: boolean;
}

/** Reads of one key (an array, a string, or a missing key). */
export function arrayReadsFor(key: string, o: ReadOptions = {}): string[][] {
  const reads: string[][] = [
    ['TYPE', key], ['OBJECT', 'ENCODING', key], ['ARLEN', key], ['ARCOUNT', key], ['ARNEXT', key],
    ['ARINFO', key], ['ARINFO', key, 'FULL'],
    o.scanAll ? ['ARSCAN', key, '0', MAX] : ['ARSCAN', key, '0', MAX, 'LIMIT', '300'],
    ['ARSCAN', key, MAX, '0', 'LIMIT', '25'], ['ARSCAN', key, '100', '20000', 'LIMIT', '3'],
    ['ARGETRANGE', key, '0', '99'], ['ARGETRANGE', key, '600', '500'],
    ['ARGET', key, '0'], ['ARGET', key, '5'], ['ARMGET', key, '0', '1', '7', '19999', '599999'],
    ['ARLASTITEMS', key, '10'], ['ARLASTITEMS', key, '7', 'REV'], ['ARLASTITEMS', key, '100000'],
    ['ARGREP', key, '-', '+', 'MATCH', 'o', 'WITHVALUES'], ['ARGREP', key, '+', '-', 'GLOB', 's[0-4]*', 'LIMIT', '5'],
    ['ARGREP', key, '-', '+', 'RE', '^-?[0-9]+$', 'OR', 'EXACT', 'hello', 'NOCASE'],
    ['ARGREP', key, '0', '30000', 'RE', '[.]', 'AND', 'MATCH', '5'],
  ];
  if (o.digest !== false) reads.push(['DEBUG', 'DIGEST-VALUE', key]);
  for (const op of ['SUM', 'MIN', 'MAX', 'AND', 'OR', 'XOR', 'USED']) reads.push(['AROP', key, '0', MAX, op], ['AROP', key, '10000', '5', op]);
  reads.push(['AROP', key, '0', MAX, 'MATCH', '1.0'], ['AROP', key, '0', MAX, 'MATCH', 'Hello']);
  return reads;
}

/** Reads with bad arguments, on an array key `a`, and the string key. */
export function arrayErrorReads(a: string): string[][] {
  const s = STRING_KEY;
  return [
    ['ARGET', a, '-1'], ['ARGET', a, 'x'], ['ARGET', s, 'x'], ['ARGET', a, '18446744073709551615'], ['ARGET', a, ' 5'],
    ['ARGET', a, '+5'], ['ARGET', a, '-0'], ['ARGET', a, '-02'], ['ARGET', a, '5\x00x'], ['ARGET', a],
    ['ARMGET', a, '1', 'bad'], ['ARMGET', s, 'bad'], ['ARMGET', 'missing', '1'],
    ['ARGETRANGE', a, '0', '1000000'], ['ARGETRANGE', a, '0', MAX], ['ARGETRANGE', a, 'x', '1'], ['ARGETRANGE', s, '0', 'x'], ['ARGETRANGE', s, '0', '1'],
    ['ARLEN', s], ['ARCOUNT', s], ['ARNEXT', s], ['ARLEN', a, 'x'],
    ['ARSCAN', a, '0', '1', 'LIMIT'], ['ARSCAN', a, '0', '1', 'LIMIT', '0'], ['ARSCAN', a, '0', '1', 'LIMIT', '-1'], ['ARSCAN', a, '0', '1', 'LIMIT', 'x'],
    ['ARSCAN', a, '0', '1', 'FOO', '2'], ['ARSCAN', a, '0', '1', 'LIMIT', '1', 'x'], ['ARSCAN', s, '0', '1'], ['ARSCAN', 'missing', '0', '1'],
    ['ARINFO', 'missing'], ['ARINFO', s], ['ARINFO', a, 'FOO'], ['ARINFO', a, 'FULL', 'x'],
    ['ARLASTITEMS', a, 'x'], ['ARLASTITEMS', a, '0'], ['ARLASTITEMS', a, '-5', 'FOO'], ['ARLASTITEMS', a, '3', 'FOO'], ['ARLASTITEMS', a, '3', 'REV', 'x'],
    ['ARLASTITEMS', s, '3'], ['ARLASTITEMS', 'missing', '3'],
    ['AROP', a, '0', '1', 'FOO'], ['AROP', a, '0', '1', 'MATCH'], ['AROP', a, '0', '1', 'SUM', 'x'], ['AROP', a, 'x', '1', 'SUM'], ['AROP', s, '0', '1', 'SUM'],
    ['AROP', 'missing', '0', '1', 'MAX'], ['AROP', 'missing', '0', '1', 'MATCH', 'x'],
    ['ARGREP', a, '-', '+', 'MATCH'], ['ARGREP', a, '-', '+', 'FOO', 'x'], ['ARGREP', a, '-', '+', 'LIMIT', '1'], ['ARGREP', a, '-', '+', 'EXACT', 'x', 'LIMIT', '0'],
    ['ARGREP', a, '-', '+', 'EXACT', 'x', 'LIMIT'], ['ARGREP', a, 'x', '+', 'EXACT', 'x'], ['ARGREP', a, '-', '*', 'EXACT', 'x'], ['ARGREP', s, '-', '+', 'EXACT', 'x'],
    ['ARGREP', 'missing', '-', '+', 'EXACT', 'x'], ['ARGREP', a, '-', '+', 'RE', ''], ['ARGREP', a, '-', '+', 'RE', 'x'.repeat(2049)],
    ['ARGREP', a, '-', '+', ...Array.from({ length: 251 }, () => ['EXACT', 'x']).flat()],
    ['ARGREP', a, '-', '+', 'RE', '(', 'RE', ')\\1'], ['ARGREP', a, '-', '+', 'RE', 'a', 'RE', '(a)\\1', 'RE', '['],
  ];
}

/** Writes sent to a replica's own port: READONLY, or the arity error Redis checks first. */
export function replicaWrites(a: string): string[][] {
  return [
    ['ARSET', a, '0', 'x'], ['ARSET', a, '0'], ['ARDEL', a], ['ARDEL', a, '1'], ['ARMSET', a, '1'], ['ARMSET', a, '1', 'x'],
    ['ARDELRANGE', a, '1'], ['ARINSERT', a], ['ARRING', a, '3'], ['ARSEEK', a], ['ARSEEK', a, '1'], ['INCREX'], ['INCREX', a],
  ];
}

/** Values for the RE patterns: case pairs, NUL bytes, high bytes, word boundaries, newlines, punctuation. */
export const GREP_VALUES = [
  'abc', 'ABC', 'aBc', 'xabcx', 'abc\x00', 'abc\x00x', '\x00abc', 'a.c', 'a\nb', 'foo bar', 'foo_bar', 'foobar', '123', '12.5',
  '', ' ', 'Ab', 'aab', 'aaab', 'b', '\xe9t\xc9', 'x\xffy', 'tab\there', 'end$', '^start', 'a{2}', 'A', 'z', '_', '-', ']', '[',
  '\\', 'hello world', 'HELLO', 'word', 'sword', 'words', 'a+b', 'a|b', '(x)', 'xyz123', '\x1b', '\x07', 'Z9', '..', '\x00',
];

/** RE patterns, valid and not, each run plain and with NOCASE. */
export const GREP_PATTERNS = [
  'abc', '^abc', 'abc$', '^abc$', 'a.c', 'a\\.c', '^$', '^', '$', 'a|b', '^(abc|foo)$', '(abc|foo)', 'ab*c', 'a{2}', 'a{2,}', 'a{,1}b',
  'a{1,2}b', 'a{0}b', 'x{0,0}', 'a{1,2,}', 'a{2 }', '[a-c]+', '[^a-c]', '[[:alpha:]]+$', '[[:digit:]]', '[[:upper:]]', '[[:lower:]]',
  '[[:space:]]', '[[:punct:]]', '[[:xdigit:]]{2}', '[[:alnum:]_]+', '[[:cntrl:]]', '[[:print:]]', '[[:graph:]]', '\\w+', '\\W', '\\s',
  '\\S', '\\d', '\\D', '\\bword\\b', '\\<word', 'word\\>', '\\Bor', '\\b', '\\B', '\\t', '\\n', '\\e', '\\a', '\\x41', '\\x61', '\\x',
  '\\xZ', '\\x{41}', '\\x{10041}', '\\x{100}', '\\A', '\\.', '\\]', '[]]', '[]a]', '[^]a]', '[a-]', '[-a]', '\\$', 'end\\$', '\\^s',
  '*a', '+a', '?a', '{2}', 'a||b', '|a', 'a|', '()', '(|a)', 'a)', '(?:ab)c', '(a)(b)', '((a))', '((abc))', '(abc)', 'a*?b', 'a+?',
  'x??y', '[\\]', '[a\\]]', '.', '..', '^.$', '\\0', '\xe9', '[\xe0-\xff]', 'a{1}{2}', 'a*{2}', 'b$', 'c$', 'abc\\x00', '[^a]',
  '[^[:alpha:]]', '[^a-cb-f]', '[^a-ca-z]', '(\\<.?|)', '\\<|', '(\\>|\\s*)', '\\>*', '(a|aa)*b', '(a*)*b', '((a+)+)+c', 'a{255}',
  '(', ')', '(a', '[a', '[', '[]', 'a{2', 'a{x}', 'a{}', 'a{2,1}', 'a{256}', 'a{99999999999}', '\\', 'a\\', 'a**', 'a*+', 'a+*',
  'a?*', 'a{2}*', 'a{2}+', '[z-a]', '[[:foo:]]', '[[:ascii:]]', '[[:blank:]]', '[[.a.]]', '[[=a=]]', '[a-c-e]', '[[:alpha:]',
  '[[:alpha', '(?', '(?x)', '(?:', '\\1', '(a)\\2', '(a)\\1', 'a\\0', '\\x{1', '\\x{123456789}', '\\x{}', 'a{ 2}', 'a{2x}',
];
