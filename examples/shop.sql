-- A small shop, the example database for schema-lsp (SQLite).
-- examples/shop.db is built from this file (the tests check that the two still match):
--   rm -f examples/shop.db && sqlite3 examples/shop.db < examples/shop.sql

PRAGMA page_size = 1024;  -- keeps the committed shop.db small
PRAGMA foreign_keys = ON;

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    email       VARCHAR(255) NOT NULL,
    name        VARCHAR(100) NOT NULL,
    phone       VARCHAR(32),
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_customers_email UNIQUE (email)
);

CREATE TABLE products (
    id           INTEGER PRIMARY KEY,
    sku          VARCHAR(32) NOT NULL,
    name         VARCHAR(200) NOT NULL,
    description  TEXT,
    price_cents  INTEGER NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT 1,
    UNIQUE (sku),
    CONSTRAINT ck_products_price_nonnegative CHECK (price_cents >= 0)
);

CREATE INDEX ix_products_name ON products (name);

CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL
                 REFERENCES customers (id) ON DELETE CASCADE,
    status       VARCHAR(20) NOT NULL DEFAULT 'new',
    placed_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    note         TEXT
);

CREATE INDEX ix_orders_customer_id ON orders (customer_id);
CREATE INDEX ix_orders_status_placed_at ON orders (status, placed_at);

CREATE TABLE order_items (
    order_id          INTEGER NOT NULL,
    product_id        INTEGER NOT NULL,
    quantity          INTEGER NOT NULL DEFAULT 1,
    unit_price_cents  INTEGER NOT NULL,
    PRIMARY KEY (order_id, product_id),
    CONSTRAINT fk_order_items_order FOREIGN KEY (order_id)
        REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT fk_order_items_product FOREIGN KEY (product_id)
        REFERENCES products (id) ON DELETE RESTRICT,
    CONSTRAINT ck_order_items_quantity_positive CHECK (quantity > 0)
);

CREATE INDEX ix_order_items_product_id ON order_items (product_id);

CREATE VIEW order_totals AS
SELECT o.id AS order_id,
       o.customer_id AS customer_id,
       COUNT(i.product_id) AS item_count,
       COALESCE(SUM(i.quantity * i.unit_price_cents), 0) AS total_cents
FROM orders AS o
LEFT JOIN order_items AS i ON i.order_id = o.id
GROUP BY o.id, o.customer_id;

-- A few rows, so the view and your queries have something to show.
INSERT INTO customers (id, email, name, phone, created_at) VALUES
    (1, 'ada@example.com', 'Ada Lovelace', NULL, '2024-01-05 10:00:00'),
    (2, 'grace@example.com', 'Grace Hopper', '+1 555 0100', '2024-02-11 16:30:00');

INSERT INTO products (id, sku, name, description, price_cents, active) VALUES
    (1, 'MUG-01', 'Coffee mug', 'Stoneware, 350 ml', 1200, 1),
    (2, 'TEE-M', 'T-shirt (M)', NULL, 2500, 1),
    (3, 'PEN-B', 'Ballpoint pen', 'Blue ink', 300, 0);

INSERT INTO orders (id, customer_id, status, placed_at, note) VALUES
    (1, 1, 'paid', '2024-03-01 09:15:00', NULL),
    (2, 2, 'new', '2024-03-02 14:40:00', 'gift wrap');

INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES
    (1, 1, 2, 1200),
    (1, 3, 5, 300),
    (2, 2, 1, 2500);
