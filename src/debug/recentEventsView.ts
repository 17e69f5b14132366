// The Recent events scope: the engine's ring of events (transitions, the
// handshake's wire messages, applied commands, ACKs sent, timeouts) as
// variables, newest first. The engine keeps references; the text is made
// here, only for the events a person looks at.
import type { RecentEvent } from '../engine/recentEvents';
import { shortStateName } from '../engine/states';
import { showBytes } from './keyspaceVariables';
import type { VariableNode } from './variables';

/** How much of a command a line shows: the rest is one GET away on the replica. */
const SHOWN_ARGS = 8;
const SHOWN_ARG_CHARS = 64;

/** `#12` for transition 12, `#12.3` for the third event after it. */
export function recentEventName(e: RecentEvent): string {
  return e.index === 0 ? `#${e.afterTransition}` : `#${e.afterTransition}.${e.index}`;
}

/** Words as sent or received on the wire, printable and cut short. */
export function showWords(words: readonly (string | Buffer)[]): string {
  const shown = words.slice(0, SHOWN_ARGS).map((w) => showBytes(typeof w === 'string' ? w : w.toString('latin1'), SHOWN_ARG_CHARS));
  if (words.length > SHOWN_ARGS) shown.push(`…(${words.length - SHOWN_ARGS} more)`);
  return shown.join(' ');
}

function showLine(line: string): string {
  return line === '' ? '\\n (newline keepalive)' : showBytes(line, 2 * SHOWN_ARG_CHARS);
}

/** What happened, in one line; `detail` is the same without the kind's prefix. */
function describe(e: RecentEvent): { value: string; detail: string; callPath: readonly string[] | null; offset: string } {
  const offset = String(e.offset);
  switch (e.kind) {
    case 'transition': {
      const t = e.transition;
      const detail = `${shortStateName(t.from)} -> ${shortStateName(t.to)} (${t.cause}): ${t.message}`;
      return { value: detail, detail, callPath: t.callPath, offset };
    }
    case 'timeout':
      return { value: `timeout (${e.timeout}): ${e.message}`, detail: e.message, callPath: e.callPath, offset };
    case 'sent': {
      const detail = e.words.length === 1 && e.words[0] === '\n' ? '\\n (newline: the master refreshes our repl_ack_time)' : showWords(e.words);
      return { value: `sent ${detail}`, detail, callPath: null, offset };
    }
    case 'received': {
      const detail = showLine(e.line);
      return { value: `received ${detail}`, detail, callPath: e.callPath, offset };
    }
    case 'ack': {
      const detail = `REPLCONF ACK ${e.reploff}`;
      return { value: `sent ${detail}`, detail, callPath: e.callPath, offset };
    }
    case 'command': {
      const c = e.command;
      let detail = `${showWords(c.argv)} (db ${c.db}, offset ${c.offsetBefore} -> ${c.offsetAfter}${c.queued ? ', queued in MULTI' : ''})`;
      if (c.outcome.kind === 'error') detail += `: ${c.outcome.error}`;
      else if (c.outcome.kind === 'diverged') detail += `: diverged (${c.outcome.reason})`;
      return { value: `applied ${detail}`, detail, callPath: c.callPath, offset: `${c.offsetBefore} -> ${c.offsetAfter}` };
    }
  }
}

function eventNode(e: RecentEvent): VariableNode {
  const d = describe(e);
  const children: VariableNode[] = [
    { name: 'at', value: new Date(e.at).toISOString() },
    { name: 'offset', value: d.offset, type: e.kind === 'command' ? 'string' : 'integer' },
    { name: 'kind', value: e.kind },
    { name: 'detail', value: d.detail },
  ];
  if (e.kind === 'transition') {
    children.push({ name: 'cause', value: e.transition.cause }, { name: 'message', value: e.transition.message });
  }
  if (d.callPath !== null && d.callPath.length > 0) children.push({ name: 'callPath', value: d.callPath.join(' > ') });
  return { name: recentEventName(e), value: d.value, children };
}

/** `events` newest first, as the engine lists them. */
export function recentEventNodes(events: readonly RecentEvent[]): VariableNode[] {
  return events.map(eventNode);
}
