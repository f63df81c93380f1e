import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import {
  installCommand,
  MIN_PYTHON,
  probeInterpreter,
  problemOf,
  resolveInterpreterPath,
  SERVER_ARGUMENTS,
  type Probe,
} from "../src/interpreter";

const repository = path.resolve(__dirname, "..", "..", "..");

test("the minimum Python is pyproject.toml's requires-python", () => {
  const pyproject = readFileSync(path.join(repository, "pyproject.toml"), "utf8");
  const match = /^requires-python\s*=\s*">=(\d+)\.(\d+)"/m.exec(pyproject);
  assert.ok(match, "requires-python = \">=X.Y\" in pyproject.toml");
  assert.deepEqual([Number(match[1]), Number(match[2])], [...MIN_PYTHON]);
});

const probe = (version: [number, number, number], schemaLsp: string | null): Probe => ({
  executable: "/usr/bin/python3",
  version,
  schemaLsp,
  libraries: {},
});

test("an old interpreter is named with its version and path", () => {
  const problem = problemOf(probe([3, 8, 10], "/x/schema_lsp/__init__.py"));
  assert.equal(problem?.kind, "too-old");
  assert.match(problem?.message ?? "", /needs Python 3\.10 or newer; the selected interpreter is 3\.8\.10 \(\/usr\/bin\/python3\)/);
});

test("a missing schema_lsp is reported; a good interpreter is fine", () => {
  assert.equal(problemOf(probe([3, 12, 1], null))?.kind, "missing");
  assert.equal(problemOf(probe([3, 10, 0], "/x/schema_lsp/__init__.py")), undefined);
});

test("the pip command is exact and quoted", () => {
  assert.equal(
    installCommand("/home/me/.venv/bin/python"),
    "/home/me/.venv/bin/python -m pip install 'schema-lsp[postgres,mysql]'",
  );
  assert.equal(
    installCommand("/opt/my env/python", "/src/schema-lsp"),
    "'/opt/my env/python' -m pip install -e '/src/schema-lsp[postgres,mysql]'",
  );
});

test("a relative interpreter path is taken from the workspace folder", () => {
  assert.equal(resolveInterpreterPath(".venv/bin/python", "/work/a"), "/work/a/.venv/bin/python");
  assert.equal(resolveInterpreterPath("/usr/bin/python3", "/work/a"), "/usr/bin/python3");
  assert.equal(resolveInterpreterPath("python3.12", "/work/a"), "python3.12");
});

// The project's venv (.ci/run makes it first); without it the test is skipped, except in CI.
const venv = process.env.SCHEMA_LSP_TEST_PYTHON ?? path.join(repository, ".venv", "bin", "python");
const noVenv = !existsSync(venv) && process.env.CI !== "true" ? `no ${venv}` : false;

test("the probe runs a real interpreter", { skip: noVenv }, async () => {
  const result = await probeInterpreter(venv, repository);
  assert.ok(result.version[0] >= 3);
  assert.ok(result.schemaLsp?.endsWith(path.join("schema_lsp", "__init__.py")));
  assert.ok(result.libraries["sqlalchemy"]?.version);
  await assert.rejects(probeInterpreter("/nonexistent/python"), /cannot run \/nonexistent\/python/);
});

test("modules of the workspace folder do not shadow the standard library", { skip: noVenv }, async () => {
  // A project with its own json.py and token.py: `python -m` from its folder would import
  // them instead of the standard library's, and the server would die before it starts.
  const folder = mkdtempSync(path.join(tmpdir(), "schema-lsp-shadow-"));
  try {
    for (const name of ["json", "token", "logging", "select", "signal", "uuid"]) {
      writeFileSync(path.join(folder, `${name}.py`), `raise SystemExit("the workspace's ${name}.py was imported")\n`);
    }
    const result = await probeInterpreter(venv, folder);
    assert.ok(result.schemaLsp?.endsWith(path.join("schema_lsp", "__init__.py")));

    // The server itself, with the arguments the extension starts it with: it answers
    // `initialize` over stdio, then stops on `shutdown` and `exit`.
    const server = spawn(venv, [...SERVER_ARGUMENTS], { cwd: folder, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    server.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    server.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const send = (message: object): void => {
      const body = JSON.stringify({ jsonrpc: "2.0", ...message });
      server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    send({ id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } });
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('"serverInfo"') && server.exitCode === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(stdout.includes('"serverInfo"'), `no initialize result; stderr: ${stderr}`);
    send({ id: 2, method: "shutdown" });
    send({ method: "exit" });
    const code = await new Promise<number | null>((resolve) => server.on("exit", resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /was imported/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
