//! 偏好设置 › 时区: each user reads times in the zone they chose — on pages, in date filters
//! and in exports, the zone named — and everyone else keeps China Standard Time.

use crate::common::{json, work_order, TestApp};
use axum::http::StatusCode;
use serde_json::Value;

on_both_databases!(
    times_are_shown_in_the_zone_the_viewer_chose,
    a_zone_not_offered_is_refused_and_changes_nothing,
);

/// Created 2019-12-06 03:02:52 UTC: 11:02 in Shanghai, 22:02 the day before in New York.
const WORK_ORDER: &str = "20191206030252180";
const BILL: &str = "201911010001";
/// A work order with a stage waiting for the customer's acceptance.
const STAGED: &str = "20191205071325781";

async fn created(app: &TestApp, cookie: &str, from: &str, to: &str) -> Vec<String> {
    let page = json(
        app,
        "/api/work_orders",
        cookie,
        &format!("status=&from={from}&to={to}&q={WORK_ORDER}&sort=&after="),
    )
    .await;
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["created"].as_str().unwrap().to_owned())
        .collect()
}

async fn download(app: &TestApp, path: &str, cookie: &str) -> String {
    let answer = app.get(path, Some(cookie)).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}");
    String::from_utf8(answer.bytes).unwrap()
}

async fn stored_zone(app: &TestApp, email: &str) -> Vec<String> {
    app.strings(&format!(
        "SELECT COALESCE(time_zone, '-') FROM users WHERE email = '{email}'"
    ))
    .await
}

