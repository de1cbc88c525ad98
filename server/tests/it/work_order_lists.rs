//! The work-order lists' pages (issue #17): page numbers and sizes whose total is every row
//! reachable, the size remembered per user, 购买公司 as a part of the name, the export
//! under the same filters, the platform's list searched and paged, and no dispatch to a
//! suspended provider — on SQLite and PostgreSQL alike.

use crate::common::{enc, json, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

on_both_databases!(
    page_numbers_reach_every_row_once_and_the_total_counts_them,
    the_page_size_is_remembered_for_the_user,
    the_buyer_filter_is_a_part_of_the_name_and_literal,
    the_export_holds_the_filtered_list_and_nothing_of_another_provider,
    the_platform_list_is_searched_and_paged,
    a_suspended_provider_gets_no_work_orders,
);

/// The provider's list with the arguments in `query` (every other one blank).
async fn list(app: &TestApp, cookie: &str, query: &str) -> Value {
    json(app, "/api/work_orders", cookie, &body(LIST, query)).await
}

const LIST: &[&str] = &[
    "status", "from", "to", "q", "sort", "after", "stage", "buyer", "page", "per",
];
const PLATFORM: &[&str] = &[
    "provider", "status", "from", "to", "q", "sort", "after", "buyer", "page", "per",
];

/// A server function's form body: every one of `keys`, those in `query` set.
fn body(keys: &[&str], query: &str) -> String {
    keys.iter()
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

fn numbers(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["work_order_no"].as_str().unwrap().to_owned())
        .collect()
}

/// Every page of a list, walked by page number: the rows seen, and the total each page gave.
async fn walk(
    app: &TestApp,
    path: &str,
    keys: &[&str],
    cookie: &str,
    query: &str,
) -> (Vec<String>, i64) {
    let mut seen = Vec::new();
    let mut page = 1;
    let first = json(app, path, cookie, &body(keys, &format!("{query}&page=1"))).await;
    let total = first["total"].as_i64().unwrap();
    let per = first["per_page"].as_i64().unwrap();
    let pages = ((total + per - 1) / per).max(1);
    while page <= pages {
        let answer = json(
            app,
            path,
            cookie,
            &body(keys, &format!("{query}&page={page}")),
        )
        .await;
        assert_eq!(
            answer["total"].as_i64().unwrap(),
            total,
            "{query}: page {page}"
        );
        assert_eq!(answer["page"].as_i64().unwrap(), page);
        let rows = numbers(&answer);
        assert!(rows.len() as i64 <= per);
        if page < pages {
            assert_eq!(rows.len() as i64, per, "{query}: page {page} is full");
        }
        seen.extend(rows);
        page += 1;
    }
    // One past the end: no rows, the same total (the page shows its empty state and pager).
    let past = json(
        app,
        path,
        cookie,
        &body(keys, &format!("{query}&page={}", pages + 1)),
    )
    .await;
    assert!(numbers(&past).is_empty(), "{query}: past the end");
    assert_eq!(past["total"].as_i64().unwrap(), total);
    (seen, total)
}

const MINE: &str =
    "SELECT wo.work_order_no FROM work_orders wo JOIN providers p ON p.id = wo.provider_id
     WHERE p.name = 'MSP-A_TEST1' ORDER BY wo.created_at DESC, wo.id DESC";

async fn page_numbers_reach_every_row_once_and_the_total_counts_them(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let mine = app.strings(MINE).await;
    assert!(mine.len() > 15, "more than a page");
    for per in ["15", "30"] {
        let (seen, total) = walk(&app, "/api/work_orders", LIST, &aku, &format!("per={per}")).await;
        assert_eq!(seen, mine, "per={per}: every row once, newest first");
        assert_eq!(total, mine.len() as i64);
    }
    // In total order too, and under a status (the total is that status's count).
    let (mut seen, _) = walk(&app, "/api/work_orders", LIST, &aku, "sort=total_asc").await;
    seen.sort();
    let mut sorted = mine.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    let partial = app
        .strings(
            "SELECT wo.work_order_no FROM work_orders wo JOIN providers p ON p.id = wo.provider_id
             WHERE p.name = 'MSP-A_TEST1' AND wo.status = 'partially_accepted'
             ORDER BY wo.created_at DESC, wo.id DESC",
        )
        .await;
    let (seen, total) = walk(
        &app,
        "/api/work_orders",
        LIST,
        &aku,
        "status=partially_accepted",
    )
    .await;
    assert_eq!((seen, total), (partial.clone(), partial.len() as i64));
    // A keyword narrows the total with the rows.
    let (seen, total) = walk(&app, "/api/work_orders", LIST, &aku, "q=20190927").await;
    assert!(!seen.is_empty() && seen.iter().all(|n| n.starts_with("20190927")));
    assert_eq!(total, seen.len() as i64);

    // Beyond any list: a client error, on the page as on the call; nonsense is the first page.
    let far = app
        .call("/api/work_orders", Some(&aku), &body(LIST, "page=100001"))
        .await;
    assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY);
    let far = app.get("/orders?page=100001", Some(&aku)).await;
    assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A size not offered is the one the user chose last (30, walking above).
    let odd = list(&app, &aku, "page=abc&per=7").await;
    assert_eq!(
        (odd["page"].as_i64(), odd["per_page"].as_i64()),
        (Some(1), Some(30))
    );

    // The page: numbers, 末页, 跳至 and the sizes, keeping the filters; past the end, the
    // empty state with the pager still there to go back.
    let html = app
        .get("/orders?status=partially_accepted", Some(&aku))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains("class=\"pager\""));
    assert!(html.body.contains(&format!("共 {} 条", partial.len())));
    // Back to 15 a page, remembered: the page without `per` is in it.
    assert_eq!(list(&app, &aku, "per=15").await["per_page"], 15);
    let html = app.get("/orders", Some(&aku)).await;
    assert!(html.body.contains("href=\"/orders?page=2\""), "a page link");
    assert!(html.body.contains("name=\"per\""), "the page sizes");
    assert!(html.body.contains("value=\"100\""));
    let past = app.get("/orders?page=9", Some(&aku)).await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("class=\"empty-state\""));
    assert!(past.body.contains("href=\"/orders\""), "首页 goes back");
}

