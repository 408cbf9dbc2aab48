CREATE TABLE IF NOT EXISTS product (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    sku         VARCHAR(32)    NOT NULL UNIQUE,
    name        VARCHAR(200)   NOT NULL,
    category    VARCHAR(64)    NOT NULL,
    description VARCHAR(2000)  NOT NULL,
    price       DECIMAL(12, 2) NOT NULL,
    currency    CHAR(3)        NOT NULL,
    stock       INT            NOT NULL
);
CREATE INDEX IF NOT EXISTS product_category ON product (category);
