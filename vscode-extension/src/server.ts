/**
 * One language server per workspace folder, run by that folder's interpreter (its venv
 * holds the database drivers the server imports). Checks the interpreter before starting,
 * restarts a crashed server a few times, then stops and offers a way out.
 */

import * as vscode from "vscode";
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  State,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
  type StaticFeature,
  type DynamicFeature,
} from "vscode-languageclient/node";
import {
  describeLibraries,
  installCommand,
  probeInterpreter,
  problemOf,
  versionText,
  type Probe,
} from "./interpreter";
import { maskedChannel } from "./log";
import { interpreterFor, selectInterpreter, type Interpreter } from "./python";
import { describeDatabase, SECTION, serverSettings, type Passwords } from "./settings";

/** Crashes tolerated within CRASH_WINDOW before the server is left stopped. */
export const MAX_RESTARTS = 4;
const CRASH_WINDOW_MS = 3 * 60 * 1000;

export type ServerState =
  | { kind: "starting" }
  | { kind: "running" }
  | { kind: "stopped" }
  | { kind: "failed"; message: string };

/** What the server said about its database (from its log, or `schemaLsp/status`). */
export interface DatabaseState {
  database?: string;
  error?: string;
  tables?: number;
}

/** The proposed `schemaLsp/status` notification; the extension listens for it already. */
interface StatusParams {
  database?: string;
  error?: string | null;
  tables?: number;
}

export interface Shared {
  readonly output: vscode.LogOutputChannel;
  /** The protocol trace (`traceChannel`: on while schemaLsp.trace.server is not off). */
  readonly trace: vscode.LogOutputChannel;
  readonly passwords: Passwords;
  /** Called when a server's state or what it knows of its database changes. */
  readonly changed: () => void;
  /** The workspace folder that is the schema-lsp project itself (for `pip install -e`). */
  readonly projectFolder: () => string | undefined;
  /** Called with the command names each server advertises, to route them. */
  readonly commands: (names: readonly string[]) => void;
}

/**
 * The language client without its own `workspace/executeCommand` registration: with one
 * client per folder the second would fail ("command already exists"); the extension
 * registers each server command once and routes it to the right folder's server.
 */
class FolderClient extends LanguageClient {
  override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    const method = (feature as Partial<DynamicFeature<unknown>>).registrationType?.method;
    if (method === ExecuteCommandRequest.method) {
      return;
    }
    super.registerFeature(feature);
  }
}

const FAILED_READ = /reading the schema of (.+?): (.+)$/;
const READ_AGAIN = /read the schema of (.+) again$/;

