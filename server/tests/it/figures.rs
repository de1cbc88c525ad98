//! The work-order figures the triggers keep (per-status counts, and per status those with a
//! stage to accept, the stages flagged overdue, monthly sales) equal a full recount after a long random sequence of moves — new
//! work orders, dispatch, status moves, price changes, stages added, moved and removed, work
//! orders and whole orders deleted — on SQLite and PostgreSQL alike. Every move is plain SQL,
//! so whatever code path makes it (intake, dispatch, the editor, the demo) is covered.

use crate::common::TestApp;
use sqlx::Row;

on_both_databases!(
    the_figures_equal_a_recount_after_random_moves,
    the_benchmark_generator_makes_what_it_says,
);

const STATUSES: [&str; 7] = [
    "awaiting_payment",
    "awaiting_acceptance",
    "in_progress",
    "partially_accepted",
    "completed",
    "rejected",
    "cancelled",
];
const STAGES: [&str; 4] = [
    "not_started",
    "in_progress",
    "awaiting_acceptance",
    "accepted",
];

/// A small deterministic generator (xorshift64*): the same moves on every run and database.
struct Moves(u64);

impl Moves {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// (provider, bucket, n) and (provider, month, currency, orders, total) rows, sorted.
async fn rows(app: &TestApp, sql: &str) -> Vec<String> {
    let mut rows: Vec<String> = sqlx::query(sql)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| {
                    row.try_get::<i64, _>(i)
                        .map(|v| v.to_string())
                        .unwrap_or_else(|_| row.get::<String, _>(i))
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    rows.sort();
    rows
}

async fn assert_figures_are_exact(app: &TestApp, after: usize) {
    let month = match app.db.backend() {
        app::kit::db::Backend::Sqlite => "strftime('%Y-%m', created_at + 28800, 'unixepoch')",
        app::kit::db::Backend::Postgres => {
            "to_char(to_timestamp(created_at + 28800) AT TIME ZONE 'UTC', 'YYYY-MM')"
        }
    };
    let counted = rows(
        app,
        "SELECT COALESCE(provider_id, 0), status, COUNT(*) FROM work_orders
         GROUP BY COALESCE(provider_id, 0), status
         UNION ALL
         SELECT COALESCE(w.provider_id, 0), 'stage:' || w.status, COUNT(*) FROM work_orders w
         WHERE EXISTS (SELECT 1 FROM milestones m
                       WHERE m.work_order_id = w.id AND m.status = 'awaiting_acceptance')
         GROUP BY COALESCE(w.provider_id, 0), w.status
         UNION ALL
         SELECT COALESCE(w.provider_id, 0), 'overdue:stages', COUNT(*) FROM milestones m
         JOIN work_orders w ON w.id = m.work_order_id
         WHERE m.status = 'awaiting_acceptance' AND m.overdue_flagged_at IS NOT NULL
         GROUP BY COALESCE(w.provider_id, 0)",
    )
    .await;
    let kept = rows(
        app,
        "SELECT provider_id, bucket, n FROM work_order_counts WHERE n <> 0",
    )
    .await;
    assert_eq!(kept, counted, "counts after {after} moves");
    // Sold: the model's rule (`WorkOrderStatus::sold`), which the triggers must keep.
    use app::orders::model::WorkOrderStatus;
    let sold = WorkOrderStatus::sql_list(WorkOrderStatus::sold);
    let summed = rows(
        app,
        &format!(
            "SELECT COALESCE(provider_id, 0), {month}, currency, COUNT(*),
                    CAST(SUM(total_incl_minor) AS BIGINT)
             FROM work_orders WHERE status IN ({sold})
             GROUP BY COALESCE(provider_id, 0), {month}, currency"
        ),
    )
    .await;
    let kept = rows(
        app,
        "SELECT provider_id, month, currency, orders, total_minor FROM work_order_months
         WHERE orders <> 0 OR total_minor <> 0",
    )
    .await;
    assert_eq!(kept, summed, "monthly sales after {after} moves");
    let wrong = app.numbers("SELECT w.id FROM work_orders w WHERE w.stages_awaiting <> (SELECT COUNT(*) FROM milestones m
           WHERE m.work_order_id = w.id AND m.status = 'awaiting_acceptance')",
    )
    .await;
    assert!(
        wrong.is_empty(),
        "stages_awaiting wrong on {wrong:?} after {after} moves"
    );
    let wrong = app.numbers("SELECT w.id FROM work_orders w WHERE w.stages_overdue <> (SELECT COUNT(*) FROM milestones m
           WHERE m.work_order_id = w.id AND m.status = 'awaiting_acceptance'
             AND m.overdue_flagged_at IS NOT NULL)",
    )
    .await;
    assert!(
        wrong.is_empty(),
        "stages_overdue wrong on {wrong:?} after {after} moves"
    );
}

