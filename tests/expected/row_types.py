import datetime
import decimal
import uuid
from typing import Any, TypedDict


class ActiveUsers(TypedDict):
    id: int | None


class Database_(TypedDict):
    name: str | None


OrderItems = TypedDict(
    "OrderItems",
    {
        "my col": int,
        "class": str | None,
        "2fa": bool | None,
        "__secret": str | None,
        "str": int | None,
    },
)


class Users(TypedDict):
    id: int
    email: str
    balance: decimal.Decimal | None
    ratio: float | None
    active: bool
    seen_at: datetime.datetime | None
    born: datetime.date | None
    wakes: datetime.time | None
    nap: datetime.timedelta | None
    avatar: bytes | None
    token: uuid.UUID | None
    prefs: Any | None
    mood: str
    address: str | None
    tags: list[str] | None
    grid: list[list[int]] | None
    moods: list[str] | None


class AppUsers(TypedDict):
    id: int


Database = TypedDict(
    "Database",
    {
        "active_users": ActiveUsers,
        "database": Database_,
        "order items": OrderItems,
        "users": Users,
        "app.users": AppUsers,
    },
)
