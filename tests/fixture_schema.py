"""The fixture schema: one small shop that exercises every part of the schema model, written
in each dialect's own DDL (composite and out-of-order primary keys, identity/serial/auto
increment, enums, defaults, comments, unique constraints, plain/unique/partial/expression/
method indexes, simple and composite foreign keys with actions, checks, a view, a second
schema, awkward names)."""

from __future__ import annotations

POSTGRESQL = [
    "CREATE SCHEMA app",
    "CREATE TYPE status AS ENUM ('new', 'paid', 'shipped')",
    """CREATE TABLE customers (
        id integer GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 5) PRIMARY KEY,
        email varchar(255) NOT NULL,
        name text,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        balance numeric(10, 2) DEFAULT 0,
        CONSTRAINT uq_customers_email UNIQUE (email)
    )""",
    "COMMENT ON TABLE customers IS 'People who buy'",
    "COMMENT ON COLUMN customers.email IS 'Login address'",
    """CREATE TABLE orders (
        id bigserial PRIMARY KEY,
        customer_id integer NOT NULL
            REFERENCES customers (id) ON DELETE CASCADE ON UPDATE RESTRICT,
        status status NOT NULL DEFAULT 'new',
        placed_on date,
        data jsonb,
        token uuid DEFAULT gen_random_uuid()
    )""",
    "CREATE INDEX ix_orders_customer_placed ON orders (customer_id, placed_on)",
    "CREATE INDEX ix_orders_data ON orders USING gin (data)",
    "CREATE UNIQUE INDEX ux_orders_open ON orders (customer_id) WHERE status = 'new'",
    "CREATE INDEX ix_orders_token_text ON orders (lower(token::text))",
    """CREATE TABLE order_items (
        order_id bigint NOT NULL REFERENCES orders (id),
        line_no smallint NOT NULL,
        product_code varchar(20) NOT NULL,
        quantity integer NOT NULL,
        CONSTRAINT pk_order_items PRIMARY KEY (line_no, order_id),
        CONSTRAINT ck_items_quantity CHECK (quantity > 0)
    )""",
    """CREATE TABLE app.audit (
        id serial PRIMARY KEY,
        order_id bigint,
        line_no smallint,
        "select" text,
        "Mixed Case" integer,
        CONSTRAINT fk_audit_item FOREIGN KEY (line_no, order_id)
            REFERENCES public.order_items (line_no, order_id) ON DELETE SET NULL
    )""",
    "CREATE VIEW order_totals AS SELECT order_id, sum(quantity) AS items "
    "FROM order_items GROUP BY order_id",
]

MYSQL = [
    """CREATE TABLE customers (
        id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
        email varchar(255) NOT NULL COMMENT 'Login address',
        name text,
        active tinyint(1) NOT NULL DEFAULT 1,
        created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
        balance decimal(10, 2) DEFAULT 0,
        CONSTRAINT uq_customers_email UNIQUE (email)
    ) COMMENT = 'People who buy'""",
    """CREATE TABLE orders (
        id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
        customer_id int unsigned NOT NULL,
        status enum('new', 'paid', 'shipped') NOT NULL DEFAULT 'new',
        placed_on date,
        note text,
        INDEX ix_orders_customer_placed (customer_id, placed_on),
        FULLTEXT INDEX ix_orders_note (note),
        CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id)
            REFERENCES customers (id) ON DELETE CASCADE ON UPDATE RESTRICT
    )""",
    """CREATE TABLE order_items (
        order_id bigint NOT NULL,
        line_no smallint NOT NULL,
        product_code varchar(20) NOT NULL,
        quantity int NOT NULL,
        PRIMARY KEY (line_no, order_id),
        CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES orders (id),
        CONSTRAINT ck_items_quantity CHECK (quantity > 0)
    )""",
    """CREATE TABLE {app}.audit (
        id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
        order_id bigint,
        line_no smallint,
        `select` text,
        `Mixed Case` int,
        CONSTRAINT fk_audit_item FOREIGN KEY (line_no, order_id)
            REFERENCES {main}.order_items (line_no, order_id) ON DELETE SET NULL
    )""",
    "CREATE VIEW order_totals AS SELECT order_id, sum(quantity) AS items "
    "FROM order_items GROUP BY order_id",
]

SQLITE = [
    """CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        email VARCHAR(255) NOT NULL,
        name TEXT,
        active BOOLEAN NOT NULL DEFAULT 1,
        created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        balance NUMERIC(10, 2) DEFAULT 0,
        loyalty_tier tier_name(12),
        CONSTRAINT uq_customers_email UNIQUE (email)
    )""",
    """CREATE TABLE orders (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        status VARCHAR(7) NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped')),
        placed_on DATE
    )""",
    "CREATE INDEX ix_orders_customer_placed ON orders (customer_id, placed_on)",
    "CREATE UNIQUE INDEX ux_orders_open ON orders (customer_id) WHERE status = 'new'",
    "CREATE INDEX ix_orders_status_lower ON orders (lower(status), placed_on)",
    """CREATE TABLE order_items (
        order_id BIGINT NOT NULL,
        line_no SMALLINT NOT NULL,
        product_code VARCHAR(20) NOT NULL,
        quantity INT NOT NULL,
        CONSTRAINT pk_order_items PRIMARY KEY (line_no, order_id),
        CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES orders (id)
            ON UPDATE CASCADE,
        CONSTRAINT ck_items_quantity CHECK (quantity > 0)
    )""",
    "CREATE VIEW order_totals AS SELECT order_id, sum(quantity) AS items "
    "FROM order_items GROUP BY order_id",
]


def statements(dialect: str, database: str = "") -> list[str]:
    """The fixture DDL for a dialect; MySQL's second schema is the database ``<name>_app``."""
    if dialect == "postgresql":
        return list(POSTGRESQL)
    if dialect == "mysql":
        create_app = f"CREATE DATABASE {database}_app"
        return [create_app] + [s.format(app=f"{database}_app", main=database) for s in MYSQL]
    return list(SQLITE)


def app_schema(dialect: str, database: str = "") -> str | None:
    """The name of the fixture's second schema, or None where the dialect has none."""
    return {"postgresql": "app", "mysql": f"{database}_app"}.get(dialect)
