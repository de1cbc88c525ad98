//! Attacks that worked once (issue #14), each kept closed on both databases: script from a
//! link, a provider writing another tenant's or the platform's accounts, open redirects,
//! live links in the mail log, second-factor guessing, floods of anonymous requests, huge
//! page numbers, acceptance links that outlive their answer, a webhook without a secret.

use crate::acceptance::{smtp, smtp_peer};
use crate::common::{
    advance_stage, age_invitations, current_code, enc, mailed_token, members, pending_cookie,
    work_order, TestApp, PASSWORD,
};
use axum::http::{header, StatusCode};
use serde_json::Value;
use server::config::Config;
use sqlx::Row;

on_both_databases!(
    rich_text_from_the_url_is_only_ever_text,
    every_page_has_a_nonce_policy_and_downloads_run_nothing,
    memberships_are_by_consent_and_never_touch_the_account,
    invitations_are_no_mail_cannon,
    the_mail_log_shows_no_live_link_once_smtp_delivers,
    second_factor_guessing_across_sign_ins_waits_and_is_told,
    a_new_password_ends_reset_links_and_pending_sign_ins,
    sign_in_never_redirects_off_the_portal,
    huge_page_numbers_are_refused_not_failed,
    acceptance_downloads_end_with_the_link,
    anonymous_link_requests_are_throttled_per_client,
    abandoned_drafts_and_orphaned_files_are_swept,
    parallel_second_factor_guesses_get_one_try,
    revoking_and_inviting_again_is_no_way_around_the_limit,
    a_form_of_many_fields_is_refused,
    linking_an_identity_needs_the_password,
    links_in_mails_written_before_0012_are_hidden_too,
);

/// Mails stored by a release before 0012 noted no secrets: migration 0013 finds their link,
/// blanks it from copies already delivered and notes it on those still waiting.
async fn links_in_mails_written_before_0012_are_hidden_too(app: TestApp) {
    use app::kit::db::Db;
    use app::kit::mail::{redact, REDACTED};
    let db = Db::connect(&app.fresh_database_url().await).await.unwrap();
    db.migrate_until(12).await.unwrap();
    let token = |digit: &str| digit.repeat(64);
    let link = |path: &str, token: &str| format!("https://pc.example/{path}/{token}");
    let rows = [
        // (text, delivered): a reset, an invitation and an acceptance link, as 0011 wrote them.
        (
            format!(
                "重置密码 / Reset password: {}\n\n",
                link("reset", &token("a"))
            ),
            true,
        ),
        (
            format!("点击此处激活: {}\n\n", link("activate", &token("b"))),
            true,
        ),
        (format!("验收: {}\n\n", link("accept", &token("c"))), false),
        // A notice that merely names a path, and a link that is no token: left as they are.
        (
            format!("See {} and /reset/ for help\n", link("orders", &token("d"))),
            true,
        ),
        (format!("{}\n", link("reset", "not-a-token")), true),
    ];
    for (text, delivered) in &rows {
        sqlx::query(
            "INSERT INTO outbox (to_address, subject, body_text, body_html, created_at,
                                 next_attempt_at, sent_at)
             VALUES ('a@example.com', 's', $1, $2, 1, 1, $3)",
        )
        .bind(text)
        .bind(format!("<a href=\"{text}\">{text}</a>"))
        .bind(delivered.then_some(2_i64))
        .execute(db.pool())
        .await
        .unwrap();
    }
    db.migrate().await.unwrap();
    let stored = sqlx::query("SELECT body_text, body_html, secrets FROM outbox ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap();
    let stored: Vec<(String, String, String)> = stored
        .iter()
        .map(|r| (r.get("body_text"), r.get("body_html"), r.get("secrets")))
        .collect();
    for (i, digit) in [(0, "a"), (1, "b")] {
        let (text, html, secrets) = &stored[i];
        assert!(
            !text.contains(&token(digit)) && !html.contains(&token(digit)),
            "{text} {html}"
        );
        assert!(
            text.contains(REDACTED) && html.contains(REDACTED),
            "{text} {html}"
        );
        assert_eq!(secrets, "");
    }
    // Still to be delivered: the link stays for the recipient, noted so the log hides it.
    let (text, _, secrets) = &stored[2];
    assert!(text.contains(&token("c")));
    assert_eq!(secrets, &format!("/accept/{}", token("c")));
    assert!(!redact(text, secrets).contains(&token("c")));
    for (i, (text, _)) in rows.iter().enumerate().skip(3) {
        assert_eq!(&stored[i].0, text);
        assert_eq!(stored[i].2, "");
    }
}

