/**
 * The palette commands (`schema-lsp.*`), and the server's own commands (`schemaLsp.*`,
 * used by its code actions and code lenses), registered once and sent to the server of the
 * folder their argument (a URI or a path) lies in.
 */

import * as path from "node:path";
import * as vscode from "vscode";
import type { FolderServer } from "./server";
import { databaseUrlSetting, effectiveUrl, type Passwords } from "./settings";
import { describeUrl, passwordKey } from "./url";

/** Server commands the extension calls (see schema_lsp/server/features/commands.py). */
const SERVER = {
  refresh: "schemaLsp.refresh",
  entity: "schemaLsp.generateEntity",
  migrationSql: "schemaLsp.migrationSql",
  rowTypes: "schemaLsp.generateRowTypes",
  /** Not in the server yet: the tables no entity maps (`[{"table": "schema.name"}]`). */
  unmappedTables: "schemaLsp.unmappedTables",
};
const ENTITY_KIND = "source.schemaLsp.generateEntity";
const ALEMBIC_KIND = "source.schemaLsp.alembicRevision";

export interface Servers {
  all(): readonly FolderServer[];
  forUri(uri: vscode.Uri): FolderServer | undefined;
  restartAll(): Promise<void>;
}

function uriOf(argument: unknown): vscode.Uri | undefined {
  if (argument instanceof vscode.Uri) {
    return argument;
  }
  if (typeof argument !== "string" || !argument) {
    return undefined;
  }
  if (/^[a-zA-Z][\w+.-]+:\/\//.test(argument)) {
    try {
      return vscode.Uri.parse(argument, true);
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(argument) ? vscode.Uri.file(argument) : undefined;
}

/** The running server for a command: the folder of the active editor, else the only one,
 * else the user's pick. */
async function pickServer(servers: Servers, placeHolder: string): Promise<FolderServer | undefined> {
  const editor = vscode.window.activeTextEditor;
  const active = editor === undefined ? undefined : servers.forUri(editor.document.uri);
  if (active?.running !== undefined) {
    return active;
  }
  const running = servers.all().filter((server) => server.running !== undefined);
  if (running.length === 0) {
    const choice = await vscode.window.showWarningMessage(
      "No schema-lsp server is running.",
      "Show Output",
      "Restart Server",
    );
    if (choice === "Show Output") {
      await vscode.commands.executeCommand("schema-lsp.showOutput");
    } else if (choice === "Restart Server") {
      await servers.restartAll();
    }
    return undefined;
  }
  if (running.length === 1) {
    return running[0];
  }
  const picked = await vscode.window.showQuickPick(
    running.map((server) => ({ label: server.folder.name, description: server.describe(), server })),
    { placeHolder },
  );
  return picked?.server;
}

async function showText(text: string, language: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ content: text, language });
  await vscode.window.showTextDocument(document);
}

function noSchema(server: FolderServer): void {
  void vscode.window.showWarningMessage(
    `schema-lsp has no schema for ${server.folder.name} yet (is a database configured and reachable?).`,
    "Show Output",
  ).then((choice) => choice && vscode.commands.executeCommand("schema-lsp.showOutput"));
}

function report(error: unknown): void {
  void vscode.window.showErrorMessage(`schema-lsp: ${error instanceof Error ? error.message : String(error)}`);
}

/** A model file of the server's folder open in the active editor, if any. */
function activeModelFile(server: FolderServer): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document === undefined || document.languageId !== "python") {
    return undefined;
  }
  return server.contains(document.uri) ? document : undefined;
}

function wholeDocument(document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(0, 0, document.lineCount, 0);
}

async function codeActions(document: vscode.TextDocument, kind: string): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    "vscode.executeCodeActionProvider",
    document.uri,
    wholeDocument(document),
    kind,
    1000,
  );
  return (actions ?? []).filter(
    (action): action is vscode.CodeAction => "kind" in action && action.kind?.value === kind,
  );
}

async function apply(action: vscode.CodeAction): Promise<void> {
  if (action.edit !== undefined && !(await vscode.workspace.applyEdit(action.edit))) {
    throw new Error(`could not apply "${action.title}"`);
  }
  if (action.command !== undefined) {
    const args: unknown[] = action.command.arguments ?? [];
    await vscode.commands.executeCommand(action.command.command, ...args);
  }
}

