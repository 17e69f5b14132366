// Which reader a value's type byte calls for, in the numbering of the RDB's
// format (rdbTypes.ts): shared by an RDB load and a DUMP payload. A new type
// is one line here (and its entry in rdbTypes.ts).
import { isBlobType, type Containers } from './blobValues';
import { collectionParser, valkeyCollectionParser, type ValueParser } from './collectionValues';
import { ModuleValueParser } from './moduleValue';
import type { RdbFormat } from './rdbTypes';
import { StreamParser } from './streamValue';

/** The value is one blob (readBlobValue reads it whole). */
export const BLOB = 'blob';

/**
 * The parser for a value of type `t` (already known to the reader's table),
 * BLOB, or undefined for MODULE_PRE_GA, which no loader without its module
 * can read (it is not self-describing).
 */
export function valueReader(t: number, format: RdbFormat, c: Containers): ValueParser | typeof BLOB | undefined {
  if (format === 'valkey') {
    const own = valkeyCollectionParser(t);
    if (own !== undefined) return own;
  }
  switch (t) {
    case 6: return undefined;
    case 7: return new ModuleValueParser();
    case 15: return new StreamParser(1, c);
    case 19: return new StreamParser(2, c);
    case 21: return new StreamParser(3, c);
    case 26: return new StreamParser(4, c);
    case 27: return new StreamParser(5, c);
  }
  if (isBlobType(t)) return BLOB;
  return collectionParser(t, c);
}
