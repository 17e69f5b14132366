// The stream commands a replica applies from its master's stream, and the
// stream reads its RESP port answers.
import type { WriteCommand } from '../command';
import { streamAckDelWriteCommands } from './streamAckDel';
import { streamEntryWriteCommands } from './streamEntries';
import { streamGroupWriteCommands } from './streamGroups';
import { streamIdmpWriteCommands } from './streamIdmp';
import { streamNackWriteCommands } from './streamNack';

export { streamReadCommands } from './streamReads';

export const streamWriteCommands: WriteCommand[] = [
  ...streamEntryWriteCommands, ...streamGroupWriteCommands, ...streamAckDelWriteCommands, ...streamIdmpWriteCommands,
  ...streamNackWriteCommands,
];