async function refresh(servers: Servers): Promise<void> {
  const running = servers.all().filter((server) => server.running !== undefined);
  if (running.length === 0) {
    await pickServer(servers, "");
    return;
  }
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: "schema-lsp: reading the schema" },
    () =>
      Promise.all(
        running.map(async (server) => {
          const answers = await server.execute<{ tables?: number; error?: string }[]>(SERVER.refresh, []);
          return { server, answers: answers ?? [] };
        }),
      ),
  );
  const messages: string[] = [];
  for (const { server, answers } of results) {
    for (const answer of answers) {
      server.noteRead(answer);
      messages.push(`${server.folder.name}: ${answer.error ?? `${answer.tables ?? 0} tables`}`);
    }
  }
  void vscode.window.setStatusBarMessage(`schema-lsp: ${messages.join("; ") || "nothing to read"}`, 5000);
}

interface TablePick extends vscode.QuickPickItem {
  action?: vscode.CodeAction;
}

/** The tables without an entity: from the server's command when it has one, else from
 * the "Generate entity class" source actions of the active model file. */
async function unmappedTables(server: FolderServer): Promise<TablePick[] | undefined> {
  if (server.commands.includes(SERVER.unmappedTables)) {
    const tables = await server.execute<{ table: string }[]>(SERVER.unmappedTables, [server.folder.uri.toString()]);
    return (tables ?? []).map((entry) => ({ label: entry.table }));
  }
  const document = activeModelFile(server);
  if (document === undefined) {
    return undefined;
  }
  const prefix = "Generate entity class for table ";
  return (await codeActions(document, ENTITY_KIND)).map((action) => ({
    label: action.title.startsWith(prefix) ? action.title.slice(prefix.length) : action.title,
    description: `into ${path.basename(document.uri.fsPath)}`,
    action,
  }));
}

async function generateEntity(servers: Servers): Promise<void> {
  const server = await pickServer(servers, "The folder whose database has the table");
  if (server === undefined) {
    return;
  }
  const tables = await unmappedTables(server);
  let table: string | undefined;
  let picked: TablePick | undefined;
  if (tables === undefined || tables.length === 0) {
    table = await vscode.window.showInputBox({
      title: "Generate entity for table",
      prompt:
        tables === undefined
          ? "The table name (open a model file to choose from the tables without an entity)"
          : "Every table has an entity here; generate one anyway for the table:",
      placeHolder: "schema.table or table",
    });
  } else {
    picked = await vscode.window.showQuickPick(tables, { placeHolder: "A table without an entity", matchOnDescription: true });
    table = picked?.label;
  }
  if (!table) {
    return;
  }
  if (picked?.action !== undefined) {
    await apply(picked.action);
    return;
  }
  const document = activeModelFile(server);
  const version = document?.version;
  const text = await server.execute<string | null>(
    SERVER.entity,
    document === undefined ? [table] : [table, document.uri.toString()],
  );
  if (text == null) {
    void vscode.window.showWarningMessage(`schema-lsp: no table ${table} in ${server.describe()}.`);
  } else if (document === undefined || document.version === version) {
    await showText(text, "python"); // not inserted into a model file: show the class
  }
}

async function migrationSql(servers: Servers): Promise<void> {
  const server = await pickServer(servers, "The folder to generate the migration for");
  if (server === undefined) {
    return;
  }
  const sql = await server.execute<string | null>(SERVER.migrationSql, [server.folder.uri.toString()]);
  if (sql == null) {
    noSchema(server);
  } else if (!sql.trim()) {
    void vscode.window.showInformationMessage(`schema-lsp: ${server.folder.name} is in sync with ${server.describe()}; no migration needed.`);
  } else {
    await showText(sql, "sql");
  }
}

async function rowTypes(servers: Servers): Promise<void> {
  const server = await pickServer(servers, "The folder whose database to describe");
  if (server === undefined) {
    return;
  }
  const text = await server.execute<string | null>(SERVER.rowTypes, [server.folder.uri.toString()]);
  if (text == null) {
    noSchema(server);
  } else {
    await showText(text, "python");
  }
}

/** The server makes Alembic revisions per model file (a source action); the active one. */
async function alembicRevision(servers: Servers): Promise<void> {
  const server = await pickServer(servers, "The folder to generate the revision for");
  if (server === undefined) {
    return;
  }
  const document = activeModelFile(server);
  if (document === undefined) {
    void vscode.window.showInformationMessage(
      "schema-lsp: open a model file; the revision migrates the differences of its models.",
    );
    return;
  }
  const [action] = await codeActions(document, ALEMBIC_KIND);
  if (action === undefined) {
    void vscode.window.showInformationMessage(
      `schema-lsp: nothing to migrate in ${path.basename(document.uri.fsPath)}.`,
    );
    return;
  }
  await apply(action);
}

