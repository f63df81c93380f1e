import enum
from typing import Annotated

from sqlalchemy import String
from sqlalchemy.orm import mapped_column


class Status(str, enum.Enum):
    NEW = "new"
    DONE = "done"


code = Annotated[str, mapped_column(String(12), unique=True)]
