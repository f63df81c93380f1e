import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import {
  installCommand,
  MIN_PYTHON,
  probeInterpreter,
  problemOf,
  resolveInterpreterPath,
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
