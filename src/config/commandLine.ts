// The command line, read with redis-server 7.0.15's rules: an optional config
// file first, then `--name value...` options that are turned into config
// lines and applied after the file. The flags of this tool that redis-server
// does not have are taken out into ToolOptions.
import { splitArgsText } from '../resp/splitArgs';
import { PROFILE_IDS } from '../versions/profiles';
import { isEmulate, type Emulate } from '../versions/resolve';
import { parseConfigLines, type ConfigDirective } from './redisConf';
import { DATASET_CHOICES, isDatasetChoice, type DatasetChoice } from './replicaConfig';

export interface ToolOptions {
  /** How many replicas to host (ports port, port+1, ...). */
  replicas: number;
  logFormat: 'text' | 'json';
  /** Serve the Debug Adapter Protocol on 127.0.0.1:<port> so a debugger can attach (null: don't). */
  debugPort: number | null;
  /** Which version's replica to be (auto: the master's own). */
  emulate: Emulate;
  /** How much of the dataset to keep. */
  dataset: DatasetChoice;
  help: boolean;
  version: boolean;
}

export interface CommandLine {
  configFile: string | null;
  /** `-` as the first or last argument: redis-server then also reads config from stdin. */
  configFromStdin: boolean;
  /** Apply after the config file (and stdin): later directives win. */
  directives: ConfigDirective[];
  tool: ToolOptions;
}

/** A flag of this tool used wrongly. */
export class CommandLineError extends Error {
  constructor(readonly flag: string, message: string) {
    super(message);
    this.name = 'CommandLineError';
  }
}

export const COMMAND_LINE_SOURCE = 'command line';
const TOOL_FLAGS = new Set(['replicas', 'log-format', 'debug-port', 'emulate', 'dataset', 'help', 'version']);
/** Flags that never take a value, so the word after them is not theirs (like redis-server's --sentinel). */
const VALUELESS = new Set(['--help', '--version', '--sentinel']);

function defaultToolOptions(): ToolOptions {
  return { replicas: 1, logFormat: 'text', debugPort: null, emulate: 'auto', dataset: 'auto', help: false, version: false };
}

/**
 * Parses argv (without node and the script). Like redis-server: a first
 * argument not starting with '-' is the config file; `-v`/`--version` and
 * `-h`/`--help` as first argument stop parsing; every `--name` starts a
 * directive and the words after it are its arguments, the first of them
 * even if it starts with `--` (so `--masterauth --x` sets the password
 * "--x"), later ones only if they don't. `--save` followed by another
 * option or nothing means `save ""`.
 */
export function parseCommandLine(argv: string[]): CommandLine {
  const result: CommandLine = { configFile: null, configFromStdin: false, directives: [], tool: defaultToolOptions() };
  const first = argv[0];
  if (first === '-v' || first === '--version') return { ...result, tool: { ...result.tool, version: true } };
  if (first === '-h' || first === '--help') return { ...result, tool: { ...result.tool, help: true } };
  let j = 0;
  if (first !== undefined && !first.startsWith('-')) {
    result.configFile = first;
    j = 1;
  }
  let options = '';
  let valueDone = true;
  for (; j < argv.length; j++) {
    const arg = argv[j]!;
    const next = argv[j + 1];
    const nextIsOption = next !== undefined && next.startsWith('--');
    if (arg === '-' && (j === 0 || j === argv.length - 1)) {
      result.configFromStdin = true;
    } else if (valueDone && arg.startsWith('--')) {
      if (options !== '') options += '\n';
      options += arg.slice(2) + ' ';
      // "--port 6380" as one argument carries its own value.
      valueDone = splitArgsText(arg)?.length !== 1;
      const lower = arg.toLowerCase();
      if (!valueDone && lower === '--save' && (nextIsOption || next === undefined)) {
        options += '""';
        valueDone = true;
      } else if (!valueDone && VALUELESS.has(lower)) {
        valueDone = true;
      }
    } else {
      options += reprQuote(arg) + ' ';
      valueDone = true;
    }
  }
  // redis-server appends "\n" + the options to the config text: they start at line 2.
  const all = options === '' ? [] : parseConfigLines(options, COMMAND_LINE_SOURCE, 2);
  result.directives = all.filter((d) => !TOOL_FLAGS.has(d.name));
  for (const d of all) if (TOOL_FLAGS.has(d.name)) applyToolFlag(result.tool, d);
  return result;
}

function applyToolFlag(tool: ToolOptions, d: ConfigDirective): void {
  const flag = `--${d.name}`;
  const got = d.args.length === 0 ? 'nothing' : d.args.map((a) => `'${a}'`).join(' ');
  switch (d.name) {
    case 'replicas': {
      const n = d.args.length === 1 && /^[1-9][0-9]{0,4}$/.test(d.args[0]!) ? Number(d.args[0]) : 0;
      if (n < 1 || n > 65535) throw new CommandLineError(flag, `${flag} expects one whole number from 1 to 65535, got ${got}`);
      tool.replicas = n;
      return;
    }
    case 'log-format': {
      const v = d.args.length === 1 ? d.args[0] : undefined;
      if (v !== 'text' && v !== 'json') throw new CommandLineError(flag, `${flag} expects 'text' or 'json', got ${got}`);
      tool.logFormat = v;
      return;
    }
    case 'debug-port': {
      const n = d.args.length === 1 && /^[0-9]{1,5}$/.test(d.args[0]!) ? Number(d.args[0]) : -1;
      if (n < 0 || n > 65535) throw new CommandLineError(flag, `${flag} expects a port from 0 to 65535 (0: any free port), got ${got}`);
      tool.debugPort = n;
      return;
    }
    case 'emulate': {
      const v = d.args.length === 1 ? d.args[0]! : '';
      if (!isEmulate(v)) throw new CommandLineError(flag, `${flag} expects auto or one of ${PROFILE_IDS.join(', ')}, got ${got}`);
      tool.emulate = v;
      return;
    }
    case 'dataset': {
      const v = d.args.length === 1 ? d.args[0]! : '';
      if (!isDatasetChoice(v)) throw new CommandLineError(flag, `${flag} expects one of ${DATASET_CHOICES.join(', ')}, got ${got}`);
      tool.dataset = v;
      return;
    }
    default:
      if (d.args.length > 0) throw new CommandLineError(flag, `${flag} takes no value, got ${got}`);
      tool[d.name === 'help' ? 'help' : 'version'] = true;
  }
}

/**
 * Renumbers command-line directives as redis-server reports them: it parses
 * one text, the config file's (plus stdin's) followed by "\n" and the
 * options, so an option's line number counts the file's lines too.
 */
export function numberAfterConfigText(directives: ConfigDirective[], configText: string): ConfigDirective[] {
  const shift = configText.split('\n').length - 1;
  return directives.map((d) => (d.source === COMMAND_LINE_SOURCE ? { ...d, line: d.line + shift } : d));
}

/** sdscatrepr: a double-quoted string that sdssplitargs reads back byte for byte. */
export function reprQuote(s: string): string {
  const named: Record<number, string> = { 0x5c: '\\\\', 0x22: '\\"', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x07: '\\a', 0x08: '\\b' };
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (named[byte] !== undefined) out += named[byte];
    else if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else out += '\\x' + byte.toString(16).padStart(2, '0');
  }
  return out + '"';
}