async fn parallel_second_factor_guesses_get_one_try(app: TestApp) {
    let email = "enjian@example.com";
    enrol(&app, email).await;
    app.execute_with(
        "UPDATE users SET second_factor_failures = 4 WHERE email = $1",
        email,
    )
    .await;
    let mut pendings = Vec::new();
    for _ in 0..4 {
        pendings.push(pending_cookie(&app.try_login(email, PASSWORD).await));
    }
    let guesses = pendings.iter().flat_map(|pending| {
        let app = &app;
        (0..3).map(move |_| async move {
            app.call("/api/login_verify", Some(pending), "code=000000")
                .await
        })
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|a| a.body.contains("\"login.error.code\""))
        .count();
    assert_eq!(checked, 1, "one guess checked, the others told to wait");
    assert_eq!(second_factor_failures(&app, email).await, 5);
}

async fn revoking_and_inviting_again_is_no_way_around_the_limit(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let mut invited = 0;
    for _ in 0..8 {
        let answer = app
            .call(
                "/api/invite_member",
                Some(&admin),
                "email=again%40example.com&role=user",
            )
            .await;
        if answer.status != StatusCode::OK {
            assert!(
                answer.body.contains("users.error.resend_limit"),
                "{}",
                answer.body
            );
            break;
        }
        invited += 1;
        let (id, _, _) = account(&app, "again@example.com").await;
        let revoked = app
            .call(
                "/api/revoke_invitation",
                Some(&admin),
                &format!("user_id={id}"),
            )
            .await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
        age_invitations(&app, id, 61).await;
    }
    assert_eq!(invited, 5);
}

async fn a_form_of_many_fields_is_refused(app: TestApp) {
    let names: Vec<String> = (0..100).map(|n| format!("f{n}")).collect();
    let mut fields: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "x")).collect();
    fields.push(("company_name", "字段公司"));
    fields.push(("responsible_person", "王"));
    let answer = app
        .multipart(
            "/register",
            "",
            &fields,
            &[("files", "a.pdf", b"%PDF-1.7 a")],
        )
        .await;
    assert!(
        answer.location().starts_with("/register?form=company"),
        "{}",
        answer.location()
    );
    let big = "x".repeat(70 * 1024);
    let answer = app
        .multipart(
            "/register",
            "",
            &[("company_name", big.as_str()), ("responsible_person", "王")],
            &[("files", "a.pdf", b"%PDF-1.7 a")],
        )
        .await;
    assert!(
        answer.location().starts_with("/register?form=company"),
        "{}",
        answer.location()
    );
    let drafts = app
        .number("SELECT COUNT(*) AS n FROM registrations WHERE status = 'draft'")
        .await;
    assert_eq!(drafts, 0);
}

async fn linking_an_identity_needs_the_password(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let wrong = app
        .post_form("/auth/oidc/link", Some(&cookie), "password=not-it")
        .await;
    assert_eq!(wrong.location(), "/account/security?oidc=password");
    let anonymous = app.post_form("/auth/oidc/link", None, "password=x").await;
    assert_eq!(anonymous.location(), "/login");
    // The old GET link starts nothing that links.
    let get = app.get("/auth/oidc/start?link=1", Some(&cookie)).await;
    assert!(!get.location().contains("oidc=linked"));
}

async fn rich_text_from_the_url_is_only_ever_text(app: TestApp) {
    let cookie = app.login("305102247@example.com").await;
    let payloads = [
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "</textarea><script>alert(1)</script>",
        "<iframe src=javascript:alert(1)>",
    ];
    for payload in payloads {
        let page = app
            .get(
                &format!(
                    "/services/new?form=service-basic&e.name=form.required&v.description={}",
                    enc(payload)
                ),
                Some(&cookie),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains(payload), "{payload} rendered as markup");
        for tag in ["<img src=x", "<svg onload", "<script>alert", "<iframe src="] {
            assert!(!page.body.contains(tag), "{tag} in the page for {payload}");
        }
        // It is kept, as text, where a browser without JavaScript edits it.
        assert!(page.body.contains("&lt;"), "{payload} kept as text");
    }
}

