//! Acceptance without the customer's click: the platform's 代客户验收 (reason and evidence,
//! the customer's own path, both sides mailed, the evidence for the platform and the work
//! order's provider only) and 平台设置's 自动验收 run by the deadline watch — on SQLite and
//! PostgreSQL alike.

use crate::common::{link_token, mail_count, work_order, Answer, TestApp};
use axum::http::StatusCode;
use serde_json::Value;

on_both_databases!(
    the_platform_accepts_a_stage_on_the_customer_s_behalf,
    an_acceptance_on_behalf_needs_a_reason_and_evidence,
    only_the_platform_accepts_on_behalf_and_only_a_stage_awaiting,
    platform_settings_are_validated_and_for_operators_only,
    auto_acceptance_accepts_only_stages_silent_long_enough_and_once,
    the_platform_opens_any_work_order_with_its_stages_files_and_history,
    the_overdue_stages_on_the_platform_home_are_paged,
);

/// 实施中, its one stage in progress (as in acceptance.rs).
const NO: &str = "20190927070759188";
const PDF: &[u8] = b"%PDF-1.7 customer mail";

/// Submits the work order's first stage; its id and the mailed link's token.
async fn submitted(app: &TestApp, cookie: &str) -> (i64, String) {
    crate::acceptance::submit_stage(app, cookie).await
}

async fn on_behalf(
    app: &TestApp,
    cookie: &str,
    stage: i64,
    reason: &str,
    file: Option<(&str, &[u8])>,
) -> Answer {
    let files: Vec<(&str, &str, &[u8])> = file.iter().map(|(n, b)| ("file", *n, *b)).collect();
    app.multipart(
        &format!("/platform/stages/{stage}/accept"),
        cookie,
        &[("reason", reason)],
        &files,
    )
    .await
}

fn event<'a>(detail: &'a Value, action: &str) -> Option<&'a Value> {
    detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == action)
}

async fn save_settings(app: &TestApp, cookie: &str, body: &str) -> Answer {
    app.call("/api/save_platform_settings", Some(cookie), body)
        .await
}

