"""A real editor: headless Neovim (Debian's package, 0.7.2 on bookworm) with its built-in LSP
client, configured by docs/neovim/schema_lsp.lua verbatim, against the real server over
stdio. Neovim receives the diagnostics, generates migration SQL for one difference (a new
file), applies "Update model to match database" to each diagnostic and writes the file; the
CLI then finds the file in sync. Without a database URL, Neovim is told so once. The page's
other two forms (Neovim 0.11, nvim-lspconfig) are run against stand-ins for their APIs.

The test drives Neovim with a Lua script it writes (waits are ``vim.wait`` polls against one
deadline, and the script always ends with ``qa!``); the result comes back as a JSON file.
Outside CI a missing ``nvim`` skips with the reason; with ``CI=true`` it fails (``.ci/run``
installs the package).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI
from tests.test_server_support import line_of, server_env, sqlite_database, write

DOCS = Path(__file__).resolve().parents[1] / "docs"
CONFIG = DOCS / "neovim" / "schema_lsp.lua"
#: The whole Neovim run; the driver's own deadline is shorter, so it reports first.
HARD_TIMEOUT = 30.0
DRIVER_SECONDS = 20

MODELS = """\
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(40))
"""
USERS_SQL = (
    "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL,"
    " name VARCHAR(40), nickname VARCHAR(20))"
)

DRIVER = r"""
local out = os.getenv('DRIVER_OUT')
local deadline = vim.loop.hrtime() / 1e6 + tonumber(os.getenv('DRIVER_MS'))
local result = { fixes = {}, messages = {} }
local published = {} -- uri -> the version of the last publishDiagnostics

local function remaining()
  return math.max(0, deadline - vim.loop.hrtime() / 1e6)
end

local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  published[params.uri] = params.version or -1
  return publish(err, params, ctx, config)
end
local show = vim.lsp.handlers['window/showMessage']
vim.lsp.handlers['window/showMessage'] = function(err, params, ctx, config)
  table.insert(result.messages, params.message)
  return show(err, params, ctx, config)
end

local function shown(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(list, {
      code = d.code, source = d.source, message = d.message, severity = d.severity,
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    })
  end
  table.sort(list, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  return list
end

-- The diagnostics once ``wanted`` holds for them and, when they are pushed (Neovim before
-- 0.10 pulls nothing), once the server has published the version Neovim last sent.
local function settled(bufnr, wanted)
  local uri = vim.uri_from_bufnr(bufnr)
  local ok = vim.wait(remaining(), function()
    local version = published[uri]
    local current = version == nil or version >= (vim.lsp.util.buf_versions[bufnr] or 0)
    return current and wanted(vim.diagnostic.get(bufnr))
  end, 20)
  assert(ok, 'diagnostics not as expected for version '
    .. tostring(vim.lsp.util.buf_versions[bufnr]) .. ' (published: ' .. vim.inspect(published)
    .. '): ' .. vim.inspect(shown(bufnr)))
  return shown(bufnr)
end

local function some(list)
  return #list > 0 -- the file as opened has differences
end

local function without(fixed)
  return function(list)
    for _, d in ipairs(list) do
      if d.code == fixed.code and d.lnum == fixed.lnum then
        return false
      end
    end
    return true
  end
end

local function as_lsp(d)
  return {
    range = {
      start = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum, character = d.end_col },
    },
    code = d.code, source = d.source, message = d.message, severity = d.severity,
  }
end

local function code_actions(bufnr, d)
  local diagnostic = as_lsp(d)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = diagnostic.range,
    context = { diagnostics = { diagnostic } },
  }
  local answers, err = vim.lsp.buf_request_sync(
    bufnr, 'textDocument/codeAction', params, remaining())
  assert(answers, 'no code actions: ' .. tostring(err))
  local actions = {}
  for client_id, answer in pairs(answers) do
    assert(not answer.error, vim.inspect(answer.error))
    for _, action in ipairs(answer.result or {}) do
      table.insert(actions, action)
    end
  end
  return actions
