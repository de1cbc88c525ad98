//! The marketplace's intake API and the platform's payment and dispatch, on SQLite and
//! PostgreSQL alike.

use crate::common::{work_order, TestApp, API_TOKEN as TOKEN, PASSWORD};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

on_both_databases!(
    orders_arrive_once_by_the_api,
    the_api_needs_its_token_and_valid_orders,
    the_platform_marks_paid_and_dispatches,
    only_operators_dispatch,
    the_platform_list_pages_filters_and_searches_every_work_order,
    a_work_order_sold_from_the_catalogue_keeps_its_version_and_plan_price,
);

fn order(no: &str) -> Value {
    json!({
        "order_no": no,
        "buyer_company": "TestCompany-B",
        "contact_email": "Buyer-B@Example.com",
        "solution_name": "Product_Y",
        "solution_quantity": 1,
        "work_orders": [
            { "work_order_no": format!("{no}1"), "service_item_name": "部署服务", "price": "100.00",
              "tax_rate": "0.06", "quantity": 2, "currency": "CNY" },
            { "work_order_no": format!("{no}2"), "service_item_name": "Migration", "price": "0.10",
              "tax_rate": "0", "quantity": 3, "currency": "USD" }
        ]
    })
}

async fn post(app: &TestApp, token: Option<&str>, body: &str) -> crate::common::Answer {
    let mut request =
        Request::post("/api/v1/orders").header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    app.send(request.body(Body::from(body.to_owned())).unwrap())
        .await
}

async fn orders_arrive_once_by_the_api(app: TestApp) {
    let app = app.with_api().await;
    let body = order("202611280001").to_string();
    let first = post(&app, Some(TOKEN), &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = post(&app, Some(TOKEN), &body).await;
    assert_eq!(again.status, StatusCode::OK);
    let answer: Value = serde_json::from_str(&again.body).unwrap();
    assert_eq!(answer["created"], false);
    assert_eq!(
        app.number(
            "SELECT COUNT(*) AS n FROM work_orders WHERE work_order_no LIKE '202611280001%'"
        )
        .await,
        2
    );
    // Exact amounts: 100.00 × 1.06 × 2 and 0.10 × 3.
    use sqlx::Row;
    let totals: Vec<i64> = sqlx::query("SELECT total_incl_minor FROM work_orders WHERE work_order_no LIKE '202611280001%' ORDER BY work_order_no")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("total_incl_minor").unwrap())
        .collect();
    assert_eq!(totals, [21_200, 30]);
    // Not yet dispatched: no provider sees them.
    let aku = app.login("aku@example.com").await;
    let page = app.get("/orders?q=202611280001", Some(&aku)).await;
    assert!(page.body.contains("没有符合条件的服务工单"));
    // Concurrent repeats of a new order store it once.
    let app = std::sync::Arc::new(app);
    let body = order("202611280002").to_string();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (app, body) = (app.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            post(&app, Some(TOKEN), &body).await.status
        }));
    }
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 1);
}

async fn the_api_needs_its_token_and_valid_orders(app: TestApp) {
    // Without a configured token the API is off.
    let off = post(&app, Some(TOKEN), &order("202611280003").to_string()).await;
    assert_eq!(off.status, StatusCode::SERVICE_UNAVAILABLE);
    let app = app.with_api().await;
    assert_eq!(
        post(&app, None, "{}").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(&app, Some("wrong"), "{}").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(&app, Some(TOKEN), "not json").await.status,
        StatusCode::BAD_REQUEST
    );
    let mut bad = order("202611280006");
    bad["order_no"] = json!("2026x");
    bad["work_orders"][0]["price"] = json!("1.005");
    bad["work_orders"][1]["currency"] = json!("EUR");
    let refused = post(&app, Some(TOKEN), &bad.to_string()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors: Value = serde_json::from_str(&refused.body).unwrap();
    let fields: Vec<&str> = errors["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "order_no",
            "work_orders[0].price",
            "work_orders[1].currency"
        ]
    );
    // A work order number another order already has is a conflict, and nothing is stored.
    let mut taken = order("202611280004");
    taken["work_orders"][0]["work_order_no"] = json!("20191206030252180");
    let conflict = post(&app, Some(TOKEN), &taken.to_string()).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM orders WHERE order_no = '202611280004'")
            .await,
        0
    );
}

