//! Evidence files: upload checked by content, downloads scoped to the provider and to the
//! acceptance link — on SQLite and PostgreSQL alike.

use crate::common::{advance_stage, work_order, TestApp};
use axum::http::{header, StatusCode};
use serde_json::Value;

on_both_databases!(
    a_pdf_is_stored_and_handed_back_as_an_attachment,
    content_decides_the_type_not_the_name,
    other_providers_and_links_get_nothing,
    the_customer_downloads_through_the_link,
);

const NO: &str = "20190927070759188";

async fn stage(app: &TestApp, cookie: &str) -> Value {
    work_order(app, cookie, NO).await["milestones"][0].clone()
}

async fn upload(
    app: &TestApp,
    cookie: &str,
    no: &str,
    stage: i64,
    name: &str,
    bytes: &[u8],
) -> crate::common::Answer {
    app.multipart(
        &format!("/orders/{no}/milestones/{stage}/files"),
        cookie,
        &[],
        &[("file", name, bytes)],
    )
    .await
}

async fn a_pdf_is_stored_and_handed_back_as_an_attachment(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let id = stage(&app, &cookie).await["id"].as_i64().unwrap();
    let answer = upload(&app, &cookie, NO, id, "验收报告.pdf", b"%PDF-1.7 report").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), format!("/orders/{NO}"));
    let files = stage(&app, &cookie).await["files"].clone();
    assert_eq!(files[0]["name"], "验收报告.pdf");
    assert_eq!(files[0]["size"], "15 B");
    let file = files[0]["id"].as_i64().unwrap();
    let download = app
        .get(&format!("/orders/{NO}/files/{file}"), Some(&cookie))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body, "%PDF-1.7 report");
    assert_eq!(download.headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = download.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap();
    assert!(disposition.starts_with("attachment; filename*=UTF-8''%E9%AA%8C"));
    assert_eq!(download.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

async fn content_decides_the_type_not_the_name(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let id = stage(&app, &cookie).await["id"].as_i64().unwrap();
    let html = upload(
        &app,
        &cookie,
        NO,
        id,
        "invoice.pdf",
        b"<html><script>alert(1)</script>",
    )
    .await;
    assert_eq!(html.status, StatusCode::SEE_OTHER);
    assert_eq!(
        html.location(),
        format!("/orders/{NO}?form=evidence-{id}&e.file=ev.error.type")
    );
    let empty = upload(&app, &cookie, NO, id, "empty.pdf", b"").await;
    assert!(empty.location().ends_with("e.file=form.required"));
    let stored = app
        .number("SELECT COUNT(*) AS n FROM milestone_files")
        .await;
    assert_eq!(stored, 0);
    let page = app.get(html.location(), Some(&cookie)).await;
    assert!(page
        .body
        .contains("只接受 PDF、PNG、JPEG、ZIP 或 Office 文档"));
    // An accepted stage takes no more files.
    let accepted = app
        .number(
            "SELECT m.id FROM milestones m JOIN work_orders w ON w.id = m.work_order_id
         WHERE w.work_order_no = '20191206030252180' AND m.status = 'accepted'",
        )
        .await;
    let locked = upload(
        &app,
        &cookie,
        "20191206030252180",
        accepted,
        "a.pdf",
        b"%PDF-1.7",
    )
    .await;
    assert!(
        locked.location().ends_with("e.file=ms.error.locked"),
        "{}",
        locked.location()
    );
}

async fn other_providers_and_links_get_nothing(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let id = stage(&app, &aku).await["id"].as_i64().unwrap();
    upload(&app, &aku, NO, id, "r.pdf", b"%PDF-1.7").await;
    let file = stage(&app, &aku).await["files"][0]["id"].as_i64().unwrap();
    let enjian = app.login("enjian@example.com").await;
    assert_eq!(
        upload(&app, &enjian, NO, id, "x.pdf", b"%PDF-1.7")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/orders/{NO}/files/{file}"), Some(&enjian))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Through one of its own work orders, a foreign file id is still not found.
    let own = app
        .get(
            &format!("/orders/20191102090000002/files/{file}"),
            Some(&enjian),
        )
        .await;
    assert_eq!(own.status, StatusCode::NOT_FOUND);
    // No session: sent to sign in; a made-up link: nothing.
    assert_eq!(
        app.get(&format!("/orders/{NO}/files/{file}"), None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let made_up = app
        .get(&format!("/accept/{}/files/{file}", "a".repeat(64)), None)
        .await;
    assert_eq!(made_up.status, StatusCode::NOT_FOUND);
}

async fn the_customer_downloads_through_the_link(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let id = stage(&app, &cookie).await["id"].as_i64().unwrap();
    upload(&app, &cookie, NO, id, "上线报告.pdf", b"%PDF-1.7 go-live").await;
    let file = stage(&app, &cookie).await["files"][0]["id"]
        .as_i64()
        .unwrap();
    let advance = advance_stage(&app, &cookie, NO, id).await;
    assert_eq!(advance.status, StatusCode::OK);
    let body = app
        .text("SELECT body_text FROM outbox ORDER BY id DESC LIMIT 1")
        .await;
    let start = body.find("/accept/").unwrap() + "/accept/".len();
    let token = &body[start..start + 64];
    let page = app.get(&format!("/accept/{token}"), None).await;
    assert!(page.body.contains("上线报告.pdf"));
    let download = app
        .get(&format!("/accept/{token}/files/{file}"), None)
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body, "%PDF-1.7 go-live");
    // The link opens only its own stage's files.
    let other: i64 = file + 1000;
    assert_eq!(
        app.get(&format!("/accept/{token}/files/{other}"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