end

local function titled(actions, prefix)
  local titles = {}
  for _, action in ipairs(actions) do
    if vim.startswith(action.title, prefix) then
      return action
    end
    table.insert(titles, action.title)
  end
  error('no action "' .. prefix .. '" among ' .. vim.inspect(titles))
end

-- What Neovim's code action menu does with a chosen action: resolve it (the server
-- renders SQL only then), apply its edit, run its command; then :wall saves the new file.
local function generate_sql(bufnr, d)
  local action = titled(code_actions(bufnr, d), 'Generate migration SQL for this difference')
  if not action.edit then
    local answers = vim.lsp.buf_request_sync(bufnr, 'codeAction/resolve', action, remaining())
    for _, answer in pairs(answers or {}) do
      assert(not answer.error, vim.inspect(answer.error))
      action = answer.result
    end
  end
  assert(action.edit, 'the resolved action has no edit: ' .. vim.inspect(action))
  vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
  if action.command then
    vim.lsp.buf_request_sync(bufnr, 'workspace/executeCommand', {
      command = action.command.command, arguments = action.command.arguments,
    }, remaining())
  end
  vim.cmd('wall')
  local made = {}
  for _, change in ipairs(action.edit.documentChanges or {}) do
    if change.kind == 'create' then
      table.insert(made, vim.uri_to_fname(change.uri))
    end
  end
  result.sql = { code = d.code, made = made }
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  result.first = settled(bufnr, some)
  for _, d in ipairs(result.first) do
    if d.code == os.getenv('DRIVER_SQL_FOR') then
      generate_sql(bufnr, d)
    end
  end
  local clients = (vim.lsp.get_clients or vim.lsp.get_active_clients)({ bufnr = bufnr })
  result.clients = {}
  for _, client in pairs(clients) do
    table.insert(result.clients, { name = client.name, root = client.config.root_dir })
  end
  local current = result.first
  for _ = 1, 10 do
    if #current == 0 then
      break
    end
    local chosen = titled(code_actions(bufnr, current[1]), 'Update model to match database')
    assert(chosen.edit, 'no edit in ' .. vim.inspect(chosen))
    vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
    table.insert(result.fixes, { code = current[1].code, title = chosen.title })
    current = settled(bufnr, without(current[1]))
  end
  result.last = current
  vim.cmd('write')
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  result.error = err
end
vim.fn.writefile({ vim.fn.json_encode(result) }, out)
vim.cmd('qa!')
"""


@pytest.fixture
def nvim() -> str:
    found = shutil.which("nvim")
    if found is None:
        message = "nvim is not installed (Debian: apt-get install neovim; .ci/run installs it)"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires it")
        pytest.skip(message)
    return found


def run_neovim(nvim: str, tmp_path: Path, models: Path, env: dict[str, str]) -> dict[str, Any]:
    """Open ``models`` in headless Neovim with the shipped config and the driver; returns
    what the driver wrote (failing with Neovim's output and LSP log when it did not)."""
    driver = tmp_path / "driver.lua"
    driver.write_text(DRIVER, encoding="utf-8")
    out = tmp_path / "result.json"
    home = tmp_path / "nvim-home"  # Neovim's log, state and cache stay in the test
    env = {
        **env,
        "DRIVER_OUT": str(out),
        "DRIVER_MS": str(DRIVER_SECONDS * 1000),
        "DRIVER_SQL_FOR": "SL130",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    command = [nvim, "--headless", "--clean", "-u", str(CONFIG)]
    command += ["-c", f"luafile {driver}", str(models)]
    try:
        finished = subprocess.run(
            command,
            cwd=models.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=HARD_TIMEOUT,
        )
        output = finished.stdout + finished.stderr
    except subprocess.TimeoutExpired as error:
        output = f"Neovim hung for {HARD_TIMEOUT} s and was killed: {error.output!r}"
    if not out.exists():
        logs = "".join(p.read_text(errors="replace")[-4000:] for p in home.rglob("lsp.log"))
        pytest.fail(f"Neovim wrote no result.\n{output}\nLSP log:\n{logs}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, f"{result['error']}\n{output}"
    return result


def test_neovim_gets_the_diagnostics_and_applies_the_code_actions(nvim, tmp_path):
    folder = tmp_path / "shop"
    write(folder / "pyproject.toml", '[project]\nname = "shop"\n')
    models = write(folder / "app" / "models.py", MODELS)
    url = sqlite_database(tmp_path / "shop.db", USERS_SQL)
    # The config starts `schema-lsp serve` from PATH and reads the URL from $DATABASE_URL.
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "schema-lsp").exists(), f"schema-lsp is not installed in {bin_dir}"
    env = server_env(DATABASE_URL=url, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    result = run_neovim(nvim, tmp_path, models, env)

    # One client, rooted at the folder holding pyproject.toml (not the file's app/).
    assert result["clients"] == [{"name": "schema_lsp", "root": str(folder)}]
    first = result["first"]
    assert [(d["code"], d["lnum"], d["col"]) for d in first] == [
        ("SL111", line_of(models, "class User"), 6),  # nickname: on the class name
        ("SL120", line_of(models, "email:"), 4),
        ("SL130", line_of(models, "name:"), 4),
    ]
    assert {d["source"] for d in first} == {"schema-lsp"}
    assert "VARCHAR(100)" in first[1]["message"]
    assert [d["severity"] for d in first] == [2, 2, 1]  # warning, warning, error

    assert [fix["code"] for fix in result["fixes"]] == ["SL111", "SL120", "SL130"]
    assert all(f["title"].startswith("Update model to match database: ") for f in result["fixes"])
    assert result["last"] == []

    # Before the fixes, "Generate migration SQL for this difference" (resolved, applied,
    # its command run, :wall) made a new file in the workspace folder, named in a message
    # (Neovim 0.7 cannot show documents).
    (made,) = result["sql"]["made"]
    sql = Path(made)
    assert sql.parent == folder and sql.suffix == ".sql", made
    assert "-- SL130 column users.name" in sql.read_text(encoding="utf-8")
    assert result["messages"] == [f"schema-lsp: made {sql}"]

    # Neovim wrote the edited buffer: the file declares what the database holds ...
    text = models.read_text(encoding="utf-8")
    assert "email: Mapped[str] = mapped_column(String(100))" in text
    assert "name: Mapped[str | None] = mapped_column(String(40))" in text
    assert "nickname: Mapped[str | None] = mapped_column(String(20))" in text
    # ... and the CLI, reading it afresh, finds no difference.
    check = subprocess.run(
        [sys.executable, "-m", "schema_lsp", "check", "--db", url, str(models)],
        env=server_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "in sync" in check.stderr


MESSAGES = r"""
local messages = {}
local show = vim.lsp.handlers['window/showMessage']
vim.lsp.handlers['window/showMessage'] = function(err, params, ctx, config)
  table.insert(messages, params.message)
  return show(err, params, ctx, config)
end
vim.wait(tonumber(os.getenv('DRIVER_MS')), function()
  return #messages > 0
end, 20)
vim.wait(1000, function()
  return #messages > 1 -- a second one would be one too many
end, 20)
vim.fn.writefile({ vim.fn.json_encode(messages) }, os.getenv('DRIVER_OUT'))
vim.cmd('qa!')
"""


def test_without_a_database_url_neovim_is_told_once(nvim, tmp_path):
    """No $DATABASE_URL: the config sends no databaseUrl, pyproject.toml has none either,
    and the only model file is open in Neovim: one message says what to set."""
    folder = tmp_path / "shop"
    write(folder / "pyproject.toml", '[project]\nname = "shop"\n')
    models = write(folder / "app" / "models.py", MODELS)
    driver = write(tmp_path / "messages.lua", MESSAGES)
    out = tmp_path / "messages.json"
    bin_dir = Path(sys.executable).parent
    env = server_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env.pop("DATABASE_URL", None)
    env.update(DRIVER_OUT=str(out), DRIVER_MS="10000", XDG_CACHE_HOME=str(tmp_path / "cache"))
    finished = subprocess.run(
        [nvim, "--headless", "--clean", "-u", str(CONFIG), "-c", f"luafile {driver}", str(models)],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=HARD_TIMEOUT,
    )
    assert out.exists(), finished.stdout + finished.stderr
    (message,) = json.loads(out.read_text(encoding="utf-8"))
    assert message.startswith("schema-lsp: no database configured for shop: set ")


SHAPES = r"""
-- Stand-ins for what Neovim 0.11 and nvim-lspconfig provide: record what the docs' blocks
-- configure (this Neovim may be older than the APIs they call).
local seen = {}
vim.lsp.config = function(name, config)
  seen.config = { name = name, config = config }
end
vim.lsp.enable = function(name)
  seen.enabled = name
end
local configs = {}
package.preload['lspconfig.configs'] = function()
  return configs
end
package.preload['lspconfig'] = function()
  local function root_pattern(...)
    local markers = { ... }
    return function()
      return markers
    end
  end
  return {
    util = { root_pattern = root_pattern },
    schema_lsp = {
      setup = function(options)
        seen.setup = options
      end,
    },
  }
end
local ok, err = pcall(function()
  dofile(os.getenv('BLOCK_NEW'))
  dofile(os.getenv('BLOCK_LSPCONFIG'))
  local default = configs.schema_lsp.default_config
  default.root_dir = default.root_dir()
  seen.lspconfig = default
end)
seen.error = not ok and tostring(err) or nil
vim.fn.writefile({ vim.fn.json_encode(seen) }, os.getenv('DRIVER_OUT'))
vim.cmd('qa!')
"""


def test_the_docs_show_the_tested_config_and_their_other_forms_configure_the_same(nvim, tmp_path):
    blocks = re.findall(r"```lua\n(.*?)```", (DOCS / "neovim.md").read_text(), re.S)
    new, lspconfig, old = blocks
    # Section 3 is the tested file, verbatim.
    assert old == CONFIG.read_text(encoding="utf-8")
    # Sections 1 and 2 run, and configure what section 3 does.
    (tmp_path / "new.lua").write_text(new, encoding="utf-8")
    (tmp_path / "lspconfig.lua").write_text(lspconfig, encoding="utf-8")
    (tmp_path / "shapes.lua").write_text(SHAPES, encoding="utf-8")
    out = tmp_path / "shapes.json"
    env = {
        **server_env(),
        "BLOCK_NEW": str(tmp_path / "new.lua"),
        "BLOCK_LSPCONFIG": str(tmp_path / "lspconfig.lua"),
        "DRIVER_OUT": str(out),
    }
    finished = subprocess.run(
        [nvim, "--headless", "--clean", "-u", "NONE", "-c", f"luafile {tmp_path / 'shapes.lua'}"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=HARD_TIMEOUT,
    )
    assert out.exists(), finished.stdout + finished.stderr
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen.get("error") is None, seen["error"]
    settings = {"schemaLsp": {"databaseUrl": "env:DATABASE_URL"}}
    assert seen["config"] == {
        "name": "schema_lsp",
        "config": {
            "cmd": ["schema-lsp", "serve"],
            "filetypes": ["python"],
            "root_markers": ["pyproject.toml", ".git"],
            "settings": settings,
        },
    }
    assert seen["enabled"] == "schema_lsp"
    assert seen["lspconfig"] == {
        "cmd": ["schema-lsp", "serve"],
        "filetypes": ["python"],
        "root_dir": ["pyproject.toml", ".git"],
        "settings": settings,
    }
    assert seen["setup"] in ({}, [])  # setup({}): an empty Lua table has no JSON type
    assert "local cmd = { 'schema-lsp', 'serve' }" in old
    assert "databaseUrl = os.getenv('DATABASE_URL') and 'env:DATABASE_URL'" in old
