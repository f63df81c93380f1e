// Drives code-server's workbench in Debian's chromium (playwright-core) through the user's
// story: open the model file, see the schema diagnostic in the Problems view, hover the
// column, apply the quick fix, and the rest of the extension's features (modes: single,
// multi, trust; see e2e.sh). Usage: node driver.mjs URL ARTIFACTS_DIR [MODE]
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { chromium } from "playwright-core";

const [url, artifacts, mode = "single"] = process.argv.slice(2);
const workspace = new URL(url).searchParams.get("folder") ?? "";
const settingsFile = path.join(workspace, ".vscode", "settings.json");
mkdirSync(artifacts, { recursive: true });
const shot = (name) => path.join(artifacts, `${name}.png`);
const log = (message) => console.log(`e2e: ${message}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(60_000);
const modifier = "Control";

async function step(name, action) {
  const started = Date.now();
  try {
    await action();
    log(`ok: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    await page.screenshot({ path: shot(`failed-${name.replace(/\W+/g, "-")}`) }).catch(() => {});
    throw new Error(`${name}: ${error.message}`);
  }
}

/** Runs a palette command by its title. */
async function palette(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
  await page.keyboard.press("Enter");
}

async function goTo(line, column) {
  await palette("Go to Line/Column");
  const input = page.locator(".quick-input-widget input");
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
}

/** Two folders, two databases, two servers (multi.code-workspace, made by e2e.sh). */
async function multiRoot() {
  await step("multi-root workbench loads", async () => {
    // code-server now and then opens the .code-workspace without its folders ("No Folder
    // Opened", nothing of ours started); loading the page again reads the file again.
    for (let attempt = 1; ; attempt++) {
      await page.goto(url);
      await page.locator(".monaco-workbench").waitFor();
      await page.waitForTimeout(3_000);
      const empty = page.getByText("You have not yet added a folder to the workspace.");
      if (attempt >= 3 || !(await empty.first().isVisible())) break;
      log(`the workspace opened without its folders (attempt ${attempt}): loading it again`);
    }
  });
  await step("each folder has its own database's diagnostics", async () => {
    await palette("View: Focus Problems");
    const panel = page.locator(".markers-panel");
    await panel.filter({ hasText: "customers.name: declared String(80)" }).waitFor({ timeout: 90_000 });
    await panel.filter({ hasText: "products.price_cents: declared String(10)" }).waitFor({ timeout: 90_000 });
    const status = page.locator(".statusbar-item", { hasText: "2 folders: 2 differences" });
    await status.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: shot("multi-root") });
  });
}

/** How many lines of the schema-lsp output channel's log files match `pattern` (VS Code
 * writes each LogOutputChannel to a file under the user data directory's logs/). The
 * files, not the output view, which renders only the lines that fit on the screen. */
function logCount(pattern) {
  const logs = process.env.E2E_LOGS;
  const matches = (line) => (typeof pattern === "string" ? line.includes(pattern) : pattern.test(line));
  const files = existsSync(logs)
    ? readdirSync(logs, { recursive: true }).filter((file) => /schema-lsp\.log$/.test(String(file)))
    : [];
  return files
    .map((file) => readFileSync(path.join(logs, String(file)), "utf8").split("\n").filter(matches).length)
    .reduce((sum, count) => sum + count, 0);
}

/** Resolves when more than `after` lines of the log match `pattern`. */
async function logShows(pattern, { after = 0, timeout = 60_000 } = {}) {
  const deadline = Date.now() + timeout;
  while (logCount(pattern) <= after) {
    if (Date.now() > deadline) {
      throw new Error(`no new line matching ${pattern} in the schema-lsp log`);
    }
    await page.waitForTimeout(500);
  }
}

/** A line the extension logs each time a server has started. */
const STARTED = /\] server \S+ started \(pid \d+\)/;

async function openModels() {
  await page.keyboard.press(`${modifier}+P`);
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill("models.py");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "models.py" }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(".monaco-editor .view-line", { hasText: "class Customers(Base)" }).waitFor();
}