async fn the_figures_equal_a_recount_after_random_moves(app: TestApp) {
    // The moves reach every status there is.
    use app::kit::code::Code;
    let model: Vec<&str> = app::orders::model::WorkOrderStatus::all()
        .map(|s| s.as_db())
        .collect();
    assert_eq!(STATUSES.to_vec(), model);
    // The demo's figures, counted by the migration and kept since.
    assert_figures_are_exact(&app, 0).await;
    let providers = app.numbers("SELECT id FROM providers ORDER BY id").await;
    assert!(providers.len() >= 2);
    let mut moves = Moves(0x5eed_cafe);
    let pool = app.db.pool();
    for step in 1..=600 {
        let work_orders = app.numbers("SELECT id FROM work_orders ORDER BY id").await;
        // Half the stages made or touched carry the deadline watch's overdue flag.
        let flagged = |moves: &mut Moves| -> Option<i64> { (moves.below(2) == 0).then_some(1) };
        let provider = |moves: &mut Moves| -> Option<i64> {
            (moves.below(5) > 0).then(|| *moves.pick(&providers))
        };
        let kind = if work_orders.is_empty() {
            0
        } else {
            moves.below(11)
        };
        let work_order = work_orders
            .get(moves.below(work_orders.len().max(1)))
            .copied();
        match kind {
            0 | 1 => {
                let order: i64 = sqlx::query(
                    "INSERT INTO orders (order_no, buyer_company, contact_email, solution_name,
                       solution_quantity, created_at) VALUES ($1, 'Figures Co', 'b@example.com', 'S', 1, 0)
                     RETURNING id",
                )
                .bind(format!("FIG-{step}"))
                .fetch_one(pool)
                .await
                .unwrap()
                .get(0);
                // Creation times over two years, so many months get figures.
                let created = 1_546_300_800 + moves.below(730 * 86_400) as i64;
                sqlx::query(
                    "INSERT INTO work_orders (order_id, work_order_no, provider_id, service_item_name,
                       currency, unit_price_minor, tax_rate, unit_price_incl_minor, quantity,
                       total_incl_minor, status, created_at, updated_at)
                     VALUES ($1, $2, $3, 'Figures item', $4, 100, '0.06', 106, 1, $5, $6, $7, $7)",
                )
                .bind(order)
                .bind(format!("FIGWO-{step}"))
                .bind(provider(&mut moves))
                .bind(*moves.pick(&["CNY", "USD"]))
                .bind(1 + moves.below(100_000) as i64)
                .bind(*moves.pick(&STATUSES))
                .bind(created)
                .execute(pool)
                .await
                .unwrap();
            }
            2 | 3 => {
                sqlx::query(
                    "UPDATE work_orders SET status = $1, updated_at = updated_at + 1 WHERE id = $2",
                )
                .bind(*moves.pick(&STATUSES))
                .bind(work_order)
                .execute(pool)
                .await
                .unwrap();
            }
            4 => {
                sqlx::query("UPDATE work_orders SET provider_id = $1 WHERE id = $2")
                    .bind(provider(&mut moves))
                    .bind(work_order)
                    .execute(pool)
                    .await
                    .unwrap();
            }
            5 => {
                sqlx::query(
                    "UPDATE work_orders SET total_incl_minor = $1, currency = $2 WHERE id = $3",
                )
                .bind(1 + moves.below(100_000) as i64)
                .bind(*moves.pick(&["CNY", "USD"]))
                .bind(work_order)
                .execute(pool)
                .await
                .unwrap();
            }
            6 | 7 => {
                sqlx::query(
                    "INSERT INTO milestones (work_order_id, position, period_start, status,
                       created_at, updated_at, overdue_flagged_at)
                     VALUES ($1, 99, '2019-12-01', $2, 0, 0, $3)",
                )
                .bind(work_order)
                .bind(*moves.pick(&STAGES))
                .bind(flagged(&mut moves))
                .execute(pool)
                .await
                .unwrap();
            }
            8 => {
                let stages = app.numbers("SELECT id FROM milestones ORDER BY id").await;
                if !stages.is_empty() {
                    let stage = *moves.pick(&stages);
                    if moves.below(4) == 0 {
                        // A stage moved to another work order (nothing does this today; the
                        // figures must follow anyway).
                        sqlx::query("UPDATE milestones SET work_order_id = $1 WHERE id = $2")
                            .bind(work_order)
                            .bind(stage)
                            .execute(pool)
                            .await
                            .unwrap();
                    } else if moves.below(3) == 0 {
                        // The deadline watch flags a stage overdue (or a flag is cleared).
                        sqlx::query("UPDATE milestones SET overdue_flagged_at = $1 WHERE id = $2")
                            .bind(flagged(&mut moves))
                            .bind(stage)
                            .execute(pool)
                            .await
                            .unwrap();
                    } else {
                        sqlx::query("UPDATE milestones SET status = $1 WHERE id = $2")
                            .bind(*moves.pick(&STAGES))
                            .bind(stage)
                            .execute(pool)
                            .await
                            .unwrap();
                    }
                }
            }
            9 => {
                let stages = app.numbers("SELECT id FROM milestones ORDER BY id").await;
                if !stages.is_empty() {
                    sqlx::query("DELETE FROM milestones WHERE id = $1")
                        .bind(*moves.pick(&stages))
                        .execute(pool)
                        .await
                        .unwrap();
                }
            }
            _ => {
                // Rarely: a work order or its whole order goes, stages and all (cascades). Bills
                // and events refer to the demo's work orders, so only generated ones go.
                if moves.below(3) == 0 {
                    let mine = app.numbers("SELECT id FROM work_orders WHERE work_order_no LIKE 'FIGWO-%' ORDER BY id",
                    )
                    .await;
                    if !mine.is_empty() {
                        let gone = *moves.pick(&mine);
                        let sql = if moves.below(2) == 0 {
                            "DELETE FROM work_orders WHERE id = $1"
                        } else {
                            "DELETE FROM orders WHERE id = (SELECT order_id FROM work_orders WHERE id = $1)"
                        };
                        sqlx::query(sql).bind(gone).execute(pool).await.unwrap();
                    }
                }
            }
        }
        if step % 40 == 0 {
            assert_figures_are_exact(&app, step).await;
        }
    }
    assert_figures_are_exact(&app, 600).await;
    // The moves did reach every kind of figure.
    let stage_rows = app
        .numbers("SELECT n FROM work_order_counts WHERE bucket LIKE 'stage:%' AND n > 0")
        .await;
    assert!(
        !stage_rows.is_empty(),
        "no work order with a stage to accept"
    );
    let overdue_rows = app
        .numbers("SELECT n FROM work_order_counts WHERE bucket = 'overdue:stages' AND n > 0")
        .await;
    assert!(!overdue_rows.is_empty(), "no stage flagged overdue");
    let months = app
        .numbers("SELECT orders FROM work_order_months WHERE orders > 0")
        .await;
    assert!(months.len() > 20, "sales in only {} months", months.len());
}

