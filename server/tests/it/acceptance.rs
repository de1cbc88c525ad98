//! Customer acceptance by emailed link, the mail outbox and its sender, and the deadline
//! watch — on SQLite and PostgreSQL alike.

use crate::common::{advance_stage, last_mail, link_token, work_order, TestApp};
use app::kit::mail::{MailConfig, SmtpTls};
use axum::http::StatusCode;
use serde_json::Value;
use sqlx::Row;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

on_both_databases!(
    submitting_a_stage_mails_the_customer_a_link,
    the_customer_accepts_and_the_work_order_follows,
    the_customer_rejects_with_a_reason,
    a_link_takes_one_answer_and_expires,
    mail_survives_an_smtp_outage_and_is_sent_once,
    a_mail_refused_for_good_is_given_up,
    deadlines_remind_and_flag,
    a_backlog_of_overdue_stages_is_flagged_in_one_watch,
    the_provider_resends_a_stage_for_acceptance,
    the_provider_changes_the_acceptance_contact,
);

/// 20190925063614217 (分期测试, 实施中) — its stage 1 already awaits acceptance in the demo
/// without a link; plan a fresh stage on 20190927070759188 instead: 实施中, stage 1 in progress.
const NO: &str = "20190927070759188";

pub(crate) async fn submit_stage(app: &TestApp, cookie: &str) -> (i64, String) {
    let d = detail(app, cookie).await;
    let id = d["milestones"][0]["id"].as_i64().unwrap();
    let answer = advance_stage(app, cookie, NO, id).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    (id, last_link(app).await)
}

async fn detail(app: &TestApp, cookie: &str) -> Value {
    work_order(app, cookie, NO).await
}

/// The acceptance link of the newest mail to the buyer.
async fn last_link(app: &TestApp) -> String {
    let (_, body) = last_mail(app, "buyer@example.com").await.expect("a mail");
    let token = link_token(&body, "/accept/");
    assert_eq!(token.len(), 64);
    token
}

async fn answer(app: &TestApp, token: &str, decision: &str, reason: &str) -> crate::common::Answer {
    app.call(
        "/api/answer_acceptance",
        None,
        &format!(
            "token={token}&decision={decision}&reason={}",
            app::kit::forms::encode_query(reason)
        ),
    )
    .await
}

