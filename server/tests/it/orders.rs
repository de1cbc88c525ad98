//! Work orders: scoping, filters and paging, accept/decline, the milestone editor —
//! on SQLite and PostgreSQL alike.

use crate::common::{assert_calls, work_order as detail, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

on_both_databases!(
    the_list_is_scoped_filtered_and_paged,
    bad_filters_are_client_errors,
    another_providers_work_order_is_not_found,
    accepting_twice_accepts_once,
    declining_needs_a_reason,
    forbidden_moves_are_refused,
    the_milestone_editor_plans_and_moves_stages,
    milestone_input_errors_come_back_to_the_form,
    accepted_stages_drive_the_work_order_status,
    the_list_filters_by_buyer_and_exports_under_its_filters,
);

/// The list's arguments: every field, with those in `query` set.
fn list_body(query: &str) -> String {
    ["status", "from", "to", "q", "sort", "after"]
        .iter()
        .map(|key| {
            let value = query
                .split('&')
                .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
                .unwrap_or_default();
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn list(app: &TestApp, cookie: &str, query: &str) -> Value {
    let answer = app
        .call("/api/work_orders", Some(cookie), &list_body(query))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

fn numbers(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["work_order_no"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_list_is_scoped_filtered_and_paged(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let first = list(&app, &cookie, "").await;
    let mut all = numbers(&first);
    assert_eq!(all.len(), 15);
    assert_eq!(all[0], "20191206030252180", "newest first");
    let cursor = first["next"].as_str().unwrap().to_owned();
    let second = list(&app, &cookie, &format!("after={cursor}")).await;
    assert!(second["next"].is_null());
    all.extend(numbers(&second));
    assert_eq!(
        all.len(),
        21,
        "14 rows of §3.1.1, the two detail examples, the five behind §6.1's bills"
    );
    assert!(
        !all.iter().any(|n| n.starts_with("201911010900")),
        "foreign rows leaked"
    );

    // Counts per status, under the same filters.
    let counts: Vec<(String, i64)> = first["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c[0].as_str().unwrap().to_owned(), c[1].as_i64().unwrap()))
        .collect();
    assert!(counts.contains(&("AwaitingAcceptance".into(), 2)));
    assert!(counts.contains(&("PartiallyAccepted".into(), 7)));
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<i64>(), 21);

    let waiting = list(&app, &cookie, "status=awaiting_acceptance").await;
    assert_eq!(
        numbers(&waiting),
        ["20190927065256141", "20190927064519381"]
    );
    let day = list(&app, &cookie, "from=2019-09-27&to=2019-09-27").await;
    assert_eq!(numbers(&day).len(), 7);
    let huge = list(&app, &cookie, "q=2019062603314338").await;
    assert_eq!(huge["rows"][0]["total_incl"], "¥4,888,888,888,888,889.00");
    let by_order_no = list(&app, &cookie, "q=201912050713251962").await;
    assert_eq!(numbers(&by_order_no), ["20191205071325781"]);
    let wildcard = list(&app, &cookie, "q=%25").await;
    assert!(numbers(&wildcard).is_empty(), "% is matched literally");

    let by_total = list(&app, &cookie, "sort=total_desc").await;
    assert_eq!(numbers(&by_total)[0], "2019062603314338");
    let cheapest = list(&app, &cookie, "sort=total_asc").await;
    let cheap = numbers(&cheapest);
    assert!(cheap[..2].contains(&"20190722033531375".to_owned()));

    // Paging by keyset in total order visits every row once.
    let page = list(&app, &cookie, "sort=total_asc").await;
    let rest = list(
        &app,
        &cookie,
        &format!("sort=total_asc&after={}", page["next"].as_str().unwrap()),
    )
    .await;
    let mut seen = numbers(&page);
    seen.extend(numbers(&rest));
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 21);
}

async fn bad_filters_are_client_errors(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    for query in [
        "status=paid",
        "from=2019-02-30",
        "sort=price",
        "after=x_1",
        "after=1",
    ] {
        let answer = app
            .call("/api/work_orders", Some(&cookie), &list_body(query))
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
    // A page with bad filters shows the error; it does not crash.
    let page = app.get("/orders?status=paid", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn another_providers_work_order_is_not_found(app: TestApp) {
    let foreign = "20191101090000001";
    let aku = app.login("aku@example.com").await;
    let no = format!("no={foreign}");
    assert_eq!(
        app.call("/api/work_order", Some(&aku), &no).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/orders/{foreign}"), Some(&aku))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let calls = [
        ("/api/accept_work_order", no.clone()),
        ("/api/decline_work_order", format!("{no}&reason=x")),
        (
            "/api/save_milestone",
            format!("{no}&id=0&period_start=2019-11-01&period_end=&standard=x&remarks="),
        ),
        (
            "/api/milestone_command",
            format!("{no}&id=1&command=Delete"),
        ),
    ];
    assert_calls(&app, Some(&aku), &calls, StatusCode::NOT_FOUND).await;
    // Its own provider sees it, untouched.
    let enjian = app.login("enjian@example.com").await;
    let own = detail(&app, &enjian, foreign).await;
    assert_eq!(own["status"], "AwaitingAcceptance");
    assert_eq!(own["unit_price_incl"], "¥5,300.00", "5000 × 1.06");
    assert_eq!(own["tax_rate"], "6%");
    // A stage of another provider's work order cannot be reached through one's own either.
    let foreign_stage = app
        .number(
            "SELECT m.id FROM milestones m JOIN work_orders w ON w.id = m.work_order_id
         WHERE w.work_order_no = '20191102090000002'",
        )
        .await;
    let sneaky = app
        .call(
            "/api/milestone_command",
            Some(&aku),
            &format!("no=20190927070759188&id={foreign_stage}&command=Delete"),
        )
        .await;
    assert_eq!(sneaky.status, StatusCode::NOT_FOUND);
}

async fn accepting_twice_accepts_once(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let app = std::sync::Arc::new(app);
    let mut clicks = Vec::new();
    for _ in 0..6 {
        let app = app.clone();
        let cookie = cookie.clone();
        clicks.push(tokio::spawn(async move {
            app.call(
                "/api/accept_work_order",
                Some(&cookie),
                "no=20190927065256141",
            )
            .await
            .status
        }));
    }
    for click in clicks {
        assert_eq!(click.await.unwrap(), StatusCode::OK);
    }
    let d = detail(&app, &cookie, "20190927065256141").await;
    assert_eq!(d["status"], "InProgress");
    let accepts = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "accept")
        .count();
    assert_eq!(accepts, 1);
    assert_eq!(d["history"][0]["actor"], "AKU");
}

async fn declining_needs_a_reason(app: TestApp) {
    let cookie = app.login("305102247@example.com").await;
    let empty = app
        .call(
            "/api/decline_work_order",
            Some(&cookie),
            "no=20190927064519381&reason=++",
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = serde_json::from_str(&empty.body).unwrap();
    assert_eq!(error["Invalid"][0]["field"], "reason");
    assert_eq!(error["Invalid"][0]["code"], "form.required");

    // Without JavaScript the browser goes back to the page, told why.
    let page = "http://127.0.0.1:3000/orders/20190927064519381";
    let form = app
        .send(
            Request::post("/api/decline_work_order")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::REFERER, page)
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("no=20190927064519381&reason="))
                .unwrap(),
        )
        .await;
    assert_eq!(form.status, StatusCode::FOUND);
    assert_eq!(
        form.location(),
        "/orders/20190927064519381?form=decline&e.reason=form.required&v.reason="
    );
    let shown = app.get(form.location(), Some(&cookie)).await;
    assert!(shown.body.contains("此项为必填项"));

    let ok = app
        .call(
            "/api/decline_work_order",
            Some(&cookie),
            "no=20190927064519381&reason=%E6%97%A0%E5%AE%9E%E6%96%BD%E8%B5%84%E6%BA%90",
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let d = detail(&app, &cookie, "20190927064519381").await;
    assert_eq!(d["status"], "Rejected");
    assert_eq!(d["decline_reason"], "无实施资源");
    assert_eq!(d["history"][0]["reason"], "无实施资源");
}

async fn forbidden_moves_are_refused(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    // Completed or awaiting payment: neither accepted nor declined. An order in progress
    // cannot be declined, a declined one not accepted (repeating the move that got it there
    // is a double click, answered as done).
    let refused = [
        ("20190927070759816", "accept"),
        ("20190927070759816", "decline"),
        ("20190722033531375", "accept"),
        ("20190722033531375", "decline"),
        ("20190927070759188", "decline"),
        ("20190927083159108", "accept"),
    ];
    for (no, action) in refused {
        let answer = app
            .call(
                &format!("/api/{action}_work_order"),
                Some(&cookie),
                &format!("no={no}&reason=x"),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{action} {no}");
    }
    // Milestones of an order not under way cannot be planned.
    let add = app
        .call(
            "/api/save_milestone",
            Some(&cookie),
            "no=20190927064519381&id=0&period_start=2019-10-01&period_end=&standard=x&remarks=",
        )
        .await;
    assert_eq!(add.status, StatusCode::CONFLICT);
    assert_eq!(add.body, r#"{"Conflict":"ms.error.not_editable"}"#);
}

async fn stage_ids(app: &TestApp, cookie: &str, no: &str) -> Vec<(i64, String, String)> {
    detail(app, cookie, no).await["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_i64().unwrap(),
                m["standard"].as_str().unwrap().to_owned(),
                m["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn the_milestone_editor_plans_and_moves_stages(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let no = "20190927070759188"; // 实施中, one stage 交付1 in progress
    let save = |id: i64, start: &str, end: &str, standard: &str| {
        format!(
            "no={no}&id={id}&period_start={start}&period_end={end}&standard={standard}&remarks=r"
        )
    };
    for standard in ["A", "B"] {
        let answer = app
            .call(
                "/api/save_milestone",
                Some(&cookie),
                &save(0, "2019-10-01", "2019-10-31", standard),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }
    let stages = stage_ids(&app, &cookie, no).await;
    let names: Vec<&str> = stages.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(names, ["交付1", "A", "B"]);
    let (a, b) = (stages[1].0, stages[2].0);

    let command = |id: i64, command: &str| format!("no={no}&id={id}&command={command}");
    assert_eq!(
        app.call("/api/milestone_command", Some(&cookie), &command(b, "Up"))
            .await
            .status,
        StatusCode::OK
    );
    let names: Vec<String> = stage_ids(&app, &cookie, no)
        .await
        .into_iter()
        .map(|s| s.1)
        .collect();
    assert_eq!(names, ["交付1", "B", "A"]);
    // The last stage cannot move further down.
    let down = app
        .call("/api/milestone_command", Some(&cookie), &command(a, "Down"))
        .await;
    assert_eq!(down.status, StatusCode::CONFLICT);

    let edit = app
        .call(
            "/api/save_milestone",
            Some(&cookie),
            &save(b, "2019-10-02", "", "B2"),
        )
        .await;
    assert_eq!(edit.status, StatusCode::OK);
    let d = detail(&app, &cookie, no).await;
    assert_eq!(d["milestones"][1]["standard"], "B2");
    assert_eq!(d["milestones"][1]["period"], "2019-10-02 ~");

    // Start, then submit: the stage is then locked.
    for _ in 0..2 {
        let advance = app
            .call(
                "/api/milestone_command",
                Some(&cookie),
                &command(b, "Advance"),
            )
            .await;
        assert_eq!(advance.status, StatusCode::OK);
    }
    let stages = stage_ids(&app, &cookie, no).await;
    assert_eq!(stages[1].2, "AwaitingAcceptance");
    for locked in [
        command(b, "Advance"),
        command(b, "Delete"),
        command(b, "Up"),
    ] {
        let answer = app
            .call("/api/milestone_command", Some(&cookie), &locked)
            .await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{locked}");
    }
    let relock = app
        .call(
            "/api/save_milestone",
            Some(&cookie),
            &save(b, "2019-10-02", "", "B3"),
        )
        .await;
    assert_eq!(relock.status, StatusCode::CONFLICT);

    // Deleting renumbers the stages after it.
    let delete = app
        .call(
            "/api/milestone_command",
            Some(&cookie),
            &command(stages[0].0, "Delete"),
        )
        .await;
    assert_eq!(delete.status, StatusCode::OK);
    let d = detail(&app, &cookie, no).await;
    let positions: Vec<i64> = d["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [1, 2]);
    let actions: Vec<&str> = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "milestone_add",
        "milestone_move",
        "milestone_edit",
        "milestone_start",
        "milestone_submit",
        "milestone_delete",
    ] {
        assert!(
            actions.contains(&expected),
            "history lacks {expected}: {actions:?}"
        );
    }
}

async fn milestone_input_errors_come_back_to_the_form(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let no = "20190927070759188";
    let bad = app
        .call(
            "/api/save_milestone",
            Some(&cookie),
            &format!(
                "no={no}&id=0&period_start=2019-10-05&period_end=2019-10-01&standard=&remarks="
            ),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = serde_json::from_str(&bad.body).unwrap();
    let fields: Vec<&str> = error["Invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["period_end", "standard"]);

    let form = app
        .send(
            Request::post("/api/save_milestone")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::REFERER, format!("http://127.0.0.1:3000/orders/{no}"))
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "no={no}&id=0&period_start=2019-10-05&period_end=2019-10-01&standard=&remarks=%E5%A4%87%E6%B3%A8"
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(form.status, StatusCode::FOUND);
    let page = app.get(form.location(), Some(&cookie)).await;
    assert!(page.body.contains("结束日期不能早于开始日期"));
    assert!(
        page.body.contains(r#"value="2019-10-05""#),
        "the typed start date is kept"
    );
    assert!(
        page.body.contains(">备注</textarea>"),
        "the typed remarks are kept"
    );
    // Nothing was saved.
    assert_eq!(stage_ids(&app, &cookie, no).await.len(), 1);
}

async fn accepted_stages_drive_the_work_order_status(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    // 部分验收: stage 1 accepted, stage 2 in progress. Removing the open stage leaves only
    // accepted ones: the work order is complete.
    let no = "20191206030252180";
    let stages = stage_ids(&app, &cookie, no).await;
    assert_eq!(stages[0].2, "Accepted");
    // An accepted stage is never deleted.
    let accepted = app
        .call(
            "/api/milestone_command",
            Some(&cookie),
            &format!("no={no}&id={}&command=Delete", stages[0].0),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::CONFLICT);
    let delete = app
        .call(
            "/api/milestone_command",
            Some(&cookie),
            &format!("no={no}&id={}&command=Delete", stages[1].0),
        )
        .await;
    assert_eq!(delete.status, StatusCode::OK);
    let d = detail(&app, &cookie, no).await;
    assert_eq!(d["status"], "Completed");
    assert_eq!(d["history"][0]["action"], "status");
    assert_eq!(d["history"][0]["to_status"], "completed");
}

/// The CSV's data lines (after the BOM and the header), as fields.
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    body.trim_start_matches('\u{feff}')
        .split("\r\n")
        .skip(1)
        .filter(|line| !line.is_empty())
        .map(|line| {
            line.split(',')
                .map(|f| {
                    f.trim_start_matches("\"=\"\"")
                        .trim_end_matches("\"\"\"")
                        .to_owned()
                })
                .collect()
        })
        .collect()
}

async fn the_list_filters_by_buyer_and_exports_under_its_filters(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let mine = app
        .strings(
            "SELECT wo.work_order_no FROM work_orders wo JOIN providers p ON p.id = wo.provider_id
         WHERE p.name = 'MSP-A_TEST1' ORDER BY wo.created_at DESC, wo.id DESC",
        )
        .await;
    let others = app
        .strings(
            "SELECT wo.work_order_no FROM work_orders wo JOIN providers p ON p.id = wo.provider_id
         WHERE p.name <> 'MSP-A_TEST1'",
        )
        .await;
    assert!(mine.len() > 2 && !others.is_empty());

    // Everything of the member's provider, newest first, nothing of another's.
    let csv = app.get("/orders/export.csv", Some(&aku)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(csv.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename*=UTF-8''work_orders_"));
    assert!(
        csv.body
            .starts_with("\u{feff}服务工单号,订单编号,购买公司,服务项名称,"),
        "{}",
        &csv.body[..80.min(csv.body.len())]
    );
    let rows = csv_rows(&csv.body);
    let exported: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(exported, mine);
    assert!(!others.iter().any(|no| csv.body.contains(no.as_str())));

    // 购买公司: the list and the export agree with the database. The demo's orders all have
    // one buyer; one order gets another.
    let buyer = "蓝鲸科技有限公司".to_owned();
    app.execute_with(
        "UPDATE orders SET buyer_company = $1 WHERE id = (SELECT MIN(wo.order_id)
           FROM work_orders wo JOIN providers p ON p.id = wo.provider_id
          WHERE p.name = 'MSP-A_TEST1')",
        &buyer,
    )
    .await;
    let bought = app
        .strings_with(
            "SELECT wo.work_order_no FROM work_orders wo JOIN orders o ON o.id = wo.order_id
             JOIN providers p ON p.id = wo.provider_id
             WHERE p.name = 'MSP-A_TEST1' AND o.buyer_company = $1
             ORDER BY wo.created_at DESC, wo.id DESC",
            &buyer,
        )
        .await;
    assert!(!bought.is_empty() && bought.len() < mine.len(), "{buyer}");
    let encoded = app::kit::forms::encode_query(&buyer);
    let listed = app
        .call(
            "/api/work_orders",
            Some(&aku),
            &format!("{}&buyer={encoded}", list_body("")),
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let listed: Value = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(numbers(&listed), bought);
    let page = app
        .get(&format!("/orders?buyer={encoded}"), Some(&aku))
        .await;
    assert!(page
        .body
        .contains(&format!("/orders/export.csv?buyer={encoded}")));
    let filtered = app
        .get(&format!("/orders/export.csv?buyer={encoded}"), Some(&aku))
        .await;
    let rows = csv_rows(&filtered.body);
    assert_eq!(
        rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
        bought
    );
    assert!(rows.iter().all(|r| r[2] == buyer));
    // A buyer of another provider's orders shows nothing here.
    let foreign = app
        .get(
            "/orders/export.csv?buyer=%E4%B8%8D%E5%AD%98%E5%9C%A8",
            Some(&aku),
        )
        .await;
    assert!(csv_rows(&foreign.body).is_empty());

    // The status filter, the English header, and the spreadsheet.
    let completed = app
        .get("/orders/export.csv?status=completed", Some(&aku))
        .await;
    assert!(csv_rows(&completed.body)
        .iter()
        .all(|r| r.last().unwrap() == "已完成"));
    let english = app
        .send(
            Request::get("/orders/export.csv")
                .header(header::COOKIE, &aku)
                .header(header::ACCEPT_LANGUAGE, "en")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(english
        .body
        .starts_with("\u{feff}Work order,Order no.,Buyer company,"));
    let xlsx = app.get("/orders/export.xlsx", Some(&aku)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK\x03\x04"));

    // Bad filters are the client's mistake; no session, no export.
    let bad = app
        .get("/orders/export.csv?from=yesterday", Some(&aku))
        .await;
    assert!(bad.status.is_client_error(), "{}", bad.status);
    let anonymous = app.get("/orders/export.csv", None).await;
    assert_ne!(anonymous.status, StatusCode::OK);
}
