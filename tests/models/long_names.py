"""Names a naming convention makes longer than PostgreSQL's 63 and MySQL's 64 characters."""

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Organisation(Base):
    __tablename__ = "organisation_membership_entitlements_and_permissions"
    id: Mapped[int] = mapped_column(primary_key=True)


class Assignment(Base):
    __tablename__ = "organisation_membership_entitlement_assignments_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey(Organisation.id), index=True)
    reviewer_identifier_with_long_name: Mapped[str] = mapped_column(sa.String(20), unique=True)
    short: Mapped[int] = mapped_column(index=True)