async function setPassword(passwords: Passwords): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const candidates = folders.flatMap((folder) => {
    const setting = databaseUrlSetting(folder.uri);
    const url = setting === undefined ? undefined : effectiveUrl(setting);
    return url !== undefined && passwordKey(url) !== undefined ? [{ folder, url }] : [];
  });
  const distinct = [...new Map(candidates.map((c) => [passwordKey(c.url), c])).values()];
  if (distinct.length === 0) {
    const choice = await vscode.window.showWarningMessage(
      "schema-lsp: set schemaLsp.databaseUrl first, with a user name and without the password (postgresql://app@localhost/shop).",
      "Open Settings",
    );
    if (choice !== undefined) {
      await vscode.commands.executeCommand("workbench.action.openSettings", "schemaLsp.databaseUrl");
    }
    return;
  }
  const target =
    distinct.length === 1
      ? distinct[0]
      : (
          await vscode.window.showQuickPick(
            distinct.map((c) => ({ label: describeUrl(c.url), description: c.folder.name, c })),
            { placeHolder: "The database whose password to set" },
          )
        )?.c;
  if (target === undefined) {
    return;
  }
  const password = await vscode.window.showInputBox({
    title: `Password for ${describeUrl(target.url)}`,
    prompt: "Kept in VS Code's secret storage, never in settings. Leave empty to forget it.",
    password: true,
    ignoreFocusOut: true,
  });
  if (password === undefined) {
    return;
  }
  await passwords.set(target.url, password || undefined); // servers re-read their settings
  void vscode.window.setStatusBarMessage(
    `schema-lsp: password for ${describeUrl(target.url)} ${password ? "stored" : "removed"}`,
    4000,
  );
}

export function registerCommands(
  servers: Servers,
  passwords: Passwords,
  output: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const guarded =
    (run: () => Promise<void>) =>
    async (): Promise<void> => {
      try {
        await run();
      } catch (error) {
        report(error);
      }
    };
  return [
    vscode.commands.registerCommand("schema-lsp.refresh", guarded(() => refresh(servers))),
    vscode.commands.registerCommand("schema-lsp.generateEntity", guarded(() => generateEntity(servers))),
    vscode.commands.registerCommand("schema-lsp.migrationSql", guarded(() => migrationSql(servers))),
    vscode.commands.registerCommand("schema-lsp.alembicRevision", guarded(() => alembicRevision(servers))),
    vscode.commands.registerCommand("schema-lsp.rowTypes", guarded(() => rowTypes(servers))),
    vscode.commands.registerCommand("schema-lsp.setPassword", guarded(() => setPassword(passwords))),
    vscode.commands.registerCommand("schema-lsp.showOutput", () => output.show()),
    vscode.commands.registerCommand("schema-lsp.restart", guarded(() => servers.restartAll())),
  ];
}

/**
 * Registers a server command (once) that forwards to the server of the folder its first
 * URI or path argument is in, else the active editor's, else the first running one.
 */
export class ServerCommands implements vscode.Disposable {
  private readonly registered = new Map<string, vscode.Disposable>();

  constructor(private readonly servers: Servers) {}

  add(names: readonly string[]): void {
    for (const name of names) {
      if (this.registered.has(name)) {
        continue;
      }
      this.registered.set(
        name,
        vscode.commands.registerCommand(name, async (...args: unknown[]) => {
          const server = this.route(args);
          if (server === undefined) {
            throw new Error(`no schema-lsp server is running for ${name}`);
          }
          return server.execute(name, args.map((arg) => (arg instanceof vscode.Uri ? arg.toString() : arg)));
        }),
      );
    }
  }

  private route(args: unknown[]): FolderServer | undefined {
    for (const arg of args) {
      const uri = uriOf(arg);
      const server = uri === undefined ? undefined : this.servers.forUri(uri);
      if (server?.running !== undefined) {
        return server;
      }
    }
    const editor = vscode.window.activeTextEditor;
    const active = editor === undefined ? undefined : this.servers.forUri(editor.document.uri);
    return active?.running !== undefined ? active : this.servers.all().find((s) => s.running !== undefined);
  }

  dispose(): void {
    for (const disposable of this.registered.values()) {
      disposable.dispose();
    }
    this.registered.clear();
  }
}