async fn the_page_size_is_remembered_for_the_user(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    // Chosen: the list is of that size.
    let chosen = app
        .call("/api/work_orders", Some(&aku), &body(LIST, "per=30"))
        .await;
    assert_eq!(chosen.status, StatusCode::OK);
    let page: Value = serde_json::from_str(&chosen.body).unwrap();
    assert_eq!(page["per_page"], 30);
    // Not named: the user's choice, on this device and on another (a second sign-in); another
    // user's lists keep the first size.
    assert_eq!(list(&app, &aku, "").await["per_page"], 30);
    let elsewhere = app.login("aku@example.com").await;
    assert_ne!(elsewhere, aku);
    let again = list(&app, &elsewhere, "").await;
    assert_eq!(again["per_page"], 30);
    assert_eq!(numbers(&again).len(), app.strings(MINE).await.len().min(30));
    let member = app.login("305102247@example.com").await;
    assert_eq!(list(&app, &member, "").await["per_page"], 15);
    // A size not offered is neither used nor remembered.
    let odd = app
        .call("/api/work_orders", Some(&aku), &body(LIST, "per=1000"))
        .await;
    let odd: Value = serde_json::from_str(&odd.body).unwrap();
    assert_eq!(odd["per_page"], 30);
    assert_eq!(list(&app, &aku, "").await["per_page"], 30);

    // Without JavaScript: the page's size form is a GET; asked again without `per`, from
    // another sign-in, the page shows the size chosen.
    let html = app.get("/orders?per=50", Some(&aku)).await;
    assert_eq!(html.status, StatusCode::OK);
    let html = app.get("/orders", Some(&elsewhere)).await;
    assert!(
        html.body.contains("<option value=\"50\" selected"),
        "{}",
        pager_of(&html.body)
    );
    // One choice for every list: the operator's 100 on the work orders opens 服务提供商 at 100.
    let operator = app.login("operator@example.com").await;
    let platform = app
        .call(
            "/api/platform_work_orders",
            Some(&operator),
            &body(PLATFORM, "per=100"),
        )
        .await;
    assert_eq!(platform.status, StatusCode::OK);
    let providers = crate::common::json(
        &app,
        "/api/platform_provider_list",
        &operator,
        "q=&state=&page=&per=",
    )
    .await;
    assert_eq!(providers["per_page"], 100, "{providers}");
    assert_eq!(list(&app, &aku, "").await["per_page"], 50);
}

