-- Each bill version's sums per currency pair, written in the same transaction as its lines
-- (versions are never changed once written): the bill lists and the bill's head read these
-- few rows instead of adding up every line of every bill per request.
CREATE TABLE bill_totals (
    bill_id            INTEGER NOT NULL REFERENCES bills(id) ON DELETE CASCADE,
    version            INTEGER NOT NULL,
    order_currency     TEXT    NOT NULL,
    paid_currency      TEXT    NOT NULL,
    lines              INTEGER NOT NULL,
    units              INTEGER NOT NULL,
    order_total_minor  INTEGER NOT NULL,
    paid_minor         INTEGER NOT NULL,
    PRIMARY KEY (bill_id, version, order_currency, paid_currency)
);

INSERT INTO bill_totals (bill_id, version, order_currency, paid_currency, lines, units,
                         order_total_minor, paid_minor)
    SELECT bill_id, version, order_currency, paid_currency, COUNT(*), SUM(quantity),
           SUM(order_total_minor), SUM(paid_minor)
    FROM bill_lines GROUP BY bill_id, version, order_currency, paid_currency;

-- A bill's line found by its 订单编号 (the detail's search, a 驳回's disputed lines).
CREATE INDEX bill_lines_order_no ON bill_lines (bill_id, version, order_no);

-- A bill's detail pages its lines by a range of positions, so every version numbers them
-- 1..n; the generator used to number them by work-order id. Renumbered in their order.
UPDATE bill_lines SET position = r.n
    FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY bill_id, version ORDER BY position, id) AS n
          FROM bill_lines) AS r
    WHERE bill_lines.id = r.id AND bill_lines.position <> r.n;