async fn the_platform_accepts_a_stage_on_the_customer_s_behalf(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    let (stage, token) = submitted(&app, &aku).await;
    // The platform's page shows the stage awaiting, with the form.
    let page = app
        .get(&format!("/platform/stages/{stage}/accept"), Some(&operator))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("on-behalf-form") && page.body.contains(NO));
    let (aku_mails, buyer_mails) = (
        mail_count(&app, "aku@example.com").await,
        mail_count(&app, "buyer@example.com").await,
    );

    let answer = on_behalf(
        &app,
        &operator,
        stage,
        "客户 2019-10-08 邮件确认验收",
        Some(("客户确认.pdf", PDF)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert!(
        answer.location().contains("done=") && !answer.location().contains("e."),
        "{}",
        answer.location()
    );
    // The page it lands on says so and leads on to the work order.
    let done = app.get(answer.location(), Some(&operator)).await;
    assert!(done.body.contains("data-testid=\"on-behalf-done\""));
    assert!(done.body.contains(&format!(
        "href=\"/platform/orders/{NO}\" data-testid=\"on-behalf-work-order\""
    )));
    // Accepted exactly as by the customer: the one stage done, the work order complete.
    let d = work_order(&app, &aku, NO).await;
    assert_eq!(d["milestones"][0]["status"], "Accepted");
    assert_eq!(d["status"], "Completed");
    let line = event(&d, "accept_on_behalf").expect("the history line");
    assert_eq!(line["reason"], "客户 2019-10-08 邮件确认验收");
    assert!(!line["actor"].as_str().unwrap().is_empty());
    assert_ne!(line["actor"], "buyer@example.com");
    assert!(event(&d, "status").is_some());
    // The link is dead; the customer's page says who accepted.
    let link = app.get(&format!("/accept/{token}"), None).await;
    assert!(
        link.body.contains("平台已根据您的确认代您验收"),
        "{}",
        link.body
    );
    let late = app
        .call(
            "/api/answer_acceptance",
            None,
            &format!("token={token}&decision=reject&reason=no"),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    // Audited with the operator, both sides mailed.
    let audited = app
        .number(
            "SELECT COUNT(*) AS n FROM audit_log a JOIN users u ON u.id = a.actor_id
             WHERE a.action = 'wo_accept_on_behalf' AND u.email = 'operator@example.com'",
        )
        .await;
    assert_eq!(audited, 1);
    assert_eq!(mail_count(&app, "aku@example.com").await, aku_mails + 1);
    assert_eq!(mail_count(&app, "buyer@example.com").await, buyer_mails + 1);
    let (subject, body) = crate::common::last_mail(&app, "aku@example.com")
        .await
        .unwrap();
    assert!(
        subject.contains("代客户验收") && subject.contains(NO),
        "{subject}"
    );
    assert!(body.contains("客户 2019-10-08 邮件确认验收"));
    let (subject, _) = crate::common::last_mail(&app, "buyer@example.com")
        .await
        .unwrap();
    assert!(subject.contains("代您验收"), "{subject}");

    // The evidence: the provider downloads it from the history, the platform too; another
    // provider finds nothing.
    let file = line["file"]["id"].as_i64().expect("the evidence");
    assert_eq!(line["file"]["name"], "客户确认.pdf");
    let mine = app
        .get(&format!("/orders/{NO}/acceptance-files/{file}"), Some(&aku))
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.bytes, PDF);
    let platform = app
        .get(
            &format!("/platform/acceptance-files/{file}"),
            Some(&operator),
        )
        .await;
    assert_eq!(platform.status, StatusCode::OK);
    assert_eq!(platform.bytes, PDF);
    let other = app.login("enjian@example.com").await;
    let theirs = app
        .get(
            &format!("/orders/{NO}/acceptance-files/{file}"),
            Some(&other),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let through_platform = app
        .get(&format!("/platform/acceptance-files/{file}"), Some(&other))
        .await;
    assert_eq!(through_platform.status, StatusCode::FORBIDDEN);
    // The stored file survives the sweep (its row names it).
    app::kit::files::sweep_older_than(&app.db, &app.storage, 0)
        .await
        .unwrap();
    let again = app
        .get(&format!("/orders/{NO}/acceptance-files/{file}"), Some(&aku))
        .await;
    assert_eq!(again.bytes, PDF);
    // Asked again, the stage no longer awaits: refused, nothing more recorded.
    let twice = on_behalf(&app, &operator, stage, "again", Some(("b.pdf", PDF))).await;
    assert!(
        twice.location().contains("e._=acc.error.not_awaiting"),
        "{}",
        twice.location()
    );
    let lines = app
        .number("SELECT COUNT(*) AS n FROM work_order_events WHERE action = 'accept_on_behalf'")
        .await;
    assert_eq!(lines, 1);
}

async fn an_acceptance_on_behalf_needs_a_reason_and_evidence(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    let (stage, _) = submitted(&app, &aku).await;
    let mails = app.number("SELECT COUNT(*) AS n FROM outbox").await;
    // Neither: both fields named, back to the form.
    let neither = on_behalf(&app, &operator, stage, "  ", None).await;
    assert_eq!(neither.status, StatusCode::SEE_OTHER);
    let back = neither.location();
    assert!(
        back.starts_with(&format!("/platform/stages/{stage}/accept?form=on-behalf")),
        "{back}"
    );
    assert!(back.contains("e.reason=form.required") && back.contains("e.file=form.required"));
    // A reason but no evidence: the reason is kept for the form.
    let no_file = on_behalf(&app, &operator, stage, "客户电话确认", None).await;
    let back = no_file.location().to_owned();
    assert!(back.contains("e.file=form.required") && !back.contains("e.reason"));
    assert!(back.contains("v.reason="), "{back}");
    let page = app.get(&back, Some(&operator)).await;
    assert!(page.body.contains("客户电话确认") && page.body.contains("此项为必填项"));
    // Evidence of the wrong kind, a reason too long.
    let html = on_behalf(
        &app,
        &operator,
        stage,
        &"长".repeat(501),
        Some(("mail.pdf", b"<html>not a pdf")),
    )
    .await;
    assert!(html.location().contains("e.file=ev.error.type"));
    assert!(html.location().contains("e.reason=form.too_long"));
    // Nothing changed.
    let d = work_order(&app, &aku, NO).await;
    assert_eq!(d["milestones"][0]["status"], "AwaitingAcceptance");
    assert!(event(&d, "accept_on_behalf").is_none());
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM outbox").await, mails);
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM acceptance_evidence")
            .await,
        0
    );
}

async fn only_the_platform_accepts_on_behalf_and_only_a_stage_awaiting(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    let stage = work_order(&app, &aku, NO).await["milestones"][0]["id"]
        .as_i64()
        .unwrap();
    // In progress: nothing to accept.
    let early = on_behalf(&app, &operator, stage, "x", Some(("a.pdf", PDF))).await;
    assert!(
        early.location().contains("e._=acc.error.not_awaiting"),
        "{}",
        early.location()
    );
    let page = app
        .get(&format!("/platform/stages/{stage}/accept"), Some(&operator))
        .await;
    assert!(page.body.contains("on-behalf-closed") && !page.body.contains("on-behalf-form"));
    let (stage, token) = submitted(&app, &aku).await;
    // A provider's member may not, nor see the page's data.
    let member = on_behalf(&app, &aku, stage, "我们自己确认", Some(("a.pdf", PDF))).await;
    assert_eq!(member.status, StatusCode::FORBIDDEN);
    let data = app
        .call("/api/on_behalf_stage", Some(&aku), &format!("id={stage}"))
        .await;
    assert_eq!(data.status, StatusCode::FORBIDDEN);
    let unknown = on_behalf(&app, &operator, 999_999, "x", Some(("a.pdf", PDF))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let d = work_order(&app, &aku, NO).await;
    assert_eq!(d["milestones"][0]["status"], "AwaitingAcceptance");
    let open = app.get(&format!("/accept/{token}"), None).await;
    assert!(!open.body.contains("acceptance-state"));
}

async fn platform_settings_are_validated_and_for_operators_only(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let aku = app.login("aku@example.com").await;
    let current = app
        .call("/api/platform_settings", Some(&operator), "")
        .await;
    assert_eq!(current.status, StatusCode::OK);
    assert!(
        current.body.contains("\"auto_accept_days\":null"),
        "{}",
        current.body
    );
    for bad in ["0", "91", "x", ""] {
        let refused = save_settings(&app, &operator, &format!("auto_accept=on&days={bad}")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(refused.body.contains("days"), "{}", refused.body);
    }
    let member = save_settings(&app, &aku, "auto_accept=on&days=14").await;
    assert_eq!(member.status, StatusCode::FORBIDDEN);
    let read = app.call("/api/platform_settings", Some(&aku), "").await;
    assert_eq!(read.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM platform_settings WHERE auto_accept_days IS NULL")
            .await,
        1
    );
    // Saved, audited once, shown on the page; off again needs no days.
    let saved = save_settings(&app, &operator, "auto_accept=on&days=14").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    save_settings(&app, &operator, "auto_accept=on&days=14").await;
    let page = app.get("/platform/settings", Some(&operator)).await;
    assert!(
        page.body.contains("客户 14 天未答复即自动验收"),
        "{}",
        page.body
    );
    assert_eq!(
        app.number(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'platform_settings_changed'"
        )
        .await,
        1
    );
    // Without JavaScript: refused back to the form with the error and the value.
    let plain = app
        .post_form(
            "/api/save_platform_settings",
            Some(&operator),
            "auto_accept=on&days=120",
        )
        .await;
    assert!(plain.status.is_redirection());
    assert!(plain
        .location()
        .contains("e.days=settings.error.auto_accept_days"));
    assert!(plain.location().contains("v.days=120"));
    let off = save_settings(&app, &operator, "days=").await;
    assert_eq!(off.status, StatusCode::OK);
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM platform_settings WHERE auto_accept_days IS NULL")
            .await,
        1
    );
    let provider_page = app.get("/platform/settings", Some(&aku)).await;
    assert!(!provider_page.body.contains("auto-accept-state"));
}

/// The deadline watch as the server runs it.
async fn watch(app: &TestApp) {
    let settings = app::kit::request::Settings {
        mail_delivery: false,
        public_url: "http://127.0.0.1:3000".into(),
        secure_cookies: false,
        acceptance_days: 7,
        oidc_enabled: false,
        oidc_origin: None,
    };
    app::orders::deadlines(&app.db, &settings).await.unwrap();
}

async fn auto_acceptance_accepts_only_stages_silent_long_enough_and_once(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    let (stage, token) = submitted(&app, &aku).await;
    let age = |days: i64| {
        let app = &app;
        async move {
            app.execute(&format!(
                "UPDATE acceptance_links SET created_at = {} WHERE milestone_id = {stage}",
                app::kit::db::now() - days * 86_400 - 60
            ))
            .await;
        }
    };
    // Off (the default): a stage silent for long is left alone.
    age(30).await;
    watch(&app).await;
    let d = work_order(&app, &aku, NO).await;
    assert_eq!(d["milestones"][0]["status"], "AwaitingAcceptance");
    // The customer's page says nothing of it.
    let page = app.get(&format!("/accept/{token}"), None).await;
    assert!(!page.body.contains("acceptance-auto"));

    // On at 5 days: a link 3 days old waits, and says when it is accepted.
    let saved = save_settings(&app, &operator, "auto_accept=on&days=5").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    age(3).await;
    watch(&app).await;
    let d = work_order(&app, &aku, NO).await;
    assert_eq!(d["milestones"][0]["status"], "AwaitingAcceptance");
    let page = app.get(&format!("/accept/{token}"), None).await;
    assert!(
        page.body.contains("acceptance-auto") && page.body.contains("将自动验收通过"),
        "{}",
        page.body
    );
    // Sent again, the mail says so too.
    let resent = app
        .call(
            "/api/milestone_command",
            Some(&aku),
            &format!("no={NO}&id={stage}&command=Resend"),
        )
        .await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    let (_, mail) = crate::common::last_mail(&app, "buyer@example.com")
        .await
        .unwrap();
    assert!(mail.contains("将自动验收通过"), "{mail}");
    let token = link_token(&mail, "/accept/");

    // Six days of silence: accepted by the system, once however often the watch runs.
    age(6).await;
    let (aku_mails, buyer_mails) = (
        mail_count(&app, "aku@example.com").await,
        mail_count(&app, "buyer@example.com").await,
    );
    watch(&app).await;
    watch(&app).await;
    let d = work_order(&app, &aku, NO).await;
    assert_eq!(d["milestones"][0]["status"], "Accepted");
    assert_eq!(d["status"], "Completed");
    let line = event(&d, "auto_accept").expect("the history line");
    assert_eq!(line["reason"], "auto");
    assert_eq!(line["actor"], "");
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM work_order_events WHERE action = 'auto_accept'")
            .await,
        1
    );
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'wo_auto_accept'")
            .await,
        1
    );
    assert_eq!(mail_count(&app, "aku@example.com").await, aku_mails + 1);
    assert_eq!(mail_count(&app, "buyer@example.com").await, buyer_mails + 1);
    let page = app.get(&format!("/accept/{token}"), None).await;
    assert!(page.body.contains("此阶段已自动验收通过"), "{}", page.body);
    let detail_page = app.get(&format!("/orders/{NO}"), Some(&aku)).await;
    assert!(detail_page.body.contains("客户在自动验收期限内未答复"));
}

