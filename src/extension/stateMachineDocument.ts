// The state-machine documents in editors of their own (read-only, a line per
// transition): a gutter click there sets a line breakpoint the adapter maps to
// that transition, before or during a session. The command opens the
// every-version document (STATE_MACHINE_URI); a replica's frames open its own
// version's beside it (state-machine.<profile>.redisrepl), served here too.
import * as vscode from 'vscode';
import { documentKeyOfFileName, servedDocument } from '../debug/documents';
import { STATE_MACHINE_LANGUAGE, STATE_MACHINE_URI } from './constants';

export class StateMachineContentProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const key = documentKeyOfFileName(name);
    return key === undefined ? `No replication state machine is served at ${uri.toString()}.\n` : servedDocument(key).text;
  }
}

export async function openStateMachineDocument(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(STATE_MACHINE_URI));
  // The content provider's scheme is read-only; the language turns on breakpoints in its gutter.
  const typed = doc.languageId === STATE_MACHINE_LANGUAGE ? doc : await vscode.languages.setTextDocumentLanguage(doc, STATE_MACHINE_LANGUAGE);
  return vscode.window.showTextDocument(typed, { preview: false });
}
