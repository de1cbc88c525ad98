//! Sign-in, sessions, realms and tenant scoping, on SQLite and PostgreSQL alike.

use crate::common::{TestApp, PASSWORD};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

on_both_databases!(
    signing_in_starts_a_fresh_session_and_lands_home,
    wrong_password_and_unknown_email_answer_alike,
    pages_need_a_session,
    a_foreign_provider_is_not_found,
    activity_is_scoped_to_the_current_provider,
    switching_provider_changes_the_scope,
    realms_are_separate,
    signing_out_ends_the_session,
    idle_sessions_expire,
    members_without_an_active_membership_cannot_sign_in,
    error_pages_are_localized,
    concurrent_writers_all_succeed,
    cross_site_posts_are_refused,
    probes_answer,
    restarting_keeps_data_and_loads_the_demo_once,
);

async fn signing_in_starts_a_fresh_session_and_lands_home(app: TestApp) {
    let first = app.try_login("AKU@example.com ", PASSWORD).await;
    assert_eq!(first.status, StatusCode::FOUND);
    assert_eq!(first.location(), "/");
    let cookie = first.session_cookie().unwrap();
    let set_cookie = first
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));

    let home = app.get("/", Some(&cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("MSP-A_TEST1"));
    assert!(home.body.contains("欢迎，AKU"));

    // Signing in again from the same browser replaces the session: the old one is gone.
    let again = app
        .send(
            Request::post("/api/login")
                .header(header::ACCEPT, "text/html")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &cookie)
                .body(Body::from(format!(
                    "email=aku%40example.com&password={}&challenge={}&slider=100&next=%2Fbills",
                    app::kit::forms::encode_query(PASSWORD),
                    app.challenge().await
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(again.location(), "/bills");
    let renewed = again.session_cookie().unwrap();
    assert_ne!(renewed, cookie);
    assert_eq!(
        app.get("/", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/", Some(&renewed)).await.status, StatusCode::OK);
}

async fn wrong_password_and_unknown_email_answer_alike(app: TestApp) {
    let wrong = app.try_login("aku@example.com", "not-the-password").await;
    let unknown = app
        .try_login("nobody@example.com", "not-the-password")
        .await;
    let not_activated = app.try_login("racikg@example.com", PASSWORD).await;
    for answer in [&wrong, &unknown, &not_activated] {
        assert_eq!(answer.status, StatusCode::FOUND);
        assert!(answer
            .location()
            .starts_with("/login?error=credentials&email="));
        assert!(answer.session_cookie().is_none());
    }
    // The email is kept for the form; the password never travels back.
    assert!(wrong.location().contains("email=aku%40example.com"));
    assert!(!wrong.location().contains("not-the-password"));

    let page = app.get(wrong.location(), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("邮箱或密码错误"));
    assert!(page.body.contains(r#"value="aku@example.com""#));
}

async fn pages_need_a_session(app: TestApp) {
    let home = app.get("/", None).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/login");
    let bills = app.get("/bills?page=2", None).await;
    assert_eq!(bills.location(), "/login?next=%2Fbills%3Fpage%3D2");
    let forged = app.get("/", Some("pc_session=00ff")).await;
    assert_eq!(forged.status, StatusCode::SEE_OTHER);

    // Server functions answer 401 without a session, and say nothing more.
    let data = app.call("/api/home", None, "").await;
    assert_eq!(data.status, StatusCode::UNAUTHORIZED);
    assert_eq!(data.body, r#""Unauthorized""#);

    // Signed in, the login page sends you home.
    let cookie = app.login("aku@example.com").await;
    assert_eq!(app.get("/login", Some(&cookie)).await.location(), "/");
}

async fn a_foreign_provider_is_not_found(app: TestApp) {
    let blue_cloud = app.provider_id("蓝云").await;
    // 305102247 belongs to MSP-A_TEST1 only.
    let cookie = app.login("305102247@example.com").await;
    let switch = app
        .call(
            "/api/switch_provider",
            Some(&cookie),
            &format!("provider_id={blue_cloud}"),
        )
        .await;
    assert_eq!(switch.status, StatusCode::NOT_FOUND);
    assert_eq!(switch.body, r#""NotFound""#);
    // An id that exists nowhere answers the same.
    let none = app
        .call("/api/switch_provider", Some(&cookie), "provider_id=999999")
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    // Still scoped to their own provider afterwards.
    let home = app.call("/api/home", Some(&cookie), "").await;
    assert!(home.body.contains("MSP-A_TEST1") && !home.body.contains("蓝云"));
    // Malformed input is a client error, not a crash.
    let garbage = app
        .call("/api/switch_provider", Some(&cookie), "provider_id=abc")
        .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert_eq!(garbage.body, r#""BadRequest""#);
}

async fn activity_is_scoped_to_the_current_provider(app: TestApp) {
    // enjian signs in to 蓝云; AKU, in MSP-A_TEST1, must not see it.
    app.login("enjian@example.com").await;
    let aku = app.login("aku@example.com").await;
    let home = app.call("/api/home", Some(&aku), "").await;
    assert_eq!(home.status, StatusCode::OK);
    let data: serde_json::Value = serde_json::from_str(&home.body).unwrap();
    assert_eq!(data["provider_name"], "MSP-A_TEST1");
    let actors: Vec<&str> = data["activity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert!(actors.contains(&"AKU"));
    assert!(
        !actors.contains(&"enjian"),
        "foreign activity leaked: {actors:?}"
    );
}

async fn switching_provider_changes_the_scope(app: TestApp) {
    let blue_cloud = app.provider_id("蓝云").await;
    let cookie = app.login("aku@example.com").await;
    let switch = app
        .post_form(
            "/api/switch_provider",
            Some(&cookie),
            &format!("provider_id={blue_cloud}"),
        )
        .await;
    assert_eq!(switch.status, StatusCode::FOUND);
    assert_eq!(switch.location(), "/");
    let data: serde_json::Value =
        serde_json::from_str(&app.call("/api/home", Some(&cookie), "").await.body).unwrap();
    assert_eq!(data["provider_name"], "蓝云");
    assert_eq!(data["role_key"], "role.co_admin");
    let actors = data["activity"].to_string();
    assert!(actors.contains("switch_provider"));
}

async fn realms_are_separate(app: TestApp) {
    let member = app.login("aku@example.com").await;
    assert_eq!(
        app.get("/platform", Some(&member)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call("/api/platform_providers", Some(&member), "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let operator = app.try_login("operator@example.com", PASSWORD).await;
    assert_eq!(operator.location(), "/platform");
    let operator = operator.session_cookie().unwrap();
    let forbidden = app.get("/", Some(&operator)).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(forbidden.body.contains("您没有权限访问此页面"));
    assert_eq!(
        app.call("/api/home", Some(&operator), "").await.status,
        StatusCode::FORBIDDEN
    );
    let platform = app.get("/platform", Some(&operator)).await;
    assert_eq!(platform.status, StatusCode::OK);
    assert!(platform.body.contains("MSP-A_TEST1") && platform.body.contains("蓝云"));
}

async fn signing_out_ends_the_session(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let out = app.post_form("/api/logout", Some(&cookie), "").await;
    assert_eq!(out.status, StatusCode::FOUND);
    assert_eq!(out.location(), "/login");
    let cleared = out
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cleared.starts_with("pc_session=;") && cleared.contains("Max-Age=0"));
    assert_eq!(
        app.get("/", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.call("/api/home", Some(&cookie), "").await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn idle_sessions_expire(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let idle = app::accounts::sessions::model::IDLE_TIMEOUT_SECS + 1;
    app.execute_with("UPDATE sessions SET last_seen_at = last_seen_at - $1", idle)
        .await;
    assert_eq!(
        app.get("/", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    let left = app.number("SELECT COUNT(*) AS n FROM sessions").await;
    assert_eq!(
        left, 0,
        "an expired session is deleted when it is presented"
    );
}

async fn members_without_an_active_membership_cannot_sign_in(app: TestApp) {
    // oy69764 (test-login1) is a disabled member of MSP-A_TEST1 (manual §5.1.1, ✘).
    let answer = app.try_login("oy69764@example.com", PASSWORD).await;
    assert!(answer.location().starts_with("/login?error=no_provider"));
    assert!(answer.session_cookie().is_none());

    // Disabling a member ends access at their next request, even mid-session.
    let cookie = app.login("305102247@example.com").await;
    app.execute(
        "UPDATE memberships SET status = 'disabled'
         WHERE user_id = (SELECT id FROM users WHERE email = '305102247@example.com')",
    )
    .await;
    assert_eq!(
        app.get("/", Some(&cookie)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call("/api/home", Some(&cookie), "").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn error_pages_are_localized(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let zh = app.get("/no-such-page", Some(&cookie)).await;
    assert_eq!(zh.status, StatusCode::NOT_FOUND);
    assert!(zh.body.contains("页面不存在") && zh.body.contains(r#"lang="zh-CN""#));

    let en = app
        .send(
            Request::get("/no-such-page")
                .header(header::COOKIE, &cookie)
                .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9,zh;q=0.1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(en.status, StatusCode::NOT_FOUND);
    assert!(en.body.contains("Page not found") && en.body.contains(r#"lang="en""#));

    // The switch sets a cookie that wins over Accept-Language, and returns to the page.
    let switch = app
        .send(
            Request::get("/lang/en")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::REFERER, "http://127.0.0.1:3000/bills")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(switch.location(), "/bills");
    let lang = switch
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(lang.starts_with("pc_lang=en;"));
    let english = app.get("/", Some(&format!("{cookie}; pc_lang=en"))).await;
    assert!(english.body.contains("Welcome, AKU") && english.body.contains("Sign out"));
}

async fn concurrent_writers_all_succeed(app: TestApp) {
    // Sixteen sign-ins at once, each writing a session, a login time and an audit entry:
    // on SQLite this needs BEGIN IMMEDIATE and a busy timeout, or some fail with SQLITE_BUSY.
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..16 {
        let app = app.clone();
        let email = if i % 2 == 0 {
            "aku@example.com"
        } else {
            "enjian@example.com"
        };
        tasks.push(tokio::spawn(
            async move { app.try_login(email, PASSWORD).await },
        ));
    }
    for task in tasks {
        let answer = task.await.unwrap();
        assert_eq!(answer.status, StatusCode::FOUND);
        assert!(
            answer.session_cookie().is_some(),
            "a sign-in failed: {}",
            answer.location()
        );
    }
    let sessions = app.number("SELECT COUNT(*) AS n FROM sessions").await;
    assert_eq!(sessions, 16);
}

async fn cross_site_posts_are_refused(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    for (name, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let answer = app
            .send(
                Request::post("/api/logout")
                    .header(header::COOKIE, &cookie)
                    .header(name, value)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{name}: {value}");
    }
    assert_eq!(app.get("/", Some(&cookie)).await.status, StatusCode::OK);
    let same_origin = app
        .send(
            Request::post("/api/logout")
                .header(header::COOKIE, &cookie)
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::ORIGIN, "http://127.0.0.1:3000")
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(same_origin.status, StatusCode::FOUND);
}

async fn probes_answer(app: TestApp) {
    let health = app.get("/healthz", None).await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok")
    );
    let ready = app.get("/readyz", None).await;
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (StatusCode::OK, "ready")
    );
    assert!(health.headers.contains_key("x-request-id"));
}

async fn restarting_keeps_data_and_loads_the_demo_once(app: TestApp) {
    app.login("aku@example.com").await;
    let again = TestApp::start(&app.url).await;
    let providers = again.number("SELECT COUNT(*) AS n FROM providers").await;
    assert_eq!(providers, 2);
    let logins = again
        .number("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'login'")
        .await;
    assert_eq!(logins, 1);
}
