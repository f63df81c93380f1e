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
