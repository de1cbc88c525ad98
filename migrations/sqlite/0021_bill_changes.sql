-- How each version after the first differs from the one before, by 订单编号, written with the
-- version (versions never change): a bill's page lists its revisions from these rows instead
-- of reading and comparing every line of two versions per revision per view.
CREATE TABLE bill_changes (
    bill_id          INTEGER NOT NULL REFERENCES bills(id) ON DELETE CASCADE,
    version          INTEGER NOT NULL,
    position         INTEGER NOT NULL,                 -- removed or changed by 订单编号, then added
    kind             TEXT    NOT NULL,                 -- added, removed, changed
    order_no         TEXT    NOT NULL,
    before_minor     INTEGER,
    before_currency  TEXT,
    after_minor      INTEGER,
    after_currency   TEXT,
    PRIMARY KEY (bill_id, version, position)
);

-- The versions made before this table, compared as the writers now compare them.
INSERT INTO bill_changes (bill_id, version, position, kind, order_no, before_minor,
                          before_currency, after_minor, after_currency)
    SELECT bill_id, version,
           ROW_NUMBER() OVER (PARTITION BY bill_id, version
                              ORDER BY CASE WHEN kind = 'added' THEN 1 ELSE 0 END, order_no),
           kind, order_no, before_minor, before_currency, after_minor, after_currency
    FROM (
        SELECT v.bill_id, v.version,
               CASE WHEN n.id IS NULL THEN 'removed' ELSE 'changed' END AS kind,
               o.order_no, o.paid_minor AS before_minor, o.paid_currency AS before_currency,
               n.paid_minor AS after_minor, n.paid_currency AS after_currency
        FROM bill_versions v
        JOIN bill_lines o ON o.bill_id = v.bill_id AND o.version = v.version - 1
        LEFT JOIN bill_lines n
               ON n.bill_id = v.bill_id AND n.version = v.version AND n.order_no = o.order_no
        WHERE v.version > 1
          AND (n.id IS NULL OR n.paid_minor <> o.paid_minor OR n.paid_currency <> o.paid_currency)
        UNION ALL
        SELECT v.bill_id, v.version, 'added', n.order_no, NULL, NULL, n.paid_minor, n.paid_currency
        FROM bill_versions v
        JOIN bill_lines n ON n.bill_id = v.bill_id AND n.version = v.version
        WHERE v.version > 1
          AND NOT EXISTS (SELECT 1 FROM bill_lines o
                          WHERE o.bill_id = v.bill_id AND o.version = v.version - 1
                            AND o.order_no = n.order_no)
    ) AS changes;
