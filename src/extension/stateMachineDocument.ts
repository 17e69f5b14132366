// The state-machine document in an editor of its own (read-only, a line per
// transition): a gutter click there sets a line breakpoint the adapter maps to
// that transition, before or during a session.
import * as vscode from 'vscode';
import { renderStateMachineDocument } from '../engine/stateMachineDocument';
import { STATE_MACHINE_LANGUAGE, STATE_MACHINE_URI } from './constants';

export class StateMachineContentProvider implements vscode.TextDocumentContentProvider {
  private readonly text = renderStateMachineDocument().text;

  provideTextDocumentContent(): string {
    return this.text;
  }
}

export async function openStateMachineDocument(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(STATE_MACHINE_URI));
  // The content provider's scheme is read-only; the language turns on breakpoints in its gutter.
  const typed = doc.languageId === STATE_MACHINE_LANGUAGE ? doc : await vscode.languages.setTextDocumentLanguage(doc, STATE_MACHINE_LANGUAGE);
  return vscode.window.showTextDocument(typed, { preview: false });
}
