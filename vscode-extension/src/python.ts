/**
 * Which interpreter runs a folder's server: the one selected in the Python extension
 * (its environments API) when it is installed, else `schemaLsp.python.path` (relative to
 * the folder), else `python3`.
 */

import * as vscode from "vscode";
import { resolveInterpreterPath } from "./interpreter";

const PYTHON_EXTENSION = "ms-python.python";
const DEFAULT_PYTHON = process.platform === "win32" ? "python" : "python3";

/** The part of the Python extension's public API used here (`@vscode/python-extension`). */
interface EnvironmentPath {
  readonly id: string;
  readonly path: string;
}
interface ResolvedEnvironment {
  readonly executable: { readonly uri: vscode.Uri | undefined };
}
interface ActiveEnvironmentPathChangeEvent extends EnvironmentPath {
  readonly resource: vscode.WorkspaceFolder | vscode.Uri | undefined;
}
interface PythonEnvironments {
  getActiveEnvironmentPath(resource?: vscode.Uri | vscode.WorkspaceFolder): EnvironmentPath;
  resolveEnvironment(environment: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
  readonly onDidChangeActiveEnvironmentPath: vscode.Event<ActiveEnvironmentPathChangeEvent>;
}
interface PythonExtensionApi {
  readonly environments?: PythonEnvironments;
}

export interface Interpreter {
  /** The command to run. */
  readonly command: string;
  /** Where it came from, for the log and messages. */
  readonly source: string;
}

async function environments(): Promise<PythonEnvironments | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
  if (extension === undefined) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    return api?.environments;
  } catch {
    return undefined;
  }
}

/** Whether the Python extension is there to select an interpreter with. */
export function hasPythonExtension(): boolean {
  return vscode.extensions.getExtension(PYTHON_EXTENSION) !== undefined;
}

export async function interpreterFor(folder: vscode.WorkspaceFolder): Promise<Interpreter> {
  const api = await environments();
  if (api !== undefined) {
    try {
      const active = api.getActiveEnvironmentPath(folder.uri);
      const resolved = await api.resolveEnvironment(active);
      const executable = resolved?.executable.uri?.fsPath;
      if (executable) {
        return { command: executable, source: "the Python extension's selected interpreter" };
      }
    } catch {
      // fall through to the setting
    }
  }
  const setting = vscode.workspace
    .getConfiguration("schemaLsp", folder.uri)
    .get<string | null>("python.path");
  if (setting) {
    return {
      command: resolveInterpreterPath(setting, folder.uri.fsPath),
      source: "schemaLsp.python.path",
    };
  }
  return { command: DEFAULT_PYTHON, source: "the default" };
}

/**
 * Calls `listener` with the folder (or undefined: every folder) whose interpreter the user
 * changed in the Python extension.
 */
export async function onInterpreterChange(
  listener: (resource: vscode.Uri | undefined) => void,
): Promise<vscode.Disposable | undefined> {
  const api = await environments();
  return api?.onDidChangeActiveEnvironmentPath((event) => {
    const resource = event.resource;
    listener(resource === undefined ? undefined : "uri" in resource ? resource.uri : resource);
  });
}

/** Opens the Python extension's interpreter picker, or the setting when it is not there. */
export async function selectInterpreter(): Promise<void> {
  if (hasPythonExtension()) {
    await vscode.commands.executeCommand("python.setInterpreter");
  } else {
    await vscode.commands.executeCommand("workbench.action.openSettings", "schemaLsp.python.path");
  }
}
