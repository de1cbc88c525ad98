//! Accounts on both databases: registration and its review, activation, the slider,
//! throttling, reset and change of password, two-factor sign-in, and answers that never
//! tell whether an address is known.

use crate::common::{
    current_code, enc, last_mail, link_token, mail_count, multipart_body, pending_cookie, Answer,
    TestApp, PASSWORD,
};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use sqlx::Row;

on_both_databases!(
    a_registration_is_reviewed_and_its_admin_activates,
    registration_refuses_bad_files_and_keeps_what_was_typed,
    a_rejection_mails_the_reason_and_decides_once,
    the_slider_challenge_is_needed_and_single_use,
    failures_back_off_per_account_alike_for_unknown_addresses,
    reset_links_are_single_use_expire_and_end_sessions,
    asking_for_links_answers_alike_for_unknown_addresses,
    changing_the_password_ends_the_other_sessions,
    two_factor_sign_in_with_codes_and_recovery_codes,
    a_provider_may_require_two_factor_of_its_members,
    the_aad_tab_without_an_identity_provider_says_so,
);

const STRONG: &str = "Lantern-Orbit-Seventeen-42";

/// Step 1 of the registration as the browser posts it.
async fn register(app: &TestApp, company: &str, files: &[(&str, &[u8])]) -> Answer {
    let fields = [("company_name", company), ("responsible_person", "王敏")];
    let files: Vec<(&str, &str, &[u8])> = files.iter().map(|(n, b)| ("files", *n, *b)).collect();
    let (content_type, body) = multipart_body(&fields, &files, "application/pdf");
    app.send(
        Request::post("/register")
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// Registers a company up to the platform's queue; returns (registration id, done link).
async fn submit_registration(app: &TestApp, company: &str, admin_email: &str) -> (i64, String) {
    let step1 = register(app, company, &[("营业执照.pdf", b"%PDF-1.7 licence")]).await;
    assert_eq!(step1.status, StatusCode::SEE_OTHER, "{}", step1.location());
    let token = step1.location().trim_start_matches("/register/").to_owned();
    assert_eq!(token.len(), 64);
    let page = app.get(step1.location(), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(company));
    let step2 = app
        .post_form(
            "/api/submit_registration",
            None,
            &format!(
                "token={token}&admin_name={}&admin_email={}&admin_phone=13800000000&admin_address={}",
                enc("王敏"),
                enc(admin_email),
                enc("上海市浦东新区")
            ),
        )
        .await;
    assert_eq!(step2.location(), format!("/register/{token}/done"));
    let id = sqlx::query("SELECT id FROM registrations WHERE company_name = $1")
        .bind(company)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    (id, step2.location().to_owned())
}

async fn a_registration_is_reviewed_and_its_admin_activates(app: TestApp) {
    let (id, done) = submit_registration(&app, "星河云服务有限公司", "wangmin@example.com").await;
    let waiting = app.get(&done, None).await;
    assert!(waiting.body.contains("等待平台审核"));
    // The platform was told.
    assert!(last_mail(&app, "operator@example.com")
        .await
        .unwrap()
        .0
        .contains("星河云服务有限公司"));

    // The queue and the file are the platform's only.
    let operator = app.login("operator@example.com").await;
    let queue = app.get("/platform/registrations", Some(&operator)).await;
    assert!(queue.body.contains("星河云服务有限公司"));
    let file_id = app
        .number_with(
            "SELECT id FROM registration_files WHERE registration_id = $1",
            id,
        )
        .await;
    let file_path = format!("/platform/registrations/{id}/files/{file_id}");
    let file = app.get(&file_path, Some(&operator)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, b"%PDF-1.7 licence");
    assert!(file.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let provider_admin = app.login("aku@example.com").await;
    assert_eq!(
        app.get(&file_path, Some(&provider_admin)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(
            "/api/approve_registration",
            Some(&provider_admin),
            &format!("id={id}")
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    let approved = app
        .call(
            "/api/approve_registration",
            Some(&operator),
            &format!("id={id}"),
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    let again = app
        .call(
            "/api/approve_registration",
            Some(&operator),
            &format!("id={id}"),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(app.get(&done, None).await.body.contains("审核已通过"));
    let audit = app
        .number_with(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'registration_approved' AND target_id = $1",
            id.to_string(),
        )
        .await;
    assert_eq!(audit, 1);

    // The invitation of §5.1.3, and the activation it links to.
    let (subject, text) = last_mail(&app, "wangmin@example.com")
        .await
        .expect("an invitation");
    assert!(subject.contains("星河云服务有限公司"));
    assert!(text.contains("邀请您成为服务提供商（星河云服务有限公司）用户"));
    let token = link_token(&text, "/activate/");
    let page = app.get(&format!("/activate/{token}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("wangmin@example.com") && page.body.contains("星河云服务有限公司"));
    assert_eq!(
        app.try_login("wangmin@example.com", STRONG)
            .await
            .location()
            .split('&')
            .next(),
        Some("/login?error=credentials")
    );

    let weak = app
        .post_form(
            "/api/activate",
            None,
            &format!("token={token}&name={}&phone=138&password=password1234&confirm_password=password1234", enc("王敏")),
        )
        .await;
    assert!(
        weak.location().contains("e.password=password.weak"),
        "{}",
        weak.location()
    );
    assert!(
        weak.location().contains("v.name=%E7%8E%8B%E6%95%8F"),
        "typed name kept"
    );
    let mismatch = app
        .call(
            "/api/activate",
            None,
            &format!("token={token}&name=x&phone=&password={STRONG}&confirm_password=other"),
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.body.contains("password.mismatch"));

    let activated = app
        .post_form(
            "/api/activate",
            None,
            &format!(
                "token={token}&name={}&phone=138&password={STRONG}&confirm_password={STRONG}",
                enc("王敏")
            ),
        )
        .await;
    assert_eq!(
        activated.location(),
        "/login?notice=activated&email=wangmin%40example.com"
    );
    let used = app.get(&format!("/activate/{token}"), None).await;
    assert!(used.body.contains("此链接已经使用过"));
    let reuse = app
        .call(
            "/api/activate",
            None,
            &format!("token={token}&name=x&phone=&password={STRONG}&confirm_password={STRONG}"),
        )
        .await;
    assert_eq!(reuse.status, StatusCode::CONFLICT);

    let signed_in = app.try_login("wangmin@example.com", STRONG).await;
    assert_eq!(signed_in.location(), "/");
    let home = app.get("/", signed_in.session_cookie().as_deref()).await;
    assert!(home.body.contains("星河云服务有限公司"));
    let role = app
        .text(
            "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'wangmin@example.com'",
        )
        .await;
    assert_eq!(role, "admin");
}

async fn registration_refuses_bad_files_and_keeps_what_was_typed(app: TestApp) {
    let script = register(
        &app,
        "假冒公司",
        &[("licence.pdf", b"<script>alert(1)</script>")],
    )
    .await;
    assert_eq!(script.status, StatusCode::SEE_OTHER);
    assert!(script
        .location()
        .contains("e.files=registration.error.file_type"));
    assert!(script
        .location()
        .contains(&format!("v.company_name={}", enc("假冒公司"))));
    let page = app.get(script.location(), None).await;
    assert!(page.body.contains("只接受 PDF、JPEG 或 PNG 文件"));
    assert!(page.body.contains(r#"value="假冒公司""#));

    let none = register(&app, "无文件公司", &[]).await;
    assert!(none
        .location()
        .contains("e.files=registration.error.files_required"));
    let taken = register(&app, "msp-a_test1", &[("a.png", b"\x89PNG\r\n\x1a\n....")]).await;
    assert!(
        taken
            .location()
            .contains("e.company_name=registration.error.name_taken"),
        "{}",
        taken.location()
    );
    let empty = register(&app, " ", &[("a.png", b"\x89PNG\r\n\x1a\n....")]).await;
    assert!(empty.location().contains("e.company_name=form.required"));
    let stored = app.number("SELECT COUNT(*) AS n FROM registrations").await;
    assert_eq!(stored, 0, "nothing refused is kept");

    // Step 2 checks its fields and keeps them.
    let ok = register(&app, "好公司", &[("a.jpg", b"\xFF\xD8\xFF\xE0 jpeg")]).await;
    let token = ok.location().trim_start_matches("/register/").to_owned();
    let bad = app
        .post_form(
            "/api/submit_registration",
            None,
            &format!("token={token}&admin_name=&admin_email=not-an-address&admin_phone=1&admin_address=x"),
        )
        .await;
    assert!(bad.location().contains("e.admin_name=form.required"));
    assert!(bad.location().contains("e.admin_email=form.email_invalid"));
    assert!(bad.location().contains("v.admin_email=not-an-address"));
    let unknown = app
        .call(
            "/api/submit_registration",
            None,
            &format!(
                "token={}&admin_name=a&admin_email=a%40b.cn&admin_phone=1&admin_address=x",
                "0".repeat(64)
            ),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn a_rejection_mails_the_reason_and_decides_once(app: TestApp) {
    let (id, done) = submit_registration(&app, "灰度科技", "gray@example.com").await;
    let operator = app.login("operator@example.com").await;
    let empty = app
        .call(
            "/api/reject_registration",
            Some(&operator),
            &format!("id={id}&reason=+"),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rejected = app
        .call(
            "/api/reject_registration",
            Some(&operator),
            &format!("id={id}&reason={}", enc("营业执照已过期")),
        )
        .await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.body);
    let (subject, text) = last_mail(&app, "gray@example.com").await.unwrap();
    assert!(subject.contains("未通过"));
    assert!(text.contains("营业执照已过期"));
    let page = app.get(&done, None).await;
    assert!(page.body.contains("未通过审核") && page.body.contains("营业执照已过期"));
    assert_eq!(
        app.call(
            "/api/approve_registration",
            Some(&operator),
            &format!("id={id}")
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    let providers = app
        .number("SELECT COUNT(*) AS n FROM providers WHERE name = '灰度科技'")
        .await;
    assert_eq!(providers, 0);
}

async fn the_slider_challenge_is_needed_and_single_use(app: TestApp) {
    let post = |body: String| {
        let app = &app;
        async move { app.post_form("/api/login", None, &body).await }
    };
    let pw = enc(PASSWORD);
    let without = post(format!("email=aku%40example.com&password={pw}")).await;
    assert!(without.location().starts_with("/login?error=slider"));
    let challenge = app.challenge().await;
    let halfway = post(format!(
        "email=aku%40example.com&password={pw}&challenge={challenge}&slider=60"
    ))
    .await;
    assert!(halfway.location().starts_with("/login?error=slider"));
    // That challenge is spent even though the attempt failed.
    let reused = post(format!(
        "email=aku%40example.com&password={pw}&challenge={challenge}&slider=100"
    ))
    .await;
    assert!(reused.location().starts_with("/login?error=slider"));
    let forged = post(format!(
        "email=aku%40example.com&password={pw}&challenge={}&slider=100",
        "a".repeat(64)
    ))
    .await;
    assert!(forged.location().starts_with("/login?error=slider"));
    // An expired one is refused.
    let stale = app.challenge().await;
    app.execute("UPDATE login_challenges SET expires_at = 0")
        .await;
    let late = post(format!(
        "email=aku%40example.com&password={pw}&challenge={stale}&slider=100"
    ))
    .await;
    assert!(late.location().starts_with("/login?error=slider"));
    assert!(app.signs_in("aku@example.com", PASSWORD).await);
    let page = app.get("/login?error=slider", None).await;
    assert!(page.body.contains("请将滑块拖动到最右边"));
    assert!(page.body.contains(r#"type="range" name="slider""#));
}

async fn failures_back_off_per_account_alike_for_unknown_addresses(app: TestApp) {
    for email in ["aku@example.com", "nobody@example.com"] {
        for _ in 0..5 {
            let wrong = app.try_login(email, "wrong-password-123").await;
            assert!(wrong.location().starts_with("/login?error=credentials"));
        }
        // Now even the right password waits, and says for how long.
        let throttled = app.try_login(email, PASSWORD).await;
        assert!(
            throttled
                .location()
                .starts_with("/login?error=throttled&email=")
                && throttled.location().contains("&minutes=1"),
            "{}",
            throttled.location()
        );
        assert!(throttled.session_cookie().is_none());
    }
    let page = app.get("/login?error=throttled&minutes=3", None).await;
    assert!(page.body.contains("登录失败次数过多，请 3 分钟后再试"));
    // Another account from the same address still signs in.
    assert!(app.signs_in("enjian@example.com", PASSWORD).await);
    // Once the wait is over, the right password works and clears the count.
    app.execute("UPDATE login_failures SET at = at - 120").await;
    assert!(app.signs_in("aku@example.com", PASSWORD).await);
    let left = app
        .number("SELECT COUNT(*) AS n FROM login_failures WHERE account = 'aku@example.com'")
        .await;
    assert_eq!(left, 0);
}

async fn reset_links_are_single_use_expire_and_end_sessions(app: TestApp) {
    let session = app.login("aku@example.com").await;
    let asked = app
        .post_form("/api/request_reset", None, "email=AKU%40example.com")
        .await;
    assert_eq!(asked.location(), "/forgot?sent=reset");
    let (_, text) = last_mail(&app, "aku@example.com").await.unwrap();
    let token = link_token(&text, "/reset/");
    assert_eq!(
        app.get(&format!("/reset/{token}"), None).await.status,
        StatusCode::OK
    );

    let weak = app
        .call(
            "/api/reset_password",
            None,
            &format!("token={token}&new_password=123456789012&confirm_password=123456789012"),
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = app
        .post_form(
            "/api/reset_password",
            None,
            &format!("token={token}&new_password={STRONG}&confirm_password={STRONG}"),
        )
        .await;
    assert_eq!(
        done.location(),
        "/login?notice=reset&email=aku%40example.com"
    );
    assert_eq!(
        app.get("/", Some(&session)).await.status,
        StatusCode::SEE_OTHER,
        "sessions ended"
    );
    assert!(!app.signs_in("aku@example.com", PASSWORD).await);
    assert!(app.signs_in("aku@example.com", STRONG).await);
    let again = app
        .call(
            "/api/reset_password",
            None,
            &format!("token={token}&new_password={STRONG}x&confirm_password={STRONG}x"),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(app
        .get(&format!("/reset/{token}"), None)
        .await
        .body
        .contains("此链接已经使用过"));
    assert!(last_mail(&app, "aku@example.com")
        .await
        .unwrap()
        .0
        .contains("密码已修改"));

    // An expired link says so and changes nothing.
    app.execute("DELETE FROM account_tokens").await;
    app.post_form("/api/request_reset", None, "email=enjian%40example.com")
        .await;
    let token = link_token(
        &last_mail(&app, "enjian@example.com").await.unwrap().1,
        "/reset/",
    );
    app.execute("UPDATE account_tokens SET expires_at = 1")
        .await;
    assert!(app
        .get(&format!("/reset/{token}"), None)
        .await
        .body
        .contains("此链接已过期"));
    let late = app
        .call(
            "/api/reset_password",
            None,
            &format!("token={token}&new_password={STRONG}&confirm_password={STRONG}"),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(app.signs_in("enjian@example.com", PASSWORD).await);
}

async fn asking_for_links_answers_alike_for_unknown_addresses(app: TestApp) {
    let known = app
        .post_form("/api/request_reset", None, "email=aku%40example.com")
        .await;
    let unknown = app
        .post_form("/api/request_reset", None, "email=ghost%40example.com")
        .await;
    let not_activated = app
        .post_form("/api/request_reset", None, "email=racikg%40example.com")
        .await;
    for answer in [&known, &unknown, &not_activated] {
        assert_eq!(answer.status, StatusCode::FOUND);
        assert_eq!(answer.location(), "/forgot?sent=reset");
    }
    assert_eq!(mail_count(&app, "aku@example.com").await, 1);
    assert_eq!(mail_count(&app, "ghost@example.com").await, 0);
    assert_eq!(mail_count(&app, "racikg@example.com").await, 0);
    // A second request within the minute sends nothing more (no mail flooding).
    app.post_form("/api/request_reset", None, "email=aku%40example.com")
        .await;
    assert_eq!(mail_count(&app, "aku@example.com").await, 1);

    // Resending an activation: the invited member gets a link, others nothing, same answer.
    let invited = app
        .post_form("/api/resend_activation", None, "email=racikg%40example.com")
        .await;
    let stranger = app
        .post_form("/api/resend_activation", None, "email=ghost%40example.com")
        .await;
    assert_eq!(invited.location(), stranger.location());
    let (_, text) = last_mail(&app, "racikg@example.com")
        .await
        .expect("an activation mail");
    assert!(text.contains("/activate/"));
    assert_eq!(mail_count(&app, "ghost@example.com").await, 0);
    let page = app.get(invited.location(), None).await;
    assert!(page.body.contains("如果该邮箱有待激活的邀请"));
}

async fn changing_the_password_ends_the_other_sessions(app: TestApp) {
    let here = app.login("305102247@example.com").await;
    let elsewhere = app.login("305102247@example.com").await;
    let wrong = app
        .call(
            "/api/change_password",
            Some(&here),
            &format!("current_password=nope&new_password={STRONG}&confirm_password={STRONG}"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("password.wrong_current"));
    let short = app
        .post_form(
            "/api/change_password",
            Some(&here),
            &format!(
                "current_password={}&new_password=short&confirm_password=short",
                enc(PASSWORD)
            ),
        )
        .await;
    assert!(
        short
            .location()
            .contains("e.new_password=password.too_short"),
        "{}",
        short.location()
    );
    let changed = app
        .post_form(
            "/api/change_password",
            Some(&here),
            &format!(
                "current_password={}&new_password={STRONG}&confirm_password={STRONG}",
                enc(PASSWORD)
            ),
        )
        .await;
    assert_eq!(changed.location(), "/account/password?changed=1");
    assert_eq!(app.get("/", Some(&here)).await.status, StatusCode::OK);
    assert_eq!(
        app.get("/", Some(&elsewhere)).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(app.signs_in("305102247@example.com", STRONG).await);
    let page = app.get("/account/password?changed=1", Some(&here)).await;
    assert!(page.body.contains("密码已修改"));
    assert_eq!(
        app.call(
            "/api/change_password",
            None,
            "current_password=a&new_password=b&confirm_password=b"
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn totp_secret(app: &TestApp, email: &str) -> (String, String) {
    let row = sqlx::query("SELECT totp_secret, totp_pending_codes FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    (
        row.try_get::<Option<String>, _>("totp_secret")
            .unwrap()
            .unwrap(),
        row.try_get::<Option<String>, _>("totp_pending_codes")
            .unwrap()
            .unwrap_or_default(),
    )
}

async fn two_factor_sign_in_with_codes_and_recovery_codes(app: TestApp) {
    let session = app.login("enjian@example.com").await;
    assert_eq!(
        app.call("/api/start_two_factor", Some(&session), "")
            .await
            .status,
        StatusCode::OK
    );
    let (secret, codes) = totp_secret(&app, "enjian@example.com").await;
    let recovery: Vec<&str> = codes.split(' ').collect();
    assert_eq!(recovery.len(), 10);
    let page = app.get("/account/security", Some(&session)).await;
    assert!(
        page.body.contains(&secret)
            && page.body.contains(recovery[0])
            && page.body.contains("<svg")
    );
    let wrong = app
        .call("/api/confirm_two_factor", Some(&session), "code=000000")
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let confirmed = app
        .call(
            "/api/confirm_two_factor",
            Some(&session),
            &format!("code={}", current_code(&secret)),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(
        !app.get("/account/security", Some(&session))
            .await
            .body
            .contains(recovery[0]),
        "codes shown once"
    );

    // The password alone no longer signs in: a pending step, no session.
    let first = app.try_login("enjian@example.com", PASSWORD).await;
    assert_eq!(first.location(), "/login/verify");
    assert!(first.session_cookie().is_none());
    let pending = pending_cookie(&first);
    assert_eq!(
        app.get("/login/verify", Some(&pending)).await.status,
        StatusCode::OK
    );
    let bad = app
        .call("/api/login_verify", Some(&pending), "code=123456")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The code that confirmed enrolment was used: it does not sign in again.
    let replay = app
        .call(
            "/api/login_verify",
            Some(&pending),
            &format!("code={}", current_code(&secret)),
        )
        .await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    let by_recovery = app
        .post_form(
            "/api/login_verify",
            Some(&pending),
            &format!("code={}", recovery[0].to_uppercase()),
        )
        .await;
    assert_eq!(by_recovery.location(), "/");
    assert!(by_recovery.session_cookie().is_some());
    // A recovery code works once, and a finished pending sign-in is gone.
    let second = app.try_login("enjian@example.com", PASSWORD).await;
    let pending2 = pending_cookie(&second);
    let reused = app
        .call(
            "/api/login_verify",
            Some(&pending2),
            &format!("code={}", recovery[0]),
        )
        .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let stale = app
        .post_form("/api/login_verify", Some(&pending), "code=000000")
        .await;
    assert_eq!(stale.location(), "/login?error=pending_expired");
    // A fresh time step's code signs in.
    app.execute("UPDATE users SET totp_last_step = 0 WHERE email = 'enjian@example.com'")
        .await;
    let by_code = app
        .post_form(
            "/api/login_verify",
            Some(&pending2),
            &format!("code={}", current_code(&secret)),
        )
        .await;
    assert_eq!(by_code.location(), "/");
    // Five wrong codes end the pending sign-in.
    let third = app.try_login("enjian@example.com", PASSWORD).await;
    let pending3 = pending_cookie(&third);
    for _ in 0..4 {
        app.call("/api/login_verify", Some(&pending3), "code=999999")
            .await;
    }
    let fifth = app
        .post_form("/api/login_verify", Some(&pending3), "code=999999")
        .await;
    assert_eq!(fifth.location(), "/login?error=pending_expired");

    // Turning it off needs the password.
    let session = by_code.session_cookie().unwrap();
    let no = app
        .call("/api/disable_two_factor", Some(&session), "password=wrong")
        .await;
    assert_eq!(no.status, StatusCode::UNPROCESSABLE_ENTITY);
    let off = app
        .call(
            "/api/disable_two_factor",
            Some(&session),
            &format!("password={}", enc(PASSWORD)),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK);
    assert_eq!(
        app.try_login("enjian@example.com", PASSWORD)
            .await
            .location(),
        "/"
    );
}

async fn a_provider_may_require_two_factor_of_its_members(app: TestApp) {
    let user = app.login("305102247@example.com").await;
    assert_eq!(
        app.call("/api/require_two_factor", Some(&user), "required=on")
            .await
            .status,
        StatusCode::FORBIDDEN,
        "only the admin sets the rule"
    );
    let admin = app.login("aku@example.com").await;
    let first = app
        .call("/api/require_two_factor", Some(&admin), "required=on")
        .await;
    assert_eq!(first.status, StatusCode::CONFLICT, "the admin enrols first");
    assert!(first.body.contains("two_factor.rule.yourself_first"));
    app.call("/api/start_two_factor", Some(&admin), "").await;
    let (admin_secret, _) = totp_secret(&app, "aku@example.com").await;
    app.call(
        "/api/confirm_two_factor",
        Some(&admin),
        &format!("code={}", current_code(&admin_secret)),
    )
    .await;
    let required = app
        .call("/api/require_two_factor", Some(&admin), "required=on")
        .await;
    assert_eq!(required.status, StatusCode::OK, "{}", required.body);

    // A member without a second factor is sent to set it up and reaches no provider data.
    let home = app.get("/", Some(&user)).await;
    assert!(
        home.location().starts_with("/account/security?required=1")
            || home.body.contains("/account/security?required=1"),
        "{} {}",
        home.status,
        home.location()
    );
    let orders = app
        .call(
            "/api/work_orders",
            Some(&user),
            "status=&from=&to=&q=&sort=&after=",
        )
        .await;
    assert_eq!(orders.status, StatusCode::FORBIDDEN);
    let page = app.get("/account/security?required=1", Some(&user)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("要求所有成员启用两步验证"));

    // Once enrolled, the provider is back.
    app.call("/api/start_two_factor", Some(&user), "").await;
    let (secret, _) = totp_secret(&app, "305102247@example.com").await;
    let confirmed = app
        .call(
            "/api/confirm_two_factor",
            Some(&user),
            &format!("code={}", current_code(&secret)),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let orders_page = app.get("/orders", Some(&user)).await;
    assert_eq!(orders_page.status, StatusCode::OK);
    let off = app.call("/api/require_two_factor", Some(&admin), "").await;
    assert_eq!(off.status, StatusCode::OK);
}

async fn the_aad_tab_without_an_identity_provider_says_so(app: TestApp) {
    let start = app.get("/auth/oidc/start", None).await;
    assert_eq!(start.location(), "/login?tab=aad&error=oidc_unavailable");
    let callback = app.get("/auth/oidc/callback?code=x&state=y", None).await;
    assert_eq!(callback.location(), "/login?tab=aad&error=oidc_unavailable");
    let page = app.get("/login?tab=aad", None).await;
    assert!(page.body.contains("尚未配置 Azure Active Directory 登录"));
}