/// The nonce of a page's Content-Security-Policy.
fn policy_nonce(policy: &str) -> String {
    let start = policy.find("'nonce-").expect("a script nonce") + "'nonce-".len();
    policy[start..].split('\'').next().unwrap().to_owned()
}

async fn every_page_has_a_nonce_policy_and_downloads_run_nothing(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let mut nonces = Vec::new();
    for path in ["/", "/orders", "/services", "/bills", "/users"] {
        let page = app.get(path, Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let policy = page
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{path} has no CSP"))
            .to_owned();
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "img-src 'self' https: data:",
            "'wasm-unsafe-eval'",
        ] {
            assert!(
                policy.contains(directive),
                "{path}: {directive} in {policy}"
            );
        }
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        // Without AAD sign-in, forms go nowhere but here.
        assert!(policy.ends_with("form-action 'self'"), "{policy}");
        let nonce = policy_nonce(&policy);
        assert!(
            page.body.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: the hydration script carries the response's nonce"
        );
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 5, "a fresh nonce per response");
    let login = app.get("/login", None).await;
    assert!(login.headers.contains_key(header::CONTENT_SECURITY_POLICY));
    // Not over https here: no HSTS.
    assert!(!login
        .headers
        .contains_key(header::STRICT_TRANSPORT_SECURITY));
    let export = app.get("/bills/export.csv", Some(&cookie)).await;
    let policy = export.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
}

/// The members list's rows that `q` finds.
async fn member_rows(app: &TestApp, cookie: &str, q: &str) -> Vec<Value> {
    let query = format!("q={}&role=&state=&sort=&page=&per=", enc(q));
    members(app, cookie, &query).await["rows"]
        .as_array()
        .unwrap()
        .clone()
}

async fn account(app: &TestApp, email: &str) -> (i64, String, String) {
    let row = sqlx::query("SELECT id, name, phone FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    (
        row.try_get("id").unwrap(),
        row.try_get("name").unwrap(),
        row.try_get("phone").unwrap(),
    )
}

