/**
 * The `schemaLsp` section as the server reads it (`workspace/configuration`): only the values
 * the user set (so `[tool.schema-lsp]` in pyproject.toml still counts where settings.json is
 * silent), with the stored password added to the database URL. The password lives in VS
 * Code's secret storage, keyed by the URL without it; it is never written to settings.json.
 */

import * as vscode from "vscode";
import { describeUrl, envName, hasPassword, passwordKey, withPassword } from "./url";

export const SECTION = "schemaLsp";

/** The keys the server reads (camelCase), in the order of package.json. */
const SERVER_KEYS = [
  "databaseUrl",
  "entities",
  "migrations",
  "schemas",
  "ttl",
  "statementTimeout",
  "snapshot",
  "severity",
  "comments",
  "checkConstraints",
  "extraPaths",
] as const;

/** Keys whose change needs a new server process rather than a settings reload. */
export const RESTART_KEYS = ["schemaLsp.python.path"];

function explicitValue<T>(config: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const inspected = config.inspect<T>(key);
  if (inspected === undefined) {
    return undefined;
  }
  return (
    inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue ?? undefined
  );
}

/** The URL setting of a folder as written (`env:NAME` or a URL), if any. */
export function databaseUrlSetting(scope: vscode.Uri | undefined): string | undefined {
  const value = explicitValue<string | null>(vscode.workspace.getConfiguration(SECTION, scope), "databaseUrl");
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

/**
 * The URL a password belongs to: the setting, or the value of the variable `env:NAME`
 * names (the server inherits the same environment).
 */
export function effectiveUrl(setting: string): string | undefined {
  const name = envName(setting);
  if (name === undefined) {
    return setting;
  }
  return process.env[name]?.trim() || undefined;
}

export class Passwords {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  private static key(url: string): string | undefined {
    const key = passwordKey(url);
    return key === undefined ? undefined : `password:${key}`;
  }

  async get(url: string): Promise<string | undefined> {
    const key = Passwords.key(url);
    return key === undefined ? undefined : await this.secrets.get(key);
  }

  async set(url: string, password: string | undefined): Promise<void> {
    const key = Passwords.key(url);
    if (key === undefined) {
      throw new Error(`${describeUrl(url)} takes no password (a URL needs a user name for one)`);
    }
    if (password) {
      await this.secrets.store(key, password);
    } else {
      await this.secrets.delete(key);
    }
    this.changed.fire();
  }

  /** The URL to send: with the stored password when it has none of its own. */
  async complete(setting: string): Promise<string> {
    const url = effectiveUrl(setting);
    if (url === undefined || hasPassword(url)) {
      return setting;
    }
    const password = await this.get(url);
    return password === undefined ? setting : withPassword(url, password);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The `schemaLsp` section for one folder, as the server reads it. */
export async function serverSettings(
  scope: vscode.Uri | undefined,
  passwords: Passwords,
): Promise<Record<string, unknown>> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = explicitValue<unknown>(config, key);
    if (value !== undefined && value !== null) {
      settings[key] = value;
    }
  }
  if (typeof settings.databaseUrl === "string" && settings.databaseUrl.trim()) {
    settings.databaseUrl = await passwords.complete(settings.databaseUrl.trim());
  }
  return settings;
}

/** The database a folder is configured with, credential-free, or undefined when the
 * settings leave it to pyproject.toml or the environment. */
export function describeDatabase(scope: vscode.Uri | undefined): string | undefined {
  const setting = databaseUrlSetting(scope);
  if (setting === undefined) {
    return undefined;
  }
  const url = effectiveUrl(setting);
  return url === undefined ? setting : describeUrl(url);
}
