//! 基础搜索: the top bar's search finds each kind of the provider's own records by number,
//! name or text — never another provider's — and an operator's finds them across providers.

use crate::common::{json, TestApp};
use app::kit::forms::encode_query;
use axum::http::StatusCode;
use serde_json::Value;

on_both_databases!(
    a_provider_finds_each_kind_of_its_own_records_and_nothing_of_another_s,
    an_operator_finds_records_across_providers,
    the_search_page_works_without_javascript,
);

async fn search(app: &TestApp, endpoint: &str, cookie: &str, q: &str) -> Value {
    json(
        app,
        &format!("/api/{endpoint}"),
        cookie,
        &format!("q={}", encode_query(q)),
    )
    .await
}

/// The titles of the hits of `kind`, and the group's `more_href`.
fn hits(results: &Value, kind: &str) -> (Vec<String>, Option<String>) {
    let Some(group) = results["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == kind_name(kind))
    else {
        return (Vec::new(), None);
    };
    let titles = group["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_owned())
        .collect();
    (titles, group["more_href"].as_str().map(str::to_owned))
}

/// The serialized name of a kind (serde's variant name).
fn kind_name(kind: &str) -> String {
    kind.split('_')
        .map(|part| part[..1].to_uppercase() + &part[1..])
        .collect()
}

fn kinds(results: &Value) -> Vec<String> {
    results["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn save_item(app: &TestApp, cookie: &str, name: &str) {
    let answer = app
        .call(
            "/api/save_service_item",
            Some(cookie),
            &format!(
                "id=&name={}&product=Azure&owner_name=O&owner_contact=o%40example.com&description=%3Cp%3Ex%3C%2Fp%3E",
                encode_query(name)
            ),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

async fn one(app: &TestApp, sql: &str) -> String {
    app.strings(sql)
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no row: {sql}"))
}

async fn a_provider_finds_each_kind_of_its_own_records_and_nothing_of_another_s(app: TestApp) {
    let a = app.provider_id("MSP-A_TEST1").await;
    let b = app.provider_id("蓝云").await;
    let a_admin = app.login("aku@example.com").await;
    let b_admin = app.login("enjian@example.com").await;
    save_item(&app, &a_admin, "A-Findme 迁移服务").await;
    save_item(&app, &b_admin, "B-Findme 迁移服务").await;

    // Each kind, by what a user would type.
    let work_order = one(
        &app,
        &format!("SELECT work_order_no FROM work_orders WHERE provider_id = {a} ORDER BY id"),
    )
    .await;
    let found = search(&app, "search", &a_admin, &work_order).await;
    assert_eq!(found["keyword"], work_order.as_str());
    assert_eq!(hits(&found, "work_orders").0, vec![work_order.clone()]);
    let href = &found["groups"][0]["hits"][0]["href"];
    assert_eq!(href, &Value::from(format!("/orders/{work_order}")));

    let order = one(&app, &format!(
        "SELECT o.order_no FROM orders o JOIN work_orders w ON w.order_id = o.id WHERE w.provider_id = {a} ORDER BY w.id"
    )).await;
    assert_eq!(
        hits(&search(&app, "search", &a_admin, &order).await, "orders").0,
        vec![order.clone()]
    );

    let (items, more) = hits(
        &search(&app, "search", &a_admin, "a-findme").await,
        "service_items",
    );
    assert_eq!(
        items,
        vec!["A-Findme 迁移服务".to_owned()],
        "A–Z folded, only A's own"
    );
    assert_eq!(more, None);
    let (items, _) = hits(
        &search(&app, "search", &a_admin, "迁移服务").await,
        "service_items",
    );
    assert!(
        items.contains(&"A-Findme 迁移服务".to_owned())
            && !items.iter().any(|i| i.starts_with("B-")),
        "{items:?}"
    );

    let bill = one(
        &app,
        &format!("SELECT bill_no FROM bills WHERE provider_id = {a}"),
    )
    .await;
    assert!(
        hits(&search(&app, "search", &a_admin, &bill).await, "bills")
            .0
            .contains(&bill)
    );
    // Part of a number finds it too, within the provider's own.
    assert!(
        hits(&search(&app, "search", &a_admin, &bill[..6]).await, "bills")
            .0
            .contains(&bill)
    );
    let (members, _) = hits(
        &search(&app, "search", &a_admin, "305102247").await,
        "members",
    );
    assert_eq!(members.len(), 1, "{members:?}");

    // Another provider's records, by their exact numbers and names: nothing at all.
    let b_numbers = app
        .strings(&format!(
            "SELECT work_order_no FROM work_orders WHERE provider_id = {b}
             UNION SELECT bill_no FROM bills WHERE provider_id = {b}
             UNION SELECT ticket_no FROM tickets WHERE provider_id = {b}"
        ))
        .await;
    for keyword in b_numbers
        .iter()
        .map(String::as_str)
        .chain(["B-Findme", "enjian@example.com"])
    {
        assert_eq!(
            kinds(&search(&app, "search", &a_admin, keyword).await),
            Vec::<String>::new(),
            "{keyword}"
        );
    }

    // Six alike: five shown, the rest one link away (the list, filtered by the keyword).
    for n in 0..6 {
        save_item(&app, &a_admin, &format!("Batch item {n}")).await;
    }
    let (items, more) = hits(
        &search(&app, "search", &a_admin, "batch item").await,
        "service_items",
    );
    assert_eq!(
        items,
        (1..6)
            .rev()
            .map(|n| format!("Batch item {n}"))
            .collect::<Vec<_>>(),
        "newest first"
    );
    assert_eq!(more.as_deref(), Some("/services?q=batch%20item"));

    // Wildcards are text; blank asks nothing; too long is refused next to the field.
    assert_eq!(
        hits(
            &search(&app, "search", &a_admin, "%").await,
            "service_items"
        )
        .0,
        Vec::<String>::new()
    );
    assert_eq!(
        hits(
            &search(&app, "search", &a_admin, "\\").await,
            "service_items"
        )
        .0,
        Vec::<String>::new()
    );
    let blank = search(&app, "search", &a_admin, "  ").await;
    assert_eq!(
        (blank["keyword"].as_str(), kinds(&blank)),
        (Some(""), Vec::<String>::new())
    );
    let long = app
        .call(
            "/api/search",
            Some(&a_admin),
            &format!("q={}", "迁".repeat(101)),
        )
        .await;
    assert_eq!(
        long.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        long.body
    );
    assert!(long.body.contains("search.too_long"), "{}", long.body);

    // The operator's search is the operator's only.
    let refused = app
        .call("/api/platform_search", Some(&a_admin), "q=Findme")
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let anonymous = app.call("/api/search", None, "q=Findme").await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.body
    );
}

async fn an_operator_finds_records_across_providers(app: TestApp) {
    let b = app.provider_id("蓝云").await;
    let a_admin = app.login("aku@example.com").await;
    let b_admin = app.login("enjian@example.com").await;
    save_item(&app, &a_admin, "A-Findme 迁移服务").await;
    save_item(&app, &b_admin, "B-Findme 迁移服务").await;
    let operator = app.login("operator@example.com").await;

    let found = search(&app, "platform_search", &operator, "findme").await;
    let (items, _) = hits(&found, "service_items");
    assert_eq!(items.len(), 2, "{items:?}");
    let group = found["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "ServiceItems")
        .unwrap();
    for hit in group["hits"].as_array().unwrap() {
        assert!(
            hit["href"]
                .as_str()
                .unwrap()
                .starts_with("/platform/services/"),
            "{hit}"
        );
        // Across providers each hit names whose it is.
        let detail = hit["detail"].as_str().unwrap();
        assert!(
            detail.ends_with("MSP-A_TEST1") || detail.ends_with("蓝云"),
            "{detail}"
        );
    }

    // Work orders through the trigram index, across providers; the platform's list shows it.
    let work_order = one(
        &app,
        &format!("SELECT work_order_no FROM work_orders WHERE provider_id = {b} ORDER BY id"),
    )
    .await;
    let found = search(&app, "platform_search", &operator, &work_order).await;
    assert_eq!(hits(&found, "work_orders").0, vec![work_order.clone()]);
    assert_eq!(
        found["groups"][0]["hits"][0]["href"],
        Value::from(format!("/platform/orders?q={work_order}"))
    );

    // Bills and tickets by their number, exactly.
    let bill = one(&app, "SELECT bill_no FROM bills ORDER BY id").await;
    let (bills, _) = hits(
        &search(&app, "platform_search", &operator, &bill).await,
        "bills",
    );
    assert_eq!(bills, vec![bill.clone()]);
    // A ticket of 蓝云's, as the browser files it.
    let filed =
        crate::tickets::submit(&app, &b_admin, &crate::tickets::fields("B 的咨询"), &[]).await;
    let ticket_no = crate::tickets::number(&filed);
    let found = search(&app, "platform_search", &operator, &ticket_no).await;
    assert_eq!(hits(&found, "tickets").0, vec!["B 的咨询".to_owned()]);
    // The provider finds it by its subject; the other provider does not, even by its number.
    assert_eq!(
        hits(&search(&app, "search", &b_admin, "的咨询").await, "tickets").0,
        vec!["B 的咨询".to_owned()]
    );
    assert_eq!(
        hits(
            &search(&app, "search", &a_admin, &ticket_no).await,
            "tickets"
        )
        .0,
        Vec::<String>::new()
    );
    // Members by name or email, with no page of theirs to open.
    let found = search(&app, "platform_search", &operator, "enjian@example.com").await;
    let group = found["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "Members")
        .unwrap();
    assert_eq!(group["hits"][0]["href"], Value::Null);
    assert!(group["hits"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("蓝云"));

    // A provider's member is refused the operator's search.
    let refused = app
        .call("/api/platform_search", Some(&b_admin), "q=x")
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

async fn the_search_page_works_without_javascript(app: TestApp) {
    let a = app.provider_id("MSP-A_TEST1").await;
    let cookie = app.login("aku@example.com").await;
    let work_order = one(
        &app,
        &format!("SELECT work_order_no FROM work_orders WHERE provider_id = {a} ORDER BY id"),
    )
    .await;
    let page = app
        .get(&format!("/search?q={work_order}"), Some(&cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("href=\"/orders/{work_order}\"")),
        "{}",
        page.body
    );
    // The keyword stays in the box; the top bar's box is on every page.
    assert!(page.body.contains(&format!("value=\"{work_order}\"")));
    let home = app.get("/", Some(&cookie)).await;
    assert!(
        home.body.contains("action=\"/search\""),
        "the top bar's search box"
    );

    let nothing = app
        .get(
            "/search?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA",
            Some(&cookie),
        )
        .await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert!(
        nothing.body.contains("没有找到与“没有这个”相关的结果"),
        "{}",
        nothing.body
    );

    let long = app
        .get(&format!("/search?q={}", "x".repeat(101)), Some(&cookie))
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(long.body.contains("关键词最多 100 个字符"));
    assert!(
        long.body
            .contains(&format!("value=\"{}\"", "x".repeat(101))),
        "what was typed is kept"
    );

    let operator = app.login("operator@example.com").await;
    let platform = app.get("/platform/search?q=MSP", Some(&operator)).await;
    assert_eq!(platform.status, StatusCode::OK);
    assert!(platform.body.contains("action=\"/platform/search\""));
    let forbidden = app.get("/platform/search?q=MSP", Some(&cookie)).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}