async fn memberships_are_by_consent_and_never_touch_the_account(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    // The platform's operator cannot be pulled into a provider.
    let operator = app
        .call(
            "/api/invite_member",
            Some(&admin),
            "email=operator%40example.com&role=co_admin",
        )
        .await;
    assert_eq!(operator.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(operator.body.contains("users.error.operator"));
    assert!(member_rows(&app, &admin, "operator").await.is_empty());

    // Another provider's admin, invited: the provider sees an address and nothing else.
    let invited = app
        .call(
            "/api/invite_member",
            Some(&admin),
            "email=enjian%40example.com&role=user",
        )
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    let rows = member_rows(&app, &admin, "enjian").await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["email"], "enjian@example.com");
    assert_eq!(row["name"], "");
    assert_eq!(row["phone"], "");
    assert_eq!(row["last_login"], "");
    assert_eq!(row["activated"], false);
    // Searching by the account's name finds nothing while the invitation is open.
    assert!(member_rows(&app, &admin, "enjian@").await.len() == 1);
    app.execute("UPDATE users SET name = 'Secret Name' WHERE email = 'enjian@example.com'")
        .await;
    assert!(member_rows(&app, &admin, "Secret Name").await.is_empty());
    let (enjian_id, enjian_name, _) = account(&app, "enjian@example.com").await;
    let renamed = app
        .call(
            "/api/edit_member",
            Some(&admin),
            &format!("user_id={enjian_id}&name=Hijacked&phone=1"),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::CONFLICT);
    assert_eq!(account(&app, "enjian@example.com").await.1, enjian_name);

    // An active member's name and phone, edited by the provider: the membership changes,
    // the account (what other providers and the platform see) does not.
    let (user_id, name, phone) = account(&app, "305102247@example.com").await;
    let edited = app
        .call(
            "/api/edit_member",
            Some(&admin),
            &format!("user_id={user_id}&name=Renamed&phone=123"),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(
        account(&app, "305102247@example.com").await,
        (user_id, name, phone)
    );
    let rows = member_rows(&app, &admin, "305102247").await;
    assert_eq!(rows[0]["name"], "Renamed");
    assert_eq!(rows[0]["phone"], "123");
    // aku is co-admin of 蓝云 too: editing aku from MSP-A leaves what 蓝云 sees alone.
    let enjian = app.login("enjian@example.com").await;
    let (aku_id, _, _) = account(&app, "aku@example.com").await;
    let before = member_rows(&app, &enjian, "aku").await[0]["name"].clone();
    let self_edit = app
        .call(
            "/api/edit_member",
            Some(&admin),
            &format!("user_id={aku_id}&name=OnlyInA&phone="),
        )
        .await;
    assert_eq!(self_edit.status, StatusCode::OK, "{}", self_edit.body);
    assert_eq!(member_rows(&app, &enjian, "aku").await[0]["name"], before);
    assert_eq!(account(&app, "aku@example.com").await.1, "AKU");
}

async fn invitations_are_no_mail_cannon(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let invited = app
        .call(
            "/api/invite_member",
            Some(&admin),
            "email=cannon%40example.com&role=user",
        )
        .await;
    assert_eq!(invited.status, StatusCode::OK);
    let (id, _, _) = account(&app, "cannon@example.com").await;
    let resend = || async {
        app.call(
            "/api/resend_invitation",
            Some(&admin),
            &format!("user_id={id}"),
        )
        .await
    };
    let mut sent = 1;
    for _ in 0..8 {
        // A minute later each time: the daily cap is what stops it.
        age_invitations(&app, id, 61).await;
        if resend().await.status == StatusCode::OK {
            sent += 1;
        }
    }
    assert_eq!(sent, 5, "five invitation mails a day");
    let mails = app
        .number_with(
            "SELECT COUNT(*) AS n FROM outbox WHERE to_address = $1",
            "cannon@example.com",
        )
        .await;
    assert_eq!(mails, 5);
    let refused = resend().await;
    assert!(refused.body.contains("users.error.resend_limit"));
}

async fn the_mail_log_shows_no_live_link_once_smtp_delivers(app: TestApp) {
    // Development (no SMTP): the log says so and shows the link.
    let operator = app.login("operator@example.com").await;
    app.post_form("/api/request_reset", None, "email=aku%40example.com")
        .await;
    let log = app.call("/api/platform_mail", Some(&operator), "").await;
    assert!(log.body.contains("/reset/"));
    assert!(log.body.contains("\"development\":true"));

    // With SMTP configured: never in the log, and gone from the stored copy once sent.
    let smtp_app = app
        .another(|config| config.smtp_host = Some("127.0.0.1".into()))
        .await;
    let operator = smtp_app.login("operator@example.com").await;
    smtp_app
        .post_form("/api/request_reset", None, "email=enjian%40example.com")
        .await;
    let log = smtp_app
        .call("/api/platform_mail", Some(&operator), "")
        .await;
    assert!(log.body.contains("\"development\":false"));
    assert!(!log.body.contains("/reset/"), "{}", log.body);
    assert!(log.body.contains(app::kit::mail::REDACTED));
    let page = smtp_app.get("/platform/mail", Some(&operator)).await;
    assert!(!page.body.contains("/reset/"));
    let stored = || async {
        let row = sqlx::query(
            "SELECT body_text, body_html FROM outbox WHERE to_address = 'enjian@example.com'
             ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(smtp_app.db.pool())
        .await
        .unwrap();
        (
            row.try_get::<String, _>("body_text").unwrap(),
            row.try_get::<String, _>("body_html").unwrap(),
        )
    };
    assert!(stored().await.0.contains("/reset/"), "kept until delivered");
    smtp_app
        .execute("UPDATE outbox SET next_attempt_at = 0 WHERE sent_at IS NULL")
        .await;
    let (port, peer) = smtp_peer().await;
    let mut sent = 0;
    for _ in 0..5 {
        sent += app::kit::mail::send_due(&smtp_app.db, &smtp(port))
            .await
            .unwrap();
        if stored().await.0.contains(app::kit::mail::REDACTED) {
            break;
        }
    }
    assert!(sent >= 1);
    let (text, html) = stored().await;

    assert!(
        !text.contains("/reset/") && !html.contains("/reset/"),
        "{text}"
    );
    // The recipient got the working link.
    let received = tokio::time::timeout(std::time::Duration::from_secs(5), peer)
        .await
        .unwrap()
        .unwrap();
    assert!(received.iter().any(|m| m.contains("/reset/")));
}

async fn second_factor_failures(app: &TestApp, email: &str) -> i64 {
    app.number_with(
        "SELECT second_factor_failures FROM users WHERE email = $1",
        email,
    )
    .await
}

async fn enrol(app: &TestApp, email: &str) -> String {
    let session = app.login(email).await;
    let started = app.call("/api/start_two_factor", Some(&session), "").await;
    assert_eq!(started.status, StatusCode::OK);
    let secret: String = sqlx::query("SELECT totp_secret FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get::<Option<String>, _>("totp_secret")
        .unwrap()
        .unwrap();
    // The code a step back: the current step is left for signing in.
    let step = app::kit::db::now() / app::accounts::security::two_factor::STEP_SECS - 1;
    let code = app::accounts::security::two_factor::code_at(&secret, step).unwrap();
    let confirmed = app
        .call(
            "/api/confirm_two_factor",
            Some(&session),
            &format!("code={code}"),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    secret
}

async fn second_factor_guessing_across_sign_ins_waits_and_is_told(app: TestApp) {
    let email = "enjian@example.com";
    let secret = enrol(&app, email).await;
    let mut wrong = 0;
    // Each password sign-in allows a few codes; the account keeps counting across them.
    for _ in 0..3 {
        let first = app.try_login(email, PASSWORD).await;
        assert_eq!(first.location(), "/login/verify");
        let pending = pending_cookie(&first);
        for _ in 0..2 {
            let bad = app
                .call("/api/login_verify", Some(&pending), "code=000000")
                .await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
            wrong += 1;
            if bad.body.contains("login.error.code_throttled") {
                break;
            }
        }
    }
    assert!(wrong >= 5);
    // Now even the right code waits, whatever sign-in it comes through.
    let again = app.try_login(email, PASSWORD).await;
    let pending = pending_cookie(&again);
    let right = current_code(&secret);
    let waiting = app
        .call(
            "/api/login_verify",
            Some(&pending),
            &format!("code={right}"),
        )
        .await;
    assert_eq!(waiting.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(waiting.body.contains("login.error.code_throttled"));
    // Audited and told.
    let audited = app
        .number("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'second_factor_failed'")
        .await;
    assert_eq!(audited, 5);
    let alert = app
        .number_with(
            "SELECT COUNT(*) AS n FROM outbox WHERE to_address = $1 AND subject LIKE '%Several wrong%'",
            email,
        )
        .await;
    assert_eq!(alert, 1);
    // Once the wait is over the right code signs in, and the count starts afresh.
    app
        .execute_with(
            "UPDATE users SET second_factor_failed_at = second_factor_failed_at - 3600 WHERE email = $1",
            email,
        )
        .await;
    let signed_in = app
        .post_form(
            "/api/login_verify",
            Some(&pending),
            &format!("code={right}"),
        )
        .await;
    assert!(
        signed_in.session_cookie().is_some(),
        "{}",
        signed_in.location()
    );
    assert_eq!(second_factor_failures(&app, email).await, 0);
}

async fn a_new_password_ends_reset_links_and_pending_sign_ins(app: TestApp) {
    app.post_form("/api/request_reset", None, "email=aku%40example.com")
        .await;
    let token = mailed_token(&app, "aku@example.com", "/reset/").await;
    let (aku, _, _) = account(&app, "aku@example.com").await;
    sqlx::query(
        "INSERT INTO pending_sign_ins (id, user_id, next, attempts, expires_at) VALUES ('p1', $1, '', 0, $2)",
    )
    .bind(aku)
    .bind(app::kit::db::now() + 300)
    .execute(app.db.pool())
    .await
    .unwrap();
    let cookie = app.login("aku@example.com").await;
    let strong = "Quartz-Meadow-Lantern-93";
    let changed = app
        .call(
            "/api/change_password",
            Some(&cookie),
            &format!("current_password={PASSWORD}&new_password={strong}&confirm_password={strong}"),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let used = app
        .call(
            "/api/reset_password",
            None,
            &format!("token={token}&new_password=Other-Harbor-Violin-71&confirm_password=Other-Harbor-Violin-71"),
        )
        .await;
    assert_ne!(used.status, StatusCode::OK, "the old reset link is dead");
    assert!(app.signs_in("aku@example.com", strong).await);
    let pending = app
        .number_with(
            "SELECT COUNT(*) AS n FROM pending_sign_ins WHERE user_id = $1",
            aku,
        )
        .await;
    assert_eq!(pending, 0);
}

/// The `next` values of the open-redirect corpus.
pub const HOSTILE_NEXT: &[&str] = &[
    "//evil.example/x",
    "/\t/evil.example/x",
    "/\n/evil.example/x",
    "/\r\n/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%09/evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " /evil",
    "/ /evil.example",
    "evil.example",
    "%2F%2Fevil.example",
    "/\u{3000}/evil.example",
];

async fn sign_in_never_redirects_off_the_portal(app: TestApp) {
    for next in HOSTILE_NEXT {
        let body = format!(
            "email=aku%40example.com&password={}&challenge={}&slider=100&next={}",
            enc(PASSWORD),
            app.challenge().await,
            enc(next)
        );
        let answer = app.post_form("/api/login", None, &body).await;
        let location = answer.location().to_owned();
        // A path of this site, as a browser reads it: one slash, then no slash or
        // backslash, and nothing it strips (tabs, newlines, spaces).
        let mut chars = location.chars();
        assert!(
            chars.next() == Some('/')
                && !matches!(chars.next(), Some('/' | '\\'))
                && !location
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == '\\'),
            "{next:?} → {location:?}"
        );
        // And the unauthenticated page keeps a hostile next inert (an attribute value).
        let page = app.get(&format!("/login?next={}", enc(next)), None).await;
        assert!(!page.body.contains("<script>alert"), "{next:?}");
    }
}

async fn huge_page_numbers_are_refused_not_failed(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    for page in ["9223372036854775807", "100001", "99999999999999999999999"] {
        for (path, body, cookie) in [
            (
                "/api/members",
                format!("q=&role=&state=&sort=&page={page}&per="),
                &admin,
            ),
            (
                "/api/service_items",
                format!("from=&to=&q=&status=&sort=&page={page}"),
                &admin,
            ),
            (
                "/api/audit_entries",
                format!("provider=&actor=&action=&from=&to=&before={page}&after=&platform=false"),
                &admin,
            ),
            (
                "/api/bills",
                format!("status=&from=&to=&page={page}"),
                &admin,
            ),
            (
                "/api/platform_tickets",
                format!("status=&page={page}"),
                &operator,
            ),
        ] {
            let answer = app.call(path, Some(cookie), &body).await;
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path} page={page}: {}",
                answer.body
            );
        }
        for path in ["/users", "/services", "/audit", "/bills", "/tickets"] {
            let answer = app.get(&format!("{path}?page={page}"), Some(&admin)).await;
            assert!(
                !answer.status.is_server_error(),
                "{path}?page={page}: {}",
                answer.status
            );
        }
    }
}

async fn acceptance_downloads_end_with_the_link(app: TestApp) {
    const NO: &str = "20190927070759188";
    let cookie = app.login("aku@example.com").await;
    let detail = work_order(&app, &cookie, NO).await;
    let id = detail["milestones"][0]["id"].as_i64().unwrap();
    let uploaded = app
        .multipart(
            &format!("/orders/{NO}/milestones/{id}/files"),
            &cookie,
            &[],
            &[("file", "报告.pdf", b"%PDF-1.7 report")],
        )
        .await;
    assert!(uploaded.status.is_redirection() || uploaded.status.is_success());
    let file = app
        .number_with("SELECT id FROM milestone_files WHERE milestone_id = $1", id)
        .await;
    let advance = advance_stage(&app, &cookie, NO, id).await;
    assert_eq!(advance.status, StatusCode::OK, "{}", advance.body);
    let token = mailed_token(&app, "buyer@example.com", "/accept/").await;
    let download = format!("/accept/{token}/files/{file}");
    assert_eq!(app.get(&download, None).await.status, StatusCode::OK);
    // Expired: nothing.
    app.execute("UPDATE acceptance_links SET expires_at = 0")
        .await;
    assert_eq!(app.get(&download, None).await.status, StatusCode::NOT_FOUND);
    // Answered (within its time): nothing either.
    sqlx::query(
        "UPDATE acceptance_links SET expires_at = $1, answered_at = $2, decision = 'accept'",
    )
    .bind(app::kit::db::now() + 3600)
    .bind(app::kit::db::now())
    .execute(app.db.pool())
    .await
    .unwrap();
    assert_eq!(app.get(&download, None).await.status, StatusCode::NOT_FOUND);
}

async fn anonymous_link_requests_are_throttled_per_client(app: TestApp) {
    let mut throttled = None;
    for n in 0..30 {
        let answer = app
            .post_form(
                "/api/request_reset",
                None,
                &format!("email=flood{n}%40example.com"),
            )
            .await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some((n, answer));
            break;
        }
        assert_eq!(answer.status, StatusCode::FOUND);
    }
    let (n, answer) = throttled.expect("a flood is throttled");
    assert!(n >= 5, "normal use is not throttled ({n})");
    let wait: u64 = answer.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
    // The registration form is limited on its own; a signed-in page is not limited at all.
    let cookie = app.login("aku@example.com").await;
    for _ in 0..40 {
        assert_eq!(
            app.get("/orders", Some(&cookie)).await.status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn a_helpdesk_url_without_a_webhook_secret_refuses_to_start() {
    let dir = std::env::temp_dir().join(format!("pc-helpdesk-{}", std::process::id()));
    let mut config = Config::for_database(&format!("sqlite://{}/db.sqlite", dir.display()));
    config.helpdesk_url = Some("http://127.0.0.1:9/".into());
    let refused = server::build(&config).await;
    assert!(refused.is_err(), "started without a webhook secret");
    config.helpdesk_webhook_secret = Some(String::new());
    assert!(server::build(&config).await.is_err());
}

#[tokio::test]
async fn forms_may_continue_to_the_identity_provider_only() {
    let dir = std::env::temp_dir().join(format!("pc-form-action-{}", std::process::id()));
    let mut config = Config::for_database(&format!("sqlite://{}/db.sqlite", dir.display()));
    config.oidc_issuer = Some("https://login.example.com/tenant-1/v2.0".into());
    config.oidc_client_id = Some("provider-center".into());
    let app = TestApp::with_config(config).await;
    let cookie = app.login("aku@example.com").await;
    let page = app.get("/account/security", Some(&cookie)).await;
    let policy = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        policy.ends_with("form-action 'self' https://login.example.com"),
        "{policy}"
    );
}

#[tokio::test]
async fn https_portals_send_hsts() {
    let dir = std::env::temp_dir().join(format!("pc-hsts-{}", std::process::id()));
    let mut config = Config::for_database(&format!("sqlite://{}/db.sqlite", dir.display()));
    config.public_url = Some("https://portal.example".into());
    let app = TestApp::with_config(config).await;
    let page = app.get("/login", None).await;
    let hsts = page.headers[header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap();
    assert!(hsts.starts_with("max-age=31536000"));
}

/// Leptos writes a `<textarea>`'s children unescaped: every textarea in the app must be
/// empty or get its content through `forms::text_html` as `inner_html` (or a DOM property).
#[test]
fn no_textarea_renders_its_children_raw() {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (at, _) in text.match_indices("<textarea") {
                    let tag_end = text[at..].find('>').map(|i| at + i).unwrap();
                    let rest = &text[tag_end + 1..];
                    let raw_children = !rest.trim_start().starts_with("</textarea>");
                    let tag = &text[at..tag_end];
                    if !tag.contains("name=") {
                        continue; // prose, not a form field
                    }
                    let safe = tag.contains("inner_html=crate::kit::forms::text_html")
                        || tag.contains("inner_html=move || crate::kit::forms::text_html");
                    if raw_children || (tag.contains("inner_html") && !safe) {
                        found.push(format!("{}: {}", path.display(), &text[at..tag_end + 1]));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"),
        &mut found,
    );
    assert!(found.is_empty(), "textareas with raw content: {found:#?}");
}

/// The process's peak resident memory (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM in /proc/self/status");
    let kb: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb * 1024
}

/// A 200 MB tutorial video streams through to storage: the server's peak memory grows by at
/// most 32 MB while it arrives (the test sends it as a stream too). The measurement runs in
/// a process of its own (this test binary, started again for just this test), so the peak
/// is this upload's whatever else runs beside it.
#[test]
fn a_200_mb_upload_keeps_memory_flat() {
    if std::env::var_os("PC_RSS_CHILD").is_some() {
        return tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(upload_200_mb_and_measure());
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "security::a_200_mb_upload_keeps_memory_flat",
            "--exact",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("PC_RSS_CHILD", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("1 passed"), "the measurement ran: {text}");
}

async fn upload_200_mb_and_measure() {
    use axum::body::{Body, Bytes};
    static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
    const SIZE: usize = 200_000_000;
    let app = TestApp::sqlite().await;
    let operator = app.login("operator@example.com").await;
    let boundary = "XBOUNDARYX";
    let mut head = String::new();
    for (name, value) in [
        ("topic", "orders"),
        ("title", "大文件"),
        ("description", ""),
        ("external_url", ""),
        ("duration", "1:00"),
    ] {
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    head.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"video\"; filename=\"big.webm\"\r\nContent-Type: video/webm\r\n\r\n"
    ));
    let mut first = head.into_bytes();
    let webm: &[u8] = b"\x1A\x45\xDF\xA3\x01\0\0\0\0\0\0\x1fB\x86\x81\x01B\x82\x84webm";
    first.extend_from_slice(webm);
    let header_len = webm.len();
    let chunks = (SIZE - header_len) / ZEROS.len();
    let rest = (SIZE - header_len) % ZEROS.len();
    let tail = format!("\r\n--{boundary}--\r\n");
    // Sent as a socket delivers it: a bounded window of chunks ready at a time (4 MB here,
    // like a TCP receive buffer), never the whole body at once.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(64);
    tokio::spawn(async move {
        let chunks = std::iter::once(Bytes::from(first))
            .chain((0..chunks).map(|_| Bytes::from_static(&ZEROS)))
            .chain(std::iter::once(Bytes::from_static(&ZEROS[..rest])))
            .chain(std::iter::once(Bytes::from(tail)));
        for chunk in chunks {
            if sender.send(Ok(chunk)).await.is_err() {
                break;
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(receiver);
    // The peak so far is the harness's; from here on it is the upload's.
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let before = peak_rss();
    let answer = app
        .send(
            axum::http::Request::post("/platform/tutorials")
                .header(header::COOKIE, &operator)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from_stream(stream))
                .unwrap(),
        )
        .await;
    let growth = peak_rss().saturating_sub(before);
    eprintln!(
        "peak RSS growth for the 200 MB upload: {} KB",
        growth / 1024
    );
    assert_eq!(answer.location(), "/platform/tutorials", "{}", answer.body);
    let size = app
        .number("SELECT video_size FROM tutorials WHERE title = '大文件'")
        .await;
    assert_eq!(size, SIZE as i64);
    assert!(
        growth <= 32 * 1024 * 1024,
        "peak RSS grew by {} MB for a 200 MB upload",
        growth / (1024 * 1024)
    );
}

async fn abandoned_drafts_and_orphaned_files_are_swept(app: TestApp) {
    let storage = app.storage.clone();
    let orphan = storage
        .put_upload(
            &app::kit::files::Upload::from_bytes("o.pdf", b"%PDF-1.7 orphan")
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    // A company that stopped after step 1 (its file stored), long ago.
    let step1 = app
        .multipart(
            "/register",
            "",
            &[("company_name", "半途公司"), ("responsible_person", "王")],
            &[("files", "执照.pdf", b"%PDF-1.7 licence")],
        )
        .await;
    assert!(
        step1.location().starts_with("/register/"),
        "{}",
        step1.location()
    );
    app.execute_with(
        "UPDATE registrations SET created_at = created_at - $1 WHERE company_name = '半途公司'",
        8 * 24 * 3600_i64,
    )
    .await;
    // Fresh files are kept whatever names them: an upload in flight has stored its bytes
    // but not yet committed its row. The abandoned draft's row goes at once.
    let (drafts, files) = app::kit::files::sweep(&app.db, &storage).await.unwrap();
    assert_eq!((drafts, files), (1, 0));
    // Past the grace (0 here: a store's objects cannot be aged by hand).
    let (drafts, files) = app::kit::files::sweep_older_than(&app.db, &storage, 0)
        .await
        .unwrap();
    assert_eq!(drafts, 0);
    assert_eq!(
        files, 2,
        "the orphan and the draft's file, nothing a row names"
    );
    assert!(storage.get(&orphan).await.is_err());
    // Every file a row names is still there.
    let named: Vec<String> = sqlx::query("SELECT storage_key FROM milestone_files")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("storage_key").unwrap())
        .collect();
    for key in named {
        assert!(storage.get(&key).await.is_ok());
    }
}
