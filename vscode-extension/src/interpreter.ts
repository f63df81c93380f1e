/**
 * What the extension needs to know about a Python interpreter before it starts the server:
 * its version, whether `schema_lsp` imports, and where the libraries the server loads come
 * from (for the log). One short subprocess, no VS Code import (unit-tested in plain Node).
 */

import { execFile } from "node:child_process";
import * as path from "node:path";

/** pyproject.toml's `requires-python = ">=3.10"` (a unit test keeps the two in step). */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** The distributions whose versions and locations are logged at every start. */
const LIBRARIES = ["schema-lsp", "sqlalchemy", "alembic", "pygls", "lsprotocol", "psycopg", "pymysql"];

/**
 * Runs in the interpreter: only `importlib` look-ups, so it works on any Python 3 and
 * imports nothing of the user's (a broken package cannot crash the probe).
 */
/**
 * The first lines of every program the extension runs in the user's interpreter. Its cwd is
 * the workspace folder (relative SQLite URLs are read from there), and `-c` puts that folder
 * first on `sys.path`, where a project's own `json.py` or `token.py` would shadow the
 * standard library's and crash the server; `-P` would do this from Python 3.11 only.
 */
const UNSHADOW = `import sys
if sys.path and sys.path[0] == "":
    del sys.path[0]
`;

/** The arguments that start the language server (`python -m schema_lsp serve`, without the
 * working directory on `sys.path`). */
export const SERVER_ARGUMENTS: readonly string[] = [
  "-c",
  `${UNSHADOW}import runpy
sys.argv[0] = "schema-lsp"
runpy.run_module("schema_lsp", run_name="__main__", alter_sys=True)
`,
  "serve",
];

const PROBE = `${UNSHADOW}
import importlib.metadata as m, importlib.util as u, json
libs = {}
for name in ${JSON.stringify(LIBRARIES)}:
    try:
        d = m.distribution(name)
        libs[name] = {"version": d.version, "location": str(d.locate_file(""))}
    except Exception:
        pass
try:
    spec = u.find_spec("schema_lsp")
    origin = spec.origin if spec else None
except Exception:
    origin = None
print(json.dumps({"executable": sys.executable, "version": list(sys.version_info[:3]),
                  "schemaLsp": origin, "libraries": libs}))
`;

export interface Library {
  version: string;
  location: string;
}

export interface Probe {
  executable: string;
  version: [number, number, number];
  /** `schema_lsp/__init__.py` as found by the interpreter, or null when it is missing. */
  schemaLsp: string | null;
  libraries: Record<string, Library>;
}

/** Why an interpreter cannot run the server, or undefined when it can. */
export type Problem =
  | { kind: "unusable"; message: string }
  | { kind: "too-old"; message: string }
  | { kind: "missing"; message: string };

export function probeInterpreter(python: string, cwd?: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      ["-c", PROBE],
      { cwd, timeout: 20_000, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const detail = (stderr || error.message).trim().split("\n").pop() ?? "";
          reject(new Error(`cannot run ${python}: ${detail}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as Probe);
        } catch {
          reject(new Error(`${python} answered the version probe with: ${stdout.slice(0, 200)}`));
        }
      },
    );
  });
}

export function versionText(version: readonly number[]): string {
  return version.join(".");
}

/** The one actionable problem with a probed interpreter, if any. */
export function problemOf(probe: Probe): Problem | undefined {
  const [major, minor] = probe.version;
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    return {
      kind: "too-old",
      message:
        `schema-lsp needs Python ${versionText(MIN_PYTHON)} or newer; ` +
        `the selected interpreter is ${versionText(probe.version)} (${probe.executable}).`,
    };
  }
  if (!probe.schemaLsp) {
    return {
      kind: "missing",
      message: `schema-lsp is not installed in ${probe.executable} (Python ${versionText(probe.version)}).`,
    };
  }
  return undefined;
}

/** One log line per library: version and where it was loaded from. */
export function describeLibraries(probe: Probe): string[] {
  return LIBRARIES.map((name) => {
    const library = probe.libraries[name];
    return library === undefined
      ? `  ${name}: not installed`
      : `  ${name} ${library.version} (${library.location})`;
  });
}

/**
 * The pip command that installs the server into `python`: an editable install when a
 * workspace folder is the schema-lsp project itself, else the published package with the
 * PostgreSQL and MySQL drivers.
 */
export function installCommand(python: string, projectFolder?: string): string {
  const target = projectFolder === undefined ? "schema-lsp[postgres,mysql]" : `${projectFolder}[postgres,mysql]`;
  const editable = projectFolder === undefined ? "" : "-e ";
  return `${quote(python)} -m pip install ${editable}${quote(target)}`;
}

/** Shell quoting for the terminal (POSIX shells and PowerShell both take single quotes). */
export function quote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'"'"'`)}'`;
}

/** A configured interpreter path: absolute as given, relative to the workspace folder. */
export function resolveInterpreterPath(setting: string, folder: string | undefined): string {
  const trimmed = setting.trim();
  const expanded = trimmed.replace(/^~(?=$|[\\/])/, process.env.HOME ?? "~");
  if (path.isAbsolute(expanded) || folder === undefined) {
    return expanded;
  }
  // A bare command name (`python3.12`) is looked up on PATH, not in the folder.
  if (!expanded.includes("/") && !expanded.includes("\\")) {
    return expanded;
  }
  return path.resolve(folder, expanded);
}
