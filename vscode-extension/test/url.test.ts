import assert from "node:assert/strict";
import { test } from "node:test";
import { describeUrl, envName, hasPassword, maskText, passwordKey, withPassword } from "../src/url";

test("the password is added URL-encoded, once", () => {
  const url = withPassword("postgresql://app@db.internal:5432/shop", "p@ss:w/rd%");
  assert.equal(url, "postgresql://app:p%40ss%3Aw%2Frd%25@db.internal:5432/shop");
  assert.ok(hasPassword(url));
  assert.equal(withPassword(url, "other"), url);
});

test("a URL without a user takes no password", () => {
  assert.equal(withPassword("sqlite:///shop.db", "secret"), "sqlite:///shop.db");
  assert.equal(passwordKey("sqlite:///shop.db"), undefined);
  assert.equal(passwordKey("postgresql://db/shop"), undefined);
});

test("passwords are keyed by the URL without them", () => {
  assert.equal(passwordKey("postgresql+psycopg://app:old@db/shop"), "postgresql+psycopg://app@db/shop");
  assert.equal(passwordKey("mysql://root@127.0.0.1:3306/test"), "mysql://root@127.0.0.1:3306/test");
});

test("masking hides every password in a text", () => {
  const text = '{"databaseUrl":"postgresql://app:s3cr%40t@db/shop"} and mysql://u:x@h/d';
  assert.equal(maskText(text), '{"databaseUrl":"postgresql://app:***@db/shop"} and mysql://u:***@h/d');
  assert.equal(maskText("postgresql://app@db/shop"), "postgresql://app@db/shop");
});

test("descriptions are credential-free and short", () => {
  assert.equal(describeUrl("postgresql://app:secret@db:5432/shop"), "app@db:5432/shop");
  assert.equal(describeUrl("sqlite:///examples/shop.db"), "sqlite:examples/shop.db");
  assert.equal(describeUrl("sqlite://"), "sqlite::memory:");
});

test("env:NAME names a variable", () => {
  assert.equal(envName("env:DATABASE_URL"), "DATABASE_URL");
  assert.equal(envName("postgresql://db/shop"), undefined);
});
