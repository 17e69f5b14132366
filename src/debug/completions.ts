// Completions for the debug console and the watch box: a line that starts as a
// Redis command completes command names (the replica's own and the dataset's
// read commands) and INFO's sections; anything else completes the names an
// expression can read (repl_state, master.reploff, …).
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readCommands } from '../keyspace/commands/registry';
import { REPLICA_COMMAND_NAMES } from '../net/replicaCommands';
import { REPLICA_NAMES } from './replicaScope';
import { STATE_NAMES } from './names';

const COMMAND_NAMES: readonly string[] = [...new Set([...REPLICA_COMMAND_NAMES, ...readCommands.keys()].map((n) => n.toUpperCase()))].sort();
const INFO_SECTIONS = ['replication', 'keyspace', 'server', 'all', 'default', 'everything'];
const DEBUG_SUBCOMMANDS = ['DIGEST', 'DIGEST-VALUE'];
/** Text before the cursor that compares a state: state names complete there. */
const STATE_CONTEXT = /repl_state|repl_rdb_ch_state|repl_rdb_channel_state|transition\.(from|to)/;

/** What is being completed: the word under the cursor and where it starts (0-based). */
function wordAt(text: string, column: number): { word: string; start: number } {
  let start = column;
  while (start > 0 && /[\w.\-]/.test(text[start - 1]!)) start--;
  return { word: text.slice(start, column), start };
}

function matching(candidates: readonly string[], prefix: string, type: DebugProtocol.CompletionItemType): DebugProtocol.CompletionItem[] {
  const p = prefix.toLowerCase();
  return candidates.filter((c) => c.toLowerCase().startsWith(p)).map((label) => ({ label, type }));
}

/**
 * `column` is 0-based in `text` (the session converts the client's). A first
 * word of letters that no variable starts with is a command; after it, INFO
 * and DEBUG have known arguments.
 */
export function completions(text: string, column: number): DebugProtocol.CompletionItem[] {
  const { word, start } = wordAt(text, column);
  const before = text.slice(0, start).trim();
  const firstWord = before.split(/\s+/)[0] ?? '';
  if (before === '') {
    const variables = matching(REPLICA_NAMES, word, 'variable');
    const commands = /^[A-Za-z]*$/.test(word) ? matching(COMMAND_NAMES, word, 'function') : [];
    return [...variables, ...commands];
  }
  if (/^[A-Za-z]+$/.test(firstWord) && COMMAND_NAMES.includes(firstWord.toUpperCase())) {
    const command = firstWord.toUpperCase();
    if (command === 'INFO') return matching(INFO_SECTIONS, word, 'enum');
    if (command === 'DEBUG' && before.split(/\s+/).length === 1) return matching(DEBUG_SUBCOMMANDS, word, 'enum');
    return [];
  }
  // Inside an expression: names, and state names where a state is compared (repl_state == CONNECTED, repl_rdb_ch_state == RDB_CH_RDB_LOADING).
  return [...matching(REPLICA_NAMES, word, 'variable'), ...(STATE_CONTEXT.test(before) ? matching(STATE_NAMES, word, 'enum') : [])];
}
