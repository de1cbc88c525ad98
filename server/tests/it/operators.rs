//! 平台 › 运营人员: operators invite operators by mail, disable and reinstate them; nobody
//! disables themselves, and two operators disabling each other at once leave one.

use crate::common::{enc, json, mailed_token, TestApp};
use axum::http::StatusCode;
use serde_json::Value;

on_both_databases!(
    operators_invite_disable_and_reinstate_operators,
    two_operators_disabling_each_other_leave_one,
    only_operators_manage_operators,
);

const PASSWORD: &str = "Lantern-Orbit-Seventeen-42";

async fn operators(app: &TestApp, cookie: &str) -> Vec<Value> {
    json(app, "/api/platform_operators", cookie, "q=&page=&per=100").await["rows"]
        .as_array()
        .unwrap()
        .clone()
}

fn row<'a>(rows: &'a [Value], email: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["email"] == email)
        .unwrap_or_else(|| panic!("{email} in {rows:?}"))
}

/// Invites `email` as `by` and activates the mailed link; returns the new operator's session.
async fn new_operator(app: &TestApp, by: &str, email: &str) -> String {
    json(
        app,
        "/api/invite_operator",
        by,
        &format!("email={}", enc(email)),
    )
    .await;
    let token = mailed_token(app, email, "/activate/").await;
    let activated = app
        .post_form(
            "/api/activate",
            None,
            &format!(
                "token={token}&name=Ops&phone=&password={PASSWORD}&confirm_password={PASSWORD}"
            ),
        )
        .await;
    assert!(activated.location().starts_with("/login?notice=activated"));
    let signed_in = app.try_login(email, PASSWORD).await;
    signed_in.session_cookie().expect("signed in")
}

async fn reads_the_platform(app: &TestApp, cookie: &str) -> bool {
    app.call("/api/platform_mail", Some(cookie), "")
        .await
        .status
        == StatusCode::OK
}

async fn operators_invite_disable_and_reinstate_operators(app: TestApp) {
    let first = app.login("operator@example.com").await;
    let rows = operators(&app, &first).await;
    assert_eq!(row(&rows, "operator@example.com")["state"], "Active");
    assert_eq!(row(&rows, "operator@example.com")["is_self"], true);

    // Refused next to the field, what was typed kept (no JavaScript).
    let member = app
        .post_form(
            "/api/invite_operator",
            Some(&first),
            "email=aku%40example.com",
        )
        .await;
    assert!(
        member.location().contains("e.email=operators.error.member")
            && member.location().contains("v.email=aku%40example.com"),
        "{}",
        member.location()
    );
    let invalid = app
        .call("/api/invite_operator", Some(&first), "email=nope")
        .await;
    assert!(
        invalid.body.contains("form.email_invalid"),
        "{}",
        invalid.body
    );

    let second = new_operator(&app, &first, "second-op@example.com").await;
    assert!(reads_the_platform(&app, &second).await);
    let rows = operators(&app, &first).await;
    let id = row(&rows, "second-op@example.com")["id"].as_i64().unwrap();
    assert_eq!(row(&rows, "second-op@example.com")["state"], "Active");

    // Nobody disables themselves.
    let own = app
        .call(
            "/api/disable_operator",
            Some(&second),
            &format!("user_id={id}"),
        )
        .await;
    assert!(own.body.contains("operators.error.self"), "{}", own.body);

    json(
        &app,
        "/api/disable_operator",
        &first,
        &format!("user_id={id}"),
    )
    .await;
    assert!(
        !reads_the_platform(&app, &second).await,
        "the disabled operator's session ended"
    );
    let again = app.try_login("second-op@example.com", PASSWORD).await;
    assert!(
        again.session_cookie().is_none(),
        "a disabled operator no longer signs in"
    );
    assert!(
        again
            .location()
            .starts_with("/login?error=operator_disabled"),
        "told why: {}",
        again.location()
    );
    let rows = operators(&app, &first).await;
    assert_eq!(row(&rows, "second-op@example.com")["state"], "Disabled");
    let audited = app
        .number("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'operator_disabled'")
        .await;
    assert_eq!(audited, 1);

    json(
        &app,
        "/api/reinstate_operator",
        &first,
        &format!("user_id={id}"),
    )
    .await;
    let back = app.try_login("second-op@example.com", PASSWORD).await;
    let back = back
        .session_cookie()
        .unwrap_or_else(|| panic!("reinstated, signs in: {}", back.location()));
    assert!(reads_the_platform(&app, &back).await);
    let rows = operators(&app, &first).await;
    assert_eq!(row(&rows, "second-op@example.com")["state"], "Active");
    // A provider's member is not in the list, and a stranger's id is not found.
    assert!(rows.iter().all(|r| r["email"] != "aku@example.com"));
    let aku = app
        .number("SELECT id AS n FROM users WHERE email = 'aku@example.com'")
        .await;
    let stranger = app
        .call(
            "/api/disable_operator",
            Some(&first),
            &format!("user_id={aku}"),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND, "{}", stranger.body);
}

async fn two_operators_disabling_each_other_leave_one(app: TestApp) {
    let first = app.login("operator@example.com").await;
    let second = new_operator(&app, &first, "second-op@example.com").await;
    let rows = operators(&app, &first).await;
    let first_id = row(&rows, "operator@example.com")["id"].as_i64().unwrap();
    let second_id = row(&rows, "second-op@example.com")["id"].as_i64().unwrap();
    let (disable_second, disable_first) = (
        format!("user_id={second_id}"),
        format!("user_id={first_id}"),
    );
    let (a, b) = tokio::join!(
        app.call("/api/disable_operator", Some(&first), &disable_second),
        app.call("/api/disable_operator", Some(&second), &disable_first),
    );
    let done = [&a, &b]
        .iter()
        .filter(|answer| answer.status == StatusCode::OK)
        .count();
    assert_eq!(done, 1, "{} {} / {} {}", a.status, a.body, b.status, b.body);
    // The other was refused as the last one, or found its own session already ended.
    let refused = if a.status == StatusCode::OK { &b } else { &a };
    assert!(
        refused.body.contains("operators.error.last") || refused.status == StatusCode::UNAUTHORIZED,
        "{} {}",
        refused.status,
        refused.body
    );
    let active = app
        .number(
            "SELECT COUNT(*) AS n FROM users
             WHERE platform_role = 'operator' AND operator_disabled_at IS NULL",
        )
        .await;
    assert_eq!(active, 1);
}

async fn only_operators_manage_operators(app: TestApp) {
    let member = app.login("aku@example.com").await;
    for (path, body) in [
        ("/api/platform_operators", "q=&page="),
        ("/api/invite_operator", "email=x%40example.com"),
        ("/api/disable_operator", "user_id=1"),
        ("/api/reinstate_operator", "user_id=1"),
    ] {
        let answer = app.call(path, Some(&member), body).await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            answer.body
        );
    }
    let page = app.get("/platform/operators", Some(&member)).await;
    assert!(!page.body.contains("data-testid=\"operators\""));
}
