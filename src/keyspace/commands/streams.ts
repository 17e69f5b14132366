// The stream commands a replica applies from its master's stream, and the
// stream reads its RESP port answers.
import type { WriteCommand } from '../command';
import { streamEntryWriteCommands } from './streamEntries';
import { streamGroupWriteCommands } from './streamGroups';

export { streamReadCommands } from './streamReads';

export const streamWriteCommands: WriteCommand[] = [...streamEntryWriteCommands, ...streamGroupWriteCommands];
