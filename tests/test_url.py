"""Database URLs: parsing, driver choice, and a password that never shows."""

from __future__ import annotations

import pytest

from schema_lsp.errors import InvalidDatabaseUrl, MissingDriver
from schema_lsp.url import DatabaseUrl, mask_text

SECRET = "p@ss:w/rd s3cret"


def secret_url() -> DatabaseUrl:
    from urllib.parse import quote

    return DatabaseUrl.parse(f"postgresql://app:{quote(SECRET, safe='')}@db.example:5433/shop")


def test_str_and_repr_are_masked():
    url = secret_url()
    for shown in (str(url), repr(url), url.masked, url.describe(), f"{url}", f"{url!r}"):
        assert "s3cret" not in shown
    assert str(url) == "postgresql+psycopg://app:***@db.example:5433/shop"
    assert url.describe() == "app@db.example:5433/shop"
    assert url.password == SECRET


def test_scrub_removes_plain_and_encoded_password_from_any_text():
    url = secret_url()
    real = url.sqlalchemy_url.render_as_string(hide_password=False)
    text = f'connection to "{real}" failed: password "{SECRET}" rejected'
    scrubbed = url.scrub(text)
    assert "s3cret" not in scrubbed
    assert "***" in scrubbed


def test_mask_text_handles_dsn_and_keyword_forms():
    assert mask_text("mysql://root:hunter2@h/db") == "mysql://root:***@h/db"
    assert mask_text("host=h password=hunter2 user=u") == "host=h password=*** user=u"
    assert mask_text("password='a b c'") == "password=***"


@pytest.mark.parametrize(
    ("text", "driver"),
    [
        ("postgresql://u@h/d", "postgresql+psycopg"),
        ("mysql://u@h/d", "mysql+pymysql"),
        ("mariadb://u@h/d", "mariadb+pymysql"),
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg2"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_plain_dialect_urls_use_the_drivers_we_ship(text, driver):
    assert DatabaseUrl.parse(text).sqlalchemy_url.drivername == driver


def test_invalid_url_message_is_masked():
    with pytest.raises(InvalidDatabaseUrl) as caught:
        DatabaseUrl.parse("not a url with password=hunter2")
    assert "hunter2" not in str(caught.value)


def test_unknown_dialect():
    with pytest.raises(InvalidDatabaseUrl, match="unknown database dialect 'nosuchdb'"):
        DatabaseUrl.parse("nosuchdb://u:pw@h/d").check_driver()


def test_missing_driver_names_the_extra():
    with pytest.raises(
        MissingDriver, match=r"pip install pg8000, or drop '\+pg8000'.*'schema-lsp\[postgres\]'"
    ):
        DatabaseUrl.parse("postgresql+pg8000://u:pw@h/d").check_driver()
    with pytest.raises(MissingDriver, match=r"pip install 'schema-lsp\[mysql\]'"):
        DatabaseUrl.parse("mysql+mysqldb://u:pw@h/d").check_driver()
    # A driver other than ours is named by its PyPI name, with ours as the alternative.
    with pytest.raises(MissingDriver, match=r"pip install mysqlclient, or drop '\+mysqldb'"):
        DatabaseUrl.parse("mysql+mysqldb://u:pw@h/d").check_driver()
