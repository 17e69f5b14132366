// The state-machine documents the adapter serves: one per version (its own
// rules, so its line numbers), which a replica's frames point into, and the
// every-version one, where breakpoints are set before anyone knows which
// version a master runs. A line is a transition rule of the union table in
// each of them, so a breakpoint on a line stops on that transition on every
// replica whose version has it, whichever document it was set in.
import { renderStateMachineDocument, type StateMachineDocument } from '../engine/stateMachineDocument';
import type { TransitionRule } from '../engine/states';
import type { ProfileId, VersionProfile } from '../versions/profile';
import { PROFILES, profileById } from '../versions/profiles';

/** `all`: every version's document; otherwise the profile whose document it is. */
export type DocumentKey = 'all' | ProfileId;

export interface ServedDocument {
  key: DocumentKey;
  profile: VersionProfile | null;
  /** What a client shows as the source's name. */
  name: string;
  /** The file name under which an editor shows it at a URI (`state-machine.redis-8.8.redisrepl`). */
  fileName: string;
  /** The DAP sourceReference it is served under. */
  sourceReference: number;
  text: string;
  lines: StateMachineDocument['lines'];
  ruleAtLine: ReadonlyMap<number, TransitionRule>;
}

/** The every-version document's file name: the extension opens it at a URI that ends so. */
export const STATE_MACHINE_FILE_NAME = 'state-machine.redisrepl';
const DOCUMENT_NAME = 'replication state machine';
/** The every-version document keeps reference 1 (what clients of earlier versions of this adapter used). */
const ALL_REFERENCE = 1;

const served = new Map<DocumentKey, ServedDocument>();

/** The document of a key, rendered once (it derives from constant tables). */
export function servedDocument(key: DocumentKey): ServedDocument {
  let d = served.get(key);
  if (!d) {
    const profile = key === 'all' ? null : profileById(key)!;
    const doc = renderStateMachineDocument(profile ?? undefined);
    const ruleAtLine = new Map<number, TransitionRule>();
    for (const [rule, line] of doc.lines) ruleAtLine.set(line, rule);
    d = {
      key,
      profile,
      name: profile ? `${DOCUMENT_NAME} (${profile.id})` : DOCUMENT_NAME,
      fileName: fileNameOf(key),
      sourceReference: profile ? ALL_REFERENCE + 1 + PROFILES.indexOf(profile) : ALL_REFERENCE,
      text: doc.text,
      lines: doc.lines,
      ruleAtLine,
    };
    served.set(key, d);
  }
  return d;
}

/** The document a replica of `profile` steps through. */
export function documentOfProfile(profile: VersionProfile): ServedDocument {
  return servedDocument(profile.id);
}

export function documentByReference(reference: number): ServedDocument | undefined {
  if (reference === ALL_REFERENCE) return servedDocument('all');
  const profile = PROFILES[reference - ALL_REFERENCE - 1];
  return profile ? servedDocument(profile.id) : undefined;
}

/** `state-machine.redisrepl`, `state-machine.valkey-8.0.redisrepl`. */
export function fileNameOf(key: DocumentKey): string {
  return key === 'all' ? STATE_MACHINE_FILE_NAME : STATE_MACHINE_FILE_NAME.replace(/\.redisrepl$/, `.${key}.redisrepl`);
}

/** The key of a file name fileNameOf() made (the last path segment of a URI), or undefined. */
export function documentKeyOfFileName(name: string): DocumentKey | undefined {
  if (name === STATE_MACHINE_FILE_NAME) return 'all';
  const m = /^state-machine\.(.+)\.redisrepl$/.exec(name);
  return m && profileById(m[1]!) ? (m[1] as ProfileId) : undefined;
}

/**
 * The URI an editor shows a document under, from the every-version one's
 * (the extension's `stateMachineUri`): the same folder, the document's file name.
 */
export function documentUri(allUri: string, key: DocumentKey): string {
  return allUri.slice(0, allUri.length - STATE_MACHINE_FILE_NAME.length) + fileNameOf(key);
}

/** The key of a URI documentUri() made from `allUri`, or undefined. */
export function documentKeyOfUri(allUri: string, uri: string): DocumentKey | undefined {
  const folder = allUri.slice(0, allUri.length - STATE_MACHINE_FILE_NAME.length);
  return uri.startsWith(folder) ? documentKeyOfFileName(uri.slice(folder.length)) : undefined;
}