async fn submitting_a_stage_mails_the_customer_a_link(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let (_, token) = submit_stage(&app, &cookie).await;
    let mail = sqlx::query("SELECT subject, body_html FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let subject: String = mail.try_get("subject").unwrap();
    assert!(subject.contains(NO) && subject.contains("第 1 阶段"));
    let html: String = mail.try_get("body_html").unwrap();
    assert!(html.contains(&format!("http://127.0.0.1:3000/accept/{token}")));

    // The page needs no account and shows the stage and the time left (7 days by default).
    let page = app.get(&format!("/accept/{token}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("交付验收") && page.body.contains("MSP-A_TEST1"));
    assert!(page.body.contains("剩余 6 天 23 小时") || page.body.contains("剩余 7 天 0 小时"));
    // The provider sees the same deadline.
    let d = detail(&app, &cookie).await;
    assert_eq!(d["milestones"][0]["status"], "AwaitingAcceptance");
    assert!(d["milestones"][0]["seconds_left"].as_i64().unwrap() > 6 * 86_400);
    // An unknown token is simply not found.
    let unknown = app.get(&format!("/accept/{}", "0".repeat(64)), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn the_customer_accepts_and_the_work_order_follows(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    // Two stages: accepting the first makes it 部分验收, the second 已完成.
    let second = app
        .call(
            "/api/save_milestone",
            Some(&cookie),
            &format!("no={NO}&id=0&period_start=2019-10-01&period_end=&standard=%E4%BA%A4%E4%BB%982&remarks="),
        )
        .await;
    assert_eq!(second.status, StatusCode::OK);
    let (_, first_token) = submit_stage(&app, &cookie).await;
    assert_eq!(
        answer(&app, &first_token, "accept", "").await.status,
        StatusCode::OK
    );
    let d = detail(&app, &cookie).await;
    assert_eq!(d["status"], "PartiallyAccepted");
    assert_eq!(d["milestones"][0]["status"], "Accepted");
    assert_eq!(d["history"][1]["action"], "customer_accept");
    assert_eq!(d["history"][1]["actor"], "buyer@example.com");

    // The provider's admin is told.
    let told = app
        .number("SELECT COUNT(*) AS n FROM outbox WHERE to_address = 'aku@example.com'")
        .await;
    assert_eq!(told, 1);

    let stage2 = d["milestones"][1]["id"].as_i64().unwrap();
    for _ in 0..2 {
        advance_stage(&app, &cookie, NO, stage2).await;
    }
    let token = last_link(&app).await;
    assert_eq!(
        answer(&app, &token, "accept", "").await.status,
        StatusCode::OK
    );
    let d = detail(&app, &cookie).await;
    assert_eq!(d["status"], "Completed");
    let page = app.get(&format!("/accept/{token}"), None).await;
    assert!(page.body.contains("您已验收通过此阶段"));
}

async fn the_customer_rejects_with_a_reason(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let (_, token) = submit_stage(&app, &cookie).await;
    let missing = answer(&app, &token, "reject", "  ").await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bogus = answer(&app, &token, "maybe", "").await;
    assert_eq!(bogus.status, StatusCode::BAD_REQUEST);

    let rejected = answer(&app, &token, "reject", "报告缺少签字页").await;
    assert_eq!(rejected.status, StatusCode::OK);
    let d = detail(&app, &cookie).await;
    assert_eq!(d["milestones"][0]["status"], "InProgress");
    assert_eq!(d["milestones"][0]["reject_reason"], "报告缺少签字页");
    assert_eq!(d["status"], "InProgress");
    let (_, mail) = last_mail(&app, "aku@example.com").await.expect("a mail");
    assert!(mail.contains("报告缺少签字页"));
    // Resubmitting opens a new link; the old one stays answered.
    let (_, again) = submit_stage(&app, &cookie).await;
    assert_ne!(again, token);
    let old = app.get(&format!("/accept/{token}"), None).await;
    assert!(old.body.contains("您已驳回此阶段"));
}

async fn a_link_takes_one_answer_and_expires(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let (_, token) = submit_stage(&app, &cookie).await;
    let app = std::sync::Arc::new(app);
    let mut answers = Vec::new();
    for decision in ["accept", "reject", "accept"] {
        let app = app.clone();
        let token = token.clone();
        answers.push(tokio::spawn(async move {
            answer(&app, &token, decision, "x").await.status
        }));
    }
    let mut statuses = Vec::new();
    for a in answers {
        statuses.push(a.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        2
    );

    // A link past its deadline says so and takes no answer.
    let d = detail(&app, &cookie).await;
    if d["milestones"][0]["status"] == "InProgress" {
        let (_, late) = submit_stage(&app, &cookie).await;
        app.execute("UPDATE acceptance_links SET expires_at = 0 WHERE answered_at IS NULL")
            .await;
        assert_eq!(
            answer(&app, &late, "accept", "").await.status,
            StatusCode::CONFLICT
        );
        let page = app.get(&format!("/accept/{late}"), None).await;
        assert!(page.body.contains("此验收链接已过期"));
    }
}

/// A minimal SMTP peer that accepts every message and returns what it received.
pub(crate) async fn smtp_peer() -> (u16, tokio::task::JoinHandle<Vec<String>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let mut received = Vec::new();
        let Ok((socket, _)) = listener.accept().await else {
            return received;
        };
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 test ESMTP\r\n").await.unwrap();
        let mut in_data = false;
        let mut message = String::new();
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    received.push(std::mem::take(&mut message));
                    write.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    message.push_str(&line);
                    message.push('\n');
                }
                continue;
            }
            let reply: &[u8] = match line
                .get(..4)
                .unwrap_or_default()
                .to_ascii_uppercase()
                .as_str()
            {
                "EHLO" | "HELO" => b"250 test\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go on\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
        received
    });
    (port, handle)
}

/// What an `smtp_server` saw: recipients offered to it, messages it accepted.
#[derive(Clone, Default)]
pub(crate) struct SmtpCounts {
    pub offered: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    pub accepted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

/// An SMTP peer taking any number of connections (several senders, several tries) that
/// accepts every message, or with `refuse` refuses every recipient for good (550).
pub(crate) async fn smtp_server(refuse: bool) -> (u16, SmtpCounts) {
    use std::sync::atomic::Ordering;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let counts = SmtpCounts::default();
    let seen = counts.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 test ESMTP\r\n").await;
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line != "." {
                            continue;
                        }
                        in_data = false;
                        seen.accepted.fetch_add(1, Ordering::SeqCst);
                        if write.write_all(b"250 queued\r\n").await.is_err() {
                            break;
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "RCPT" => {
                            seen.offered.fetch_add(1, Ordering::SeqCst);
                            if refuse {
                                b"550 5.1.1 no such user\r\n"
                            } else {
                                b"250 ok\r\n"
                            }
                        }
                        "DATA" => {
                            in_data = true;
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, counts)
}

pub(crate) fn smtp(port: u16) -> MailConfig {
    MailConfig {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        credentials: None,
        from: "Provider Center <no-reply@example.com>".into(),
    }
}

async fn mail_survives_an_smtp_outage_and_is_sent_once(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    submit_stage(&app, &cookie).await;
    // Nothing listens on the port: the mail stays, with the error and a later attempt.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    assert_eq!(
        app::kit::mail::send_due(&app.db, &smtp(dead_port))
            .await
            .unwrap(),
        0
    );
    let row = sqlx::query("SELECT attempts, sent_at, last_error, next_attempt_at FROM outbox")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(row.try_get::<i64, _>("attempts").unwrap(), 1);
    assert!(row.try_get::<Option<i64>, _>("sent_at").unwrap().is_none());
    assert!(!row.try_get::<String, _>("last_error").unwrap().is_empty());
    assert!(row.try_get::<i64, _>("next_attempt_at").unwrap() > app::kit::db::now());

    // Due again, with the server back: sent, as text and HTML, and only once.
    app.execute("UPDATE outbox SET next_attempt_at = 0").await;
    let (port, peer) = smtp_peer().await;
    assert_eq!(
        app::kit::mail::send_due(&app.db, &smtp(port))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app::kit::mail::send_due(&app.db, &smtp(port))
            .await
            .unwrap(),
        0
    );
    let received = tokio::time::timeout(std::time::Duration::from_secs(5), peer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(received.len(), 1);
    assert!(received[0].contains("To: buyer@example.com"));
    assert!(received[0].contains("multipart/alternative"));
    assert!(received[0].contains("text/html"));
}

async fn a_mail_refused_for_good_is_given_up(app: TestApp) {
    use app::kit::mail::{send_due, PERMANENT_TRIES};
    use std::sync::atomic::Ordering;
    let cookie = app.login("aku@example.com").await;
    submit_stage(&app, &cookie).await;
    let (port, seen) = smtp_server(true).await;
    let state = || async {
        let row = sqlx::query(
            "SELECT attempts, sent_at, failed_at, next_attempt_at, body_text FROM outbox",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        (
            row.try_get::<i64, _>("attempts").unwrap(),
            row.try_get::<Option<i64>, _>("failed_at").unwrap(),
            row.try_get::<String, _>("body_text").unwrap(),
        )
    };
    for attempt in 1..=PERMANENT_TRIES {
        app.execute("UPDATE outbox SET next_attempt_at = 0").await;
        assert_eq!(send_due(&app.db, &smtp(port)).await.unwrap(), 0);
        let (attempts, failed, text) = state().await;
        assert_eq!(attempts, attempt);
        assert_eq!(
            failed.is_some(),
            attempt == PERMANENT_TRIES,
            "try {attempt}"
        );
        // Given up, the link it held is gone from the stored copy.
        assert_eq!(
            text.contains("/accept/"),
            attempt < PERMANENT_TRIES,
            "{text}"
        );
    }
    // Never due again, however long the sender runs.
    assert_eq!(send_due(&app.db, &smtp(port)).await.unwrap(), 0);
    assert_eq!(
        seen.offered.load(Ordering::SeqCst),
        PERMANENT_TRIES as usize
    );

    // The mail log says so.
    let operator = app.login("operator@example.com").await;
    let log = app.call("/api/platform_mail", Some(&operator), "").await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let log: serde_json::Value = serde_json::from_str(&log.body).unwrap();
    let mail = &log["rows"][0];
    assert!(mail["failed"].is_string(), "{mail}");
    assert!(
        mail["last_error"]
            .as_str()
            .unwrap()
            .contains("no such user"),
        "{mail}"
    );
    let page = app.get("/platform/mail", Some(&operator)).await;
    assert!(page.body.contains("发送失败"), "{}", page.body);
}

/// What the deadline watch runs with in these tests.
fn watch_settings() -> app::kit::request::Settings {
    app::kit::request::Settings {
        mail_delivery: false,
        public_url: "http://127.0.0.1:3000".into(),
        secure_cookies: false,
        acceptance_days: 7,
        oidc_enabled: false,
        oidc_origin: None,
    }
}

async fn deadlines_remind_and_flag(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let (id, first) = submit_stage(&app, &cookie).await;
    let settings = watch_settings();
    let due_at = |at: i64| {
        let app = &app;
        async move {
            sqlx::query("UPDATE milestones SET due_at = $1 WHERE id = $2")
                .bind(at)
                .bind(id)
                .execute(app.db.pool())
                .await
                .unwrap();
        }
    };
    // Twelve hours left: one reminder with a fresh link, however often the watch runs.
    due_at(app::kit::db::now() + 12 * 3600).await;
    app::orders::deadlines(&app.db, &settings).await.unwrap();
    app::orders::deadlines(&app.db, &settings).await.unwrap();
    let subjects = app.strings("SELECT subject FROM outbox ORDER BY id").await;
    assert_eq!(subjects.len(), 2);
    assert!(subjects[1].starts_with("提醒"));
    let reminder = last_link(&app).await;
    assert_ne!(reminder, first);

    // Past the deadline: flagged once in the audit log.
    due_at(app::kit::db::now() - 60).await;
    app::orders::deadlines(&app.db, &settings).await.unwrap();
    app::orders::deadlines(&app.db, &settings).await.unwrap();
    let flags = app
        .number("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'acceptance_overdue'")
        .await;
    assert_eq!(flags, 1);
    let d = detail(&app, &cookie).await;
    assert!(d["milestones"][0]["seconds_left"].as_i64().unwrap() <= 0);
    // The provider's admin is mailed once, and 后台首页 counts the stage.
    let (subject, body) = last_mail(&app, "aku@example.com").await.expect("a mail");
    assert!(
        subject.contains("逾期") && subject.contains(NO),
        "{subject}"
    );
    assert!(body.contains(&format!("/orders/{NO}")), "{body}");
    assert_eq!(crate::common::mail_count(&app, "aku@example.com").await, 1);
    assert_eq!(overdue_on_home(&app, &cookie).await, 1);
    // Sent again, it is no longer overdue; another provider never counted it.
    let other = app.login("enjian@example.com").await;
    assert_eq!(overdue_on_home(&app, &other).await, 0);
    let resend = format!("no={NO}&id={id}&command=Resend");
    let sent = app
        .call("/api/milestone_command", Some(&cookie), &resend)
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(overdue_on_home(&app, &cookie).await, 0);
}

/// More overdue stages than the watch reads at a time (after downtime, say): one run flags
/// every one, once, and 后台首页 and 平台首页 count them all.
async fn a_backlog_of_overdue_stages_is_flagged_in_one_watch(app: TestApp) {
    let work_order = app
        .number(&format!(
            "SELECT id AS n FROM work_orders WHERE work_order_no = '{NO}'"
        ))
        .await;
    let past = app::kit::db::now() - 86_400;
    for i in 0..450 {
        app.execute(&format!(
            "INSERT INTO milestones (work_order_id, position, period_start, standard, status,
                                     created_at, updated_at, due_at)
             VALUES ({work_order}, {}, '2019-10-01', 'x', 'awaiting_acceptance', 1, 1, {})",
            100 + i,
            past - (i * 7919) % 450,
        ))
        .await;
    }
    let cookie = app.login("aku@example.com").await;
    let before = overdue_on_home(&app, &cookie).await;
    app::orders::deadlines(&app.db, &watch_settings())
        .await
        .unwrap();
    let unflagged = app
        .number(&format!(
            "SELECT COUNT(*) AS n FROM milestones WHERE work_order_id = {work_order}
             AND position >= 100 AND overdue_flagged_at IS NULL"
        ))
        .await;
    assert_eq!(unflagged, 0);
    assert_eq!(overdue_on_home(&app, &cookie).await, before + 450);
    let flags = app
        .number("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'acceptance_overdue'")
        .await;
    assert_eq!(flags, before + 450);
    // A second run finds nothing more to flag.
    app::orders::deadlines(&app.db, &watch_settings())
        .await
        .unwrap();
    let again = app
        .number("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'acceptance_overdue'")
        .await;
    assert_eq!(again, flags);
    let operator = app.login("operator@example.com").await;
    let platform =
        crate::common::json(&app, "/api/platform_overdue", &operator, "page=1&per=15").await;
    let flagged = app
        .number(
            "SELECT COUNT(*) AS n FROM milestones
             WHERE status = 'awaiting_acceptance' AND overdue_flagged_at IS NOT NULL",
        )
        .await;
    assert_eq!(platform["total"], flagged);
}

/// 后台首页's count of stages overdue for acceptance.
async fn overdue_on_home(app: &TestApp, cookie: &str) -> i64 {
    let home = crate::common::json(app, "/api/home", cookie, "").await;
    home["attention"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "home.attention.overdue")
        .unwrap()["count"]
        .as_i64()
        .unwrap()
}

async fn the_provider_resends_a_stage_for_acceptance(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    // A stage in progress has nothing to send again.
    let id = detail(&app, &cookie).await["milestones"][0]["id"]
        .as_i64()
        .unwrap();
    let resend = format!("no={NO}&id={id}&command=Resend");
    let early = app
        .call("/api/milestone_command", Some(&cookie), &resend)
        .await;
    assert!(
        early.body.contains("ms.error.not_awaiting"),
        "{}",
        early.body
    );
    let (_, old) = submit_stage(&app, &cookie).await;
    // Overdue: reminded and flagged by the watch, its link expired.
    app.execute(&format!("UPDATE milestones SET due_at = 1 WHERE id = {id}"))
        .await;
    app.execute("UPDATE acceptance_links SET expires_at = 1")
        .await;
    app::orders::deadlines(&app.db, &watch_settings())
        .await
        .unwrap();
    let expired = app.get(&format!("/accept/{old}"), None).await;
    assert!(
        expired.body.contains("服务提供商可以为您重新发送"),
        "{}",
        expired.body
    );
    let mails = crate::common::mail_count(&app, "buyer@example.com").await;

    // 重新发送验收, as a plain form without JavaScript: a new link and deadline, mailed.
    let sent = app
        .post_form("/api/milestone_command", Some(&cookie), &resend)
        .await;
    assert!(
        sent.status.is_redirection(),
        "{} {}",
        sent.status,
        sent.body
    );
    assert!(!sent.location().contains("e."), "{}", sent.location());
    assert_eq!(
        crate::common::mail_count(&app, "buyer@example.com").await,
        mails + 1
    );
    let new = last_link(&app).await;
    assert_ne!(new, old);
    let flags = app
        .strings(&format!(
            "SELECT CASE WHEN reminded_at IS NULL AND overdue_flagged_at IS NULL
                    THEN 'clear' ELSE 'set' END AS v FROM milestones WHERE id = {id}"
        ))
        .await;
    assert_eq!(flags, ["clear"]);
    let d = detail(&app, &cookie).await;
    assert_eq!(d["milestones"][0]["status"], "AwaitingAcceptance");
    assert!(d["milestones"][0]["seconds_left"].as_i64().unwrap() > 6 * 86_400);
    assert!(
        d["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "acceptance_resend"),
        "{d}"
    );
    let audited = app
        .number("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'wo_acceptance_resend'")
        .await;
    assert_eq!(audited, 1);
    let page = app.get(&format!("/orders/{NO}"), Some(&cookie)).await;
    assert!(page.body.contains("重新发送验收"));

    // Sent again (JavaScript on): the link before dies too; the old links answer nothing.
    let again = app
        .call("/api/milestone_command", Some(&cookie), &resend)
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let newest = last_link(&app).await;
    for dead in [&old, &new] {
        let page = app.get(&format!("/accept/{dead}"), None).await;
        assert!(page.body.contains("此验收链接已失效"), "{}", page.body);
        assert_eq!(
            answer(&app, dead, "accept", "").await.status,
            StatusCode::CONFLICT
        );
    }
    assert_eq!(
        answer(&app, &newest, "accept", "").await.status,
        StatusCode::OK
    );
    // Accepted (and the work order completed), the stage cannot be sent again.
    let late = app
        .call("/api/milestone_command", Some(&cookie), &resend)
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
}

async fn the_provider_changes_the_acceptance_contact(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let (_, old) = submit_stage(&app, &cookie).await;
    let change = |name: &str, email: &str| {
        format!(
            "no={NO}&name={}&email={}",
            crate::common::enc(name),
            crate::common::enc(email)
        )
    };
    // Refused next to the field, what was typed kept (no JavaScript).
    let invalid = app
        .post_form(
            "/api/change_acceptance_contact",
            Some(&cookie),
            &change("王芳", "not-an-address"),
        )
        .await;
    assert!(
        invalid.location().contains("e.email=form.email_invalid")
            && invalid.location().contains("v.email=not-an-address"),
        "{}",
        invalid.location()
    );
    let missing = app
        .call(
            "/api/change_acceptance_contact",
            Some(&cookie),
            &change("王芳", " "),
        )
        .await;
    assert!(missing.body.contains("form.required"), "{}", missing.body);

    let changed = app
        .post_form(
            "/api/change_acceptance_contact",
            Some(&cookie),
            &change("王芳", "wang@example.com"),
        )
        .await;
    assert!(changed.status.is_redirection(), "{}", changed.body);
    assert!(!changed.location().contains("e."), "{}", changed.location());
    // The stage awaiting an answer goes to the new contact; the old link is dead.
    let (_, body) = crate::common::last_mail(&app, "wang@example.com")
        .await
        .expect("a mail to the new contact");
    let new = crate::common::link_token(&body, "/accept/");
    assert_ne!(new, old);
    let page = app.get(&format!("/accept/{old}"), None).await;
    assert!(page.body.contains("此验收链接已失效"), "{}", page.body);
    let audit = app
        .strings("SELECT detail FROM audit_log WHERE action = 'wo_contact_change'")
        .await;
    assert_eq!(audit, ["buyer@example.com → 王芳 <wang@example.com>"]);
    let d = detail(&app, &cookie).await;
    assert_eq!(d["contact_email"], "wang@example.com");
    assert_eq!(d["contact"], "王芳 <wang@example.com>");
    assert_eq!(d["history"][0]["action"], "acceptance_resend");
    assert_eq!(d["history"][1]["action"], "contact_change");

    // The same contact again changes nothing and mails nobody.
    let mails = app.number("SELECT COUNT(*) AS n FROM outbox").await;
    let same = app
        .call(
            "/api/change_acceptance_contact",
            Some(&cookie),
            &change("王芳", "wang@example.com"),
        )
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.body);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM outbox").await, mails);

    // The new contact answers, under their own address.
    assert_eq!(
        answer(&app, &new, "accept", "").await.status,
        StatusCode::OK
    );
    let d = detail(&app, &cookie).await;
    let answered = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "customer_accept")
        .unwrap();
    assert_eq!(answered["actor"], "wang@example.com");
    // Closed, the work order keeps its contact.
    let closed = app
        .call(
            "/api/change_acceptance_contact",
            Some(&cookie),
            &change("", "li@example.com"),
        )
        .await;
    assert_eq!(closed.status, StatusCode::CONFLICT, "{}", closed.body);
}