const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Workspace trust, the Python extension (its stand-in) and a missing schema-lsp. */
async function trust() {
  const runs = process.env.E2E_RUNS;
  const venv2 = process.env.E2E_VENV2;
  const bare = process.env.E2E_BARE;
  const difference = page.locator(".markers-panel .monaco-list-row", { hasText: "declared String(80)" });
  await step("workbench loads; the folder is not trusted", async () => {
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor();
    // VS Code asks at startup, or (code-server's default) opens the folder in Restricted Mode.
    const decline = page.locator(".monaco-dialog-box .monaco-button", { hasText: "No, I don't trust the authors" });
    const restricted = page.locator(".statusbar-item", { hasText: "Restricted Mode" });
    await restricted.or(decline).first().waitFor({ timeout: 30_000 });
    if ((await decline.count()) > 0) {
      await decline.first().click();
    }
    await restricted.first().waitFor();
  });
  await step("untrusted: no interpreter runs, no diagnostics", async () => {
    await openModels();
    await palette("View: Focus Problems");
    await page.waitForTimeout(10_000); // the extension would have started within this
    if (existsSync(runs)) {
      throw new Error(`the interpreter ran in an untrusted folder: ${readFileSync(runs, "utf8")}`);
    }
    if ((await difference.count()) > 0) {
      throw new Error("a schema-lsp diagnostic appeared in an untrusted folder");
    }
    if ((await page.locator(".statusbar-item", { hasText: "shop.db" }).count()) > 0) {
      throw new Error("the schema-lsp status bar item shows in an untrusted folder");
    }
    await page.screenshot({ path: shot("untrusted") });
  });
  await step("trusted: the server starts with the Python extension's interpreter", async () => {
    await palette("Workspaces: Manage Workspace Trust");
    const trustButton = page.locator(".workspace-trust-editor .monaco-button", { hasText: /^Trust( Folder)?$/ });
    await trustButton.first().waitFor();
    await trustButton.first().click();
    await page.locator(".workspace-trust-editor", { hasText: "You trust this folder" }).first().waitFor();
    await page.screenshot({ path: shot("trusted") });
    await page.keyboard.press("Escape"); // the trust editor opens as a modal editor
    await page.locator(".monaco-modal-editor-block").waitFor({ state: "detached", timeout: 10_000 }).catch(async () => {
      await page.locator(".workspace-trust-editor").first().click();
      await page.keyboard.press(`${modifier}+W`);
    });
    await page.locator(".tab", { hasText: "models.py" }).first().click();
    await palette("View: Focus Problems");
    await difference.first().waitFor({ timeout: 90_000 });
    if (!existsSync(runs)) {
      throw new Error("the diagnostics came, but not from the selected interpreter");
    }
    await logShows("(the Python extension's selected interpreter)");
  });
  await step("Python: Select Interpreter restarts the server with the new sys.executable", async () => {
    await palette("Python: Select Interpreter");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: venv2 }).first().click();
    await logShows("the selected interpreter changed: restarting");
    await logShows(new RegExp(`Python 3\\.\\d+\\.\\d+ at ${escaped(venv2)}`));
    await page.locator(".statusbar-item", { hasText: "1 difference" }).first().waitFor({ timeout: 60_000 });
  });
  await step("an interpreter without schema-lsp: the notification's pip command, run in a terminal", async () => {
    await palette("Python: Select Interpreter");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: bare }).first().click();
    const toast = page.locator(".notification-toast", { hasText: `schema-lsp is not installed in ${bare}` });
    await toast.first().waitFor({ timeout: 30_000 });
    await toast.first().locator(".notification-list-item-message", {
      hasText: `${bare} -m pip install 'schema-lsp[postgres,mysql]'`,
    }).waitFor();
    await page.locator(".statusbar-item", { hasText: "not installed" }).first().waitFor();
    await page.screenshot({ path: shot("missing-schema-lsp") });
    await toast.first().locator(".monaco-button", { hasText: "Install in Terminal" }).click();
    await page.locator(".terminal-wrapper, .xterm").first().waitFor();
    // pip reports success through the terminal's shell integration; the server starts.
    await page.locator(".statusbar-item", { hasText: "1 difference" }).first().waitFor({ timeout: 180_000 });
    await page.screenshot({ path: shot("installed") });
    await logShows("pip finished: starting the server");
    await logShows(`schema_lsp is loaded from ${path.dirname(path.dirname(bare))}`);
  });
}

