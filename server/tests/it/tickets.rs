//! 联系我们 tickets on SQLite and PostgreSQL alike: the built-in helpdesk from submission with
//! an attachment to the operator's answer and the provider's reply, scoping, and the HTTP
//! connector's contract against a stand-in helpdesk these tests start.

use crate::common::json as json_of;
use crate::common::{assert_calls, assert_pages, TestApp};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use sqlx::Row;
use std::sync::{Arc, Mutex};

on_both_databases!(
    a_ticket_is_answered_by_the_platform_and_read_by_the_provider,
    bad_input_and_other_providers_get_nothing,
    an_external_helpdesk_files_answers_and_notifies,
);

pub(crate) fn fields(subject: &str) -> Vec<(&str, &str)> {
    vec![
        ("service_type", "aftersales"),
        ("support_category", "orders"),
        ("subject", subject),
        (
            "details",
            "工单 20191206030252180 的阶段 1 客户迟迟未验收。",
        ),
        ("contact_name", "AKU"),
        ("contact_phone", "13653612334"),
        ("contact_email", "aku@example.com"),
        ("company", "MSP-A_TEST1"),
    ]
}

/// 在线创建工单 as the browser posts it.
pub(crate) async fn submit(
    app: &TestApp,
    cookie: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> crate::common::Answer {
    app.multipart_files("/tickets", cookie, fields, files).await
}

/// The ticket number a successful submission redirects to.
pub(crate) fn number(answer: &crate::common::Answer) -> String {
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "{}",
        answer.location()
    );
    let location = answer.location();
    let rest = location
        .strip_prefix("/tickets/")
        .expect("to the new ticket");
    rest.trim_end_matches("?created=1").to_owned()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n screenshot";

async fn a_ticket_is_answered_by_the_platform_and_read_by_the_provider(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    let defaults = json_of(&app, "/api/ticket_defaults", &aku, "").await;
    assert_eq!(defaults["company"], "MSP-A_TEST1");
    assert_eq!(defaults["email"], "aku@example.com");
    let no = number(&submit(&app, &aku, &fields("客户未验收"), &[("截图.png", PNG)]).await);
    assert_eq!(no.len(), 8);
    let history = json_of(&app, "/api/tickets", &aku, "status=&unread=&page=").await;
    assert_eq!(history["count"], 3);
    assert_eq!(history["rows"][0]["no"], no.as_str());
    assert_eq!(history["rows"][0]["status"], "Open");
    assert_eq!(history["rows"][0]["channel"], "builtin");
    // The manual's 1908023 is there too, closed.
    let closed = json_of(&app, "/api/tickets", &aku, "status=closed&unread=&page=").await;
    assert_eq!(closed["rows"][0]["no"], "1908023");
    // The operator sees it with its file and answers; the contact is mailed.
    let queue = json_of(
        &app,
        "/api/platform_tickets",
        &operator,
        "status=open&page=",
    )
    .await;
    assert!(queue["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["no"] == no.as_str()));
    let ticket = json_of(&app, "/api/platform_ticket", &operator, &format!("no={no}")).await;
    let file = ticket["files"][0][0].as_i64().unwrap();
    let download = app
        .get(
            &format!("/platform/tickets/{no}/files/{file}"),
            Some(&operator),
        )
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.bytes, PNG);
    assert_eq!(download.headers[header::CONTENT_TYPE], "image/png");
    let answer = app
        .call(
            "/api/answer_ticket",
            Some(&operator),
            &format!("no={no}&body=请提供客户联系方式&status=pending"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let mail = sqlx::query("SELECT to_address, subject FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        mail.try_get::<String, _>("to_address").unwrap(),
        "aku@example.com"
    );
    assert!(mail.try_get::<String, _>("subject").unwrap().contains(&no));
    // New replies: the demo's 1912001 and this one; reading marks it read.
    let unread = json_of(&app, "/api/tickets", &aku, "status=&unread=1&page=").await;
    assert_eq!(unread["count"], 2);
    let detail = json_of(&app, "/api/ticket", &aku, &format!("no={no}")).await;
    assert_eq!(detail["status"], "Pending");
    assert_eq!(detail["messages"][0]["body"], "请提供客户联系方式");
    assert_eq!(detail["messages"][0]["from_platform"], true);
    assert_eq!(
        json_of(&app, "/api/tickets", &aku, "status=&unread=1&page=").await["count"],
        1
    );
    // The provider answers: the ticket is open again.
    let reply = app
        .call(
            "/api/reply_ticket",
            Some(&aku),
            &format!("no={no}&body=客户电话 13800000000"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let detail = json_of(&app, "/api/ticket", &aku, &format!("no={no}")).await;
    assert_eq!(detail["status"], "Open");
    assert_eq!(detail["messages"][1]["from_platform"], false);
    // Closed tickets take no more answers.
    app.call(
        "/api/answer_ticket",
        Some(&operator),
        &format!("no={no}&body=&status=closed"),
    )
    .await;
    let reply = app
        .call(
            "/api/reply_ticket",
            Some(&aku),
            &format!("no={no}&body=还有一个问题"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    // The pages render from the server.
    let page = app.get(&format!("/tickets/{no}"), Some(&aku)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("请提供客户联系方式"));
}

async fn bad_input_and_other_providers_get_nothing(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let mut bad = fields("");
    bad.retain(|(k, _)| *k != "service_type");
    let answer = submit(&app, &aku, &bad, &[("virus.png", b"MZ\x90\x00")]).await;
    let back = answer.location();
    assert!(back.starts_with("/tickets?form=ticket-new"), "{back}");
    for error in [
        "e.subject=form.required",
        "e.service_type=form.required",
        "e.files=ev.error.type",
    ] {
        assert!(back.contains(error), "{error} in {back}");
    }
    assert!(back.contains("v.company=MSP-A_TEST1"));
    let page = app.get(back, Some(&aku)).await;
    assert!(page.body.contains("此项为必填项") && page.body.contains("value=\"MSP-A_TEST1\""));
    // A body cut short (a dropped connection, a limit passed) is refused on the files, and
    // what was typed before the cut comes back.
    let (content_type, mut body) = crate::common::multipart_body(
        &fields("断开的上传"),
        &[("files", "a.png", PNG)],
        "image/png",
    );
    body.truncate(body.len() - 20);
    let cut = app
        .send(
            Request::post("/tickets")
                .header(header::COOKIE, &aku)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    let back = cut.location();
    assert!(back.contains("e.files=ev.error.size"), "{back}");
    assert!(back.contains("v.company=MSP-A_TEST1"), "{back}");
    let no = number(&submit(&app, &aku, &fields("本公司工单"), &[("a.png", PNG)]).await);
    let file = json_of(&app, "/api/ticket", &aku, &format!("no={no}")).await["files"][0][0]
        .as_i64()
        .unwrap();
    let other = app.login("enjian@example.com").await;
    let calls = [
        ("/api/ticket", format!("no={no}")),
        ("/api/reply_ticket", format!("no={no}&body=x")),
    ];
    assert_calls(&app, Some(&other), &calls, StatusCode::NOT_FOUND).await;
    let pages = [
        format!("/tickets/{no}/files/{file}"),
        format!("/tickets/{no}"),
    ];
    assert_pages(&app, Some(&other), &pages, StatusCode::NOT_FOUND).await;
    assert_eq!(
        json_of(&app, "/api/tickets", &other, "status=&unread=&page=").await["count"],
        0
    );
    // Providers are not operators.
    assert_eq!(
        app.call(
            "/api/answer_ticket",
            Some(&aku),
            &format!("no={no}&body=x&status=solved")
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // A webhook without an external helpdesk does not exist.
    let hook = app
        .send(
            Request::post("/helpdesk/webhook")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(hook.status, StatusCode::NOT_FOUND);
}

/// The helpdesk's webhook call with `notice`, signed with `secret`.
async fn webhook(app: &TestApp, secret: &str, notice: &[u8]) -> crate::common::Answer {
    app.send(
        Request::post("/helpdesk/webhook")
            .header(
                "x-helpdesk-signature",
                app::tickets::helpdesk::sign(secret, notice),
            )
            .body(Body::from(notice.to_vec()))
            .unwrap(),
    )
    .await
}

/// A stand-in for an ewei-like helpdesk: tickets in memory, the contract of
/// `app::tickets::helpdesk`, a bearer token, and a switch that makes it fail.
#[derive(Clone, Default)]
struct StandIn {
    tickets: Arc<Mutex<Vec<Value>>>,
    down: Arc<Mutex<bool>>,
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some("Bearer helpdesk-token")
}

async fn stand_in() -> (String, StandIn) {
    let state = StandIn::default();
    let router = Router::new()
        .route(
            "/api/tickets",
            get(
                |State(s): State<StandIn>,
                 headers: HeaderMap,
                 Query(q): Query<std::collections::HashMap<String, String>>| async move {
                    if *s.down.lock().unwrap() || !authorized(&headers) {
                        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({})));
                    }
                    let wanted: Vec<String> = q
                        .get("ids")
                        .map(|ids| ids.split(',').map(str::to_owned).collect())
                        .unwrap_or_default();
                    let tickets = s.tickets.lock().unwrap();
                    let listed: Vec<Value> = tickets
                        .iter()
                        .filter(|t| wanted.iter().any(|w| t["id"] == w.as_str()))
                        .map(|t| json!({ "id": t["id"], "status": t["status"] }))
                        .collect();
                    (StatusCode::OK, Json(json!({ "tickets": listed })))
                },
            )
            .post(
                |State(s): State<StandIn>, headers: HeaderMap, Json(body): Json<Value>| async move {
                    if *s.down.lock().unwrap() {
                        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({})));
                    }
                    if !authorized(&headers) {
                        return (StatusCode::UNAUTHORIZED, Json(json!({})));
                    }
                    let mut tickets = s.tickets.lock().unwrap();
                    let id = format!("EW-{}", 1000 + tickets.len());
                    let mut ticket = body.clone();
                    ticket["id"] = json!(id);
                    ticket["status"] = json!("open");
                    ticket["comments"] = json!([]);
                    tickets.push(ticket);
                    (StatusCode::CREATED, Json(json!({ "id": id })))
                },
            ),
        )
        .route(
            "/api/tickets/{id}",
            get(
                |State(s): State<StandIn>, headers: HeaderMap, Path(id): Path<String>| async move {
                    if *s.down.lock().unwrap() || !authorized(&headers) {
                        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({})));
                    }
                    let tickets = s.tickets.lock().unwrap();
                    match tickets.iter().find(|t| t["id"] == id.as_str()) {
                        Some(t) => (StatusCode::OK, Json(t.clone())),
                        None => (StatusCode::NOT_FOUND, Json(json!({}))),
                    }
                },
            ),
        )
        .route(
            "/api/tickets/{id}/comments",
            post(
                |State(s): State<StandIn>,
                 headers: HeaderMap,
                 Path(id): Path<String>,
                 Json(body): Json<Value>| async move {
                    if !authorized(&headers) {
                        return StatusCode::UNAUTHORIZED;
                    }
                    let mut tickets = s.tickets.lock().unwrap();
                    let Some(t) = tickets.iter_mut().find(|t| t["id"] == id.as_str()) else {
                        return StatusCode::NOT_FOUND;
                    };
                    let n = t["comments"].as_array().unwrap().len();
                    t["comments"].as_array_mut().unwrap().push(json!({
                        "id": format!("c{n}"), "author": body["author"], "body": body["body"],
                        "from_agent": false, "created_at": 1_575_000_000 + n as i64,
                    }));
                    t["status"] = json!("open");
                    StatusCode::CREATED
                },
            ),
        )
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{address}/api"), state)
}

async fn an_external_helpdesk_files_answers_and_notifies(app: TestApp) {
    let (url, helpdesk) = stand_in().await;
    let mut config = server::config::Config::for_database(&app.url);
    config.helpdesk_url = Some(url);
    config.helpdesk_token = Some("helpdesk-token".into());
    config.helpdesk_webhook_secret = Some("hook-secret".into());
    let app = TestApp::with_config(config).await;
    let aku = app.login("aku@example.com").await;
    let no = number(&submit(&app, &aku, &fields("外部工单"), &[]).await);
    // Filed with the helpdesk under the portal's number, with the requester.
    let filed = helpdesk.tickets.lock().unwrap()[0].clone();
    assert_eq!(filed["reference"], no.as_str());
    assert_eq!(filed["subject"], "外部工单");
    assert_eq!(filed["requester"]["email"], "aku@example.com");
    assert_eq!(filed["service_type"], "aftersales");
    let row = json_of(&app, "/api/tickets", &aku, "status=&unread=&page=").await["rows"][0].clone();
    assert_eq!(row["no"], no.as_str());
    assert_eq!(row["channel"], "ewei");
    // An agent answers in the helpdesk, which calls the webhook.
    {
        let mut tickets = helpdesk.tickets.lock().unwrap();
        tickets[0]["status"] = json!("pending");
        tickets[0]["comments"] = json!([{ "id": "a1", "author": "客服小王", "body": "请提供订单号", "from_agent": true, "created_at": 1_575_000_000 }]);
    }
    let notice = br#"{"ticket_id":"EW-1000"}"#.to_vec();
    let forged = webhook(&app, "wrong", &notice).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    let hook = webhook(&app, "hook-secret", &notice).await;
    assert_eq!(hook.status, StatusCode::NO_CONTENT);
    let unread = json_of(&app, "/api/tickets", &aku, "status=&unread=1&page=").await;
    assert!(unread["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["no"] == no.as_str()));
    // Delivered twice, kept once.
    webhook(&app, "hook-secret", &notice).await;
    let detail = json_of(&app, "/api/ticket", &aku, &format!("no={no}")).await;
    assert_eq!(detail["status"], "Pending");
    assert_eq!(detail["messages"].as_array().unwrap().len(), 1);
    assert_eq!(detail["messages"][0]["author"], "客服小王");
    // The provider's answer goes to the helpdesk.
    let reply = app
        .call(
            "/api/reply_ticket",
            Some(&aku),
            &format!("no={no}&body=订单号 20191206030252180"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let comments = helpdesk.tickets.lock().unwrap()[0]["comments"].clone();
    assert_eq!(comments[1]["body"], "订单号 20191206030252180");
    // Solved in the helpdesk without a webhook: the history list asks and shows it.
    helpdesk.tickets.lock().unwrap()[0]["status"] = json!("solved");
    let history = json_of(&app, "/api/tickets", &aku, "status=&unread=&page=").await;
    let row = history["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["no"] == no.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["status"], "Solved");
    assert_eq!(history["stale"], false);
    // The helpdesk is down: reading shows the last copy, submitting keeps what was typed.
    *helpdesk.down.lock().unwrap() = true;
    let detail = json_of(&app, "/api/ticket", &aku, &format!("no={no}")).await;
    assert_eq!(detail["stale"], true);
    assert_eq!(
        json_of(&app, "/api/tickets", &aku, "status=&unread=&page=").await["stale"],
        true
    );
    assert_eq!(detail["messages"].as_array().unwrap().len(), 2);
    let before = app.number("SELECT COUNT(*) AS n FROM tickets").await;
    let refused = submit(&app, &aku, &fields("帮助中心宕机时"), &[]).await;
    assert!(
        refused
            .location()
            .contains("e._=ticket.error.helpdesk_down"),
        "{}",
        refused.location()
    );
    assert!(refused.location().contains("v.subject="));
    let after = app.number("SELECT COUNT(*) AS n FROM tickets").await;
    assert_eq!(before, after);
}
