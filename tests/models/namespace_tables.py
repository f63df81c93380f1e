"""Tables as class attributes built through a forwarding wrapper, buildbot style."""

from typing import Any

import sqlalchemy as sa

NAME_LENGTH = 64


def Table(*args: Any, **kwargs: Any) -> sa.Table:
    """Adds a dialect option, as projects do for MySQL character sets."""
    kwargs["mysql_character_set"] = "utf8"
    return sa.Table(*args, **kwargs)


def NotNullColumn(*args: Any, **kwargs: Any) -> sa.Column[Any]:
    kwargs.setdefault("nullable", False)
    return sa.Column(*args, **kwargs)


class Model:
    metadata = sa.MetaData()

    masters = Table(
        "masters",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        NotNullColumn("name", sa.String(NAME_LENGTH)),
        NotNullColumn("active", sa.SmallInteger, server_default=sa.DefaultClause("0")),
        NotNullColumn("note", sa.Text, nullable=True),
    )

    workers = Table(
        "workers",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("masterid", sa.Integer, sa.ForeignKey(masters.c.id, ondelete="CASCADE")),
        sa.Column("name", sa.String(50), nullable=False),
    )

    sa.Index("workers_name", workers.c.name, unique=True)
    sa.Index("workers_master_name", workers.c.masterid, workers.c.name)
