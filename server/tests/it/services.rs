//! Service items on SQLite and PostgreSQL alike: the demo catalogue and its filters, the whole
//! review workflow with versions, forbidden moves, sanitized descriptions, attachments judged
//! by content, plain form posts, another provider's items answering 404, and the published
//! catalogue the marketplace reads (`GET /api/v1/catalogue`).

use crate::common::{assert_calls, assert_pages, json, newest_mail, TestApp, API_TOKEN};
use app::kit::forms::encode_query;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

on_both_databases!(
    the_manuals_items_are_listed_and_filtered,
    an_item_goes_through_review_delisting_and_back,
    moves_out_of_turn_and_by_the_wrong_side_are_refused,
    hostile_html_in_the_description_is_made_inert,
    attachments_are_judged_by_content_and_served_as_downloads,
    another_provider_s_item_is_not_found,
    plain_form_posts_save_and_come_back_with_errors,
    the_catalogue_api_shows_listed_items_as_approved,
    the_catalogue_api_pages_revalidates_and_refuses_bad_calls,
);

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_query(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn list(app: &TestApp, cookie: &str, query: &[(&str, &str)]) -> Value {
    let mut pairs = vec![
        ("from", ""),
        ("to", ""),
        ("q", ""),
        ("status", ""),
        ("sort", ""),
        ("page", ""),
    ];
    for (k, v) in query {
        pairs.retain(|(key, _)| key != k);
        pairs.push((k, v));
    }
    json(app, "/api/service_items", cookie, &form(&pairs)).await
}

async fn item(app: &TestApp, cookie: &str, id: i64) -> Value {
    json(app, "/api/service_item", cookie, &format!("id={id}")).await
}

async fn create(app: &TestApp, cookie: &str, name: &str, description: &str) -> i64 {
    let answer = app
        .call(
            "/api/save_service_item",
            Some(cookie),
            &form(&[
                ("id", ""),
                ("name", name),
                ("product", "Office 365"),
                ("owner_name", "AKU"),
                ("owner_contact", "13653612334"),
                ("description", description),
            ]),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body.parse().unwrap()
}

/// A complete item: description, one SKU with one plan.
async fn complete_item(app: &TestApp, cookie: &str, name: &str) -> i64 {
    let id = create(app, cookie, name, "<p>迁移服务</p>").await;
    let answer = app
        .call(
            "/api/save_sku",
            Some(cookie),
            &form(&[
                ("item_id", &id.to_string()),
                ("sku_id", ""),
                ("name", "标准版"),
                ("specification", "50 个邮箱"),
                ("region", "华东"),
            ]),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let sku = item(app, cookie, id).await["content"]["skus"][0]["id"]
        .as_i64()
        .unwrap();
    save_plan(app, cookie, id, sku, "", "one_time", "100.00", "6").await;
    id
}

#[allow(clippy::too_many_arguments)]
async fn save_plan(
    app: &TestApp,
    cookie: &str,
    id: i64,
    sku: i64,
    plan: &str,
    mode: &str,
    price: &str,
    tax: &str,
) -> crate::common::Answer {
    app.call(
        "/api/save_plan",
        Some(cookie),
        &form(&[
            ("item_id", &id.to_string()),
            ("sku_id", &sku.to_string()),
            ("plan_id", plan),
            ("name", "基本计划"),
            ("billing_mode", mode),
            ("price", price),
            ("currency", "CNY"),
            ("tax_percent", tax),
            ("installments", "3"),
            ("interval_months", "1"),
        ]),
    )
    .await
}

async fn provider_move(
    app: &TestApp,
    cookie: &str,
    id: i64,
    action: &str,
) -> crate::common::Answer {
    app.call(
        "/api/move_service_item",
        Some(cookie),
        &form(&[
            ("item_id", &id.to_string()),
            ("action", action),
            ("note", ""),
        ]),
    )
    .await
}

async fn decide(
    app: &TestApp,
    cookie: &str,
    id: i64,
    version: i64,
    decision: &str,
    reason: &str,
) -> crate::common::Answer {
    app.call(
        "/api/decide_service_item",
        Some(cookie),
        &form(&[
            ("item_id", &id.to_string()),
            ("version", &version.to_string()),
            ("decision", decision),
            ("reason", reason),
        ]),
    )
    .await
}

async fn save_basic(app: &TestApp, cookie: &str, id: i64, name: &str) -> crate::common::Answer {
    app.call(
        "/api/save_service_item",
        Some(cookie),
        &form(&[
            ("id", &id.to_string()),
            ("name", name),
            ("product", "Office 365"),
            ("owner_name", "AKU"),
            ("owner_contact", "13653612334"),
            ("description", "<p>迁移服务</p>"),
        ]),
    )
    .await
}

fn error_key(answer: &crate::common::Answer) -> String {
    let value: Value = serde_json::from_str(&answer.body).unwrap();
    value["Conflict"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| value.to_string())
}

async fn the_manuals_items_are_listed_and_filtered(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let all = list(&app, &cookie, &[]).await;
    assert_eq!(all["count"], 13);
    assert_eq!(all["rows"][0]["name"], "部署服务");
    assert_eq!(all["rows"][0]["product"], "heenor测试服务项");
    assert_eq!(all["rows"][0]["created"], "2019-09-30 10:21");
    assert_eq!(all["rows"][0]["status"], "Approved");
    assert_eq!(all["rows"][12]["name"], "服务BinaryTree");
    assert_eq!(all["rows"][12]["status"], "Draft");
    let statuses: Vec<(&str, i64)> = [
        ("approved", 9),
        ("rejected", 1),
        ("pending_review", 2),
        ("draft", 1),
    ]
    .to_vec();
    for (status, count) in statuses {
        let page = list(&app, &cookie, &[("status", status)]).await;
        assert_eq!(page["count"], count, "{status}");
    }
    let search = list(&app, &cookie, &[("q", "XIXUAN")]).await;
    assert_eq!(search["count"], 3);
    // A `%` is a character searched for, not a wildcard.
    assert_eq!(list(&app, &cookie, &[("q", "%")]).await["count"], 0);
    // 截止日期 includes its last day.
    let range = list(
        &app,
        &cookie,
        &[("from", "2019-09-27"), ("to", "2019-09-27")],
    )
    .await;
    assert_eq!(range["count"], 5);
    let by_name = list(&app, &cookie, &[("sort", "name")]).await;
    assert_eq!(by_name["rows"][0]["name"], "BITian服务项");
    // Another provider has none of them.
    let other = app.login("enjian@example.com").await;
    assert_eq!(list(&app, &other, &[]).await["count"], 0);
    // The platform's queue: what waits, oldest submission first.
    let operator = app.login("operator@example.com").await;
    let queue = json(
        &app,
        "/api/platform_service_items",
        &operator,
        "q=&status=&page=",
    )
    .await;
    assert_eq!(queue["count"], 2);
    assert_eq!(queue["rows"][0]["name"], "SafeIN China");
    assert_eq!(queue["rows"][0]["provider"], "MSP-A_TEST1");
    // The page renders from the server with the manual's columns.
    let page = app.get("/services", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("服务BinaryTree") && page.body.contains("待提交"));

    // The shared pager: 13 items are one page of 15 and, at 15 (chosen, then remembered), a
    // second page holds none; the page links keep the filters.
    assert_eq!(all["pages"], 1);
    assert_eq!(all["per_page"], 15);
    assert!(page.body.contains("class=\"pager\"") && page.body.contains("name=\"per\""));
    let names = |page: &Value| -> Vec<String> {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut walked = Vec::new();
    for number in ["1", "2"] {
        let page = list(
            &app,
            &cookie,
            &[("sort", "name"), ("page", number), ("per", "30")],
        )
        .await;
        assert_eq!(page["per_page"], 30);
        walked.extend(names(&page));
    }
    // Page 2 of 1 is the last page again (clamped), not a 500.
    assert_eq!(walked.len(), 26);
    assert_eq!(walked[..13], walked[13..]);
    assert_eq!(list(&app, &cookie, &[]).await["per_page"], 30, "remembered");
    let filtered = app
        .get("/services?status=approved&per=15", Some(&cookie))
        .await;
    assert!(filtered.body.contains("<option value=\"15\" selected"));
    assert!(filtered.body.contains("name=\"status\" value=\"approved\""));
    let queue = json(
        &app,
        "/api/platform_service_items",
        &operator,
        "q=&status=all&page=&per=50",
    )
    .await;
    assert_eq!(queue["per_page"], 50);
    assert_eq!(
        queue["count"].as_i64(),
        Some(queue["rows"].as_array().unwrap().len() as i64)
    );
}

async fn an_item_goes_through_review_delisting_and_back(app: TestApp) {
    let cookie = app.login("305102247@example.com").await; // a 用户 may draft and submit
    let operator = app.login("operator@example.com").await;
    let id = complete_item(&app, &cookie, "邮箱迁移服务").await;
    let draft = item(&app, &cookie, id).await;
    assert_eq!(draft["status"], "Draft");
    assert_eq!(draft["version"], 3);
    assert_eq!(
        draft["content"]["skus"][0]["plans"][0]["price_with_tax"],
        "¥106.00"
    );
    let answer = provider_move(&app, &cookie, id, "submit").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let pending = item(&app, &cookie, id).await;
    assert_eq!(pending["status"], "PendingReview");
    assert_eq!(pending["review_version"], 3);
    // Under review nothing changes, so the platform decides on what it was sent.
    let answer = save_basic(&app, &cookie, id, "改名").await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(error_key(&answer), "svc.error.under_review");
    // The platform refuses a decision on a version it did not see.
    let answer = decide(&app, &operator, id, 2, "approve", "").await;
    assert_eq!(error_key(&answer), "svc.error.version_moved");
    let review = json(
        &app,
        "/api/platform_service_item",
        &operator,
        &format!("id={id}"),
    )
    .await;
    assert_eq!(review["content"]["name"], "邮箱迁移服务");
    let answer = decide(&app, &operator, id, 3, "approve", "").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let (to, subject) = newest_mail(&app).await;
    assert_eq!(to, "305102247@example.com");
    assert!(subject.contains("已通过审核"), "{subject}");
    // §4.1.3: a listed item is saved only after delisting.
    let answer = save_basic(&app, &cookie, id, "改名").await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(error_key(&answer), "svc.error.approved_locked");
    let answer = provider_move(&app, &cookie, id, "request_delisting").await;
    assert_eq!(answer.status, StatusCode::OK);
    // A refused delisting keeps it listed, with the reason on the item.
    let answer = decide(&app, &operator, id, 3, "refuse_delisting", "").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let answer = decide(
        &app,
        &operator,
        id,
        3,
        "refuse_delisting",
        "合同期内不能下架",
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let kept = item(&app, &cookie, id).await;
    assert_eq!(kept["status"], "Approved");
    assert_eq!(kept["decision_reason"], "合同期内不能下架");
    provider_move(&app, &cookie, id, "request_delisting").await;
    let answer = decide(&app, &operator, id, 3, "approve_delisting", "").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(item(&app, &cookie, id).await["status"], "Delisted");
    // Editable again: a new version, resubmitted and reviewed as that version.
    let answer = save_basic(&app, &cookie, id, "邮箱迁移服务（2020版）").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let edited = item(&app, &cookie, id).await;
    assert_eq!(edited["version"], 4);
    assert_eq!(edited["versions"][0]["changes"][0]["key"], "name");
    assert_eq!(
        edited["versions"][0]["changes"][0]["detail"],
        "邮箱迁移服务 → 邮箱迁移服务（2020版）"
    );
    assert_eq!(
        provider_move(&app, &cookie, id, "submit").await.status,
        StatusCode::OK
    );
    let answer = decide(&app, &operator, id, 4, "reject", "请补充交付标准").await;
    assert_eq!(answer.status, StatusCode::OK);
    let rejected = item(&app, &cookie, id).await;
    assert_eq!(rejected["status"], "Rejected");
    assert_eq!(rejected["decision_reason"], "请补充交付标准");
    let actions: Vec<&str> = rejected["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "reject",
            "submit",
            "approve_delisting",
            "request_delisting",
            "refuse_delisting",
            "request_delisting",
            "approve",
            "submit"
        ]
    );
    // Every move is in the audit log.
    let audited = app
        .number_with(
            "SELECT COUNT(*) AS n FROM audit_log WHERE target_type = 'service_item' AND target_id = $1",
            id.to_string(),
        )
        .await;
    assert_eq!(audited, 9);
}

async fn moves_out_of_turn_and_by_the_wrong_side_are_refused(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    // No SKU or plan yet: not ready for review.
    let bare = create(&app, &cookie, "空服务", "<p>说明</p>").await;
    let answer = provider_move(&app, &cookie, bare, "submit").await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(error_key(&answer), "svc.error.no_plan");
    let blank = create(&app, &cookie, "无描述", "<p><br></p>").await;
    assert_eq!(
        error_key(&provider_move(&app, &cookie, blank, "submit").await),
        "svc.error.no_description"
    );
    // The platform cannot decide a draft; a provider cannot decide at all.
    let answer = decide(&app, &operator, bare, 1, "approve", "").await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(error_key(&answer), "svc.error.state");
    assert_eq!(
        decide(&app, &cookie, bare, 1, "approve", "").await.status,
        StatusCode::FORBIDDEN
    );
    // Delisting a draft, or an unknown move, is refused.
    assert_eq!(
        provider_move(&app, &cookie, bare, "request_delisting")
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        provider_move(&app, &cookie, bare, "approve").await.status,
        StatusCode::BAD_REQUEST
    );
    // Bad plan input: per-field errors, nothing saved.
    let id = complete_item(&app, &cookie, "价格测试").await;
    let sku = item(&app, &cookie, id).await["content"]["skus"][0]["id"]
        .as_i64()
        .unwrap();
    let answer = save_plan(&app, &cookie, id, sku, "", "one_time", "1.005", "130").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("svc.error.price") && answer.body.contains("svc.error.tax"));
    let answer = save_plan(&app, &cookie, id, sku, "", "installments", "999.99", "6").await;
    assert_eq!(answer.status, StatusCode::OK);
    let plans = item(&app, &cookie, id).await["content"]["skus"][0]["plans"].clone();
    assert_eq!(plans.as_array().unwrap().len(), 2);
    assert_eq!(plans[1]["price_with_tax"], "¥1,059.99");
    assert_eq!(
        plans[1]["schedule"],
        serde_json::json!(["¥353.33", "¥353.33", "¥353.33"])
    );
    // A plan of another item's SKU is not found.
    let answer = save_plan(&app, &cookie, bare, sku, "", "one_time", "1", "6").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    // Two reviewers approving at once: one wins, the other is told.
    provider_move(&app, &cookie, id, "submit").await;
    let (a, b) = tokio::join!(
        decide(&app, &operator, id, 4, "approve", ""),
        decide(&app, &operator, id, 4, "reject", "不行")
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let events = app
        .number_with(
            "SELECT COUNT(*) AS n FROM service_item_events WHERE service_item_id = $1 AND action IN ('approve', 'reject')",
            id,
        )
        .await;
    assert_eq!(events, 1);
}

async fn hostile_html_in_the_description_is_made_inert(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    let hostile = r#"<h2>服务</h2><script>alert('xss')</script><img src="x" onerror="alert('xss')">
        <a href="javascript:alert('xss')">点我</a><iframe src="https://evil.example"></iframe>
        <p onmouseover="alert('xss')" style="color:red">正文</p>"#;
    let id = create(&app, &cookie, "XSS 测试", hostile).await;
    let stored = app
        .text_with(
            "SELECT description_html FROM service_items WHERE id = $1",
            id,
        )
        .await;
    for banned in [
        "<script",
        "onerror",
        "onmouseover",
        "javascript:",
        "<iframe",
        "style=",
    ] {
        assert!(!stored.contains(banned), "{banned} stored: {stored}");
    }
    assert!(stored.contains("<h2>服务</h2>") && stored.contains("<p>正文</p>"));
    // Whatever is in the database is cleaned again on the way out.
    sqlx::query("UPDATE service_items SET description_html = $1 WHERE id = $2")
        .bind(hostile)
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let shown = item(&app, &cookie, id).await["content"]["description_html"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!shown.contains("<script") && !shown.contains("onerror"));
    for (path, who) in [
        (format!("/services/{id}?tab=preview"), &cookie),
        (format!("/platform/services/{id}"), &operator),
    ] {
        let page = app.get(&path, Some(who)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("alert('xss')"), "{path}");
    }
}

async fn upload(
    app: &TestApp,
    cookie: &str,
    id: i64,
    name: &str,
    bytes: &[u8],
) -> crate::common::Answer {
    app.multipart(
        &format!("/services/{id}/files"),
        cookie,
        &[],
        &[("file", name, bytes)],
    )
    .await
}

async fn attachments_are_judged_by_content_and_served_as_downloads(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    let id = complete_item(&app, &cookie, "附件测试").await;
    // An HTML page named like a PDF is refused.
    let answer = upload(
        &app,
        &cookie,
        id,
        "说明.pdf",
        b"<html><script>alert(1)</script>",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        answer.location(),
        format!("/services/{id}?form=files&e.file=ev.error.type")
    );
    let answer = upload(&app, &cookie, id, "服务说明.pdf", b"%PDF-1.7 brochure").await;
    assert_eq!(answer.location(), format!("/services/{id}"));
    let detail = item(&app, &cookie, id).await;
    let file = detail["content"]["files"][0]["id"].as_i64().unwrap();
    assert_eq!(detail["versions"][0]["changes"][0]["key"], "file_added");
    for (path, who) in [
        (format!("/services/{id}/files/{file}"), &cookie),
        (format!("/platform/services/{id}/files/{file}"), &operator),
    ] {
        let download = app.get(&path, Some(who)).await;
        assert_eq!(download.status, StatusCode::OK, "{path}");
        assert_eq!(download.body, "%PDF-1.7 brochure");
        assert_eq!(download.headers[header::CONTENT_TYPE], "application/pdf");
        assert!(download.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;"));
        assert_eq!(download.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    // A provider is not the platform.
    let answer = app
        .get(
            &format!("/platform/services/{id}/files/{file}"),
            Some(&cookie),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Under review, attachments are frozen too.
    provider_move(&app, &cookie, id, "submit").await;
    let answer = upload(&app, &cookie, id, "more.pdf", b"%PDF-1.7 more").await;
    assert_eq!(
        answer.location(),
        format!("/services/{id}?form=files&e.file=svc.error.under_review")
    );
}

async fn another_provider_s_item_is_not_found(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let id = complete_item(&app, &cookie, "本公司服务").await;
    upload(&app, &cookie, id, "a.pdf", b"%PDF-1.7 a").await;
    let file = item(&app, &cookie, id).await["content"]["files"][0]["id"]
        .as_i64()
        .unwrap();
    let sku = item(&app, &cookie, id).await["content"]["skus"][0]["id"]
        .as_i64()
        .unwrap();
    let other = app.login("enjian@example.com").await;
    let id_s = id.to_string();
    let calls = [
        ("/api/service_item", format!("id={id}")),
        (
            "/api/save_service_item",
            form(&[
                ("id", &id_s),
                ("name", "x"),
                ("product", "x"),
                ("owner_name", "x"),
                ("owner_contact", "x"),
                ("description", "<p>x</p>"),
            ]),
        ),
        (
            "/api/save_sku",
            form(&[
                ("item_id", &id_s),
                ("sku_id", ""),
                ("name", "x"),
                ("specification", ""),
                ("region", ""),
            ]),
        ),
        ("/api/delete_sku", format!("item_id={id}&sku_id={sku}")),
        (
            "/api/delete_service_file",
            format!("item_id={id}&file_id={file}"),
        ),
        (
            "/api/move_service_item",
            format!("item_id={id}&action=submit"),
        ),
    ];
    assert_calls(&app, Some(&other), &calls, StatusCode::NOT_FOUND).await;
    let pages = [
        format!("/services/{id}"),
        format!("/services/{id}/files/{file}"),
    ];
    assert_pages(&app, Some(&other), &pages, StatusCode::NOT_FOUND).await;
    assert_eq!(
        upload(&app, &other, id, "b.pdf", b"%PDF-1.7 b")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Nothing changed.
    let mine = item(&app, &cookie, id).await;
    assert_eq!(mine["status"], "Draft");
    assert_eq!(mine["content"]["skus"].as_array().unwrap().len(), 1);
}

async fn plain_form_posts_save_and_come_back_with_errors(app: TestApp) {
    let cookie = app.login("aku@example.com").await;
    let body = form(&[
        ("id", ""),
        ("name", ""),
        ("product", "Office 365"),
        ("owner_name", "AKU"),
        ("owner_contact", "13653612334"),
        ("description", "<p>说明</p>"),
    ]);
    let answer = app
        .send(
            Request::post("/api/save_service_item")
                .header(header::ACCEPT, "text/html")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::REFERER, "http://localhost/services/new")
                .header(header::HOST, "localhost")
                .header(header::COOKIE, &cookie)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    let back = answer.location();
    assert!(
        back.starts_with("/services/new?form=service-basic"),
        "{back}"
    );
    assert!(back.contains("e.name=form.required") && back.contains("v.product=Office%20365"));
    let page = app.get(back, Some(&cookie)).await;
    assert!(page.body.contains("此项为必填项") && page.body.contains("value=\"Office 365\""));
    let body = form(&[
        ("id", ""),
        ("name", "无脚本服务"),
        ("product", "Office 365"),
        ("owner_name", "AKU"),
        ("owner_contact", "13653612334"),
        ("description", "<p>说明</p>"),
    ]);
    let answer = app
        .post_form("/api/save_service_item", Some(&cookie), &body)
        .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert!(
        answer.location().ends_with("?tab=sku&saved=1"),
        "{}",
        answer.location()
    );
    let page = app.get(answer.location(), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("无脚本服务") && page.body.contains("新增 SKU"));
}

async fn catalogue(app: &TestApp, query: &str, etag: Option<&str>) -> crate::common::Answer {
    let mut request = Request::get(format!("/api/v1/catalogue{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {API_TOKEN}"));
    if let Some(etag) = etag {
        request = request.header(header::IF_NONE_MATCH, etag);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

/// Every listed item, walking the pages `limit` at a time.
async fn whole_catalogue(app: &TestApp, limit: i64) -> Vec<Value> {
    let mut items = Vec::new();
    let mut query = format!("?limit={limit}");
    loop {
        let answer = catalogue(app, &query, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let page: Value = serde_json::from_str(&answer.body).unwrap();
        let rows = page["items"].as_array().unwrap();
        assert!(rows.len() as i64 <= limit);
        items.extend(rows.iter().cloned());
        match page["next"].as_str() {
            Some(next) => query = next.trim_start_matches("/api/v1/catalogue").to_owned(),
            None => return items,
        }
    }
}

async fn the_catalogue_api_shows_listed_items_as_approved(app: TestApp) {
    let app = app.with_api().await;
    let cookie = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    let listed = app
        .numbers(
            "SELECT i.id FROM service_items i JOIN providers p ON p.id = i.provider_id
             WHERE i.status IN ('approved', 'delist_requested') AND p.suspended_at IS NULL
             ORDER BY i.id",
        )
        .await;
    assert!(!listed.is_empty(), "the demo lists items");
    let ids = |items: &[Value]| {
        items
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&whole_catalogue(&app, 50).await), listed);

    // A new item is not listed while it is a draft or under review, and is once approved:
    // the approved version, its amounts exact decimal text computed by the plan's rules.
    let id = complete_item(&app, &cookie, "目录 API 服务").await;
    let sku = item(&app, &cookie, id).await["content"]["skus"][0]["id"]
        .as_i64()
        .unwrap();
    let answer = save_plan(&app, &cookie, id, sku, "", "installments", "1000.01", "6").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        provider_move(&app, &cookie, id, "submit").await.status,
        StatusCode::OK
    );
    assert!(!ids(&whole_catalogue(&app, 50).await).contains(&id));
    let version = item(&app, &cookie, id).await["review_version"]
        .as_i64()
        .unwrap();
    let answer = decide(&app, &operator, id, version, "approve", "").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let all = whole_catalogue(&app, 50).await;
    let entry = all
        .iter()
        .find(|i| i["id"] == id)
        .expect("the approved item is listed");
    assert_eq!(entry["name"], "目录 API 服务");
    assert_eq!(entry["provider_name"], "MSP-A_TEST1");
    assert_eq!(entry["version"], version);
    assert!(
        entry["approved_at"].as_str().unwrap().ends_with('Z'),
        "{entry}"
    );
    assert_eq!(entry["description_html"], "<p>迁移服务</p>");
    let plans = entry["skus"][0]["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 2);
    assert_eq!(plans[0]["billing_mode"], "one_time");
    assert_eq!(plans[0]["price"], "100.00");
    assert_eq!(plans[0]["tax_rate"], "0.06");
    assert_eq!(plans[0]["price_with_tax"], "106.00");
    assert_eq!(plans[0]["schedule"], serde_json::json!(["106.00"]));
    // 1000.01 × 1.06 = 1060.0106 → 1060.01, in three payments adding up to it to the cent.
    assert_eq!(plans[1]["billing_mode"], "installments");
    assert_eq!(plans[1]["currency"], "CNY");
    assert_eq!(plans[1]["price_with_tax"], "1060.01");
    assert_eq!(
        plans[1]["schedule"],
        serde_json::json!(["353.35", "353.33", "353.33"])
    );

    // Asked to be delisted it stays on sale; delisted, it is gone.
    assert_eq!(
        provider_move(&app, &cookie, id, "request_delisting")
            .await
            .status,
        StatusCode::OK
    );
    assert!(ids(&whole_catalogue(&app, 50).await).contains(&id));
    let answer = decide(&app, &operator, id, version, "approve_delisting", "").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(!ids(&whole_catalogue(&app, 50).await).contains(&id));

    // A suspended provider's items are off the catalogue.
    let msp = app.provider_id("MSP-A_TEST1").await;
    let before = whole_catalogue(&app, 50).await;
    assert!(before.iter().any(|i| i["provider_id"] == msp), "{before:?}");
    app.execute(&format!(
        "UPDATE providers SET suspended_at = 1 WHERE id = {msp}"
    ))
    .await;
    let after = whole_catalogue(&app, 50).await;
    assert!(after.iter().all(|i| i["provider_id"] != msp), "{after:?}");
}

async fn the_catalogue_api_pages_revalidates_and_refuses_bad_calls(app: TestApp) {
    // Without the token set the API is off; with it, a call needs it.
    let answer = catalogue(&app, "", None).await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    let app = app.with_api().await;
    let anonymous = app.get("/api/v1/catalogue", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers[header::WWW_AUTHENTICATE], "Bearer");
    let signed_in = app.login("operator@example.com").await;
    let answer = app.get("/api/v1/catalogue", Some(&signed_in)).await;
    assert_eq!(
        answer.status,
        StatusCode::UNAUTHORIZED,
        "a session is not the token"
    );

    // Pages of one reach every item once, in order, as one page of all does.
    let one_by_one = whole_catalogue(&app, 1).await;
    assert!(one_by_one.len() > 1);
    assert_eq!(one_by_one, whole_catalogue(&app, 200).await);

    // Revalidation: the same page answers 304 to its own ETag, without a body.
    let first = catalogue(&app, "", None).await;
    let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(first.headers[header::CACHE_CONTROL], "no-cache");
    let again = catalogue(&app, "", Some(&etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let listed = catalogue(&app, "", Some(&format!("\"other\", W/{etag}"))).await;
    assert_eq!(listed.status, StatusCode::NOT_MODIFIED);
    // A change to what is listed changes the ETag.
    app.execute("UPDATE providers SET name = 'MSP-A_RENAMED' WHERE name = 'MSP-A_TEST1'")
        .await;
    let changed = catalogue(&app, "", Some(&etag)).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.headers[header::ETAG].to_str().unwrap(), etag);
    assert!(changed.body.contains("MSP-A_RENAMED"));

    // Bad paging is refused as JSON, never a server error.
    for query in [
        "?limit=0",
        "?limit=201",
        "?limit=x",
        "?after=-1",
        "?after=1e3",
        "?limit=",
    ] {
        let answer = catalogue(&app, query, None).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            answer.body
        );
        let error: Value = serde_json::from_str(&answer.body).unwrap();
        assert!(error["error"].as_str().is_some(), "{query}");
    }
    let past = catalogue(&app, "?after=999999999", None).await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(past.body, r#"{"items":[],"next":null}"#);
}
