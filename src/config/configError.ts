// A configuration that redis-server would refuse to start with. The message is
// redis-server 7.0's fatal config error, line for line, so that users see the
// text they would search for; the one deliberate difference is that a line
// carrying a secret (masterauth...) is shown with the secret redacted.
import { splitArgsText } from '../resp/splitArgs';
import { SECRET_CONFIGS } from './replicaConfig';

/** The Redis version whose config loader this layer reproduces. */
export const REDIS_CONFIG_VERSION = '7.0.15';

export interface ConfigPlace {
  /** 1-based, counted as redis-server counts it (see commandLine.ts for flags). */
  line: number;
  /** The line as redis-server would print it, before redaction. */
  text: string;
  /** A file name, '<config>' or 'command line'. */
  source: string;
}

/**
 * The line with the arguments of a secret directive replaced, e.g.
 * `masterauth "hunter2"` → `masterauth <redacted>`. The name is read every
 * way it could be written (quoted, escaped, on a line with unbalanced
 * quotes), and a doubt redacts: nothing of a secret may leak.
 */
export function redactLine(text: string): string {
  const m = /^\s*(\S+)\s+\S/.exec(text);
  if (!m) return text; // a name alone has nothing to hide
  const chunk = m[1]!;
  const candidates = [splitArgsText(text)?.[0], splitArgsText(chunk)?.[0], chunk.replace(/^["']|["']$/g, '')];
  for (const c of candidates) {
    const name = c?.split(/\s/)[0]?.toLowerCase();
    if (name !== undefined && SECRET_CONFIGS.has(name)) return `${name} <redacted>`;
  }
  return text;
}

export class ConfigError extends Error {
  /** Line of the offending directive in `source`, or null when the error has no line. */
  readonly line: number | null;
  /** The offending line as shown in the message (already redacted), or null. */
  readonly directive: string | null;
  readonly source: string | null;
  /** The last line of the message: why redis-server refuses it. */
  readonly reason: string;

  /**
   * `message` overrides the fatal-error block for the errors redis-server
   * reports differently (an include that cannot be opened is a log line).
   */
  constructor(reason: string, place: ConfigPlace | null, message?: string) {
    const directive = place === null ? null : redactLine(place.text);
    super(
      message ??
        [
          `*** FATAL CONFIG FILE ERROR (Redis ${REDIS_CONFIG_VERSION}) ***`,
          ...(place === null ? [] : [`Reading the configuration file, at line ${place.line}`, `>>> '${directive}'`]),
          reason,
        ].join('\n'),
    );
    this.name = 'ConfigError';
    this.line = place?.line ?? null;
    this.directive = directive;
    this.source = place?.source ?? null;
    this.reason = reason;
  }
}