/// The pager's markup, for a failing assertion's message.
fn pager_of(html: &str) -> &str {
    html.find("class=\"pager\"")
        .map(|at| &html[at..(at + 1500).min(html.len())])
        .unwrap_or("no pager")
}

async fn the_buyer_filter_is_a_part_of_the_name_and_literal(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let mine = app.strings(MINE).await;
    // Every demo order is TestCompany-A's; two get buyers with LIKE's wildcards in them.
    let first_two: Vec<String> = mine.iter().take(2).cloned().collect();
    app.execute_with(
        "UPDATE orders SET buyer_company = 'Blue%Whale_Co 蓝鲸' WHERE id =
           (SELECT order_id FROM work_orders WHERE work_order_no = $1)",
        &first_two[0],
    )
    .await;
    app.execute_with(
        "UPDATE orders SET buyer_company = 'BlueXWhaleYCo' WHERE id =
           (SELECT order_id FROM work_orders WHERE work_order_no = $1)",
        &first_two[1],
    )
    .await;
    let buyer = |q: &str| format!("buyer={}", enc(q));
    // A part, A–Z case-blind: both.
    assert_eq!(numbers(&list(&app, &aku, &buyer("bluE")).await), first_two);
    // `%` and `_` are themselves, not wildcards.
    for literal in ["%", "_", "e%w", "Blue%Whale_Co"] {
        let page = list(&app, &aku, &buyer(literal)).await;
        assert_eq!(numbers(&page), [first_two[0].clone()], "{literal}");
        assert_eq!(page["total"], 1);
    }
    assert_eq!(
        numbers(&list(&app, &aku, &buyer("蓝鲸")).await),
        [first_two[0].clone()]
    );
    // The rest are still TestCompany-A's, a part of it found case-blind; counts follow.
    let rest = list(&app, &aku, &format!("{}&per=100", buyer("testcompany"))).await;
    assert_eq!(numbers(&rest).len(), mine.len() - 2);
    assert_eq!(rest["total"].as_i64().unwrap(), mine.len() as i64 - 2);
    // Combined with a status and the keyword.
    let status: String = app
        .text_with(
            "SELECT status FROM work_orders WHERE work_order_no = $1",
            &first_two[0],
        )
        .await;
    let both = list(&app, &aku, &format!("{}&status={status}", buyer("blue"))).await;
    assert!(numbers(&both).contains(&first_two[0]));
    assert!(numbers(&both).len() <= 2);
    let keyword = list(&app, &aku, &format!("{}&q={}", buyer("blue"), first_two[1])).await;
    assert_eq!(numbers(&keyword), [first_two[1].clone()]);
    // Too long is a client error.
    let long = app
        .call(
            "/api/work_orders",
            Some(&aku),
            &body(LIST, &buyer(&"x".repeat(201))),
        )
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Kept in the URL: the field shows it, the pager's links and the export carry it.
    let html = app
        .get("/orders?buyer=TestCompany&per=15", Some(&aku))
        .await;
    assert!(html.body.contains("name=\"buyer\" value=\"TestCompany\""));
    assert!(
        html.body
            .contains("href=\"/orders?buyer=TestCompany&amp;per=15&amp;page=2\""),
        "{}",
        pager_of(&html.body)
    );
    assert!(html.body.contains("/orders/export.csv?buyer=TestCompany"));
    assert!(
        html.body
            .contains("<input type=\"hidden\" name=\"buyer\" value=\"TestCompany\""),
        "跳至 keeps it"
    );
}

fn csv_numbers(body: &str) -> Vec<String> {
    body.trim_start_matches('\u{feff}')
        .split("\r\n")
        .skip(1)
        .filter(|line| !line.is_empty())
        .map(|line| {
            line.split(',')
                .next()
                .unwrap()
                .trim_start_matches("\"=\"\"")
                .trim_end_matches("\"\"\"")
                .to_owned()
        })
        .collect()
}

