//! The marketplace's intake API and the platform's payment and dispatch, on SQLite and
//! PostgreSQL alike.

use crate::common::{TestApp, PASSWORD};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use server::config::Config;

on_both_databases!(
    orders_arrive_once_by_the_api,
    the_api_needs_its_token_and_valid_orders,
    the_platform_marks_paid_and_dispatches,
    only_operators_dispatch,
);

const TOKEN: &str = "marketplace-secret";

async fn with_api(app: TestApp) -> TestApp {
    let mut config = Config::for_database(&app.url);
    config.platform_api_token = Some(TOKEN.into());
    TestApp::with_config(config).await
}

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

async fn count(app: &TestApp, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

async fn orders_arrive_once_by_the_api(app: TestApp) {
    let app = with_api(app).await;
    let body = order("202611280001").to_string();
    let first = post(&app, Some(TOKEN), &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = post(&app, Some(TOKEN), &body).await;
    assert_eq!(again.status, StatusCode::OK);
    let answer: Value = serde_json::from_str(&again.body).unwrap();
    assert_eq!(answer["created"], false);
    assert_eq!(
        count(
            &app,
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
    let app = with_api(app).await;
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
        count(
            &app,
            "SELECT COUNT(*) AS n FROM orders WHERE order_no = '202611280004'"
        )
        .await,
        0
    );
}

async fn the_platform_marks_paid_and_dispatches(app: TestApp) {
    let app = with_api(app).await;
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
    assert_eq!(count(&app, mailed).await, 1);
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
    let detail: Value = serde_json::from_str(
        &app.call("/api/work_order", Some(&aku), &format!("no={no}"))
            .await
            .body,
    )
    .unwrap();
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
        ("/api/platform_work_orders", "undispatched=false"),
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
