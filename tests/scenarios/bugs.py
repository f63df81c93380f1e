"""Known product bugs the scenarios expose, one precise sentence each (the xfail reasons).

Each names the file and function, the input, and expected vs actual, so the owner can fix it
and the strict xfail then tells us to remove the mark.
"""

from __future__ import annotations

SQLITE_AUTOINCREMENT_FALSE = (
    "diff.py _TableComparison._autoincrement: on SQLite an Integer primary key with "
    "autoincrement=False is created as the same INTEGER PRIMARY KEY (rowid) as with "
    "autoincrement on, yet a database made by create_all of the same model gives SL141 "
    "'not autoincrement in the model, autoincrement in the database'; expected nothing"
)