async fn the_export_holds_the_filtered_list_and_nothing_of_another_provider(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let mine = app.strings(MINE).await;
    app.execute_with(
        "UPDATE orders SET buyer_company = 'Acme 50% Ltd' WHERE id IN
           (SELECT order_id FROM work_orders WHERE work_order_no IN ($1, '20190927064519381'))",
        &mine[0],
    )
    .await;
    // Another provider's order with the same buyer stays out of this provider's export.
    app.execute(
        "UPDATE orders SET buyer_company = 'Acme 50% Ltd' WHERE id IN
           (SELECT wo.order_id FROM work_orders wo JOIN providers p ON p.id = wo.provider_id
             WHERE p.name <> 'MSP-A_TEST1')",
    )
    .await;
    for query in [
        "",
        "buyer=acme%2050%25",
        "buyer=ACME&status=awaiting_acceptance",
        "q=2019&sort=total_asc",
    ] {
        let (listed, total) = walk(
            &app,
            "/api/work_orders",
            LIST,
            &aku,
            &format!("{query}&per=15"),
        )
        .await;
        let csv = app
            .get(&format!("/orders/export.csv?{query}"), Some(&aku))
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{query}");
        let exported = csv_numbers(&csv.body);
        assert_eq!(
            exported, listed,
            "{query}: every page of the list, in its order"
        );
        assert_eq!(exported.len() as i64, total);
        assert!(
            exported.iter().all(|n| mine.contains(n)),
            "{query}: only the member's"
        );
        let xlsx = app
            .get(&format!("/orders/export.xlsx?{query}"), Some(&aku))
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.bytes.starts_with(b"PK"), "a spreadsheet");
    }
    // The buttons are on the page, under its filters.
    let html = app.get("/orders?buyer=acme", Some(&aku)).await;
    assert!(html.body.contains("data-testid=\"export-csv\""));
    assert!(html.body.contains("/orders/export.xlsx?buyer=acme"));
    // Not a member: no export.
    let none = app.get("/orders/export.csv", None).await;
    assert_ne!(none.status, StatusCode::OK);
}

async fn the_platform_list_is_searched_and_paged(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let every = app
        .strings("SELECT work_order_no FROM work_orders ORDER BY created_at DESC, id DESC")
        .await;
    assert!(every.len() > 15);
    let path = "/api/platform_work_orders";
    let (seen, total) = walk(&app, path, PLATFORM, &operator, "").await;
    assert_eq!(seen, every);
    assert_eq!(total, every.len() as i64);
    let (seen, _) = walk(&app, path, PLATFORM, &operator, "per=50").await;
    assert_eq!(seen, every);
    // Not dispatched yet, by status, by keyword (work order, order no., buyer, service item).
    let msp = app.provider_id("MSP-A_TEST1").await;
    let (seen, total) = walk(&app, path, PLATFORM, &operator, &format!("provider={msp}")).await;
    assert_eq!(seen, app.strings(MINE).await);
    assert_eq!(total, seen.len() as i64);
    let waiting = app
        .strings(
            "SELECT work_order_no FROM work_orders WHERE status = 'awaiting_acceptance'
             ORDER BY created_at DESC, id DESC",
        )
        .await;
    let (seen, _) = walk(
        &app,
        path,
        PLATFORM,
        &operator,
        "status=awaiting_acceptance",
    )
    .await;
    assert_eq!(seen, waiting);
    let no = &every[3];
    let (seen, _) = walk(&app, path, PLATFORM, &operator, &format!("q={no}")).await;
    assert_eq!(seen, std::slice::from_ref(no));
    let order_no: String = app
        .text_with(
            "SELECT o.order_no FROM orders o JOIN work_orders wo ON wo.order_id = o.id
             WHERE wo.work_order_no = $1",
            no,
        )
        .await;
    let (seen, _) = walk(&app, path, PLATFORM, &operator, &format!("q={order_no}")).await;
    assert!(seen.contains(no));
    app.execute_with(
        "UPDATE orders SET buyer_company = '深圳鲸落科技' WHERE id =
           (SELECT order_id FROM work_orders WHERE work_order_no = $1)",
        no,
    )
    .await;
    for query in [
        format!("q={}", enc("鲸落")),
        format!("buyer={}", enc("鲸落")),
    ] {
        let (seen, total) = walk(&app, path, PLATFORM, &operator, &query).await;
        assert_eq!((seen, total), (vec![no.clone()], 1), "{query}");
    }
    let item: String = app
        .text_with(
            "SELECT service_item_name FROM work_orders WHERE work_order_no = $1",
            no,
        )
        .await;
    let (seen, _) = walk(
        &app,
        path,
        PLATFORM,
        &operator,
        &format!("q={}", enc(&item)),
    )
    .await;
    assert!(seen.contains(no));
    // Past any list: a client error.
    let far = app
        .call(path, Some(&operator), &body(PLATFORM, "page=100001"))
        .await;
    assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The page: the pager, the search box and 购买公司, kept by the links.
    let html = app
        .get("/platform/orders?q=2019&per=15", Some(&operator))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains("class=\"pager\""));
    assert!(html.body.contains("name=\"buyer\""));
    assert!(
        html.body
            .contains("href=\"/platform/orders?q=2019&amp;per=15&amp;page=2\""),
        "{}",
        pager_of(&html.body)
    );
    // Only operators.
    let aku = app.login("aku@example.com").await;
    let refused = app.call(path, Some(&aku), &body(PLATFORM, "")).await;
    assert_ne!(refused.status, StatusCode::OK);
}