async fn the_platform_marks_paid_and_dispatches(app: TestApp) {
    let app = app.with_api().await;
    assert_eq!(
        post(&app, Some(TOKEN), &order("202611280005").to_string())
            .await
            .status,
        StatusCode::CREATED
    );
    let operator = app.login("operator@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    let no = "2026112800051";
    let dispatch = app
        .call(
            "/api/dispatch_work_order",
            Some(&operator),
            &format!("no={no}&provider_id={msp}"),
        )
        .await;
    assert_eq!(dispatch.status, StatusCode::OK, "{}", dispatch.body);
    // The provider's admin (its only active manager) is mailed; the provider sees it,
    // awaiting payment, and cannot accept yet.
    let mailed = "SELECT COUNT(*) AS n FROM outbox
                  WHERE subject LIKE '%2026112800051%' AND to_address = 'aku@example.com'";
    assert_eq!(app.number(mailed).await, 1);
    let aku = app.login("aku@example.com").await;
    let accept = app
        .call("/api/accept_work_order", Some(&aku), &format!("no={no}"))
        .await;
    assert_eq!(accept.status, StatusCode::CONFLICT);
    let paid = app
        .call("/api/mark_paid", Some(&operator), &format!("no={no}"))
        .await;
    assert_eq!(paid.status, StatusCode::OK);
    assert_eq!(
        app.call("/api/accept_work_order", Some(&aku), &format!("no={no}"))
            .await
            .status,
        StatusCode::OK
    );
    // Once accepted it stays with its provider.
    let blue = app.provider_id("蓝云").await;
    let late = app
        .call(
            "/api/dispatch_work_order",
            Some(&operator),
            &format!("no={no}&provider_id={blue}"),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    let detail = work_order(&app, &aku, no).await;
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["accept", "mark_paid", "dispatch", "intake"]);
    assert_eq!(detail["total_incl"], "¥212.00");
    // The platform page lists it with its provider.
    let page = app.get("/platform/orders", Some(&operator)).await;
    assert!(page.body.contains(no) && page.body.contains("MSP-A_TEST1"));
}

async fn only_operators_dispatch(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    for (path, body) in [
        (
            "/api/dispatch_work_order",
            "no=20190927065256141&provider_id=1",
        ),
        ("/api/mark_paid", "no=20190722033531375"),
        (
            "/api/platform_work_orders",
            "provider=&status=&from=&to=&q=&sort=&after=",
        ),
    ] {
        assert_eq!(
            app.call(path, Some(&aku), body).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let operator = app
        .try_login("operator@example.com", PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let unknown = app
        .call(
            "/api/dispatch_work_order",
            Some(&operator),
            "no=1&provider_id=1",
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let no_provider = app
        .call(
            "/api/dispatch_work_order",
            Some(&operator),
            "no=20190927065256141&provider_id=999",
        )
        .await;
    assert_eq!(no_provider.status, StatusCode::NOT_FOUND);
}

/// 订单录入与分发 lists every provider's work orders with the provider list's paging, status
/// counts, provider filter (not dispatched yet included) and keyword search: walked page by
/// page, each selection is exactly what SQL says it is.
async fn the_platform_list_pages_filters_and_searches_every_work_order(app: TestApp) {
    use sqlx::Row;
    let operator = app
        .try_login("operator@example.com", PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    // More than two pages: 120 more work orders, not dispatched, some sharing a time.
    let order_id = app
        .number("SELECT id FROM orders ORDER BY id LIMIT 1")
        .await;
    for i in 0..120_i64 {
        sqlx::query(
            "INSERT INTO work_orders (order_id, work_order_no, service_item_name, implementation,
                 unit_price_minor, tax_rate, unit_price_incl_minor, quantity, total_incl_minor,
                 currency, status, created_at, updated_at)
             VALUES ($1, $2, $3, '', 100, '0', 100, 1, $4, 'CNY', 'awaiting_payment', $5, $5)",
        )
        .bind(order_id)
        .bind(format!("77000{i:03}"))
        .bind(if i % 2 == 0 {
            "平台巡检服务"
        } else {
            "Other"
        })
        .bind(100 + i)
        .bind(1_800_000_000 + i / 4)
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    let nos = |sql: &str| {
        let sql = sql.to_owned();
        let app = &app;
        async move {
            sqlx::query(&sql)
                .fetch_all(app.db.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get::<String, _>("work_order_no").unwrap())
                .collect::<Vec<_>>()
        }
    };
    let walk = |query: String| {
        let app = &app;
        let operator = operator.clone();
        async move {
            let mut after = String::new();
            let mut seen = Vec::new();
            let mut counts = None;
            loop {
                let answer = app
                    .call(
                        "/api/platform_work_orders",
                        Some(&operator),
                        &format!("{query}&after={after}"),
                    )
                    .await;
                assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.body);
                let page: Value = serde_json::from_str(&answer.body).unwrap();
                assert!(page["rows"].as_array().unwrap().len() <= 50);
                for row in page["rows"].as_array().unwrap() {
                    seen.push(row["work_order_no"].as_str().unwrap().to_owned());
                }
                counts.get_or_insert(page["counts"].clone());
                match page["next"].as_str() {
                    Some(next) => after = next.to_owned(),
                    None => break,
                }
            }
            (seen, counts.unwrap())
        }
    };
    let count_of = |counts: &Value, status: &str| {
        counts
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[0] == status)
            .map(|c| c[1].as_i64().unwrap())
            .unwrap()
    };
    let order_by = " ORDER BY created_at DESC, id DESC";
    let (all, counts) = walk("provider=&status=&from=&to=&q=&sort=".into()).await;
    let expected = nos(&format!("SELECT work_order_no FROM work_orders{order_by}")).await;
    assert!(expected.len() > 100, "{}", expected.len());
    assert_eq!(all, expected);
    let total: i64 = counts
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[1].as_i64().unwrap())
        .sum();
    assert_eq!(total, expected.len() as i64);
    let (undispatched, counts) = walk("provider=none&status=&from=&to=&q=&sort=".into()).await;
    assert_eq!(
        undispatched,
        nos(&format!(
            "SELECT work_order_no FROM work_orders WHERE provider_id IS NULL{order_by}"
        ))
        .await
    );
    assert!(undispatched.len() >= 120);
    assert_eq!(
        count_of(&counts, "AwaitingPayment"),
        nos("SELECT work_order_no FROM work_orders WHERE provider_id IS NULL AND status = 'awaiting_payment'")
            .await
            .len() as i64
    );
    let blue = app
        .number("SELECT id FROM providers WHERE name <> 'MSP-A_TEST1' ORDER BY id LIMIT 1")
        .await;
    let (theirs, _) = walk(format!("provider={blue}&status=&from=&to=&q=&sort=")).await;
    assert_eq!(
        theirs,
        nos(&format!(
            "SELECT work_order_no FROM work_orders WHERE provider_id = {blue}{order_by}"
        ))
        .await
    );
    let (completed, _) = walk("provider=&status=completed&from=&to=&q=&sort=".into()).await;
    assert_eq!(
        completed,
        nos(&format!(
            "SELECT work_order_no FROM work_orders WHERE status = 'completed'{order_by}"
        ))
        .await
    );
    // A keyword: the new work orders it names, across every provider, and the counts too.
    let (found, counts) =
        walk("provider=&status=&from=&to=&q=%E5%B9%B3%E5%8F%B0%E5%B7%A1%E6%A3%80&sort=".into())
            .await;
    assert_eq!(
        found,
        nos(&format!(
            "SELECT work_order_no FROM work_orders WHERE service_item_name LIKE '%平台巡检%'{order_by}"
        ))
        .await
    );
    assert_eq!(found.len(), 60);
    assert_eq!(count_of(&counts, "AwaitingPayment"), 60);
    let (by_total, _) = walk("provider=none&status=&from=&to=&q=&sort=total_asc".into()).await;
    assert_eq!(
        by_total,
        nos("SELECT work_order_no FROM work_orders WHERE provider_id IS NULL ORDER BY total_incl_minor, id")
            .await
    );
    let bad = app
        .call(
            "/api/platform_work_orders",
            Some(&operator),
            "provider=x&status=&from=&to=&q=&sort=&after=",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without JavaScript: the page, filtered, shows the filter and the rows.
    let page = app
        .get(
            "/platform/orders?provider=none&q=%E5%B9%B3%E5%8F%B0%E5%B7%A1%E6%A3%80",
            Some(&operator),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("77000118") && !page.body.contains("77000119"));
}

/// An order of one work order naming catalogue entry `(item, sku, plan)` at `price`.
fn sold(no: &str, (item, sku, plan): (Value, Value, Value), price: &str) -> Value {
    json!({
        "order_no": no, "buyer_company": "TestCompany-C", "contact_email": "c@example.com",
        "solution_name": "Product_Z", "solution_quantity": 1,
        "work_orders": [{ "work_order_no": format!("{no}1"), "service_item_id": item,
            "sku_id": sku, "plan_id": plan, "price": price, "tax_rate": "0.06",
            "quantity": 2, "currency": "CNY" }]
    })
}

/// The answer's errors as (field, code).
fn errors(answer: &crate::common::Answer) -> Vec<(String, String)> {
    let body: Value = serde_json::from_str(&answer.body).unwrap();
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", answer.body))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().into(),
                e["code"].as_str().unwrap().into(),
            )
        })
        .collect()
}

async fn a_work_order_sold_from_the_catalogue_keeps_its_version_and_plan_price(app: TestApp) {
    let app = app.with_api().await;
    // The catalogue's first entry, as the marketplace reads it.
    let answer = app
        .send(
            Request::get("/api/v1/catalogue?limit=1")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let catalogue: Value = serde_json::from_str(&answer.body).unwrap();
    let entry = &catalogue["items"][0];
    let sku = &entry["skus"][0];
    let plan = &sku["plans"][0];
    let ids = (entry["id"].clone(), sku["id"].clone(), plan["id"].clone());
    let price = plan["price"].as_str().unwrap();
    assert_eq!(plan["tax_rate"], "0.06", "the demo's first plan");

    // Sold at the plan's price, it keeps the item's name, approved version, SKU and plan.
    let answer = post(
        &app,
        Some(TOKEN),
        &sold("202612080001", ids.clone(), price).to_string(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let row = |column: &str| {
        format!("SELECT {column} FROM work_orders WHERE work_order_no = '2026120800011'")
    };
    assert_eq!(
        app.text(&row("service_item_name")).await,
        entry["name"].as_str().unwrap()
    );
    assert_eq!(
        app.number(&row("service_item_id")).await,
        entry["id"].as_i64().unwrap()
    );
    assert_eq!(
        app.number(&row("service_version")).await,
        entry["version"].as_i64().unwrap()
    );
    assert_eq!(
        app.number(&row("sku_id")).await,
        sku["id"].as_i64().unwrap()
    );
    assert_eq!(
        app.number(&row("plan_id")).await,
        plan["id"].as_i64().unwrap()
    );
    // The platform's 工单详情 names the version it was sold as.
    let operator = app.login("operator@example.com").await;
    let page = app
        .get("/platform/orders/2026120800011", Some(&operator))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let line = format!(
        "售自服务目录：服务项 #{} 第 {} 版",
        entry["id"], entry["version"]
    );
    assert!(page.body.contains(&line), "{}", page.body);
    // It goes to the item's provider only: another is refused next to the field.
    let blue = app.provider_id("蓝云").await;
    let other = app
        .call(
            "/api/dispatch_work_order",
            Some(&operator),
            &format!("no=2026120800011&provider_id={blue}"),
        )
        .await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.body
    );
    assert!(
        other.body.contains("wo.error.sold_by_another"),
        "{}",
        other.body
    );
    let seller = entry["provider_id"].as_i64().unwrap();
    let own = app
        .call(
            "/api/dispatch_work_order",
            Some(&operator),
            &format!("no=2026120800011&provider_id={seller}"),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);

    // Another price, tax rate or currency than the plan's is refused, and nothing is stored.
    let answer = post(
        &app,
        Some(TOKEN),
        &sold("202612080002", ids.clone(), "0.01").to_string(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&answer),
        [(
            "work_orders[0].price".into(),
            "intake.error.plan_price".into()
        )]
    );
    let mut other = sold("202612080003", ids.clone(), price);
    other["work_orders"][0]["tax_rate"] = json!("0.13");
    other["work_orders"][0]["currency"] = json!("USD");
    let answer = post(&app, Some(TOKEN), &other.to_string()).await;
    assert_eq!(
        errors(&answer),
        [
            (
                "work_orders[0].currency".into(),
                "intake.error.plan_currency".into()
            ),
            (
                "work_orders[0].tax_rate".into(),
                "intake.error.plan_tax_rate".into()
            ),
        ]
    );
    // A plan of another SKU, an item not listed, an id nobody has: not on sale.
    let draft = app
        .number("SELECT MIN(id) FROM service_items WHERE status NOT IN ('approved', 'delist_requested')")
        .await;
    for (n, ids) in [
        (4, (ids.0.clone(), json!(999_999), ids.2.clone())),
        (5, (json!(draft), ids.1.clone(), ids.2.clone())),
        (6, (json!(999_999), ids.1.clone(), ids.2.clone())),
    ] {
        let answer = post(
            &app,
            Some(TOKEN),
            &sold(&format!("20261208000{n}"), ids, price).to_string(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{n}");
        assert_eq!(
            errors(&answer),
            [(
                "work_orders[0].plan_id".into(),
                "intake.error.not_listed".into()
            )],
            "{n}"
        );
    }
    // Part of a reference is refused for the parts left out.
    let mut half = sold("202612080007", ids.clone(), price);
    half["work_orders"][0]
        .as_object_mut()
        .unwrap()
        .remove("plan_id");
    let answer = post(&app, Some(TOKEN), &half.to_string()).await;
    assert_eq!(
        errors(&answer),
        [(
            "work_orders[0].plan_id".into(),
            "intake.error.catalogue_ref".into()
        )]
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM orders WHERE order_no LIKE '20261208000%' AND order_no <> '202612080001'")
            .await,
        0
    );
    // Free-text orders go on as before and name nothing.
    let answer = post(&app, Some(TOKEN), &order("202612080008").to_string()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM work_orders WHERE work_order_no LIKE '202612080008%' AND service_item_id IS NULL")
            .await,
        2
    );
    let page = app
        .get("/platform/orders/2026120800081", Some(&operator))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("售自服务目录"));
    // The marketplace repeating the first order after its item left the catalogue is told
    // it is stored, as any repeat is.
    app.execute_with(
        "UPDATE service_items SET status = 'delisted' WHERE id = $1",
        entry["id"].as_i64().unwrap(),
    )
    .await;
    let again = post(
        &app,
        Some(TOKEN),
        &sold("202612080001", ids.clone(), price).to_string(),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert!(again.body.contains(r#""created":false"#), "{}", again.body);
    let fresh = post(
        &app,
        Some(TOKEN),
        &sold("202612080009", ids, price).to_string(),
    )
    .await;
    assert_eq!(
        fresh.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        fresh.body
    );
}
