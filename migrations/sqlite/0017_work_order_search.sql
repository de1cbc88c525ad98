-- 服务工单's keyword search (work-order number, order number, service item, 实施内容, buyer
-- company; substrings, Chinese included) from a trigram full-text index instead of a scan of
-- every row: one row per work order (rowid = work_orders.id) holding the searched fields, one
-- per line, kept by triggers in the same transaction as every change. Case is folded for A–Z
-- only (SQLite's lower()), the same on both databases and for every keyword length: the
-- tokenizer itself is case-sensitive, as LIKE is for other letters.
CREATE VIRTUAL TABLE work_order_search USING fts5(body, tokenize = 'trigram case_sensitive 1');

INSERT INTO work_order_search (rowid, body)
    SELECT w.id, lower(w.work_order_no || char(10) || o.order_no || char(10) || w.service_item_name
                       || char(10) || w.implementation || char(10) || o.buyer_company)
    FROM work_orders w JOIN orders o ON o.id = w.order_id;

CREATE TRIGGER work_orders_search_insert AFTER INSERT ON work_orders BEGIN
    INSERT INTO work_order_search (rowid, body)
        SELECT NEW.id, lower(NEW.work_order_no || char(10) || o.order_no || char(10)
                             || NEW.service_item_name || char(10) || NEW.implementation || char(10)
                             || o.buyer_company)
        FROM orders o WHERE o.id = NEW.order_id;
END;

CREATE TRIGGER work_orders_search_update
AFTER UPDATE OF work_order_no, service_item_name, implementation, order_id ON work_orders BEGIN
    UPDATE work_order_search SET body = (
        SELECT lower(NEW.work_order_no || char(10) || o.order_no || char(10) || NEW.service_item_name
                     || char(10) || NEW.implementation || char(10) || o.buyer_company)
        FROM orders o WHERE o.id = NEW.order_id)
    WHERE rowid = NEW.id;
END;

CREATE TRIGGER work_orders_search_delete AFTER DELETE ON work_orders BEGIN
    DELETE FROM work_order_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER orders_search_update AFTER UPDATE OF order_no, buyer_company ON orders BEGIN
    UPDATE work_order_search SET body = (
        SELECT lower(w.work_order_no || char(10) || NEW.order_no || char(10) || w.service_item_name
                     || char(10) || w.implementation || char(10) || NEW.buyer_company)
        FROM work_orders w WHERE w.id = work_order_search.rowid)
    WHERE rowid IN (SELECT id FROM work_orders WHERE order_id = NEW.id);
END;
