/**
 * Runs a command where the user sees it (the pip install the extension offers) and, when
 * the terminal's shell integration can tell, reports how it ended, so the extension can
 * start the server by itself instead of asking the user to say when pip has finished.
 */

import * as vscode from "vscode";

/** How long a new terminal may take to report its shell integration (bash, zsh, fish,
 * PowerShell inject it; other shells never do). */
const INTEGRATION_WAIT_MS = 5000;

/** How a command run in a terminal ended, as far as is known. */
export type Outcome =
  | { kind: "exited"; code: number }
  /** No shell integration (or no exit code): only the user knows when it is done. */
  | { kind: "unknown" }
  /** The user closed the terminal before the command finished. */
  | { kind: "closed" };

function integrationOf(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration | undefined> {
  if (terminal.shellIntegration !== undefined) {
    return Promise.resolve(terminal.shellIntegration);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(undefined);
    }, INTEGRATION_WAIT_MS);
    const listener = vscode.window.onDidChangeTerminalShellIntegration((event) => {
      if (event.terminal === terminal) {
        clearTimeout(timer);
        listener.dispose();
        resolve(event.shellIntegration);
      }
    });
  });
}

/** Shows a new terminal named `name` in `cwd`, runs `command` in it and waits for the end. */
export async function runInTerminal(name: string, cwd: vscode.Uri, command: string): Promise<Outcome> {
  const terminal = vscode.window.createTerminal({ name, cwd });
  terminal.show();
  const integration = await integrationOf(terminal);
  if (integration === undefined) {
    terminal.sendText(command);
    return { kind: "unknown" };
  }
  const execution = integration.executeCommand(command);
  return new Promise((resolve) => {
    const finish = (outcome: Outcome): void => {
      ended.dispose();
      closed.dispose();
      resolve(outcome);
    };
    const ended = vscode.window.onDidEndTerminalShellExecution((event) => {
      if (event.execution === execution) {
        finish(event.exitCode === undefined ? { kind: "unknown" } : { kind: "exited", code: event.exitCode });
      }
    });
    const closed = vscode.window.onDidCloseTerminal((closedTerminal) => {
      if (closedTerminal === terminal) {
        finish({ kind: "closed" });
      }
    });
  });
}
