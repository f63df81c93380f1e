/**
 * Which interpreter runs a folder's server: the one selected in the Python extension
 * (its environments API) when it is installed, else `schemaLsp.python.path` (relative to
 * the folder), else `python3`.
 */

import { PVSC_EXTENSION_ID, PythonExtension } from "@vscode/python-extension";
import * as vscode from "vscode";
import { resolveInterpreterPath } from "./interpreter";

const DEFAULT_PYTHON = process.platform === "win32" ? "python" : "python3";

export interface Interpreter {
  /** The command to run. */
  readonly command: string;
  /** Where it came from, for the log and messages. */
  readonly source: string;
}

/** The Python extension's environments API, or undefined when it is not installed. */
async function environments(): Promise<PythonExtension["environments"] | undefined> {
  if (!hasPythonExtension()) {
    return undefined;
  }
  try {
    return (await PythonExtension.api()).environments;
  } catch {
    return undefined; // disabled, or failed to activate: the setting decides
  }
}

/** Whether the Python extension is there to select an interpreter with. */
export function hasPythonExtension(): boolean {
  return vscode.extensions.getExtension(PVSC_EXTENSION_ID) !== undefined;
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
