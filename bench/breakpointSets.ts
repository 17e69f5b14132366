// The breakpoints the debugger benchmarks set: ten conditional function
// breakpoints and ten conditional data breakpoints whose conditions never hold
// while a replica applies a stream of SETs (bench/debugger.ts, bench/stepCost.ts).

/** Transitions that do not happen while streaming, with conditions that would not hold anyway. */
export const FUNCTION_BREAKPOINTS: readonly { name: string; condition: string }[] = [
  { name: '*->CONNECTED', condition: 'master_repl_offset < 0' },
  { name: 'CONNECTING->TRANSFER', condition: 'repl_transfer_size == -2' },
  { name: '*->CONNECT', condition: 'stat_sync_full > 1000000' },
  { name: 'TRANSFER->CONNECTED', condition: "master_replid == 'none'" },
  { name: 'HANDSHAKE->*', condition: 'masterport == 1' },
  { name: 'CONNECT->CONNECTING', condition: 'repl_down_since < 0' },
  { name: 'CONNECTED->CONNECT', condition: "masterhost == 'nowhere'" },
  { name: '*->TRANSFER', condition: 'repl_transfer_read < 0' },
  { name: 'RECEIVE_PSYNC_REPLY->CONNECTED', condition: 'stat_sync_partial_ok > 1000000' },
  { name: 'TRANSFER', condition: 'stat_commands_applied < 0' },
];

/** Variables that change at every command (or read) of the stream, with conditions that never hold there. */
export const DATA_BREAKPOINTS: readonly { name: string; condition: string }[] = [
  { name: 'master_repl_offset', condition: 'master_repl_offset < 0' },
  { name: 'master_repl_offset', condition: 'master_repl_offset == 1' },
  { name: 'master.reploff', condition: 'master.reploff > 1000000000000000' },
  { name: 'master.reploff', condition: 'master.reploff - master_repl_offset > 1000000000' },
  { name: 'master.read_reploff', condition: 'master.read_reploff < master.reploff' },
  { name: 'master.read_reploff', condition: 'master.read_reploff == 0' },
  { name: 'stat_commands_applied', condition: 'stat_commands_applied < 0' },
  { name: 'stat_commands_applied', condition: 'stat_commands_applied % 1000000007 == 1000000006' },
  { name: 'stat_net_repl_input_bytes', condition: 'stat_net_repl_input_bytes < 0' },
  { name: 'stat_net_repl_input_bytes', condition: 'repl_state != CONNECTED' },
];
