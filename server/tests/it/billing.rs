//! Settlement bills on SQLite and PostgreSQL alike: the demo bill's totals in every view,
//! the state machine with its permissions and mails, revisions, exactly-once moves under
//! concurrent clicks, scoping, and the exports.

use crate::common::last_mail;
use crate::common::TestApp;
use crate::common::{assert_calls, json};
use axum::http::StatusCode;
use serde_json::Value;
use sqlx::Row;

on_both_databases!(
    the_demo_bill_agrees_in_list_detail_exports_and_document,
    a_bill_goes_from_generation_to_payout_through_a_dispute,
    users_cannot_answer_and_moves_out_of_turn_are_refused,
    fifty_concurrent_confirms_make_one_transition,
    another_provider_s_bill_is_not_found,
    generation_refuses_empty_and_overlapping_periods_and_keeps_versions,
    a_bill_prints_the_payee_and_payer_as_they_were_when_generated,
);

const DEMO_BILL: &str = "201911010001";

async fn bill(app: &TestApp, cookie: &str, no: &str) -> Value {
    json(app, "/api/bill", cookie, &format!("no={no}&page=&line=")).await
}

async fn platform_bill(app: &TestApp, cookie: &str, no: &str) -> Value {
    json(
        app,
        "/api/platform_bill",
        cookie,
        &format!("no={no}&page=&line="),
    )
    .await
}

