// A functions library as FUNCTION LOAD, FUNCTION RESTORE and an RDB load
// create it (functions.c functionsCreateWithLibraryCtx): the "#!<engine>
// name=<lib>" line, the checks Redis makes before running the code, and the
// functions the code registers (read without Lua: see luaScan.ts).
import { splitArgs } from '../../resp/splitArgs';
import type { FunctionLibrary, Keyspace } from '../keyspace';
import { fromBytes, toBytes, type Bytes } from '../values';
import { scanLibrary } from './luaScan';

/** Libraries whose function list could not be read for sure, and why (FUNCTION LIST shows what was read). */
const uncertainLibraries = new WeakMap<FunctionLibrary, string>();

export function libraryUncertainty(lib: FunctionLibrary): string | null {
  return uncertainLibraries.get(lib) ?? null;
}

const NAME_RULE = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** functionExtractLibMetaData: engine and library name, or Redis's error text (without "ERR "). */
function readMetadata(code: Bytes): { engine: string; name: Bytes; body: Bytes } | string {
  // Redis reads the code as a C string here: a NUL byte ends it.
  const nul = code.indexOf('\0');
  const c = nul === -1 ? code : code.slice(0, nul);
  if (!c.startsWith('#!')) return 'Missing library metadata';
  const eol = c.indexOf('\n');
  if (eol === -1) return 'Invalid library metadata';
  const parts = splitArgs(fromBytes(c.slice(0, eol)));
  if (!parts || parts.length === 0) return 'Invalid library metadata';
  const engine = toBytes(parts[0]!).slice(2);
  let name: Bytes | null = null;
  for (const p of parts.slice(1)) {
    const part = toBytes(p);
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return 'Invalid metadata value, name argument was given multiple times';
      name = part.slice(5);
      continue;
    }
    return `Invalid metadata value given: ${part}`;
  }
  if (name === null) return 'Library name was not given';
  return { engine, name, body: code.slice(eol) };
}

export type CreateResult = { library: FunctionLibrary } | { error: string };

/**
 * Builds a library from its code and checks it against the loaded ones
 * (replace: a library of the same name may be replaced). Errors are Redis's
 * texts without "ERR ". Nothing is changed in `loaded`.
 */
export function createLibrary(loaded: Map<Bytes, FunctionLibrary>, code: Bytes, replace: boolean): CreateResult {
  const meta = readMetadata(code);
  if (typeof meta === 'string') return { error: meta };
  if (!/^[A-Za-z0-9_]+$/.test(meta.name)) return { error: NAME_RULE };
  if (meta.engine.toLowerCase() !== 'lua') return { error: `Engine '${meta.engine}' not found` };
  const existing = loaded.get(meta.name);
  if (existing && !replace) return { error: `Library '${meta.name}' already exists` };

  const scan = scanLibrary(meta.body);
  const library: FunctionLibrary = {
    name: meta.name,
    engine: 'LUA',
    code,
    functions: scan.functions.map((f) => ({ name: f.name, flags: f.flags, description: f.description })),
  };
  if (scan.uncertain) {
    uncertainLibraries.set(library, scan.uncertain);
  } else {
    // Only a list read for sure can prove what Redis would refuse.
    const seen = new Set<string>();
    for (const f of library.functions) {
      if (seen.has(f.name)) return { error: `Function ${f.name} already exists` };
      seen.add(f.name);
    }
    for (const other of loaded.values()) {
      if (other === existing) continue;
      for (const f of other.functions) if (seen.has(f.name)) return { error: `Function ${f.name} already exists` };
    }
  }
  return { library };
}

/** Adds (or replaces by name) a library created by createLibrary. */
export function installLibrary(ks: Keyspace, library: FunctionLibrary): void {
  ks.functions.set(library.name, library);
}