/// 工单详情 for the platform: any provider's work order, its stages with their files, the
/// stage awaiting the customer offering 代客户验收; for operators only.
async fn the_platform_opens_any_work_order_with_its_stages_files_and_history(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    let stage_id = work_order(&app, &aku, NO).await["milestones"][0]["id"]
        .as_i64()
        .unwrap();
    let uploaded = app
        .multipart(
            &format!("/orders/{NO}/milestones/{stage_id}/files"),
            &aku,
            &[],
            &[("file", "交付报告.pdf", PDF)],
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let (stage, _) = submitted(&app, &aku).await;
    assert_eq!(stage, stage_id);

    let d = crate::common::json(
        &app,
        "/api/platform_work_order",
        &operator,
        &format!("no={NO}"),
    )
    .await;
    assert_eq!(d["work_order_no"], NO);
    assert_eq!(d["provider"], "MSP-A_TEST1");
    assert_eq!(d["milestones"][0]["status"], "AwaitingAcceptance");
    assert_eq!(d["milestones"][0]["files"][0]["name"], "交付报告.pdf");
    let file = d["milestones"][0]["files"][0]["id"].as_i64().unwrap();
    let page = app
        .get(&format!("/platform/orders/{NO}"), Some(&operator))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "MSP-A_TEST1",
        "交付报告.pdf",
        &format!("/platform/stage-files/{file}"),
        &format!("/platform/stages/{stage}/accept"),
    ] {
        assert!(page.body.contains(expected), "{expected} missing");
    }
    let bytes = app
        .get(&format!("/platform/stage-files/{file}"), Some(&operator))
        .await;
    assert_eq!(bytes.status, StatusCode::OK);
    assert_eq!(bytes.bytes, PDF);
    // The list links to it.
    let list = app
        .get(&format!("/platform/orders?q={NO}"), Some(&operator))
        .await;
    assert!(list
        .body
        .contains(&format!("href=\"/platform/orders/{NO}\"")));

    // Unknown: 404. A provider, even the work order's own: none of it.
    let missing = app
        .call("/api/platform_work_order", Some(&operator), "no=nope")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let refused = app
        .call("/api/platform_work_order", Some(&aku), &format!("no={NO}"))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let download = app
        .get(&format!("/platform/stage-files/{file}"), Some(&aku))
        .await;
    assert_ne!(download.status, StatusCode::OK);
    assert_ne!(download.bytes, PDF);
    let page = app.get(&format!("/platform/orders/{NO}"), Some(&aku)).await;
    assert!(!page.body.contains("交付报告.pdf"));
}