export class FolderServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private crashes: number[] = [];
  private starting: Promise<void> | undefined;
  private generation = 0;
  private notifiedMissing = false;
  state: ServerState = { kind: "stopped" };
  /** The commands the running server advertises. */
  commands: readonly string[] = [];
  database: DatabaseState = {};
  interpreter: Interpreter | undefined;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly shared: Shared,
  ) {}

  get running(): LanguageClient | undefined {
    return this.client?.state === State.Running ? this.client : undefined;
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.shared.changed();
  }

  private log(message: string): void {
    this.shared.output.info(`[${this.folder.name}] ${message}`);
  }

  /** Start unless already started or starting. */
  start(): Promise<void> {
    if (this.client !== undefined) {
      return Promise.resolve();
    }
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Stop (whatever state it is in: a crashed client too) and start afresh. */
  async restart(): Promise<void> {
    this.crashes = [];
    await this.starting;
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    this.generation += 1;
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) {
      try {
        if (client.state !== State.Stopped) {
          await client.stop(2000);
        }
      } catch (error) {
        this.log(`stopping the server: ${String(error)}`);
      }
      try {
        await client.dispose(2000);
      } catch {
        // already stopped
      }
    }
    this.database = {};
    this.setState({ kind: "stopped" });
  }

  private async doStart(): Promise<void> {
    const generation = this.generation;
    this.setState({ kind: "starting" });
    const interpreter = await interpreterFor(this.folder);
    this.interpreter = interpreter;
    this.log(`interpreter: ${interpreter.command} (${interpreter.source})`);
    let probe: Probe;
    try {
      probe = await probeInterpreter(interpreter.command, this.folder.uri.fsPath);
    } catch (error) {
      return this.fail(error instanceof Error ? error.message : String(error));
    }
    this.log(`Python ${versionText(probe.version)} at ${probe.executable}`);
    this.log(`schema_lsp is loaded from ${probe.schemaLsp ?? "nowhere (not installed)"}`);
    for (const line of describeLibraries(probe)) {
      this.log(line);
    }
    const problem = problemOf(probe);
    if (problem !== undefined) {
      if (problem.kind === "missing") {
        this.offerInstall(probe);
        return this.fail(problem.message, false);
      }
      return this.fail(problem.message);
    }
    if (generation !== this.generation) {
      return; // stopped while probing
    }
    const client = this.createClient(interpreter.command); // as chosen: a wrapper script stays in charge
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      if (this.client === client) {
        this.fail(`the server did not start: ${String(error)}`);
      }
      return;
    }
    const commands = client.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
    this.commands = commands;
    this.shared.commands(commands);
    this.log(`server ${client.initializeResult?.serverInfo?.version ?? "?"} started (pid ${client.serverProcess?.pid ?? "?"})`);
    this.setState({ kind: "running" });
  }

  private createClient(python: string): LanguageClient {
    const folder = this.folder;
    const serverOptions: ServerOptions = {
      command: python,
      args: ["-m", "schema_lsp", "serve"],
      options: { cwd: folder.uri.fsPath, env: { ...process.env, PYTHONUNBUFFERED: "1" } },
    };
    const output = maskedChannel(this.shared.output, (_level, text) => this.onLogLine(text));
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "python", pattern: { baseUri: folder.uri.toString(), pattern: "**/*" } },
      ],
      workspaceFolder: folder,
      outputChannel: output,
      traceOutputChannel: this.shared.trace,
      errorHandler: this.errorHandler(),
      initializationFailedHandler: (error) => {
        this.log(`initialize failed: ${String(error)}`);
        return false;
      },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers;
            }
            return Promise.all(
              params.items.map(async (item, index) =>
                item.section === SECTION
                  ? await serverSettings(
                      item.scopeUri ? vscode.Uri.parse(item.scopeUri) : folder.uri,
                      this.shared.passwords,
                    )
                  : (answers[index] as unknown),
              ),
            );
          },
        },
      },
    };
    const client = new FolderClient("schemaLsp", `schema-lsp (${folder.name})`, serverOptions, clientOptions);
    client.onNotification("schemaLsp/status", (params: StatusParams) => {
      this.database = {
        database: params.database ?? this.database.database,
        error: params.error ?? undefined,
        tables: params.tables,
      };
      this.shared.changed();
    });
    return client;
  }

  /** The server's log says when a read fails and when it works again; the status bar
   * shows it (until the server sends `schemaLsp/status`). */
  private onLogLine(text: string): void {
    const failed = FAILED_READ.exec(text);
    if (failed !== null) {
      this.database = { ...this.database, database: failed[1], error: failed[2] };
      this.shared.changed();
      return;
    }
    const again = READ_AGAIN.exec(text);
    if (again !== null) {
      this.database = { ...this.database, database: again[1], error: undefined };
      this.shared.changed();
    }
  }

  private errorHandler(): ErrorHandler {
    return {
      error: (_error, _message, count): ErrorHandlerResult => ({
        action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        handled: true,
      }),
      closed: (): CloseHandlerResult => {
        const now = Date.now();
        this.crashes = [...this.crashes.filter((time) => now - time < CRASH_WINDOW_MS), now];
        if (this.crashes.length <= MAX_RESTARTS) {
          this.log(`the server stopped unexpectedly; restarting (${this.crashes.length} of ${MAX_RESTARTS})`);
          this.setState({ kind: "starting" });
          return { action: CloseAction.Restart, handled: true };
        }
        const message = `the server crashed ${this.crashes.length} times in 3 minutes and was not restarted`;
        this.fail(message);
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  /** Failed to start: the status bar says why, and (unless a more specific notification
   * was shown) one notification with the ways out. */
  private fail(message: string, notify = true): void {
    this.log(message);
    this.setState({ kind: "failed", message });
    if (notify) {
      void this.offerWaysOut(message); // not awaited: the user may answer much later
    }
  }

  private async offerWaysOut(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(
      `schema-lsp (${this.folder.name}): ${message}`,
      "Show Logs",
      "Select Interpreter",
      "Restart",
    );
    if (choice === "Show Logs") {
      this.shared.output.show();
    } else if (choice === "Select Interpreter") {
      await selectInterpreter();
    } else if (choice === "Restart") {
      await this.restart();
    }
  }

  /** One notification per server session offering the pip command (run in a terminal). */
  private offerInstall(probe: Probe): void {
    if (this.notifiedMissing) {
      return;
    }
    this.notifiedMissing = true;
    const command = installCommand(probe.executable, this.shared.projectFolder());
    void vscode.window
      .showWarningMessage(
        `schema-lsp is not installed in ${probe.executable}. Install it with: ${command}`,
        "Install in Terminal",
        "Select Interpreter",
      )
      .then(async (choice) => {
        if (choice === "Install in Terminal") {
          const terminal = vscode.window.createTerminal({ name: "schema-lsp install", cwd: this.folder.uri });
          terminal.show();
          terminal.sendText(command);
          const next = await vscode.window.showInformationMessage(
            "When pip has finished, start the schema-lsp server.",
            "Start Server",
          );
          if (next === "Start Server") {
            this.notifiedMissing = false;
            await this.restart();
          }
        } else if (choice === "Select Interpreter") {
          await selectInterpreter();
        }
      });
  }

  /** Settings changed: the server asks for them again (`workspace/configuration`). */
  async settingsChanged(): Promise<void> {
    const client = this.running;
    if (client !== undefined) {
      await client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    }
  }

  async execute<T>(command: string, args: unknown[]): Promise<T | undefined> {
    const client = this.running;
    if (client === undefined) {
      throw new Error(`the schema-lsp server of ${this.folder.name} is not running`);
    }
    return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T | undefined;
  }

  /** What `schemaLsp.refresh` answered for this folder. */
  noteRead(answer: { tables?: number; error?: string }): void {
    this.database = { ...this.database, error: answer.error, tables: answer.tables };
    this.shared.changed();
  }

  contains(uri: vscode.Uri): boolean {
    return vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() === this.folder.uri.toString();
  }

  describe(): string {
    return this.database.database ?? describeDatabase(this.folder.uri) ?? this.folder.name;
  }

  dispose(): void {
    void this.stop();
  }
}
