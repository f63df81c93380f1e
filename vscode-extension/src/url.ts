/**
 * Database URLs as the extension handles them: the password comes from secret storage and
 * is added only to the URL sent to the server; everything shown or logged is masked.
 * No VS Code import, so it is unit-tested in plain Node.
 */

const ENV_PREFIX = "env:";

/** `scheme://user:password@` anywhere in a text: the part to mask. */
const CREDENTIALS = /([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s:/@"'`]*:)([^\s@"'`]*)@/g;

/** The text with the password of every URL in it replaced by `***`. */
export function maskText(text: string): string {
  return text.replace(CREDENTIALS, "$1***@");
}

/** `env:NAME` -> `NAME`, else undefined. */
export function envName(setting: string): string | undefined {
  const trimmed = setting.trim();
  return trimmed.startsWith(ENV_PREFIX) ? trimmed.slice(ENV_PREFIX.length).trim() : undefined;
}

function parse(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.host || parsed.username ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The key a password is stored under: the URL without its password, so each database (user,
 * host, port, database) has its own, shared by the folders that use it. Undefined for URLs
 * that take no password (SQLite, no user name).
 */
export function passwordKey(url: string): string | undefined {
  const parsed = parse(url.trim());
  if (parsed === undefined || !parsed.username) {
    return undefined;
  }
  parsed.password = "";
  return parsed.toString();
}

/** Whether the URL carries a password already (then the stored one is not used). */
export function hasPassword(url: string): boolean {
  return Boolean(parse(url.trim())?.password);
}

/** The URL with `password` added (URL-encoded, as SQLAlchemy expects it). */
export function withPassword(url: string, password: string): string {
  const parsed = parse(url.trim());
  if (parsed === undefined || !parsed.username || parsed.password) {
    return url;
  }
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * A short, credential-free name like the server's (`app@localhost:5432/shop`,
 * `sqlite:shop.db`), for the status bar.
 */
export function describeUrl(url: string): string {
  const trimmed = url.trim();
  const sqlite = /^sqlite(\+\w+)?:\/\/\/?(.*)$/.exec(trimmed);
  if (sqlite !== null) {
    return `sqlite:${sqlite[2] || ":memory:"}`;
  }
  const parsed = parse(trimmed);
  if (parsed === undefined) {
    return maskText(trimmed);
  }
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : "";
  const port = parsed.port ? `:${parsed.port}` : "";
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  return `${user}${parsed.hostname || "localhost"}${port}/${database}`;
}
