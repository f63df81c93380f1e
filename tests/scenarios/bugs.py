"""Known product bugs the scenarios expose, one precise sentence each (the xfail reasons).

Each names the file and function, the input, and expected vs actual, so the owner can fix it
and the strict xfail then tells us to remove the mark.
"""

from __future__ import annotations

SEQUENCE_KEY_AUTOINCREMENT = (
    "entities column reader (autoincrement) / diff.py _TableComparison._autoincrement: "
    "mapped_column(sa.Sequence('order_number_seq'), primary_key=True) is read as "
    "autoincrement, but create_all on PostgreSQL and MariaDB (which has sequences) makes the "
    "sequence and a plain INTEGER key with no DEFAULT and no AUTO_INCREMENT (SQLAlchemy calls "
    "nextval itself at INSERT), so the same model gives SL141 'autoincrement in the model, not "
    "autoincrement in the database'; expected nothing (a column with a client-side Sequence "
    "is not database-autoincrement)"
)
