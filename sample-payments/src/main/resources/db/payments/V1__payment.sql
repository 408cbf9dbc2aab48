-- One row per Idempotency-Key: the unique constraint is what makes a second authorization for the same key
-- impossible, whichever instance the duplicate reaches and however many arrive at once.
CREATE TABLE payment (
    id                  UUID           NOT NULL PRIMARY KEY,
    idempotency_key     VARCHAR(255)   NOT NULL,
    request_fingerprint CHAR(64)       NOT NULL,
    order_reference     VARCHAR(100)   NOT NULL,
    amount              DECIMAL(12, 2) NOT NULL,
    currency            CHAR(3)        NOT NULL,
    status              VARCHAR(16)    NOT NULL,
    authorization_code  VARCHAR(32),
    decline_reason      VARCHAR(200),
    instance            VARCHAR(100)   NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT payment_idempotency_key UNIQUE (idempotency_key)
);

CREATE INDEX payment_order_reference ON payment (order_reference);
