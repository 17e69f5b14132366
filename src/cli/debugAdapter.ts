// The standalone debug adapter: DAP over stdin/stdout, for any DAP client
// (and @vscode/debugadapter-testsupport). `node out/src/cli/debugAdapter.js`.
import { DebugSession } from '@vscode/debugadapter';
import { ReplicaDebugSession } from '../debug/session';

DebugSession.run(ReplicaDebugSession);