/// 平台首页's overdue stages: every one reachable page by page (no cap), oldest deadline
/// first, each linking its work order and 代客户验收.
async fn the_overdue_stages_on_the_platform_home_are_paged(app: TestApp) {
    let work_order: i64 = app
        .number(&format!(
            "SELECT id AS n FROM work_orders WHERE work_order_no = '{NO}'"
        ))
        .await;
    for i in 0..40 {
        app.execute(&format!(
            "INSERT INTO milestones (work_order_id, position, period_start, standard, status,
                                     created_at, updated_at, due_at, overdue_flagged_at)
             VALUES ({work_order}, {}, '2019-10-01', 'x', 'awaiting_acceptance', 1, 1, {}, 2)",
            100 + i,
            1_000 + (i * 7919) % 40,
        ))
        .await;
    }
    let operator = app.login("operator@example.com").await;
    let expected: Vec<i64> = {
        let mut ids = Vec::new();
        for row in app
            .strings(
                "SELECT CAST(id AS TEXT) FROM milestones
                 WHERE status = 'awaiting_acceptance' AND overdue_flagged_at IS NOT NULL
                 ORDER BY due_at, id",
            )
            .await
        {
            ids.push(row.parse().unwrap());
        }
        ids
    };
    assert_eq!(expected.len(), 40);
    let mut seen = Vec::new();
    for page in 1..=3 {
        let answer = crate::common::json(
            &app,
            "/api/platform_overdue",
            &operator,
            &format!("page={page}&per=15"),
        )
        .await;
        assert_eq!(answer["total"], 40);
        assert_eq!(answer["per_page"], 15);
        let rows = answer["rows"].as_array().unwrap();
        assert_eq!(rows.len(), if page < 3 { 15 } else { 10 });
        seen.extend(rows.iter().map(|r| r["milestone_id"].as_i64().unwrap()));
    }
    assert_eq!(seen, expected, "every stage once, oldest deadline first");
    let home = app.get("/platform?page=2", Some(&operator)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("class=\"pager\"") && home.body.contains("共 40 条"));
    assert!(home
        .body
        .contains(&format!("/platform/stages/{}/accept", expected[15])));
    assert!(!home
        .body
        .contains(&format!("/platform/stages/{}/accept", expected[0])));
    assert!(home
        .body
        .contains(&format!("href=\"/platform/orders/{NO}\"")));
    let refused = app
        .call(
            "/api/platform_overdue",
            Some(&app.login("aku@example.com").await),
            "",
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
