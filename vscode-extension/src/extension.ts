/**
 * Entry point: one schema-lsp server per trusted workspace folder that holds Python files,
 * the status bar, the commands, and the events that restart a server (interpreter changes)
 * or make it re-read its settings (settings, passwords).
 */

import * as vscode from "vscode";
import { registerCommands, ServerCommands, type Servers } from "./commands";
import { traceChannel } from "./log";
import { onInterpreterChange } from "./python";
import { FolderServer } from "./server";
import { Passwords, RESTART_KEYS, SECTION } from "./settings";
import { StatusBar } from "./status";

const PYTHON_FILES = "**/*.py";
const SKIPPED = "{**/node_modules/**,**/.venv/**,**/venv/**,**/.tox/**,**/site-packages/**}";

class Extension implements Servers, vscode.Disposable {
  private readonly servers = new Map<string, FolderServer>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly output = vscode.window.createOutputChannel("schema-lsp", { log: true });
  private readonly traceOutput = vscode.window.createOutputChannel("schema-lsp Trace", { log: true });
  private readonly trace = traceChannel(this.traceOutput, SECTION);
  private readonly passwords: Passwords;
  private readonly status = new StatusBar(() => this.all());
  private readonly serverCommands = new ServerCommands(this);
  private projects = new Set<string>();

  constructor(private readonly context: vscode.ExtensionContext) {
    this.passwords = new Passwords(context.secrets);
    this.disposables.push(
      this.output,
      this.trace,
      this.traceOutput,
      this.passwords,
      this.status,
      this.serverCommands,
      ...registerCommands(this, this.passwords, this.output),
      vscode.workspace.onDidChangeWorkspaceFolders((event) => void this.foldersChanged(event)),
      vscode.workspace.onDidChangeConfiguration((event) => void this.configurationChanged(event)),
      this.passwords.onDidChange(() => void this.settingsChanged()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.startAll()),
    );
  }

  async activate(): Promise<void> {
    const version = (this.context.extension.packageJSON as { version?: string }).version ?? "?";
    this.output.info(`schema-lsp extension ${version} activated (VS Code ${vscode.version})`);
    // The commands (Restart Server among them) first; then, without holding up activation,
    // the Python extension (which may be slow to activate) and the servers.
    await vscode.commands.executeCommand("setContext", "schemaLsp.activated", true);
    void onInterpreterChange((resource) => void this.interpreterChanged(resource)).then((watch) => {
      if (watch !== undefined) {
        this.disposables.push(watch);
      }
    });
    void this.startAll().catch((error: unknown) => this.output.error(`starting the servers: ${String(error)}`));
  }

  all(): readonly FolderServer[] {
    return [...this.servers.values()];
  }

  forUri(uri: vscode.Uri): FolderServer | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder === undefined ? undefined : this.servers.get(folder.uri.toString());
  }

  /** Restart every server; folders that had none (no Python files then, a failed start)
   * get one now. Works after a crash loop too: each server is stopped and made anew. */
  async restartAll(): Promise<void> {
    this.output.info("restarting the schema-lsp servers");
    await Promise.all(this.all().map((server) => server.restart()));
    await this.startAll();
  }

  private async startAll(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      this.output.warn("the workspace is not trusted: schema-lsp does not start (it would run its interpreter and connect to its database)");
      return;
    }
    await this.findProjects();
    await Promise.all((vscode.workspace.workspaceFolders ?? []).map((folder) => this.startFolder(folder)));
  }

  private async startFolder(folder: vscode.WorkspaceFolder): Promise<void> {
    const key = folder.uri.toString();
    if (this.servers.has(key) || folder.uri.scheme !== "file") {
      return;
    }
    const python = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, PYTHON_FILES), SKIPPED, 1);
    if (python.length === 0 || this.servers.has(key)) {
      return; // not a Python folder
    }
    const server = new FolderServer(folder, {
      output: this.output,
      trace: this.trace,
      passwords: this.passwords,
      changed: () => this.status.update(),
      commands: (names) => this.serverCommands.add(names),
      projectFolder: () => this.projects.values().next().value,
    });
    this.servers.set(key, server);
    await server.start();
  }

  /** Folders that are the schema-lsp project itself (`pip install -e` installs it). */
  private async findProjects(): Promise<void> {
    const projects = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, "pyproject.toml"));
        if (/^name\s*=\s*["']schema-lsp["']/m.test(new TextDecoder().decode(bytes))) {
          projects.add(folder.uri.fsPath);
        }
      } catch {
        // no pyproject.toml
      }
    }
    this.projects = projects;
  }

  private async foldersChanged(event: vscode.WorkspaceFoldersChangeEvent): Promise<void> {
    for (const folder of event.removed) {
      const key = folder.uri.toString();
      const server = this.servers.get(key);
      this.servers.delete(key);
      await server?.stop();
    }
    this.status.update();
    await this.startAll();
  }

  private async configurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!event.affectsConfiguration(SECTION)) {
      return;
    }
    for (const server of this.all()) {
      if (RESTART_KEYS.some((key) => event.affectsConfiguration(key, server.folder))) {
        this.output.info(`[${server.folder.name}] schemaLsp.python.path changed: restarting`);
        await server.restart();
      } else if (event.affectsConfiguration(SECTION, server.folder)) {
        await server.settingsChanged();
      }
    }
    this.status.update();
  }

  /** A password was stored or removed: every server re-reads its settings. */
  private async settingsChanged(): Promise<void> {
    await Promise.all(this.all().map((server) => server.settingsChanged()));
  }

  private async interpreterChanged(resource: vscode.Uri | undefined): Promise<void> {
    for (const server of this.all()) {
      const affected = resource === undefined || server.contains(resource) || resource.toString() === server.folder.uri.toString();
      if (affected) {
        this.output.info(`[${server.folder.name}] the selected interpreter changed: restarting`);
        await server.restart();
      }
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map((server) => server.stop()));
  }

  dispose(): void {
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}

let extension: Extension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new Extension(context);
  context.subscriptions.push(extension);
  await extension.activate();
}

export async function deactivate(): Promise<void> {
  await extension?.stopAll();
  extension = undefined;
}
