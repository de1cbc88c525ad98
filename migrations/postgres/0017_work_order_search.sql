-- 服务工单's keyword search (work-order number, order number, service item, 实施内容, buyer
-- company; substrings, Chinese included) from a trigram index (pg_trgm, GIN) instead of a scan
-- of every row: one row per work order holding the searched fields, one per line, kept by
-- triggers in the same transaction as every change. Case is folded for A–Z only, as on
-- SQLite, whatever the database's locale (lower() would follow LC_CTYPE). pg_trgm is a trusted extension:
-- the database's owner may create it (on Azure Database for PostgreSQL, allow-list it first).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE work_order_search (
    work_order_id BIGINT PRIMARY KEY REFERENCES work_orders(id) ON DELETE CASCADE,
    body          TEXT   NOT NULL
);

CREATE FUNCTION work_order_search_body(w work_orders, o orders) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT translate(w.work_order_no || chr(10) || o.order_no || chr(10) || w.service_item_name
                           || chr(10) || w.implementation || chr(10) || o.buyer_company,
                           'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;

INSERT INTO work_order_search (work_order_id, body)
    SELECT w.id, work_order_search_body(w, o) FROM work_orders w JOIN orders o ON o.id = w.order_id;

CREATE INDEX work_order_search_body ON work_order_search USING gin (body gin_trgm_ops);

CREATE FUNCTION work_orders_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO work_order_search (work_order_id, body)
        SELECT NEW.id, work_order_search_body(NEW, o) FROM orders o WHERE o.id = NEW.order_id
    ON CONFLICT (work_order_id) DO UPDATE SET body = EXCLUDED.body;
    RETURN NULL;
END $$;

CREATE TRIGGER work_orders_search AFTER INSERT
   OR UPDATE OF work_order_no, service_item_name, implementation, order_id
ON work_orders FOR EACH ROW EXECUTE FUNCTION work_orders_search();

CREATE FUNCTION orders_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE work_order_search s SET body = work_order_search_body(w, NEW)
    FROM work_orders w WHERE w.order_id = NEW.id AND s.work_order_id = w.id;
    RETURN NULL;
END $$;

CREATE TRIGGER orders_search AFTER UPDATE OF order_no, buyer_company ON orders
FOR EACH ROW EXECUTE FUNCTION orders_search();
