//! 用户管理 on both databases: the scoped list, every action per role, invitations, 禁用
//! ending sessions, the admin transfer under concurrent attempts, the audit log and sessions.

use crate::common::{
    age_invitations, assert_calls, assert_pages, enc, last_mail, members, membership, user_id,
    TestApp, PASSWORD,
};
use axum::http::StatusCode;
use sqlx::Row;

on_both_databases!(
    the_team_list_is_scoped_filtered_and_paged,
    every_action_checks_the_role_on_the_server,
    invitations_are_mailed_resent_revoked_and_not_duplicated,
    disabling_ends_the_members_sessions_at_once,
    the_admin_transfer_keeps_exactly_one_admin_under_concurrency,
    the_audit_log_filters_exports_and_stays_in_its_provider,
    the_audit_log_pages_by_cursor_through_every_entry,
    a_user_lists_their_sessions_and_signs_out_the_others,
);

const LIST: &str = "q=&role=&state=&sort=&page=&per=";

async fn the_team_list_is_scoped_filtered_and_paged(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let all = app.call("/api/members", Some(&admin), LIST).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let page: serde_json::Value = serde_json::from_str(&all.body).unwrap();
    assert_eq!(page["total"], 7, "the seven users of §5.1.1");
    assert!(
        !all.body.contains("enjian@example.com"),
        "蓝云's admin is not MSP-A's member"
    );

    let search = members(&app, &admin, "q=RACIKG&role=&state=&sort=&page=&per=").await;
    assert_eq!(search["total"], 1);
    assert_eq!(search["rows"][0]["role"], "CoAdmin");
    let by_name = members(&app, &admin, "q=test-&role=&state=&sort=&page=&per=").await;
    assert_eq!(by_name["total"], 2);
    let invited = members(&app, &admin, "q=&role=&state=invited&sort=email&page=&per=").await;
    assert_eq!(invited["total"], 3);
    assert_eq!(invited["rows"][0]["email"], "3weqd75@example.com");
    let disabled = members(&app, &admin, "q=&role=user&state=disabled&sort=&page=&per=").await;
    assert_eq!(disabled["total"], 2);
    // A LIKE wildcard typed by the user matches itself only.
    let wildcard = members(&app, &admin, "q=%25&role=&state=&sort=&page=&per=").await;
    assert_eq!(wildcard["total"], 0);
    // Paging, and page sizes outside the offer fall back to 15.
    let second = members(&app, &admin, "q=&role=&state=&sort=email&page=2&per=15").await;
    assert_eq!(second["rows"].as_array().unwrap().len(), 0);
    let odd = members(&app, &admin, "q=&role=&state=&sort=&page=-3&per=9999").await;
    assert_eq!(odd["per_page"], 15);
    assert_eq!(odd["page"], 1);
    // 100 a page (offered since the list took the shared pager) is remembered for the user.
    let hundred = members(&app, &admin, "q=&role=&state=&sort=&page=&per=100").await;
    assert_eq!(hundred["per_page"], 100);
    assert_eq!(members(&app, &admin, LIST).await["per_page"], 100);
    let html = app.get("/users", Some(&admin)).await;
    assert!(html.body.contains("class=\"pager\""));
    assert!(html.body.contains("<option value=\"100\" selected"));
    members(&app, &admin, "q=&role=&state=&sort=&page=&per=15").await;

    let html = app.get("/users?sort=email", Some(&admin)).await;
    assert_eq!(html.status, StatusCode::OK);
    for text in [
        "邀请用户",
        "转移管理员",
        "禁用",
        "启用",
        "racikg@example.com",
        "普通用户",
        "协同管理员",
    ] {
        assert!(html.body.contains(text), "{text}");
    }
    // Another provider's member is not found, and the other provider sees only its own.
    let foreign = user_id(&app, "enjian@example.com").await;
    assert_eq!(
        app.call("/api/member", Some(&admin), &format!("user_id={foreign}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/users/{foreign}"), Some(&admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let blue = app.login("enjian@example.com").await;
    let theirs = members(&app, &blue, LIST).await;
    assert_eq!(theirs["total"], 2);
}

async fn every_action_checks_the_role_on_the_server(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let user = app.login("305102247@example.com").await;
    let target = user_id(&app, "oy69764@example.com").await;
    let aku = user_id(&app, "aku@example.com").await;
    let me = user_id(&app, "305102247@example.com").await;

    // 用户: reads the list, changes nothing.
    let read = app.get("/users", Some(&user)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("邀请用户"), "no invite for a user");
    let calls = [
        (
            "/api/invite_member",
            "email=new%40example.com&role=user".to_owned(),
        ),
        (
            "/api/set_members_state",
            format!("enable=1&selected[u{target}]=on"),
        ),
        (
            "/api/edit_member",
            format!("user_id={target}&name=x&phone=&role=user"),
        ),
        (
            "/api/transfer_admin",
            format!("user_id={me}&password={}", enc(PASSWORD)),
        ),
        (
            "/api/resend_invitation",
            format!("user_id={}", user_id(&app, "racikg@example.com").await),
        ),
    ];
    assert_calls(&app, Some(&user), &calls, StatusCode::FORBIDDEN).await;
    let pages = ["/audit".to_owned(), "/audit/export.csv".to_owned()];
    assert_pages(&app, Some(&user), &pages, StatusCode::FORBIDDEN).await;

    // The admin makes them 协同管理员; admin is never granted by editing.
    let grant_admin = app
        .call(
            "/api/edit_member",
            Some(&admin),
            &format!("user_id={me}&name=11&phone=&role=admin"),
        )
        .await;
    assert_eq!(grant_admin.status, StatusCode::UNPROCESSABLE_ENTITY);
    let promoted = app
        .call(
            "/api/edit_member",
            Some(&admin),
            &format!("user_id={me}&name=11&phone=18162825261&role=co_admin"),
        )
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.body);
    assert_eq!(
        membership(&app, "305102247@example.com", "MSP-A_TEST1")
            .await
            .unwrap()
            .0,
        "co_admin"
    );

    // 协同管理员: manages users but not the admin, and does not transfer.
    let co = app.login("305102247@example.com").await;
    assert_eq!(
        app.call(
            "/api/invite_member",
            Some(&co),
            "email=co-invite%40example.com&role=co_admin"
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        app.call(
            "/api/invite_member",
            Some(&co),
            "email=x%40example.com&role=admin"
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let disable_admin = app
        .call(
            "/api/set_members_state",
            Some(&co),
            &format!("enable=0&selected[u{aku}]=on"),
        )
        .await;
    assert_eq!(disable_admin.status, StatusCode::CONFLICT);
    assert!(disable_admin.body.contains("users.error.admin"));
    let disable_self = app
        .call(
            "/api/set_members_state",
            Some(&co),
            &format!("enable=0&selected[u{me}]=on"),
        )
        .await;
    assert!(disable_self.body.contains("users.error.self"));
    assert_eq!(
        app.call(
            "/api/edit_member",
            Some(&co),
            &format!("user_id={aku}&name=x&phone=&role=")
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            "/api/edit_member",
            Some(&co),
            &format!("user_id={target}&name=renamed&phone=1&role=user")
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        app.call(
            "/api/transfer_admin",
            Some(&co),
            &format!("user_id={target}&password={}", enc(PASSWORD))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            "/api/set_members_state",
            Some(&co),
            &format!("enable=1&selected[u{target}]=on")
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        membership(&app, "oy69764@example.com", "MSP-A_TEST1")
            .await
            .unwrap()
            .1,
        "active"
    );
    let nothing = app
        .call("/api/set_members_state", Some(&co), "enable=1")
        .await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nobody signed in: nothing at all.
    assert_eq!(
        app.call("/api/members", None, LIST).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn last_activation(app: &TestApp, to: &str) -> Option<String> {
    last_mail(app, to).await.and_then(|(_, t)| {
        let start = t.find("/activate/")? + "/activate/".len();
        Some(t[start..start + 64].to_owned())
    })
}

async fn invitations_are_mailed_resent_revoked_and_not_duplicated(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let invited = app
        .post_form(
            "/api/invite_member",
            Some(&admin),
            "email=New.Member%40Example.com&role=co_admin",
        )
        .await;
    assert_eq!(invited.status, StatusCode::FOUND);
    assert_eq!(
        membership(&app, "new.member@example.com", "MSP-A_TEST1").await,
        Some(("co_admin".into(), "invited".into()))
    );
    let body = app
        .text("SELECT body_text FROM outbox WHERE to_address = 'new.member@example.com'")
        .await;
    assert!(
        body.contains("AKU 邀请您成为服务提供商（MSP-A_TEST1）用户"),
        "{body}"
    );
    let first = last_activation(&app, "new.member@example.com")
        .await
        .unwrap();

    // Twice, or a member already: refused next to the field, the typed address kept.
    let again = app
        .post_form(
            "/api/invite_member",
            Some(&admin),
            "email=new.member%40example.com&role=user",
        )
        .await;
    assert!(
        again
            .location()
            .contains("e.email=users.error.already_invited"),
        "{}",
        again.location()
    );
    assert!(again
        .location()
        .contains("v.email=new.member%40example.com"));
    let member = app
        .call(
            "/api/invite_member",
            Some(&admin),
            "email=305102247%40example.com&role=user",
        )
        .await;
    assert!(member.body.contains("users.error.already_member"));
    let bad = app
        .call("/api/invite_member", Some(&admin), "email=nobody&role=user")
        .await;
    assert!(bad.body.contains("form.email_invalid"));

    // Resending kills the old link; the new one activates. At most one a minute.
    let id = user_id(&app, "new.member@example.com").await;
    let too_soon = app
        .call(
            "/api/resend_invitation",
            Some(&admin),
            &format!("user_id={id}"),
        )
        .await;
    assert_eq!(too_soon.status, StatusCode::CONFLICT);
    assert!(too_soon.body.contains("users.error.resend_limit"));
    age_invitations(&app, id, 120).await;
    assert_eq!(
        app.call(
            "/api/resend_invitation",
            Some(&admin),
            &format!("user_id={id}")
        )
        .await
        .status,
        StatusCode::OK
    );
    let second = last_activation(&app, "new.member@example.com")
        .await
        .unwrap();
    assert_ne!(first, second);
    assert!(app
        .get(&format!("/activate/{first}"), None)
        .await
        .body
        .contains("此链接已经使用过"));
    let strong = "Violet-Canyon-Ledger-58";
    let activated = app
        .post_form(
            "/api/activate",
            None,
            &format!("token={second}&name=New&phone=&password={strong}&confirm_password={strong}"),
        )
        .await;
    assert!(activated.location().starts_with("/login?notice=activated"));
    assert_eq!(
        membership(&app, "new.member@example.com", "MSP-A_TEST1")
            .await
            .unwrap()
            .1,
        "active"
    );
    assert_eq!(
        app.call(
            "/api/resend_invitation",
            Some(&admin),
            &format!("user_id={id}")
        )
        .await
        .status,
        StatusCode::CONFLICT
    );

    // Someone with an account elsewhere joins by confirming their own password.
    app.call(
        "/api/invite_member",
        Some(&admin),
        "email=enjian%40example.com&role=user",
    )
    .await;
    let token = last_activation(&app, "enjian@example.com").await.unwrap();
    let page = app.get(&format!("/activate/{token}"), None).await;
    assert!(page.body.contains("您已有服务提供商中心账号"));
    let joined = app
        .post_form(
            "/api/activate",
            None,
            &format!(
                "token={token}&name=enjian&phone=&password={}",
                enc(PASSWORD)
            ),
        )
        .await;
    assert!(
        joined.location().starts_with("/login?notice=activated"),
        "{}",
        joined.location()
    );
    assert_eq!(
        membership(&app, "enjian@example.com", "MSP-A_TEST1")
            .await
            .unwrap()
            .1,
        "active"
    );

    // Revoking an open invitation removes it and its link.
    app.call(
        "/api/invite_member",
        Some(&admin),
        "email=revoked%40example.com&role=user",
    )
    .await;
    let token = last_activation(&app, "revoked@example.com").await.unwrap();
    let revoked_id = user_id(&app, "revoked@example.com").await;
    let revoked = app
        .post_form(
            "/api/revoke_invitation",
            Some(&admin),
            &format!("user_id={revoked_id}"),
        )
        .await;
    assert_eq!(revoked.location(), "/users");
    assert_eq!(
        membership(&app, "revoked@example.com", "MSP-A_TEST1").await,
        None
    );
    assert!(app
        .get(&format!("/activate/{token}"), None)
        .await
        .body
        .contains("此链接已经使用过"));
    // The demo's 2019 invitations show as expired.
    let html = app.get("/users?state=invited", Some(&admin)).await;
    assert!(html.body.contains("邀请已过期"));
}

async fn disabling_ends_the_members_sessions_at_once(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let member = app.login("305102247@example.com").await;
    assert_eq!(
        app.get("/orders", Some(&member)).await.status,
        StatusCode::OK
    );
    let id = user_id(&app, "305102247@example.com").await;
    let disabled = app
        .post_form(
            "/api/set_members_state",
            Some(&admin),
            &format!("enable=0&selected[u{id}]=on"),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::FOUND);
    assert_eq!(
        app.get("/orders", Some(&member)).await.status,
        StatusCode::SEE_OTHER,
        "the session ended"
    );
    let again = app.try_login("305102247@example.com", PASSWORD).await;
    assert!(
        again.location().starts_with("/login?error=no_provider"),
        "{}",
        again.location()
    );
    let page = app.get(&format!("/users/{id}"), Some(&admin)).await;
    assert!(page.body.contains("已禁用"));
    app.call(
        "/api/set_members_state",
        Some(&admin),
        &format!("enable=1&selected[u{id}]=on"),
    )
    .await;
    assert_eq!(
        app.try_login("305102247@example.com", PASSWORD)
            .await
            .location(),
        "/"
    );
    let audited = app
        .number_with(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('member_disabled', 'member_enabled') AND target_id = $1",
            id.to_string(),
        )
        .await;
    assert_eq!(audited, 2);
}

async fn admins(app: &TestApp) -> Vec<String> {
    sqlx::query(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = m.provider_id
         WHERE p.name = 'MSP-A_TEST1' AND m.role = 'admin'",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("email").unwrap())
    .collect()
}

async fn the_admin_transfer_keeps_exactly_one_admin_under_concurrency(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let to = user_id(&app, "305102247@example.com").await;
    let wrong = app
        .call(
            "/api/transfer_admin",
            Some(&admin),
            &format!("user_id={to}&password=wrong"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("password.wrong_current"));
    let invited = user_id(&app, "racikg@example.com").await;
    let not_active = app
        .call(
            "/api/transfer_admin",
            Some(&admin),
            &format!("user_id={invited}&password={}", enc(PASSWORD)),
        )
        .await;
    assert!(not_active.body.contains("users.error.transfer_target"));

    // Two transfers at once to two members: one wins, one admin after.
    app.execute_with(
        "UPDATE memberships SET status = 'active' WHERE user_id = $1",
        user_id(&app, "oy69764@example.com").await,
    )
    .await;
    let other = user_id(&app, "oy69764@example.com").await;
    let body_a = format!("user_id={to}&password={}", enc(PASSWORD));
    let body_b = format!("user_id={other}&password={}", enc(PASSWORD));
    let (a, b) = tokio::join!(
        app.call("/api/transfer_admin", Some(&admin), &body_a),
        app.call("/api/transfer_admin", Some(&admin), &body_b),
    );
    let statuses = [a.status, b.status];
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?} {} {}",
        a.body,
        b.body
    );
    assert!(statuses.contains(&StatusCode::CONFLICT), "{statuses:?}");
    let now_admin = admins(&app).await;
    assert_eq!(now_admin.len(), 1);
    assert_ne!(now_admin[0], "aku@example.com");
    assert_eq!(
        membership(&app, "aku@example.com", "MSP-A_TEST1")
            .await
            .unwrap()
            .0,
        "co_admin"
    );
    let mails = app
        .number("SELECT COUNT(*) AS n FROM outbox WHERE subject LIKE '管理员已转移%'")
        .await;
    assert_eq!(mails, 2, "the old and the new admin are told");
    // The former admin can no longer transfer.
    let stale = app.call("/api/transfer_admin", Some(&admin), &body_a).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
}

async fn the_audit_log_filters_exports_and_stays_in_its_provider(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    app.call(
        "/api/invite_member",
        Some(&admin),
        "email=audited%40example.com&role=user",
    )
    .await;
    let page = app.get("/audit", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("邀请用户") && page.body.contains("audited@example.com"));
    let filtered = app
        .call(
            "/api/audit_entries",
            Some(&admin),
            "platform=false&provider=&actor=&action=login&from=&to=&before=&after=",
        )
        .await;
    assert_eq!(filtered.status, StatusCode::OK, "{}", filtered.body);
    let data: serde_json::Value = serde_json::from_str(&filtered.body).unwrap();
    assert!(!data["rows"].as_array().unwrap().is_empty());
    assert!(data["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["action"] == "login"));
    let bad_date = app
        .call(
            "/api/audit_entries",
            Some(&admin),
            "platform=false&provider=&actor=&action=&from=2026-02-30&to=&before=&after=",
        )
        .await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A provider never reads another's entries, not even by asking for the platform's.
    let blue = app.login("enjian@example.com").await;
    let theirs = app.get("/audit", Some(&blue)).await;
    assert!(!theirs.body.contains("audited@example.com"));
    assert_eq!(
        app.call(
            "/api/audit_entries",
            Some(&blue),
            "platform=true&provider=&actor=&action=&from=&to=&before=&after="
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let csv = app
        .get("/audit/export.csv?action=member_invited", Some(&admin))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.bytes.starts_with("\u{feff}".as_bytes()));
    assert!(csv.body.contains("audited@example.com") && csv.body.contains("邀请用户"));
    assert_eq!(csv.body.lines().count(), 2, "{}", csv.body);
    let blue_csv = app.get("/audit/export.csv", Some(&blue)).await;
    assert!(!blue_csv.body.contains("audited@example.com"));
    // The platform sees every provider's.
    let operator = app.login("operator@example.com").await;
    let all = app
        .get(
            "/platform/audit/export.csv?action=member_invited",
            Some(&operator),
        )
        .await;
    assert!(all.body.contains("audited@example.com") && all.body.contains("MSP-A_TEST1"));
    assert_eq!(
        app.get("/platform/audit", Some(&admin)).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn a_user_lists_their_sessions_and_signs_out_the_others(app: TestApp) {
    let here = app.login("305102247@example.com").await;
    let there = app.login("305102247@example.com").await;
    let sessions = app.call("/api/my_sessions", Some(&here), "").await;
    let rows: serde_json::Value = serde_json::from_str(&sessions.body).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["current"] == true)
            .count(),
        1
    );
    let page = app.get("/account/sessions", Some(&here)).await;
    assert!(page.body.contains("退出其他所有设备"));
    assert_eq!(
        app.call("/api/end_other_sessions", Some(&here), "")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/", Some(&there)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/", Some(&here)).await.status, StatusCode::OK);
}

/// Keyset paging: walking 更早 from the newest page visits every entry once, in the log's
/// order (ties in time broken by id), and walking 较新 back visits the same pages; the
/// actions offered are exactly those on record; the export carries the same rows in order.
async fn the_audit_log_pages_by_cursor_through_every_entry(app: TestApp) {
    let provider = app
        .number("SELECT id FROM providers WHERE name = 'MSP-A_TEST1'")
        .await;
    let actor = user_id(&app, "aku@example.com").await;
    for i in 0..200_i64 {
        // Seven entries a second: many share a time.
        sqlx::query(
            "INSERT INTO audit_log (provider_id, actor_id, action, target_type, target_id,
                                    detail, ip, created_at)
             VALUES ($1, $2, $3, 'paging', $4, '', '', $5)",
        )
        .bind(provider)
        .bind(actor)
        .bind(if i % 3 == 0 { "paging_a" } else { "paging_b" })
        .bind(format!("t{i}"))
        .bind(1_900_000_000 + i / 7)
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    let admin = app.login("aku@example.com").await;
    let expected = |action: &'static str| {
        let app = &app;
        async move {
            let mut sql = format!(
                "SELECT target_type, target_id FROM audit_log WHERE provider_id = {provider}"
            );
            if !action.is_empty() {
                sql.push_str(&format!(" AND action = '{action}'"));
            }
            sql.push_str(" ORDER BY created_at DESC, id DESC");
            sqlx::query(&sql)
                .fetch_all(app.db.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| {
                    let kind: String = r.try_get("target_type").unwrap();
                    let id: String = r.try_get("target_id").unwrap();
                    if id.is_empty() {
                        kind
                    } else {
                        format!("{kind} {id}")
                    }
                })
                .collect::<Vec<String>>()
        }
    };
    let page = |action: &'static str, before: String, after: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let answer = app
                .call(
                    "/api/audit_entries",
                    Some(&admin),
                    &format!(
                        "platform=false&provider=&actor=&action={action}&from=&to=&before={before}&after={after}"
                    ),
                )
                .await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
            serde_json::from_str::<serde_json::Value>(&answer.body).unwrap()
        }
    };
    let targets = |page: &serde_json::Value| -> Vec<String> {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["target"].as_str().unwrap().to_owned())
            .collect()
    };
    let cursor = |page: &serde_json::Value, key: &str| page[key].as_str().map(str::to_owned);
    for action in ["", "paging_b"] {
        let all = expected(action).await;
        assert!(all.len() > 100, "{}", all.len());
        // Older, page by page.
        let mut pages = vec![page(action, String::new(), String::new()).await];
        assert_eq!(cursor(&pages[0], "newer"), None);
        while let Some(older) = cursor(pages.last().unwrap(), "older") {
            pages.push(page(action, older, String::new()).await);
            assert!(pages.len() < 100);
        }
        let walked: Vec<String> = pages.iter().flat_map(targets).collect();
        assert_eq!(walked, all, "action {action:?}");
        assert!(pages.iter().all(|p| targets(p).len() <= 50));
        assert_eq!(targets(&pages[0]).len(), 50);
        // And newer, back from the last page, the same pages.
        let mut back = pages.last().unwrap().clone();
        for expected_page in pages.iter().rev().skip(1) {
            let newer = cursor(&back, "newer").expect("a newer page");
            back = page(action, String::new(), newer).await;
            assert_eq!(targets(&back), targets(expected_page));
        }
        assert_eq!(cursor(&back, "newer"), None, "back at the newest");
    }
    // A cursor past either end is an empty page, not an error.
    let beyond = page("", "1.1".into(), String::new()).await;
    assert!(targets(&beyond).is_empty());
    let bad = app
        .call(
            "/api/audit_entries",
            Some(&admin),
            "platform=false&provider=&actor=&action=&from=&to=&before=x.y&after=",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The actions offered are the provider's on record, and only those.
    let offered: Vec<String> = page("", String::new(), String::new()).await["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    let on_record: Vec<String> = sqlx::query(&format!(
        "SELECT DISTINCT action FROM audit_log WHERE provider_id = {provider} ORDER BY action"
    ))
    .fetch_all(app.db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("action").unwrap())
    .collect();
    assert_eq!(offered, on_record);
    assert!(offered.contains(&"paging_a".to_owned()));
    // The export: a head line, then every entry in the same order.
    let csv = app.get("/audit/export.csv", Some(&admin)).await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().skip(1).collect();
    let all = expected("").await;
    assert_eq!(lines.len(), all.len());
    for (line, target) in lines.iter().zip(&all) {
        assert!(line.contains(target.as_str()), "{line} lacks {target}");
    }
}
