"""Legacy declarative models: declarative_base(), Column attributes, inheritance."""

from sqlalchemy import (
    BigInteger,
    Column,
    Computed,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Integer,
    PrimaryKeyConstraint,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, declared_attr

Base = declarative_base()


class Abstract(Base):
    __abstract__ = True
    id = Column(Integer, primary_key=True)
    note = Column(String(20), comment="shared")


class Company(Abstract):
    __tablename__ = "company"
    name = Column("company_name", String(50), nullable=False, unique=True)
    code = Column(String(5), index=True)
    serial = Column(BigInteger, Identity(start=10, increment=5))
    double = Column(Integer, Computed("id * 2"))


class Employee(Base):
    __tablename__ = "employee"
    __table_args__ = (UniqueConstraint("type", "company_id", name="uq_employee_kind"),)
    id = Column(Integer, primary_key=True)
    type = Column(String(20))
    company_id = Column(ForeignKey("company.id"))
    __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "employee"}


class Manager(Employee):
    budget = Column(Integer, index=True)
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    __tablename__ = "engineer"
    id = Column(Integer, ForeignKey("employee.id"), primary_key=True)
    language = Column(String(30))
    __mapper_args__ = {"polymorphic_identity": "engineer"}


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (
        PrimaryKeyConstraint("employee_id", "company_id", name="assignment_pk"),
        ForeignKeyConstraint(
            ["employee_id"], ["employee.id"], ondelete="SET NULL", name="fk_assignment_emp"
        ),
        UniqueConstraint("role", name="uq_role"),
    )
    employee_id = Column(Integer)
    company_id = Column(Integer, ForeignKey("company.id"))
    role = Column(String(10), server_default="dev")


class CustomBase:
    @declared_attr
    def __tablename__(cls):
        return cls.__name__.lower()

    id = Column(Integer, primary_key=True)


AutoBase = declarative_base(cls=CustomBase)


class Widget(AutoBase):
    label = Column(String(15), nullable=False)
