// The part of ms-python.python's public API (`@vscode/python-extension`) that schema-lsp
// uses, over a fixed list of interpreters: $E2E_INTERPRETERS, separated by the platform's
// path delimiter; the first is active until "Python: Select Interpreter" picks another.
// Only for the end-to-end test (e2e.sh packages and installs it); never shipped.
const path = require("node:path");
const vscode = require("vscode");

function activate(context) {
  const interpreters = (process.env.E2E_INTERPRETERS ?? "").split(path.delimiter).filter(Boolean);
  let active = interpreters[0] ?? "python3";
  const changed = new vscode.EventEmitter();
  const environment = (executable) => ({ id: executable, path: executable });
  context.subscriptions.push(
    changed,
    vscode.commands.registerCommand("python.setInterpreter", async () => {
      const picked = await vscode.window.showQuickPick(
        interpreters.map((executable) => ({ label: executable, picked: executable === active })),
        { placeHolder: `Selected Interpreter: ${active}` },
      );
      if (picked === undefined || picked.label === active) {
        return;
      }
      active = picked.label;
      changed.fire({ ...environment(active), resource: vscode.workspace.workspaceFolders?.[0] });
    }),
  );
  return {
    environments: {
      getActiveEnvironmentPath: () => environment(active),
      resolveEnvironment: async (env) => {
        const executable = typeof env === "string" ? env : env.path;
        return { ...environment(executable), executable: { uri: vscode.Uri.file(executable) } };
      },
      onDidChangeActiveEnvironmentPath: changed.event,
    },
  };
}

module.exports = { activate, deactivate() {} };
