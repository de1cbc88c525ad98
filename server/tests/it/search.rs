//! 服务工单's keyword search answers from the trigram index (FTS5 on SQLite, pg_trgm on
//! PostgreSQL) exactly what a plain substring match over the work-order number, order
//! number, service item, 实施内容 and buyer company answers, blind to the case of A–Z only:
//! for every keyword tried (Chinese, mixed case, accented capitals, one and two characters,
//! digits, LIKE wildcards, quotes, FTS syntax) the list holds the same work orders, and its
//! counts say how many.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::Value;
use sqlx::Row;
use std::collections::BTreeSet;

on_both_databases!(keyword_search_finds_exactly_the_substring_matches);

/// Fields that make keywords interesting; each work order combines some of them.
const ITEMS: [&str; 6] = [
    "部署服务",
    "Azure 迁移 Migration",
    "数据库_备份%",
    "Quote \"test\" item",
    "AND OR NOT* (x)",
    "云安全加固",
];
const WORK: [&str; 6] = [
    "第一期实施",
    "CamelCase Work",
    "",
    "网络调优 100%",
    "a_b",
    "ÉCOLE Ärger İstanbul",
];
const BUYERS: [&str; 4] = [
    "上海蓝云科技有限公司",
    "TestCompany-A",
    "北京某某公司",
    "Acme_Co",
];

async fn matches(app: &TestApp, cookie: &str, keyword: &str) -> (BTreeSet<String>, i64) {
    let mut found = BTreeSet::new();
    let mut after = String::new();
    let mut counted = None;
    loop {
        let body = format!(
            "status=&from=&to=&q={}&sort=&after={after}",
            app::kit::forms::encode_query(keyword)
        );
        let answer = app.call("/api/work_orders", Some(cookie), &body).await;
        assert_eq!(answer.status, StatusCode::OK, "{keyword}: {}", answer.body);
        let page: Value = serde_json::from_str(&answer.body).unwrap();
        for row in page["rows"].as_array().unwrap() {
            found.insert(row["work_order_no"].as_str().unwrap().to_owned());
        }
        counted.get_or_insert_with(|| {
            page["counts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c[1].as_i64().unwrap())
                .sum::<i64>()
        });
        match page["next"].as_str() {
            Some(next) => after = next.to_owned(),
            None => break,
        }
    }
    (found, counted.unwrap())
}

async fn keyword_search_finds_exactly_the_substring_matches(app: TestApp) {
    let provider = app.provider_id("MSP-A_TEST1").await;
    let pool = app.db.pool();
    for n in 0..48usize {
        let order: i64 = sqlx::query(
            "INSERT INTO orders (order_no, buyer_company, contact_email, solution_name,
               solution_quantity, created_at) VALUES ($1, $2, 'b@example.com', 'S', 1, $3)
             RETURNING id",
        )
        .bind(format!("77{n:016}"))
        .bind(BUYERS[n % BUYERS.len()])
        .bind(1_575_000_000 + n as i64)
        .fetch_one(pool)
        .await
        .unwrap()
        .get(0);
        sqlx::query(
            "INSERT INTO work_orders (order_id, work_order_no, provider_id, service_item_name,
               implementation, currency, unit_price_minor, tax_rate, unit_price_incl_minor,
               quantity, total_incl_minor, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'CNY', 100, '0.06', 106, 1, 106, 'in_progress', $6, $6)",
        )
        .bind(order)
        .bind(format!("66{n:015}"))
        .bind(provider)
        .bind(ITEMS[n % ITEMS.len()])
        .bind(WORK[(n / 2) % WORK.len()])
        .bind(1_575_000_000 + n as i64)
        .execute(pool)
        .await
        .unwrap();
    }
    // A buyer renamed after the fact is searched by its new name (the orders trigger).
    sqlx::query("UPDATE orders SET buyer_company = '改名后的公司' WHERE order_no = $1")
        .bind(format!("77{:016}", 5))
        .execute(pool)
        .await
        .unwrap();

    // What a plain substring match finds, computed here from the rows themselves.
    let rows = sqlx::query(
        "SELECT w.work_order_no, o.order_no, w.service_item_name, w.implementation, o.buyer_company
         FROM work_orders w JOIN orders o ON o.id = w.order_id WHERE w.provider_id = $1",
    )
    .bind(provider)
    .fetch_all(pool)
    .await
    .unwrap();
    let expected = |keyword: &str| -> BTreeSet<String> {
        let keyword = keyword.trim().to_ascii_lowercase();
        rows.iter()
            .filter(|row| {
                (0..5).any(|i| {
                    row.get::<String, _>(i)
                        .to_ascii_lowercase()
                        .contains(&keyword)
                })
            })
            .map(|row| row.get::<String, _>(0))
            .collect()
    };
    let cookie = app.login("aku@example.com").await;
    let keywords = [
        "部署",
        "部署服务",
        "署服",
        "迁移",
        "azure",
        "AZURE 迁",
        "migration",
        "第一期",
        "期",
        "实施",
        "camelcase",
        "CASE W",
        "网络调优 100%",
        "100%",
        "%",
        "_",
        "a_b",
        "数据库_",
        "quote \"test\"",
        "\"",
        "\"test",
        "and or not*",
        "not*",
        "(x)",
        "*",
        "蓝云",
        "上海蓝云科技有限公司",
        "testcompany-a",
        "-a",
        "acme_co",
        "改名后",
        "北京某某公司",
        "66000000000000001",
        "0000000001",
        "7700000000000000004",
        "77",
        "2019",
        "20191206030252180",
        "部署服务 迁移",
        "没有这个",
        "zz",
        "  云安全  ",
        "云",
        "a",
        "É",
        "é",
        "éc",
        "École",
        "ÉCOLE",
        "écol",
        "Är",
        "är",
        "ÄRGER",
        "İst",
        "ist",
        "İ",
    ];
    let mut nonempty = 0;
    for keyword in keywords {
        let want = expected(keyword);
        let (found, counted) = matches(&app, &cookie, keyword).await;
        assert_eq!(found, want, "keyword {keyword:?}");
        assert_eq!(counted, want.len() as i64, "counts of keyword {keyword:?}");
        nonempty += usize::from(!want.is_empty());
    }
    assert!(nonempty >= 35, "only {nonempty} keywords found anything");
    // Another provider's work orders are never found, whatever the keyword.
    let other = app.login("enjian@example.com").await;
    let (found, _) = matches(&app, &other, "部署服务").await;
    assert!(found.iter().all(|no| !no.starts_with("66")), "{found:?}");
}
