-- An order is written before payments is called, so it is never lost: PENDING until payments answers.
-- payment_key is the Idempotency-Key sent to payments, derived from the order and fixed for its life, so
-- every retry of the payment is the same request to payments and charges at most once.
CREATE TABLE customer_order (
    id               UUID           NOT NULL PRIMARY KEY,
    status           VARCHAR(16)    NOT NULL,
    total            DECIMAL(12, 2) NOT NULL,
    currency         CHAR(3)        NOT NULL,
    payment_key      VARCHAR(64)    NOT NULL UNIQUE,
    payment_id       UUID,
    payment_instance VARCHAR(100),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX customer_order_status ON customer_order (status, updated_at);

CREATE TABLE order_line (
    order_id   UUID           NOT NULL REFERENCES customer_order (id),
    line       INT            NOT NULL,
    product_id BIGINT         NOT NULL REFERENCES product (id),
    quantity   INT            NOT NULL,
    unit_price DECIMAL(12, 2) NOT NULL,
    PRIMARY KEY (order_id, line)
);
