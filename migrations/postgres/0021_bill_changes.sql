-- How each version after the first differs from the one before, by 订单编号, written with the
-- version (versions never change): a bill's page lists its revisions from these rows instead
-- of reading and comparing every line of two versions per revision per view.
CREATE TABLE bill_changes (
    bill_id          BIGINT NOT NULL REFERENCES bills(id) ON DELETE CASCADE,
    version          BIGINT NOT NULL,
    position         BIGINT NOT NULL,                 -- removed or changed by 订单编号, then added
    kind             TEXT    NOT NULL,                 -- added, removed, changed
    order_no         TEXT    NOT NULL,
    before_minor     BIGINT,
    before_currency  TEXT,
    after_minor      BIGINT,
    after_currency   TEXT,
    PRIMARY KEY (bill_id, version, position)
);

-- The versions made before this table, compared as the writers compare them (billing::model::
-- diff): by 订单编号, the last line of a number in a version standing for it, removed or changed
-- in byte order of the number, then added.
INSERT INTO bill_changes (bill_id, version, position, kind, order_no, before_minor,
                          before_currency, after_minor, after_currency)
    WITH last_lines AS (
        SELECT bill_id, version, order_no, paid_minor, paid_currency
        FROM (SELECT bill_id, version, order_no, paid_minor, paid_currency,
                     ROW_NUMBER() OVER (PARTITION BY bill_id, version, order_no
                                        ORDER BY position DESC, id DESC) AS nth
              FROM bill_lines) AS numbered
        WHERE nth = 1
    ), changes AS (
        SELECT v.bill_id, v.version,
               CASE WHEN n.order_no IS NULL THEN 'removed' ELSE 'changed' END AS kind,
               o.order_no, o.paid_minor AS before_minor, o.paid_currency AS before_currency,
               n.paid_minor AS after_minor, n.paid_currency AS after_currency
        FROM bill_versions v
        JOIN last_lines o ON o.bill_id = v.bill_id AND o.version = v.version - 1
        LEFT JOIN last_lines n
               ON n.bill_id = v.bill_id AND n.version = v.version AND n.order_no = o.order_no
        WHERE v.version > 1
          AND (n.order_no IS NULL OR n.paid_minor <> o.paid_minor
               OR n.paid_currency <> o.paid_currency)
        UNION ALL
        SELECT v.bill_id, v.version, 'added', n.order_no, NULL, NULL, n.paid_minor, n.paid_currency
        FROM bill_versions v
        JOIN last_lines n ON n.bill_id = v.bill_id AND n.version = v.version
        WHERE v.version > 1
          AND NOT EXISTS (SELECT 1 FROM last_lines o
                          WHERE o.bill_id = v.bill_id AND o.version = v.version - 1
                            AND o.order_no = n.order_no)
    )
    SELECT bill_id, version,
           ROW_NUMBER() OVER (PARTITION BY bill_id, version
                              ORDER BY CASE WHEN kind = 'added' THEN 1 ELSE 0 END,
                                       order_no COLLATE "C"),
           kind, order_no, before_minor, before_currency, after_minor, after_currency
    FROM changes;
