/**
 * Output channels that never show a password: the language client writes the messages it
 * traces (the configuration answer carries the database URL) and the server's stderr
 * through these, and every string passes through `maskText` first.
 */

import * as vscode from "vscode";
import { maskText } from "./url";

const WRITERS = new Set(["append", "appendLine", "replace", "trace", "debug", "info", "warn", "error"]);

/** A LogOutputChannel whose every written string is masked; `onError` sees error lines. */
export function maskedChannel(
  channel: vscode.LogOutputChannel,
  onLine?: (level: string, text: string) => void,
): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== "string" || typeof value !== "function") {
        return value;
      }
      const method = value as (...args: unknown[]) => unknown;
      if (!WRITERS.has(property)) {
        return method.bind(target);
      }
      return (...args: unknown[]) => {
        const masked = args.map((arg) =>
          typeof arg === "string" ? maskText(arg) : arg instanceof Error ? new Error(maskText(arg.message)) : arg,
        );
        if (onLine !== undefined && typeof masked[0] === "string") {
          onLine(property, masked[0]);
        }
        return method.apply(target, masked);
      };
    },
  });
}

/**
 * The protocol trace channel. vscode-languageclient traces only while the channel's log
 * level is Trace, and then at the level `schemaLsp.trace.server` names; here the setting
 * alone decides (`off`, `messages`, `verbose`, as documented), and what is traced is written
 * at info level so the channel's own level does not hide it. Masked like every channel.
 */
export function traceChannel(channel: vscode.LogOutputChannel, section: string): vscode.LogOutputChannel & vscode.Disposable {
  const enabled = (): boolean =>
    vscode.workspace.getConfiguration(section).get<string>("trace.server", "off") !== "off";
  const changed = new vscode.EventEmitter<vscode.LogLevel>();
  const watch = vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`${section}.trace.server`)) {
      changed.fire(enabled() ? vscode.LogLevel.Trace : vscode.LogLevel.Info);
    }
  });
  const masked = maskedChannel(channel) as vscode.LogOutputChannel & vscode.Disposable;
  return new Proxy(masked, {
    get(target, property, receiver) {
      if (property === "logLevel") {
        return enabled() ? vscode.LogLevel.Trace : vscode.LogLevel.Info;
      }
      if (property === "onDidChangeLogLevel") {
        return changed.event;
      }
      if (property === "trace") {
        return (message: string) => target.info(message);
      }
      if (property === "dispose") {
        return () => {
          watch.dispose();
          changed.dispose();
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
