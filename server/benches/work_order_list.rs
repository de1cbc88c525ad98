//! How the 服务工单 list and 后台首页 hold up as a provider's work orders grow: the first page,
//! a page deep in the keyset, a filtered search, and the home page's counts and month
//! figures, over the real router on SQLite (or on PostgreSQL with BENCH_DATABASE_URL
//! pointing at an empty database).
//!
//! `cargo bench -p server --bench work_order_list -- 1000000` (default 200000 rows).
#![recursion_limit = "256"]

use axum::body::Body;
use axum::http::{header, Request};
use server::config::Config;
use std::time::{Duration, Instant};
use tower::ServiceExt;

async fn call(router: &axum::Router, cookie: &str, body: String) -> (u16, String) {
    post(router, "/api/work_orders", cookie, body).await
}

async fn post(router: &axum::Router, path: &str, cookie: &str, body: String) -> (u16, String) {
    let response = router
        .clone()
        .oneshot(
            Request::post(path)
                .header(header::COOKIE, cookie)
                .header(header::ACCEPT, "application/json")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() {
    let rows: i64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200_000);
    let dir = std::env::temp_dir().join(format!("pc-bench-{}", std::process::id()));
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.display()));
    let mut config = Config::for_database(&url);
    config.demo = true;
    config.storage_dir = dir.join("files").display().to_string();
    let (router, db) = server::build(&config).await.expect("build");

    let started = Instant::now();
    let provider: i64 = {
        use sqlx::Row;
        sqlx::query("SELECT id FROM providers WHERE name = 'MSP-A_TEST1'")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get("id")
            .unwrap()
    };
    let statuses = [
        "awaiting_acceptance",
        "in_progress",
        "partially_accepted",
        "completed",
    ];
    let mut tx = db.begin().await.unwrap();
    let order_id: i64 = {
        use sqlx::Row;
        sqlx::query(
            "INSERT INTO orders (order_no, buyer_company, contact_email, solution_name, solution_quantity, created_at)
             VALUES ('9000000000', 'Bench', 'bench@example.com', 'Bench', 1, 0) RETURNING id",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap()
        .try_get("id")
        .unwrap()
    };
    for chunk in (0..rows).collect::<Vec<_>>().chunks(500) {
        let values: Vec<String> = chunk
            .iter()
            .map(|i| {
                format!(
                    "({order_id}, '9{i:015}', {provider}, 'Bench item {}', 'CNY', {m}, '0', {m}, 1, {m}, '{}', {}, {})",
                    i % 97,
                    statuses[(*i % 4) as usize],
                    1_500_000_000 + i * 60,
                    1_500_000_000 + i * 60,
                    m = 100 + i % 10_000
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO work_orders (order_id, work_order_no, provider_id, service_item_name, currency,
                 unit_price_minor, tax_rate, unit_price_incl_minor, quantity, total_incl_minor, status,
                 created_at, updated_at) VALUES {}",
            values.join(", ")
        ))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    // Every thousandth work order has a stage waiting for the customer (后台首页 counts them).
    sqlx::query(
        "INSERT INTO milestones (work_order_id, position, period_start, status, created_at, updated_at)
         SELECT id, 1, '2019-12-01', 'awaiting_acceptance', 0, 0 FROM work_orders
         WHERE provider_id = $1 AND work_order_no LIKE '9%' AND id % 1000 = 0",
    )
    .bind(provider)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    println!("seeded {rows} work orders in {:.1?}", started.elapsed());

    // Signing in takes the slider challenge, as the login page does.
    let (_, challenge) = post(&router, "/api/login_challenge", "", String::new()).await;
    let challenge: String = serde_json::from_str(&challenge).expect("a challenge token");
    let login = router
        .clone()
        .oneshot(
            Request::post("/api/login")
                .header(header::ACCEPT, "text/html")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "email=aku%40example.com&password={}&challenge={challenge}&slider=100&next=",
                    app::kit::forms::encode_query(app::demo::DEMO_PASSWORD)
                )))
                .unwrap(),
        )
        .await
        .unwrap();
    let cookie = login
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with("pc_session=") && c.len() > "pc_session=".len())
        .expect("signed in")
        .to_owned();

    let empty = |extra: &str| format!("status=&from=&to=&q=&sort=&after=&{extra}");
    let mut cursor = String::new();
    let mut deep = Duration::ZERO;
    for _ in 0..50 {
        let started = Instant::now();
        let (status, body) = call(
            &router,
            &cookie,
            format!("status=&from=&to=&q=&sort=&after={cursor}"),
        )
        .await;
        deep = started.elapsed();
        assert_eq!(status, 200, "{body}");
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        cursor = page["next"].as_str().unwrap_or_default().to_owned();
    }
    let cases = [
        ("first page, newest first", empty("")),
        (
            "first page, status filter",
            "status=completed&from=&to=&q=&sort=&after=".to_owned(),
        ),
        (
            "first page, by total",
            "status=&from=&to=&q=&sort=total_desc&after=".to_owned(),
        ),
        (
            "50th page by keyset",
            format!("status=&from=&to=&q=&sort=&after={cursor}"),
        ),
        (
            "keyword search",
            "status=&from=&to=&q=item+42&sort=&after=".to_owned(),
        ),
    ];
    println!("after paging 50 pages the last took {deep:.1?}");
    for (name, body) in cases {
        let mut samples = Vec::new();
        for _ in 0..9 {
            let started = Instant::now();
            let (status, _) = call(&router, &cookie, body.clone()).await;
            assert_eq!(status, 200);
            samples.push(started.elapsed());
        }
        println!("{name:<28} median {:>9.1?}", median(samples));
    }
    // 后台首页: eight attention counts and six months of figures in one request.
    // The month of the newest seeded work order, so its six months hold the most rows.
    let newest = app::kit::time::format_datetime(1_500_000_000 + rows * 60);
    let home = format!("month={}", &newest[..7]);
    let mut samples = Vec::new();
    for _ in 0..9 {
        let started = Instant::now();
        let (status, body) = post(&router, "/api/home", &cookie, home.clone()).await;
        assert_eq!(status, 200, "{body}");
        samples.push(started.elapsed());
    }
    println!(
        "{:<28} median {:>9.1?}",
        "home (counts, six months)",
        median(samples)
    );
    let _ = std::fs::remove_dir_all(dir);
}
