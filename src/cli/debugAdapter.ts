// The standalone debug adapter: DAP over stdin/stdout, for any DAP client
// (and @vscode/debugadapter-testsupport). `node out/src/cli/debugAdapter.js`.
import { ReplicaDebugSession } from '../debug/session';

const session = new ReplicaDebugSession();
process.on('SIGTERM', () => void session.closeAll().finally(() => session.shutdown()));
session.start(process.stdin, process.stdout);
