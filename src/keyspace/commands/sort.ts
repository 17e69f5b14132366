// placeholder, replaced below
import type { ReadCommand, WriteCommand } from '../command';
export const sortWriteCommands: WriteCommand[] = [];
export const sortReadCommands: ReadCommand[] = [];
