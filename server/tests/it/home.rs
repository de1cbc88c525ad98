//! 后台首页 on SQLite and PostgreSQL alike: every attention count equals what the list it
//! links to shows, and the month's figures equal the orders list of that month.

use crate::common::json;
use crate::common::TestApp;
use axum::http::StatusCode;

on_both_databases!(
    attention_counts_match_the_lists_they_link_to,
    month_figures_match_the_orders_of_the_month,
);

/// The `key=value` pairs of a link's query.
fn query(href: &str) -> Vec<(String, String)> {
    href.split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default()
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn param(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// What the list a home link points to counts.
async fn listed(app: &TestApp, cookie: &str, href: &str) -> i64 {
    let q = query(href);
    let (path, _) = href.split_once('?').unwrap();
    match path {
        "/orders" => {
            let body = format!(
                "status={}&from=&to=&q=&sort=&after=&stage={}",
                param(&q, "status"),
                param(&q, "stage")
            );
            let page = json(app, "/api/work_orders", cookie, &body).await;
            assert!(page["next"].is_null(), "one page of demo orders");
            page["rows"].as_array().unwrap().len() as i64
        }
        "/bills" => {
            let body = format!("status={}&from=&to=&page=", param(&q, "status"));
            json(app, "/api/bills", cookie, &body).await["count"]
                .as_i64()
                .unwrap()
        }
        "/services" => {
            let body = format!("from=&to=&q=&status={}&sort=&page=", param(&q, "status"));
            json(app, "/api/service_items", cookie, &body).await["count"]
                .as_i64()
                .unwrap()
        }
        "/tickets" => {
            let body = format!("status=&unread={}&page=", param(&q, "unread"));
            json(app, "/api/tickets", cookie, &body).await["count"]
                .as_i64()
                .unwrap()
        }
        other => panic!("an unexpected link {other}"),
    }
}

async fn attention_counts_match_the_lists_they_link_to(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let home = json(&app, "/api/home", &cookie, "").await;
    let attention = home["attention"].as_array().unwrap();
    assert_eq!(attention.len(), 9);
    let mut nonzero = 0;
    for item in attention {
        let href = item["href"].as_str().unwrap();
        let count = item["count"].as_i64().unwrap();
        if item["key"] == "home.attention.overdue" {
            // Overdue stages are among those the list of stages awaiting acceptance shows.
            assert!(count <= listed(&app, &cookie, href).await, "{href}");
            continue;
        }
        assert_eq!(count, listed(&app, &cookie, href).await, "{href}");
        nonzero += i64::from(count > 0);
    }
    // The demo has something in most of them: 待审核 and 已拒绝 service items, a bill to
    // confirm, orders to accept, stages awaiting acceptance.
    assert!(nonzero >= 5, "{attention:?}");
    let count = |key: &str| {
        attention.iter().find(|a| a["key"] == key).unwrap()["count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(count("home.attention.services_pending"), 2);
    assert_eq!(count("home.attention.services_rejected"), 1);
    assert_eq!(count("home.attention.bills_confirming"), 1);
    // Another provider's counts are its own.
    let other = app.login("enjian@example.com").await;
    let theirs = json(&app, "/api/home", &other, "").await;
    for item in theirs["attention"].as_array().unwrap() {
        let href = item["href"].as_str().unwrap();
        if item["key"] == "home.attention.overdue" {
            continue;
        }
        assert_eq!(item["count"], listed(&app, &other, href).await, "{href}");
    }
}

async fn month_figures_match_the_orders_of_the_month(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let home = json(&app, "/api/home", &cookie, "month=2019-12").await;
    let months = home["months"].as_array().unwrap();
    let labels: Vec<&str> = months
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["2019-07", "2019-08", "2019-09", "2019-10", "2019-11", "2019-12"]
    );
    for month in months {
        let label = month["month"].as_str().unwrap();
        let (y, m): (i32, u32) = (label[..4].parse().unwrap(), label[5..].parse().unwrap());
        let last = match m {
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let body = format!("status=&from={label}-01&to={y}-{m:02}-{last}&q=&sort=&after=");
        let page = json(&app, "/api/work_orders", &cookie, &body).await;
        let sold: i64 = page["counts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| !["AwaitingPayment", "Rejected"].contains(&c[0].as_str().unwrap()))
            .map(|c| c[1].as_i64().unwrap())
            .sum();
        assert_eq!(month["orders"].as_i64().unwrap(), sold, "{label}");
    }
    // December 2019: the manual's work orders, to the cent.
    let december = &months[5];
    assert!(december["orders"].as_i64().unwrap() > 0);
    assert!(december["sales"][0].as_str().unwrap().starts_with('¥'));
    // A malformed month falls back to the current one instead of failing.
    let answer = app.call("/api/home", Some(&cookie), "month=2019-13").await;
    assert_eq!(answer.status, StatusCode::OK);
}