/// Every version's stored sums (`bill_totals`) equal a recount of its lines, and its lines
/// are numbered 1..n (the detail pages them by position).
pub async fn assert_bill_totals_are_exact(app: &TestApp) {
    let recount = |sql: &str| {
        let sql = sql.to_owned();
        async move {
            sqlx::query(&sql)
                .fetch_all(app.db.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| {
                    (0..r.len())
                        .map(|i| {
                            r.try_get::<i64, _>(i)
                                .map(|n| n.to_string())
                                .or_else(|_| r.try_get::<String, _>(i))
                                .unwrap()
                        })
                        .collect::<Vec<String>>()
                })
                .collect::<Vec<_>>()
        }
    };
    let stored = recount(
        "SELECT bill_id, version, order_currency, paid_currency, lines, units,
                order_total_minor, paid_minor
         FROM bill_totals ORDER BY bill_id, version, order_currency, paid_currency",
    )
    .await;
    let counted = recount(
        "SELECT bill_id, version, order_currency, paid_currency, COUNT(*),
                CAST(SUM(quantity) AS BIGINT), CAST(SUM(order_total_minor) AS BIGINT),
                CAST(SUM(paid_minor) AS BIGINT)
         FROM bill_lines GROUP BY bill_id, version, order_currency, paid_currency
         ORDER BY bill_id, version, order_currency, paid_currency",
    )
    .await;
    assert!(!stored.is_empty());
    assert_eq!(stored, counted);
    let gaps = recount(
        "SELECT bill_id, version FROM bill_lines GROUP BY bill_id, version
         HAVING MIN(position) <> 1 OR MAX(position) <> COUNT(*)
             OR COUNT(DISTINCT position) <> COUNT(*)",
    )
    .await;
    assert_eq!(gaps, Vec::<Vec<String>>::new(), "positions not 1..n");
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// The text of a PDF, as pdftotext (poppler-utils) extracts it.
fn pdf_text(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) is installed by the test command");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

async fn download(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, Vec<u8>, String) {
    use axum::body::Body;
    use axum::http::{header, Request};
    let request = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let answer = app.send(request).await;
    let disposition = answer
        .headers
        .get(header::CONTENT_DISPOSITION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (answer.status, answer.bytes, disposition)
}

async fn the_demo_bill_agrees_in_list_detail_exports_and_document(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let list = json(&app, "/api/bills", &cookie, "status=&from=&to=&page=").await;
    let rows = list["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let row = rows.iter().find(|r| r["bill_no"] == DEMO_BILL).unwrap();
    // The manual lists ¥800 and shows a detail of ¥600: ours agree, order total and paid apart.
    assert_eq!(row["order_total"], "¥800.00");
    assert_eq!(row["paid"], "¥600.00 / $100.00");
    assert_eq!(row["orders"], 3);
    assert_eq!(row["status"], "Confirming");
    assert_eq!(list["summary"]["orders"], 5);
    assert_eq!(strings(&list["summary"]["paid"]), ["¥880.00", "$100.00"]);

    let detail = bill(&app, &cookie, DEMO_BILL).await;
    assert_eq!(strings(&detail["totals"]["order_total"]), ["¥800.00"]);
    assert_eq!(strings(&detail["totals"]["paid"]), ["¥600.00", "$100.00"]);
    assert_eq!(detail["lines"].as_array().unwrap().len(), 3);
    assert_eq!(detail["lines"][0]["order_no"], "201910250405571605");
    assert_eq!(detail["lines"][0]["paid"], "$100.00");
    assert_eq!(detail["lines"][0]["traded_at"], "2019-10-25 12:05:57");
    assert_eq!(detail["can_answer"], true);

    let (status, csv, disposition) =
        download(&app, &format!("/bills/{DEMO_BILL}/export.csv"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.contains("MSP-A_TEST1_2019-10-01_2019-10-31_201911010001.csv"));
    assert_eq!(&csv[..3], "\u{feff}".as_bytes(), "a BOM for Excel");
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains(
        ",\"=\"\"201910250405571605\"\"\",已完成,200.00,CNY,Product_X,1,2019-10-25 12:05:57,100.00,USD"
    ), "{csv}");
    assert!(
        csv.contains("\"=\"\"201911010001\"\"\",MSP-A_TEST1"),
        "{csv}"
    );
    assert!(csv.contains("实付金额,,,,,,,,,,,600.00,CNY"));
    assert!(csv.contains("实付金额,,,,,,,,,,,100.00,USD"));
    assert!(csv.contains("订单总金额,,,,,,800.00,CNY"));

    let (status, xlsx, _) =
        download(&app, &format!("/bills/{DEMO_BILL}/export.xlsx"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&xlsx[..2], b"PK", "an XLSX is a zip");
    let sheet = xlsx_sheet(&xlsx);
    // Amounts are numbers shown with two decimals (SUM works), the currency beside them;
    // numbers of 12 and more digits are text, never 2.01911E+11.
    assert!(
        regex_like(&sheet, "<c r=\"L2\" s=\"", "\"><v>100</v></c>"),
        "the paid amount as a number: {sheet}"
    );
    assert!(
        sheet.contains("<t>201911010001</t>"),
        "the bill number as text"
    );
    assert!(
        sheet.contains("<t>201910250405571605</t>"),
        "the order number as text"
    );
    assert!(!sheet.contains("<v>201911010001</v>"));

    let (status, pdf, disposition) =
        download(&app, &format!("/bills/{DEMO_BILL}/bill.pdf"), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    assert!(disposition.ends_with(".pdf"));
    let text = pdf_text(&pdf);
    assert!(text.contains(DEMO_BILL));
    assert!(text.contains("账单明细"));
    assert!(text.contains("测试msp服务项"));
    assert!(text.contains("¥600.00 / $100.00"), "{text}");
    assert!(text.contains("¥800.00"));
}

/// The newest mail to `to`, subject and text.
async fn generate(app: &TestApp, operator: &str, provider_id: i64, month: &str) -> String {
    let answer = app
        .call(
            "/api/generate_bill",
            Some(operator),
            &format!("provider_id={provider_id}&month={month}"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

async fn a_bill_goes_from_generation_to_payout_through_a_dispute(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let admin = app.login("aku@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    // December 2019: 20191206030252180 (¥110) and 20191205071325781 (¥200), both 部分验收.
    let no = generate(&app, &operator, msp, "2019-12").await;
    assert_eq!(
        no, "202001010001",
        "the day after the period, then a sequence"
    );
    let d = platform_bill(&app, &operator, &no).await;
    assert_eq!(d["status"], "Unsettled");
    assert_eq!(strings(&d["totals"]["paid"]), ["¥310.00"]);

    let sent = app
        .call("/api/send_bill", Some(&operator), &format!("no={no}"))
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let (subject, _) = last_mail(&app, "aku@example.com").await.unwrap();
    assert!(
        subject.contains(&no) && subject.contains("请确认账单"),
        "{subject}"
    );

    // 驳回 needs a reason; with one, the disputed line is remembered and the platform told.
    let empty = app
        .call(
            "/api/reject_bill",
            Some(&admin),
            &format!("no={no}&reason=+"),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let disputed = bill(&app, &admin, &no).await["lines"][0]["order_no"]
        .as_str()
        .unwrap()
        .to_owned();
    // Without JavaScript, a refused 驳回 comes back with its ticked lines still ticked.
    let form = app
        .send(
            axum::http::Request::post("/api/reject_bill")
                .header(axum::http::header::HOST, "127.0.0.1:3000")
                .header(
                    axum::http::header::REFERER,
                    format!("http://127.0.0.1:3000/bills/{no}"),
                )
                .header(axum::http::header::ACCEPT, "text/html")
                .header(axum::http::header::COOKIE, &admin)
                .header(
                    axum::http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(axum::body::Body::from(format!(
                    "no={no}&reason=+&disputed[o{disputed}]=on&disputed_nos="
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(form.status, StatusCode::FOUND);
    let page = app.get(form.location(), Some(&admin)).await;
    assert!(
        page.body.contains(&format!(
            r#"name="disputed[o{disputed}]" value="on" checked"#
        )),
        "the ticked line is kept: {}",
        form.location()
    );
    // A typed 订单编号 must be one of the bill's lines; too many or too long is refused.
    let unknown = app
        .call(
            "/api/reject_bill",
            Some(&admin),
            &format!("no={no}&reason=x&disputed_nos={disputed}%2C999999999999999999"),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.body.contains("disputed_nos") && unknown.body.contains("bill.error.unknown_line"),
        "{}",
        unknown.body
    );
    let long = app
        .call(
            "/api/reject_bill",
            Some(&admin),
            &format!("no={no}&reason=x&disputed_nos={}", "9".repeat(65)),
        )
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        long.body.contains("bill.error.disputed_nos"),
        "{}",
        long.body
    );
    assert_eq!(bill(&app, &admin, &no).await["status"], "Confirming");
    // Ticked on the page and typed, the same line counts once.
    let rejected = app
        .call(
            "/api/reject_bill",
            Some(&admin),
            &format!(
                "no={no}&reason=%E9%87%91%E9%A2%9D%E6%9C%89%E8%AF%AF&disputed[o{disputed}]=on&disputed_nos=+{disputed}+"
            ),
        )
        .await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.body);
    let d = platform_bill(&app, &operator, &no).await;
    assert_eq!(d["status"], "Disputed");
    assert_eq!(d["dispute"]["reason"], "金额有误");
    assert_eq!(
        strings(&d["dispute"]["lines"]),
        std::slice::from_ref(&disputed)
    );
    let (subject, text) = last_mail(&app, "operator@example.com").await.unwrap();
    assert!(subject.contains("驳回"), "{subject}");
    assert!(text.contains("金额有误"));

    // The platform revises: a bad amount is refused next to its field, then a good one.
    let line_id = d["lines"][0]["id"].as_i64().unwrap();
    let bad = app
        .call(
            "/api/revise_bill",
            Some(&operator),
            &format!("no={no}&reason=fix&amount[l{line_id}]=1.005"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains(&format!("amount_{line_id}")),
        "{}",
        bad.body
    );
    let revised = app
        .call(
            "/api/revise_bill",
            Some(&operator),
            &format!(
                "no={no}&reason=%E8%B0%83%E6%95%B4%E5%AE%9E%E4%BB%98&amount[l{line_id}]=100.00"
            ),
        )
        .await;
    assert_eq!(revised.status, StatusCode::OK, "{}", revised.body);
    let d = bill(&app, &admin, &no).await;
    assert_eq!(d["status"], "Confirming");
    assert_eq!(d["version"], 2);
    let change = &d["revisions"][0]["changes"][0];
    assert_eq!(change["kind"], "bill.change.changed");
    assert_eq!(change["order_no"], disputed.as_str());
    assert_eq!(change["after"], "¥100.00");
    assert_eq!(d["revisions"][0]["note"], "调整实付");
    assert_eq!(d["revisions"][0]["changes_total"], 1);
    assert_stored_changes_equal_the_backfill(&app).await;
    // The first version is kept.
    let versions = app
        .number_with(
            "SELECT COUNT(DISTINCT l.version) AS n FROM bill_lines l JOIN bills b ON b.id = l.bill_id
             WHERE b.bill_no = $1",
            &no,
        )
        .await;
    assert_eq!(versions, 2);
    assert_bill_totals_are_exact(&app).await;

    let confirmed = app
        .call("/api/confirm_bill", Some(&admin), &format!("no={no}"))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let d = platform_bill(&app, &operator, &no).await;
    assert_eq!(d["status"], "AwaitingPayout");
    let paid = strings(&d["totals"]["paid"]);
    let due = d["payout_due"][0][1].as_str().unwrap().to_owned();
    assert_eq!(paid, [format!("¥{due}")]);

    let wrong = app
        .call(
            "/api/record_payout",
            Some(&operator),
            &format!("no={no}&payout_reference=PAY-1&payout_date=2020-01-05&payout_cny=1.00"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("bill.error.payout_amount"));
    let payout = app
        .call(
            "/api/record_payout",
            Some(&operator),
            &format!("no={no}&payout_reference=PAY-1&payout_date=2020-01-05&payout_cny={due}"),
        )
        .await;
    assert_eq!(payout.status, StatusCode::OK, "{}", payout.body);
    let d = bill(&app, &admin, &no).await;
    assert_eq!(d["status"], "Completed");
    assert_eq!(d["payout"]["reference"], "PAY-1");
    let steps = d["steps"].as_array().unwrap();
    assert!(steps.iter().all(|s| !s["at"].as_str().unwrap().is_empty()));
    let actions: Vec<String> = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        [
            "bill.action.generate",
            "bill.action.send",
            "bill.action.reject",
            "bill.action.revise",
            "bill.action.confirm",
            "bill.action.payout"
        ]
    );
    let audited = app
        .number_with(
            "SELECT COUNT(*) AS n FROM audit_log WHERE target_type = 'bill' AND target_id = $1",
            &no,
        )
        .await;
    assert_eq!(audited, 6);
}

async fn users_cannot_answer_and_moves_out_of_turn_are_refused(app: TestApp) {
    let user = app.login("305102247@example.com").await;
    let admin = app.login("aku@example.com").await;
    // A user reads the bill but may not answer it.
    let d = bill(&app, &user, DEMO_BILL).await;
    assert_eq!(d["can_answer"], false);
    let answers = [
        ("/api/confirm_bill", format!("no={DEMO_BILL}")),
        ("/api/reject_bill", format!("no={DEMO_BILL}&reason=no")),
    ];
    assert_calls(&app, Some(&user), &answers, StatusCode::FORBIDDEN).await;
    // Providers cannot take the platform's moves.
    let send = app
        .call("/api/send_bill", Some(&admin), &format!("no={DEMO_BILL}"))
        .await;
    assert_eq!(send.status, StatusCode::FORBIDDEN);
    // A completed bill cannot be confirmed or rejected.
    let done = app
        .call("/api/confirm_bill", Some(&admin), "no=201910010001")
        .await;
    assert_eq!(done.status, StatusCode::CONFLICT);
    let status = app
        .text_with("SELECT status FROM bills WHERE bill_no = $1", DEMO_BILL)
        .await;
    assert_eq!(status, "confirming");
}

async fn fifty_concurrent_confirms_make_one_transition(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let app = app.clone();
        let admin = admin.clone();
        tasks.push(tokio::spawn(async move {
            app.call(
                "/api/confirm_bill",
                Some(&admin),
                &format!("no={DEMO_BILL}"),
            )
            .await
            .status
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    let confirms = app
        .number_with(
            "SELECT COUNT(*) AS n FROM bill_events e JOIN bills b ON b.id = e.bill_id
         WHERE b.bill_no = $1 AND e.action = 'confirm'",
            DEMO_BILL,
        )
        .await;
    assert_eq!(confirms, 1);
    let mails = app
        .number(
            "SELECT COUNT(*) AS n FROM outbox WHERE to_address = 'operator@example.com' AND subject LIKE '%已确认账单%'",
        )
        .await;
    assert_eq!(mails, 1);
}

async fn another_provider_s_bill_is_not_found(app: TestApp) {
    let other = app.login("enjian@example.com").await;
    let answer = app
        .call(
            "/api/bill",
            Some(&other),
            &format!("no={DEMO_BILL}&page=&line="),
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let confirm = app
        .call(
            "/api/confirm_bill",
            Some(&other),
            &format!("no={DEMO_BILL}"),
        )
        .await;
    assert_eq!(confirm.status, StatusCode::NOT_FOUND);
    for path in ["bill.pdf", "export.csv", "export.xlsx"] {
        let (status, _, _) = download(&app, &format!("/bills/{DEMO_BILL}/{path}"), &other).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let list = json(&app, "/api/bills", &other, "status=&from=&to=&page=").await;
    assert!(list["rows"].as_array().unwrap().is_empty());
    let (_, csv, _) = download(&app, "/bills/export.csv", &other).await;
    assert!(!String::from_utf8(csv).unwrap().contains(DEMO_BILL));
    // Providers never reach the platform's exports.
    let (status, _, _) = download(
        &app,
        &format!("/platform/bills/{DEMO_BILL}/bill.pdf"),
        &other,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn generation_refuses_empty_and_overlapping_periods_and_keeps_versions(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    let refused = |body: String| {
        let app = &app;
        let operator = operator.clone();
        async move {
            let answer = app.call("/api/generate_bill", Some(&operator), &body).await;
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            answer.body
        }
    };
    // July 2019 has only an unpaid work order.
    assert!(refused(format!("provider_id={msp}&month=2019-07"))
        .await
        .contains("bill.error.empty"));
    assert!(refused(format!("provider_id={msp}&month=2019-13"))
        .await
        .contains("bill.error.month"));
    assert!(refused("provider_id=&month=2019-12".into())
        .await
        .contains("provider_id"));
    // October is billed and sent: it cannot be generated again.
    let again = app
        .call(
            "/api/generate_bill",
            Some(&operator),
            &format!("provider_id={msp}&month=2019-10"),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // An unsettled bill regenerates as a new version.
    let no = generate(&app, &operator, msp, "2019-12").await;
    let same = generate(&app, &operator, msp, "2019-12").await;
    assert_eq!(no, same);
    let d = platform_bill(&app, &operator, &no).await;
    assert_eq!(d["version"], 2);
    assert_eq!(d["status"], "Unsettled");
    // Nothing changed in between, and the revision says so.
    assert_eq!(d["revisions"][0]["changes_total"], 0);
    // A work order leaves the period: the next version shows it removed.
    let gone: String = sqlx::query(
        "SELECT l.order_no FROM bill_lines l JOIN bills b ON b.id = l.bill_id
         WHERE b.bill_no = $1 AND l.version = 2 ORDER BY l.position LIMIT 1",
    )
    .bind(&no)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .get("order_no");
    app.execute_with(
        "UPDATE work_orders SET paid_at = paid_at - 40000000
         WHERE order_id = (SELECT id FROM orders WHERE order_no = $1)",
        &gone,
    )
    .await;
    generate(&app, &operator, msp, "2019-12").await;
    let d = platform_bill(&app, &operator, &no).await;
    assert_eq!(d["version"], 3);
    let change = &d["revisions"][0]["changes"][0];
    assert_eq!(change["kind"], "bill.change.removed", "{d}");
    assert_eq!(change["order_no"], gone.as_str());
    assert_eq!(change["after"], "");
    assert_stored_changes_equal_the_backfill(&app).await;
    // Another provider's December is its own bill, numbered after the first.
    let blue = app.provider_id("蓝云").await;
    let answer = app
        .call(
            "/api/generate_bill",
            Some(&operator),
            &format!("provider_id={blue}&month=2019-12"),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "蓝云 has no paid December work"
    );
}

/// Every revision's stored changes (written with the version, from `model::diff`) equal what
/// migration 0021 computes in SQL for the versions made before it.
async fn assert_stored_changes_equal_the_backfill(app: &TestApp) {
    let read = || async {
        sqlx::query(
            "SELECT bill_id, version, position, kind, order_no, before_minor, before_currency,
                    after_minor, after_currency
             FROM bill_changes ORDER BY bill_id, version, position",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get::<i64, _>("bill_id"),
                r.get::<i64, _>("version"),
                r.get::<i64, _>("position"),
                r.get::<String, _>("kind"),
                r.get::<String, _>("order_no"),
                r.get::<Option<i64>, _>("before_minor"),
                r.get::<Option<String>, _>("before_currency"),
                r.get::<Option<i64>, _>("after_minor"),
                r.get::<Option<String>, _>("after_currency"),
            )
        })
        .collect::<Vec<_>>()
    };
    let stored = read().await;
    assert!(!stored.is_empty());
    let migration = match app.db.backend() {
        app::kit::db::Backend::Sqlite => {
            include_str!("../../../migrations/sqlite/0021_bill_changes.sql")
        }
        app::kit::db::Backend::Postgres => {
            include_str!("../../../migrations/postgres/0021_bill_changes.sql")
        }
    };
    let backfill = &migration[migration.find("INSERT INTO bill_changes").unwrap()..];
    app.execute("DELETE FROM bill_changes").await;
    sqlx::query(backfill).execute(app.db.pool()).await.unwrap();
    assert_eq!(read().await, stored);
}

/// The first worksheet's XML of an XLSX file.
fn xlsx_sheet(xlsx: &[u8]) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut sheet = String::new();
    archive
        .by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    sheet
}

/// Whether `text` has `start`, then a style number, then `end`.
fn regex_like(text: &str, start: &str, end: &str) -> bool {
    text.match_indices(start).any(|(i, _)| {
        let rest = &text[i + start.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with(end)
    })
}

/// 企业信息 as the admin saves it: `address` and the payout account number change.
fn company(address: &str, account_no: &str) -> String {
    format!(
        "address={}&responsible_person=AKU&contact_name={}&contact_phone=021-5555-0100\
         &contact_email=finance%40example.com&bank_name={}&bank_account_name=MSP-A_TEST1\
         &bank_account_no={account_no}&invoice_title={}&tax_number=91310000MA1K2B3C4D",
        crate::common::enc(address),
        crate::common::enc("财务部"),
        crate::common::enc("招商银行上海分行"),
        crate::common::enc("MSP-A_TEST1 有限公司"),
    )
}

async fn a_bill_prints_the_payee_and_payer_as_they_were_when_generated(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let admin = app.login("aku@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    json(
        &app,
        "/api/save_company",
        &admin,
        &company("上海市虹口区", "6225881234567890"),
    )
    .await;
    // 付款方 is the platform's setting (平台设置): required, and kept on the bill too.
    let refused = app
        .call(
            "/api/save_payer",
            Some(&operator),
            "payer_name=+&payer_contact=",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("form.required"), "{}", refused.body);
    let by_provider = app
        .call(
            "/api/save_payer",
            Some(&admin),
            "payer_name=x&payer_contact=y",
        )
        .await;
    assert_eq!(by_provider.status, StatusCode::FORBIDDEN);
    let payer = |name: &str| {
        format!(
            "payer_name={}&payer_contact=finance%40platform.example",
            crate::common::enc(name)
        )
    };
    json(
        &app,
        "/api/save_payer",
        &operator,
        &payer("上海蓝云网络科技有限公司"),
    )
    .await;
    let no = generate(&app, &operator, msp, "2019-12").await;
    json(
        &app,
        "/api/save_payer",
        &operator,
        &payer("北京蓝云数据服务有限公司"),
    )
    .await;
    // 企业信息 changes after the bill was generated: the bill does not.
    json(
        &app,
        "/api/save_company",
        &admin,
        &company("北京市朝阳区", "6222020000001111"),
    )
    .await;
    for view in [
        bill(&app, &admin, &no).await,
        platform_bill(&app, &operator, &no).await,
    ] {
        assert_eq!(view["provider_address"], "上海市虹口区", "{view}");
        assert_eq!(view["business_owner"], "AKU");
        assert_eq!(view["receiver"]["account_masked"], "•••• 7890");
        assert_eq!(view["receiver"]["bank_name"], "招商银行上海分行");
        assert_eq!(view["receiver"]["tax_number"], "91310000MA1K2B3C4D");
        assert_eq!(view["payer_name"], "上海蓝云网络科技有限公司");
        assert_eq!(view["payer_contact"], "finance@platform.example");
    }
    let (status, pdf, _) = download(&app, &format!("/bills/{no}/bill.pdf"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&pdf);
    assert!(text.contains("上海市虹口区"), "{text}");
    assert!(text.contains("•••• 7890"), "{text}");
    assert!(text.contains("上海蓝云网络科技有限公司"), "{text}");
    assert!(!text.contains("北京市朝阳区"), "{text}");
    // The account number itself is kept only on the provider, never on a bill.
    let kept = app
        .text_with(
            "SELECT receiver_account_masked FROM bills WHERE bill_no = $1",
            &no,
        )
        .await;
    assert_eq!(kept, "•••• 7890");
    // Generated again, the bill takes the details on file then.
    generate(&app, &operator, msp, "2019-12").await;
    let again = bill(&app, &admin, &no).await;
    assert_eq!(again["provider_address"], "北京市朝阳区");
    assert_eq!(again["receiver"]["account_masked"], "•••• 1111");
    assert_eq!(again["payer_name"], "北京蓝云数据服务有限公司");
    // The demo's bills name the payer the demo set, whatever the setting is now.
    let demo = bill(&app, &admin, DEMO_BILL).await;
    assert_eq!(demo["payer_name"], "上海蓝云网络科技有限公司");
    assert_eq!(
        app.number("SELECT COUNT(*) FROM audit_log WHERE target_id = 'payer'")
            .await,
        2
    );
}