/**
 * An interpreter wrapper (beside the workspace) whose server, while the returned flag file
 * exists, dies four seconds after it starts (`once`: only the first one, which removes the
 * flag); the interpreter probe and later servers run normally.
 */
function crashingInterpreter(python, name, once) {
  const flag = path.join(path.dirname(workspace), name);
  const wrapper = path.join(path.dirname(workspace), `${name}-python`);
  const consume = once ? `rm -f '${flag}'; ` : "";
  writeFileSync(
    wrapper,
    `#!/bin/sh\nif [ -e '${flag}' ] && [ "$1" = "-c" ] && [ "$3" = "serve" ]; then ${consume}exec timeout 4 '${python}' "$@"; fi\nexec '${python}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  writeFileSync(flag, "");
  return { flag, wrapper };
}

/** A folder without Python files: the extension does not activate, so its commands are
 * not in the palette (they are enabled by `schemaLsp.activated`). */
async function plain() {
  await step("a folder without Python files: no schema-lsp commands", async () => {
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor();
    await page.locator(".statusbar").waitFor();
    await page.waitForTimeout(5000);
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await input.fill(">schema-lsp:");
    await page.waitForTimeout(1000);
    const offered = await page.locator(".quick-input-list .monaco-list-row", { hasText: "schema-lsp: " }).allInnerTexts();
    await page.screenshot({ path: shot("plain-folder-palette") });
    await page.keyboard.press("Escape");
    if (offered.length > 0) {
      throw new Error(`schema-lsp commands are offered: ${offered.join(", ")}`);
    }
    if ((await page.locator(".statusbar-item", { hasText: "difference" }).count()) > 0) {
      throw new Error("a schema-lsp status bar item shows in a folder without Python files");
    }
  });
}

let failed = false;
try {
  if (mode === "multi") {
    await multiRoot();
  } else if (mode === "plain") {
    await plain();
  } else if (mode === "trust") {
    await trust();
  } else {
    await single();
  }
} catch (error) {
  failed = true;
  console.error(`e2e: FAILED: ${error.message}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);

async function single() {
  await step("workbench loads", async () => {
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor();
    await page.locator(".statusbar").waitFor();
  });

  await step("open models.py", async () => {
    await page.keyboard.press(`${modifier}+P`);
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await input.fill("models.py");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "models.py" }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".monaco-editor .view-line", { hasText: "class Customers(Base)" }).waitFor();
  });

  await step("diagnostic in the Problems view", async () => {
    await palette("View: Focus Problems");
    const marker = page.locator(".markers-panel .monaco-list-row", { hasText: "declared String(80)" });
    await marker.first().waitFor({ timeout: 90_000 });
    log(`problem: ${(await marker.first().innerText()).replace(/\s+/g, " ")}`);
    await page.locator(".markers-panel", { hasText: "SL120" }).waitFor();
  });

  await step("status bar counts the difference", async () => {
    const item = page.locator(".statusbar-item", { hasText: "1 difference" });
    await item.first().waitFor({ timeout: 30_000 });
    log(`status bar: ${(await item.first().innerText()).trim()}`);
  });

  await step("palette: Refresh Schema re-reads the database", async () => {
    await palette("schema-lsp: Refresh Schema");
    await page.locator(".statusbar-item", { hasText: "schema-lsp: workspace: 6 tables" }).first().waitFor({ timeout: 30_000 });
  });

  await step("clicking the status bar item opens the output", async () => {
    await page.locator(".statusbar-item", { hasText: "1 difference" }).first().click();
    await page.locator(".monaco-editor .view-line", { hasText: "[workspace] server" }).first().waitFor();
    await palette("View: Focus Problems");
  });

  await step("hover shows the database column", async () => {
    await goTo(28, 6); // `name` of customers.name
    await page.waitForTimeout(500);
    await palette("Show or Focus Hover");
    // The server's hover (not only the diagnostic's): the column and the database it is in.
    const hover = page.locator(".monaco-hover", { hasText: /customers\.name\s*VARCHAR\(100\) NOT NULL\s*sqlite:/ });
    await hover.first().waitFor({ timeout: 30_000 });
    log(`hover: ${(await hover.first().innerText()).replace(/\s+/g, " ").slice(0, 200)}`);
    await page.screenshot({ path: shot("hover") });
    await page.keyboard.press("Escape");
  });

  await step("screenshot of the diagnostic", async () => {
    await goTo(28, 40);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: shot("diagnostic") });
  });

  await step("palette: Generate Migration SQL for Workspace", async () => {
    await palette("schema-lsp: Generate Migration SQL for Workspace");
    await page.locator(".monaco-editor .view-line", { hasText: "customers" }).first().waitFor();
    await page.locator(".tab.active", { hasText: "Untitled" }).waitFor();
    log(`sql: ${(await page.locator(".monaco-editor .view-lines").first().innerText()).replace(/\s+/g, " ").slice(0, 160)}`);
  });

  await step("palette: Generate Row Types", async () => {
    await palette("schema-lsp: Generate Row Types");
    await page.locator(".monaco-editor .view-line", { hasText: "TypedDict" }).first().waitFor();
  });

  await step("Generate Entity for Table… lists the server's unmapped tables (no model file active)", async () => {
    // The active editor is the untitled row types: the pick list comes from the server's
    // schemaLsp.unmappedTables, not from a model file's code actions.
    await palette("schema-lsp: Generate Entity for Table");
    const rows = page.locator(".quick-input-list .monaco-list-row");
    await rows.filter({ hasText: "coupons" }).first().waitFor();
    const labels = (await rows.allInnerTexts()).map((label) => label.trim());
    if (labels.some((label) => /customers|orders|products/.test(label))) {
      throw new Error(`tables with an entity are offered: ${labels.join(", ")}`);
    }
    await rows.filter({ hasText: "coupons" }).first().click();
    await page.locator(".monaco-editor .view-line", { hasText: "class Coupons(Base)" }).first().waitFor();
    await page.locator(".tab.active", { hasText: "Untitled" }).waitFor();
  });

  await step("palette: Show Output logs the interpreter", async () => {
    await palette("schema-lsp: Show Output");
    await page.locator(".monaco-editor .view-line", { hasText: "schema_lsp is loaded from" }).first().waitFor();
  });

  await step("palette: Generate Alembic Revision (active model file)", async () => {
    await page.locator(".tab", { hasText: "models.py" }).first().click();
    await page.locator(".tab.active", { hasText: "models.py" }).waitFor();
    await palette("schema-lsp: Generate Alembic Revision");
    await page.locator(".tab.active", { hasText: "revision" }).waitFor();
    await page.locator(".monaco-editor .view-line", { hasText: "def upgrade()" }).first().waitFor();
  });

  await step("palette: Generate Entity for Table… (coupons has none)", async () => {
    await page.locator(".tab", { hasText: "models.py" }).first().click();
    await page.locator(".tab.active", { hasText: "models.py" }).waitFor();
    await palette("schema-lsp: Generate Entity for Table");
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: "coupons" });
    await row.first().waitFor();
    await row.first().click();
    await page.waitForTimeout(1000);
    await page.locator(".tab.active", { hasText: "models.py" }).click();
    await page.keyboard.press(`${modifier}+End`); // the class goes to the end of the file
    await page.locator(".monaco-editor .view-line", { hasText: "class Coupons(Base)" }).first().waitFor();
  });

  await step("back to models.py", async () => {
    await page.locator(".tab", { hasText: "models.py" }).first().click();
    await page.locator(".tab.active", { hasText: "models.py" }).waitFor();
    await palette("View: Focus Problems");
  });

  await step("a settings change reaches the server without a reload", async () => {
    const settings = readFileSync(settingsFile, "utf8");
    const marker = page.locator(".markers-panel .monaco-list-row", { hasText: "declared String(80)" });
    writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(settings), "schemaLsp.severity": { SL120: "off" } }));
    await marker.waitFor({ state: "detached", timeout: 30_000 });
    writeFileSync(settingsFile, settings);
    await marker.first().waitFor({ timeout: 30_000 });
  });

  await step("palette: Restart Server", async () => {
    const started = logCount(STARTED);
    await palette("schema-lsp: Restart Server");
    await logShows(STARTED, { after: started }); // "starting" may pass between two polls
    await page.locator(".statusbar-item", { hasText: "1 difference" }).first().waitFor({ timeout: 60_000 });
    await page.locator(".markers-panel .monaco-list-row", { hasText: "declared String(80)" }).first().waitFor();
  });

  await step("after a crash loop, Restart Server brings the server back", async () => {
    // An interpreter whose server dies four seconds after it starts, while the flag exists.
    const settings = readFileSync(settingsFile, "utf8");
    const { flag, wrapper } = crashingInterpreter(JSON.parse(settings)["schemaLsp.python.path"], "crash", false);
    writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(settings), "schemaLsp.python.path": wrapper }));
    const crashed = page.locator(".statusbar-item", { hasText: "crashed 5 times" });
    await crashed.first().waitFor({ timeout: 90_000 });
    log(`status bar: ${(await crashed.first().innerText()).trim()}`);
    // One notification with the ways out.
    const toast = page.locator(".notification-toast", { hasText: "the server crashed 5 times in 3 minutes" });
    await toast.first().waitFor();
    for (const button of ["Show Logs", "Select Interpreter", "Restart"]) {
      await toast.first().locator(".monaco-button", { hasText: button }).first().waitFor();
    }
    await page.screenshot({ path: shot("crash-loop") });
    rmSync(flag);
    await palette("schema-lsp: Restart Server");
    await page.locator(".statusbar-item", { hasText: "1 difference" }).first().waitFor({ timeout: 60_000 });
    // The interpreter changes back: another restart. Its "starting" text can come and go
    // between two polls of the status bar, so the server's own start line is the proof.
    const started = logCount(STARTED);
    writeFileSync(settingsFile, settings);
    await logShows(STARTED, { after: started });
    await page.locator(".statusbar-item", { hasText: "1 difference" }).first().waitFor({ timeout: 60_000 });
    await page.locator(".markers-panel .monaco-list-row", { hasText: "declared String(80)" }).first().waitFor();
  });

  await step("one crash: the server is restarted by itself and the status bar recovers", async () => {
    // The wrapper's first server dies four seconds after it starts; the restarted one lives.
    const settings = readFileSync(settingsFile, "utf8");
    const { wrapper } = crashingInterpreter(JSON.parse(settings)["schemaLsp.python.path"], "crash-once", true);
    const crashed = logCount("the server stopped unexpectedly; restarting (1 of 4)");
    const again = logCount("the server is running again");
    writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(settings), "schemaLsp.python.path": wrapper }));
    await logShows("the server stopped unexpectedly; restarting (1 of 4)", { after: crashed });
    await logShows("the server is running again", { after: again });
    await page.locator(".statusbar-item", { hasText: "1 difference" }).first().waitFor({ timeout: 60_000 });
    const started = logCount(STARTED);
    writeFileSync(settingsFile, settings);
    await logShows(STARTED, { after: started });
    await page.locator(".statusbar-item", { hasText: "1 difference" }).first().waitFor({ timeout: 60_000 });
  });

  await step("a new schemaLsp.python.path restarts the server with its sys.executable", async () => {
    const settings = readFileSync(settingsFile, "utf8");
    const venv2 = process.env.E2E_VENV2;
    writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(settings), "schemaLsp.python.path": venv2 }));
    await logShows(new RegExp(`Python 3\\.\\d+\\.\\d+ at ${escaped(venv2)}`));
    await page.locator(".statusbar-item", { hasText: "1 difference" }).first().waitFor({ timeout: 60_000 });
    const started = logCount(STARTED);
    writeFileSync(settingsFile, settings);
    await logShows(STARTED, { after: started });
    await page.locator(".statusbar-item", { hasText: "1 difference" }).first().waitFor({ timeout: 60_000 });
  });

  await step("quick fix edits the file", async () => {
    await goTo(28, 40);
    await page.keyboard.press(`${modifier}+Period`);
    const fix = page.locator(".action-widget .monaco-list-row", { hasText: "Update model to match database" });
    await fix.first().waitFor({ timeout: 30_000 });
    await fix.first().click();
    await page.locator(".monaco-editor .view-line", { hasText: "mapped_column(String(100))" }).first().waitFor();
    await page.locator(".markers-panel .monaco-list-row", { hasText: "declared String(80)" }).waitFor({
      state: "detached",
      timeout: 30_000,
    });
    await page.locator(".statusbar-item", { hasText: "in sync" }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: shot("fixed") });
  });

  await step("status bar: the table count and a database that cannot be read (schemaLsp/status)", async () => {
    await page.locator(".statusbar-item", { hasText: "in sync" }).first().hover();
    await page.locator(".monaco-hover, .workbench-hover", { hasText: "(6 tables and views read)" }).first().waitFor({ timeout: 15_000 });
    await page.mouse.move(700, 300);
    const settings = readFileSync(settingsFile, "utf8");
    writeFileSync(
      settingsFile,
      JSON.stringify({ ...JSON.parse(settings), "schemaLsp.databaseUrl": "postgresql://postgres@127.0.0.1:9/test" }),
    );
    const item = page.locator(".statusbar-item", { hasText: /127\.0\.0\.1:9\/test: cannot connect/ });
    await item.first().waitFor({ timeout: 60_000 });
    log(`status bar: ${(await item.first().innerText()).trim()}`);
    await page.screenshot({ path: shot("database-error") });
    writeFileSync(settingsFile, settings);
    await page.locator(".statusbar-item", { hasText: "in sync" }).first().waitFor({ timeout: 60_000 });
  });

  await step("Set Database Password: stored in secret storage, sent in the URL, masked in the trace", async () => {
    // PostgreSQL on loopback trusts every password, so the read succeeds with it; e2e.sh
    // then checks the logs hold the URL with ***, and the password nowhere.
    const settings = JSON.parse(readFileSync(settingsFile, "utf8"));
    writeFileSync(
      settingsFile,
      JSON.stringify({
        ...settings,
        "schemaLsp.databaseUrl": process.env.E2E_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test",
        "schemaLsp.trace.server": "verbose",
      }),
    );
    await page.locator(".statusbar-item", { hasText: "postgres@127.0.0.1:5432/test" }).first().waitFor({ timeout: 30_000 });
    await palette("schema-lsp: Set Database Password");
    const input = page.locator(".quick-input-widget input[type=password]");
    await input.waitFor({ state: "visible" });
    await input.fill(process.env.E2E_SECRET ?? "e2e-secret");
    await page.keyboard.press("Enter");
    await page.locator(".statusbar-item", { hasText: "password for postgres@127.0.0.1:5432/test stored" }).first().waitFor();
    // The server asks for its settings again and reads the (empty) test database.
    await page.locator(".statusbar-item", { hasText: /postgres@127\.0\.0\.1:5432\/test: (in sync|\d+ difference)/ }).first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(2000); // let the trace reach its log file
    const secret = process.env.E2E_SECRET ?? "e2e-secret";
    if (readFileSync(settingsFile, "utf8").includes(secret)) {
      throw new Error("the password was written to the workspace's settings.json");
    }
    const userSettings = path.join(process.env.E2E_LOGS, "..", "User", "settings.json");
    if (readFileSync(userSettings, "utf8").includes(secret)) {
      throw new Error("the password was written to the user's settings.json");
    }
  });
}
