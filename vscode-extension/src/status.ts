/**
 * The status bar item: the database (credentials masked) and the number of differences
 * shown, or what is wrong; a click opens the output channel. Differences are counted from
 * the diagnostics the servers publish, so they match the Problems view.
 */

import * as vscode from "vscode";
import type { FolderServer } from "./server";

export const DIAGNOSTIC_SOURCE = "schema-lsp";

function inside(folder: vscode.WorkspaceFolder, uri: vscode.Uri): boolean {
  const root = folder.uri.toString().replace(/\/?$/, "/");
  return uri.toString().startsWith(root);
}

/** Diagnostics from schema-lsp under a folder. */
export function differencesIn(folder: vscode.WorkspaceFolder): number {
  let count = 0;
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    if (inside(folder, uri)) {
      count += diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE).length;
    }
  }
  return count;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("schemaLsp.status", vscode.StatusBarAlignment.Left, 10);
  private readonly listener: vscode.Disposable;

  constructor(private readonly servers: () => readonly FolderServer[]) {
    this.item.name = "schema-lsp";
    this.item.command = "schema-lsp.showOutput";
    this.listener = vscode.languages.onDidChangeDiagnostics(() => this.update());
  }

  update(): void {
    const servers = this.servers();
    if (servers.length === 0) {
      this.item.hide();
      return;
    }
    const lines: string[] = [];
    let icon = "$(database)";
    let background: vscode.ThemeColor | undefined;
    let total = 0;
    let problem: string | undefined;
    for (const server of servers) {
      const database = server.describe();
      const state = server.state;
      let line: string;
      if (state.kind === "failed") {
        line = `server stopped: ${state.message}`;
        problem ??= state.message;
        icon = "$(error)";
        background = new vscode.ThemeColor("statusBarItem.errorBackground");
      } else if (state.kind === "starting" || state.kind === "stopped") {
        line = state.kind === "starting" ? "starting" : "not running";
        if (icon === "$(database)") {
          icon = "$(sync~spin)";
        }
      } else if (server.database.error !== undefined) {
        const tables = server.database.tables;
        line = `cannot read the database: ${server.database.error}`;
        if (server.database.stale && tables !== undefined) {
          line += ` (diagnostics from the last good read, ${plural(tables, "table")})`;
        }
        problem ??= server.database.error;
        if (icon !== "$(error)") {
          icon = "$(warning)";
          background = new vscode.ThemeColor("statusBarItem.warningBackground");
        }
      } else {
        const count = differencesIn(server.folder);
        total += count;
        line = count === 0 ? "in sync" : plural(count, "difference");
        if (server.database.tables !== undefined) {
          line += ` (${server.database.tables} tables and views read)`;
        }
      }
      lines.push(`**${server.folder.name}** · ${database}: ${line}`);
    }
    const name = servers.length === 1 ? servers[0].describe() : plural(servers.length, "folder");
    if (problem !== undefined) {
      this.item.text = `${icon} ${name}: ${problem.length > 60 ? `${problem.slice(0, 57)}…` : problem}`;
    } else if (icon === "$(sync~spin)") {
      this.item.text = `${icon} ${name}: starting`;
    } else {
      this.item.text = `${icon} ${name}: ${total === 0 ? "in sync" : plural(total, "difference")}`;
    }
    this.item.backgroundColor = background;
    const tooltip = new vscode.MarkdownString(lines.join("\n\n"));
    tooltip.appendMarkdown("\n\nClick to open the schema-lsp output.");
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.listener.dispose();
    this.item.dispose();
  }
}