/// `server generate` at a small scale: the counts it reports are in the database, the same
/// on both databases, the figures its triggers kept equal a recount, the list and 后台首页 see
/// the generated work orders, and a second run is refused.
async fn the_benchmark_generator_makes_what_it_says(app: TestApp) {
    use app::demo::scale::{generate, Plan};
    let plan = Plan {
        main_work_orders: 2_000,
        providers: 2,
        work_orders_each: 500,
        months: 10,
        bill_months: 2,
        members_each: 10,
        audit_each: 300,
        tickets_each: 20,
    };
    let made = generate(&app.db, &plan).await.unwrap();
    assert_eq!(made.work_orders, 3_000);
    assert_eq!(made.members, 30);
    assert_eq!(made.audit_entries, 900);
    assert_eq!(made.tickets, 60);
    // Two stages for each work order taken on (in progress, partly accepted, completed: 91%).
    assert_eq!(made.milestones, 2 * 2_730);
    assert!(made.bill_lines > 0);
    assert_eq!(
        app.numbers("SELECT COUNT(*) FROM work_orders WHERE work_order_no LIKE '8%'")
            .await[0],
        made.work_orders
    );
    assert_eq!(
        app.numbers("SELECT COUNT(*) FROM bill_lines l JOIN bills b ON b.id = l.bill_id WHERE b.bill_no LIKE '%90__'"
        )
        .await[0],
        made.bill_lines
    );
    assert_figures_are_exact(&app, 0).await;
    crate::billing::assert_bill_totals_are_exact(&app).await;
    // The provider's list counts the demo's 21 and the 2,000 generated.
    let cookie = app.login("aku@example.com").await;
    // A generated bill of more than a page of lines: the second page follows the first, a
    // line is found by its 订单编号, and the counts are the whole bill's.
    let bill_no = app
        .text(
            "SELECT b.bill_no FROM bills b JOIN providers p ON p.id = b.provider_id
         WHERE p.name = 'MSP-A_TEST1' AND b.bill_no LIKE '%90__' ORDER BY b.bill_no LIMIT 1",
        )
        .await;
    let detail = |query: String| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let answer = app.call("/api/bill", Some(&cookie), &query).await;
            assert_eq!(answer.status, axum::http::StatusCode::OK, "{}", answer.body);
            serde_json::from_str::<serde_json::Value>(&answer.body).unwrap()
        }
    };
    let first = detail(format!("no={bill_no}&page=&line=")).await;
    let found = first["lines_found"].as_i64().unwrap();
    assert!(found > 100, "{found} lines");
    assert_eq!(first["totals"]["orders"].as_i64(), Some(found));
    assert_eq!(first["lines"].as_array().unwrap().len(), 100);
    assert_eq!(first["line_pages"].as_i64(), Some((found + 99) / 100));
    let second = detail(format!("no={bill_no}&page=2&line=")).await;
    let second_lines = second["lines"].as_array().unwrap();
    assert_eq!(second_lines.len() as i64, (found - 100).min(100));
    let positions = app
        .numbers_with(
            "SELECT l.id FROM bill_lines l JOIN bills b ON b.id = l.bill_id
             WHERE b.bill_no = $1 ORDER BY l.position LIMIT 100 OFFSET 100",
            &bill_no,
        )
        .await;
    let shown: Vec<i64> = second_lines
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, positions);
    let order_no = second_lines[0]["order_no"].as_str().unwrap().to_owned();
    let searched = detail(format!("no={bill_no}&page=&line={order_no}")).await;
    assert_eq!(searched["lines_found"].as_i64(), Some(1));
    assert_eq!(searched["lines"][0]["order_no"], order_no.as_str());
    let none = detail(format!("no={bill_no}&page=&line=nothing")).await;
    assert_eq!(none["lines_found"].as_i64(), Some(0));
    assert_eq!(none["totals"]["orders"].as_i64(), Some(found));
    // A page past the last shows the last, numbered as such.
    let beyond = detail(format!("no={bill_no}&page=9999&line=")).await;
    let last_page = (found + 99) / 100;
    assert_eq!(beyond["line_page"].as_i64(), Some(last_page));
    assert_eq!(beyond["line_pages"].as_i64(), Some(last_page));
    assert_eq!(
        beyond["lines"].as_array().unwrap().len() as i64,
        found - (last_page - 1) * 100
    );
    let answer = app
        .call(
            "/api/work_orders",
            Some(&cookie),
            "status=&from=&to=&q=&sort=&after=",
        )
        .await;
    let page: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    let listed: i64 = page["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[1].as_i64().unwrap())
        .sum();
    assert_eq!(listed, 21 + 2_000);
    assert!(
        page["rows"][0]["work_order_no"]
            .as_str()
            .unwrap()
            .starts_with("801"),
        "the newest work order is a generated one"
    );
    let again = generate(&app.db, &plan).await;
    assert!(again.is_err(), "a second run must be refused");
}