async fn times_are_shown_in_the_zone_the_viewer_chose(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let colleague = app.login("305102247@example.com").await;

    // Nobody has chosen: China Standard Time, offered first among the zones east of UTC.
    assert_eq!(created(&app, &admin, "", "").await, ["2019-12-06 11:02"]);
    let prefs = json(&app, "/api/preferences", &admin, "").await;
    assert_eq!(prefs["time_zone"], "Asia/Shanghai");
    assert!(prefs["now"].as_str().unwrap().ends_with("(UTC+08:00)"));
    let new_york = prefs["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == "America/New_York")
        .cloned()
        .unwrap();
    assert!(
        ["UTC-05:00", "UTC-04:00"].contains(&new_york["offset"].as_str().unwrap()),
        "{new_york}"
    );

    let saved = app
        .call(
            "/api/set_time_zone",
            Some(&admin),
            "time_zone=America%2FNew_York",
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(
        stored_zone(&app, "aku@example.com").await,
        ["America/New_York"]
    );

    // The admin's next requests are in New York time; the colleague's are not.
    assert_eq!(created(&app, &admin, "", "").await, ["2019-12-05 22:02"]);
    assert_eq!(
        created(&app, &colleague, "", "").await,
        ["2019-12-06 11:02"]
    );
    let prefs = json(&app, "/api/preferences", &admin, "").await;
    assert_eq!(prefs["time_zone"], "America/New_York");
    let page = app
        .get(&format!("/orders/{WORK_ORDER}"), Some(&admin))
        .await;
    assert!(
        page.body.contains("2019-12-05 22:02"),
        "detail page: {} {}",
        page.status,
        page.body
            .split("2019-12-0")
            .skip(1)
            .map(|s| &s[..12.min(s.len())])
            .collect::<Vec<_>>()
            .join(" | ")
    );
    assert!(!page.body.contains("2019-12-06 11:02"), "detail page");

    // A deadline names the offset it is read in: 2019-12-10 10:00 UTC.
    app.strings(&format!(
        "UPDATE milestones SET due_at = 1575972000 WHERE status = 'awaiting_acceptance'
           AND work_order_id = (SELECT id FROM work_orders WHERE work_order_no = '{STAGED}')"
    ))
    .await;
    let detail = work_order(&app, &admin, STAGED).await;
    let dues: Vec<&str> = detail["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["due"].as_str())
        .filter(|due| !due.is_empty())
        .collect();
    assert_eq!(dues, ["2019-12-10 05:00 (UTC-05:00)"]);
    let detail = work_order(&app, &colleague, STAGED).await;
    assert_eq!(
        detail["milestones"][0]["due"],
        "2019-12-10 18:00 (UTC+08:00)"
    );

    // A date filter counts the viewer's days.
    assert_eq!(
        created(&app, &admin, "2019-12-05", "2019-12-05")
            .await
            .len(),
        1
    );
    assert_eq!(
        created(&app, &admin, "2019-12-06", "2019-12-06")
            .await
            .len(),
        0
    );
    assert_eq!(
        created(&app, &colleague, "2019-12-05", "2019-12-05")
            .await
            .len(),
        0
    );
    assert_eq!(
        created(&app, &colleague, "2019-12-06", "2019-12-06")
            .await
            .len(),
        1
    );

    // Exports carry the times as the page shows them, their zone named in the header.
    let csv = download(&app, &format!("/orders/export.csv?q={WORK_ORDER}"), &admin).await;
    let header = csv.lines().next().unwrap();
    assert!(header.contains("(America/New_York)"), "{header}");
    assert!(csv.contains("2019-12-05 22:02"), "{csv}");
    let csv = download(
        &app,
        &format!("/orders/export.csv?q={WORK_ORDER}"),
        &colleague,
    )
    .await;
    assert!(csv.lines().next().unwrap().contains("(Asia/Shanghai)"));

    let bill = json(&app, "/api/bill", &admin, &format!("no={BILL}&page=&line=")).await;
    assert_eq!(bill["time_zone"], "America/New_York");
    let traded: Vec<String> = bill["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["traded_at"].as_str().unwrap().to_owned())
        .collect();
    assert!(!traded.is_empty());
    let csv = download(&app, &format!("/bills/{BILL}/export.csv"), &admin).await;
    assert!(csv.lines().next().unwrap().contains("(America/New_York)"));
    for at in &traded {
        assert!(csv.contains(at.as_str()), "{at} in the bill's CSV");
    }
    let shanghai = json(
        &app,
        "/api/bill",
        &colleague,
        &format!("no={BILL}&page=&line="),
    )
    .await;
    assert_ne!(
        shanghai["lines"][0]["traded_at"],
        bill["lines"][0]["traded_at"]
    );

    // The change is in the account's history, with the zone chosen.
    assert_eq!(
        app.strings("SELECT detail FROM audit_log WHERE action = 'time_zone_changed'")
            .await,
        ["America/New_York"]
    );
    let audit = download(&app, "/audit/export.csv", &admin).await;
    assert!(audit.lines().next().unwrap().contains("(America/New_York)"));
    let entry = audit
        .lines()
        .find(|line| line.contains("修改时区"))
        .expect("the change in the export");
    assert!(entry.contains("America/New_York"), "{entry}");
}

async fn a_zone_not_offered_is_refused_and_changes_nothing(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    for typed in [
        "Mars%2FOlympus",
        "..%2F..%2Fetc%2Fpasswd",
        "",
        "asia%2Fshanghai",
    ] {
        let refused = app
            .call(
                "/api/set_time_zone",
                Some(&admin),
                &format!("time_zone={typed}"),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        let error: Value = serde_json::from_str(&refused.body).unwrap_or_default();
        assert!(
            refused.body.contains("prefs.zone_unknown"),
            "{typed}: {error}"
        );
    }
    assert_eq!(stored_zone(&app, "aku@example.com").await, ["-"]);

    // Without JavaScript: back to the form with the error next to the field, or saved.
    let refused = app
        .post_form("/api/set_time_zone", Some(&admin), "time_zone=Nowhere")
        .await;
    assert!(
        refused.location().starts_with("/account/preferences?")
            || refused.location().contains("form=preferences"),
        "{}",
        refused.location()
    );
    assert!(refused
        .location()
        .contains("e.time_zone=prefs.zone_unknown"));
    let saved = app
        .post_form("/api/set_time_zone", Some(&admin), "time_zone=Asia%2FTokyo")
        .await;
    assert_eq!(saved.location(), "/account/preferences?saved=1");
    let page = app.get("/account/preferences?saved=1", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("已保存"));
    assert!(
        page.body.contains(r#"<option value="Asia/Tokyo" selected"#),
        "Tokyo chosen"
    );
    assert!(page.body.contains("(UTC+09:00)"));

    // Signed out, nothing to set.
    let anonymous = app
        .call("/api/set_time_zone", None, "time_zone=Asia%2FTokyo")
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}
