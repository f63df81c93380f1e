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
  RevealOutputChannelOn,
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
  SERVER_ARGUMENTS,
  versionText,
  type Probe,
} from "./interpreter";
import { maskedChannel } from "./log";
import { interpreterFor, selectInterpreter, type Interpreter } from "./python";
import { describeDatabase, SECTION, serverSettings, type Passwords } from "./settings";
import { runInTerminal } from "./terminal";

/** Crashes tolerated within CRASH_WINDOW before the server is left stopped. */
export const MAX_RESTARTS = 4;
const CRASH_WINDOW_MS = 3 * 60 * 1000;

export type ServerState =
  | { kind: "starting" }
  | { kind: "running" }
  | { kind: "stopped" }
  | { kind: "failed"; message: string };

/** What the server last said about its folder's database (`schemaLsp/status`). */
export interface DatabaseState {
  /** The URL with its password masked, or the snapshot file. */
  database?: string;
  error?: string;
  /** Tables and views in the last good read. */
  tables?: number;
  /** The diagnostics come from an older read (the database is failing now). */
  stale?: boolean;
}

/** The server's `schemaLsp/status` notification, sent on every read, failure and recovery
 * (schema_lsp/server/session.py `send_status`). */
interface StatusParams {
  folder?: string;
  database?: string;
  error?: string | null;
  tables?: number | null;
  stale?: boolean;
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

export class FolderServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private crashes: number[] = [];
  private starting: Promise<void> | undefined;
  private generation = 0;
  private notifiedMissing = false;
  /** The current client answered `initialize` once (crashes after that are restarted). */
  private started = false;
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
    this.started = false;
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
      if (generation === this.generation) {
        this.fail(error instanceof Error ? error.message : String(error));
      }
      return;
    }
    if (generation !== this.generation) {
      return; // stopped (its folder removed, say) while probing
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
    this.started = true;
    this.setState({ kind: "running" });
  }

  private createClient(python: string): LanguageClient {
    const folder = this.folder;
    const serverOptions: ServerOptions = {
      command: python,
      args: [...SERVER_ARGUMENTS],
      options: { cwd: folder.uri.fsPath, env: { ...process.env, PYTHONUNBUFFERED: "1" } },
    };
    const output = maskedChannel(this.shared.output);
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "python", pattern: { baseUri: folder.uri.toString(), pattern: "**/*" } },
      ],
      workspaceFolder: folder,
      outputChannel: output,
      traceOutputChannel: this.shared.trace,
      // Failures reach the user once, through the status bar and `fail`'s notification, not
      // as a pop-up per failed request.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
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
    // After a crash the client restarts the server by itself: running again is news.
    client.onDidChangeState((event) => {
      if (event.newState === State.Running && this.client === client && this.state.kind === "starting" && this.started) {
        this.log("the server is running again");
        this.setState({ kind: "running" });
      }
    });
    client.onNotification("schemaLsp/status", (params: StatusParams) => {
      this.database = {
        database: params.database ?? this.database.database,
        error: params.error ?? undefined,
        tables: params.tables ?? undefined,
        stale: params.stale ?? false,
      };
      this.shared.changed();
    });
    return client;
  }

  private errorHandler(): ErrorHandler {
    return {
      error: (_error, _message, count): ErrorHandlerResult => ({
        action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        handled: true,
      }),
      closed: (): CloseHandlerResult => {
        if (!this.started) {
          // It died before answering `initialize` (a dependency that does not import, say):
          // restarting would only fail again. `doStart` reports it, once.
          return { action: CloseAction.DoNotRestart, handled: true };
        }
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

  /** One notification per server session offering the pip command; run in a terminal on
   * request, and the server starts when pip reports success (or when the user says so,
   * where the terminal cannot tell). */
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
          await this.install(command);
        } else if (choice === "Select Interpreter") {
          await selectInterpreter();
        }
      });
  }

  private async install(command: string): Promise<void> {
    this.log(`running in a terminal: ${command}`);
    const outcome = await runInTerminal(`schema-lsp install (${this.folder.name})`, this.folder.uri, command);
    this.notifiedMissing = false;
    if (outcome.kind === "exited" && outcome.code === 0) {
      this.log("pip finished: starting the server");
      await this.restart();
      return;
    }
    if (outcome.kind === "exited") {
      this.log(`pip exited with code ${outcome.code}`);
      const choice = await vscode.window.showErrorMessage(
        `schema-lsp (${this.folder.name}): pip exited with code ${outcome.code}; its terminal says why.`,
        "Select Interpreter",
        "Restart",
      );
      if (choice === "Select Interpreter") {
        await selectInterpreter();
      } else if (choice === "Restart") {
        await this.restart();
      }
      return;
    }
    if (outcome.kind === "unknown") {
      const next = await vscode.window.showInformationMessage(
        "When pip has finished, start the schema-lsp server.",
        "Start Server",
      );
      if (next === "Start Server") {
        await this.restart();
      }
    }
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