async fn a_suspended_provider_gets_no_work_orders(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let blue = app.provider_id("蓝云").await;
    app.execute_with(
        "UPDATE providers SET suspended_at = 1700000000, suspension_reason = '欠费' WHERE id = $1",
        blue,
    )
    .await;
    let page = json(
        &app,
        "/api/platform_work_orders",
        &operator,
        &body(PLATFORM, ""),
    )
    .await;
    let ids = |key: &str| -> Vec<i64> {
        page[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[0].as_i64().unwrap())
            .collect()
    };
    assert!(
        !ids("dispatchable").contains(&blue),
        "not offered for dispatch"
    );
    assert!(!ids("dispatchable").is_empty());
    assert!(
        ids("providers").contains(&blue),
        "still a filter: its work orders stay listed"
    );

    // 20190927064519381: MSP-A_TEST1's, 待接单 — dispatching it to the suspended provider is
    // refused next to the field, and nothing moves.
    let no = "20190927064519381";
    let before: i64 = app
        .number_with(
            "SELECT provider_id FROM work_orders WHERE work_order_no = $1",
            no,
        )
        .await;
    let refused = app
        .call(
            "/api/dispatch_work_order",
            Some(&operator),
            &format!("no={no}&provider_id={blue}"),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("intake.error.provider_suspended"),
        "{}",
        refused.body
    );
    // Without JavaScript: back to the list with the field told why, in the user's language.
    let form = app
        .send(
            Request::post("/api/dispatch_work_order")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::REFERER, "http://127.0.0.1:3000/platform/orders")
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, &operator)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("no={no}&provider_id={blue}")))
                .unwrap(),
        )
        .await;
    assert_eq!(form.status, StatusCode::FOUND, "{}", form.body);
    assert_eq!(
        form.location(),
        "/platform/orders?form=platform-orders&e.provider_id=intake.error.provider_suspended"
    );
    let back = app.get(form.location(), Some(&operator)).await;
    assert!(back.body.contains("该服务提供商已暂停"));
    // 重新派单 refuses it too (a declined work order, as the platform's row offers it).
    let member = app.login("305102247@example.com").await;
    let declined = app
        .call(
            "/api/decline_work_order",
            Some(&member),
            &format!("no={no}&reason={}", enc("本月无实施资源")),
        )
        .await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.body);
    let refused = app
        .call(
            "/api/redispatch_work_order",
            Some(&operator),
            &format!("no={no}&provider_id={blue}"),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("intake.error.provider_suspended"));
    let after: i64 = app
        .number_with(
            "SELECT provider_id FROM work_orders WHERE work_order_no = $1",
            no,
        )
        .await;
    assert_eq!(after, before);
    // Reinstated, it may have it.
    app.execute_with(
        "UPDATE providers SET suspended_at = NULL WHERE id = $1",
        blue,
    )
    .await;
    let moved = app
        .call(
            "/api/redispatch_work_order",
            Some(&operator),
            &format!("no={no}&provider_id={blue}"),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
}
