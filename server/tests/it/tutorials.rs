//! 使用教程 on SQLite and PostgreSQL alike: the platform publishes a video (checked by content),
//! it is served with range requests so players can seek, and the operating manual renders in
//! both languages.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

on_both_databases!(
    a_published_video_is_served_in_ranges,
    only_the_platform_publishes_and_only_videos,
    the_manual_renders_in_both_languages,
);

const VIDEO: &[u8] = include_bytes!("../../../end2end/fixtures/tutorial.webm");

async fn publish(
    app: &TestApp,
    cookie: &str,
    fields: &[(&str, &str)],
    video: Option<&[u8]>,
) -> crate::common::Answer {
    let files: Vec<(&str, &str, &[u8])> = video
        .map(|v| ("video", "clip.webm", v))
        .into_iter()
        .collect();
    app.multipart("/platform/tutorials", cookie, fields, &files)
        .await
}

fn fields(title: &str) -> Vec<(&str, &str)> {
    vec![
        ("topic", "services"),
        ("title", title),
        ("description", "从新建到上架"),
        ("duration", "0:12"),
        ("external_url", ""),
    ]
}

async fn list(app: &TestApp, cookie: &str) -> Value {
    let answer = app.call("/api/tutorials", Some(cookie), "").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

async fn a_published_video_is_served_in_ranges(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let answer = publish(&app, &operator, &fields("服务上架演示"), Some(VIDEO)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/platform/tutorials");
    let aku = app.login("aku@example.com").await;
    let tutorials = list(&app, &aku).await;
    assert_eq!(tutorials[0]["title"], "服务上架演示");
    assert_eq!(tutorials[0]["video_type"], "video/webm");
    assert_eq!(tutorials[0]["duration"], "0:12");
    let id = tutorials[0]["id"].as_i64().unwrap();
    let path = format!("/tutorials/{id}/video");
    // A player asks for a slice to seek: 206 with exactly those bytes.
    let slice = app
        .send(
            Request::get(&path)
                .header(header::COOKIE, &aku)
                .header(header::RANGE, "bytes=1000-1999")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(slice.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(slice.bytes, &VIDEO[1000..2000]);
    assert_eq!(
        slice.headers[header::CONTENT_RANGE].to_str().unwrap(),
        format!("bytes 1000-1999/{}", VIDEO.len())
    );
    assert_eq!(slice.headers[header::CONTENT_TYPE], "video/webm");
    assert_eq!(slice.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let whole = app
        .send(
            Request::get(&path)
                .header(header::COOKIE, &aku)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.bytes, VIDEO);
    assert_eq!(whole.headers[header::ACCEPT_RANGES], "bytes");
    // Past the end: 416.
    let beyond = app
        .send(
            Request::get(&path)
                .header(header::COOKIE, &aku)
                .header(header::RANGE, format!("bytes={}-", VIDEO.len() + 10))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(beyond.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        beyond.headers[header::CONTENT_RANGE].to_str().unwrap(),
        format!("bytes */{}", VIDEO.len())
    );
    let ask = |name: header::HeaderName, value: String| {
        Request::get(&path)
            .header(header::COOKIE, &aku)
            .header(name, value)
            .body(Body::empty())
            .unwrap()
    };
    // The last N bytes of a shorter file: all of it, as a range.
    let suffix = app
        .send(ask(header::RANGE, format!("bytes=-{}", VIDEO.len() * 2)))
        .await;
    assert_eq!(suffix.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(suffix.bytes, VIDEO);
    let tail = app.send(ask(header::RANGE, "bytes=-100".into())).await;
    assert_eq!(tail.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes, &VIDEO[VIDEO.len() - 100..]);
    // A Range that does not parse is ignored: the whole file.
    let garbled = app.send(ask(header::RANGE, "lines=1-2".into())).await;
    assert_eq!(garbled.status, StatusCode::OK);
    assert_eq!(garbled.bytes, VIDEO);
    // A player that has it already is told so (the bytes under a key never change).
    let etag = whole.headers[header::ETAG].to_str().unwrap().to_owned();
    let cached = app.send(ask(header::IF_NONE_MATCH, etag)).await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert!(cached.bytes.is_empty());
    // Without a session, nothing.
    let anonymous = app
        .send(Request::get(&path).body(Body::empty()).unwrap())
        .await;
    assert_ne!(anonymous.status, StatusCode::OK);
    // No poster was given.
    assert_eq!(
        app.get(&format!("/tutorials/{id}/poster"), Some(&aku))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The provider's page plays it.
    let page = app.get("/tutorials", Some(&aku)).await;
    assert!(
        page.body
            .contains(&format!("src=\"/tutorials/{id}/video\"")),
        "{}",
        page.body
    );
    // The platform removes it.
    let removed = app
        .call("/api/delete_tutorial", Some(&operator), &format!("id={id}"))
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert_eq!(
        app.get(&path, Some(&aku)).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn only_the_platform_publishes_and_only_videos(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let aku = app.login("aku@example.com").await;
    assert_eq!(
        publish(&app, &aku, &fields("x"), Some(VIDEO)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call("/api/delete_tutorial", Some(&aku), "id=1")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A web page named .webm is not a video; nothing at all is neither.
    let answer = publish(
        &app,
        &operator,
        &fields("伪装"),
        Some(b"<html><script>alert(1)</script>"),
    )
    .await;
    assert!(
        answer
            .location()
            .contains("e.video=tutorial.error.video_type"),
        "{}",
        answer.location()
    );
    assert!(answer.location().contains("v.title="));
    let answer = publish(&app, &operator, &fields("空"), None).await;
    assert!(answer
        .location()
        .contains("e.video=tutorial.error.video_or_url"));
    // A link must be https; a bad length is named.
    let mut linked = fields("外部视频");
    linked.retain(|(k, _)| *k != "external_url" && *k != "duration");
    linked.push(("external_url", "javascript:alert(1)"));
    linked.push(("duration", "3:75"));
    let answer = publish(&app, &operator, &linked, None).await;
    assert!(answer
        .location()
        .contains("e.external_url=tutorial.error.url"));
    assert!(answer
        .location()
        .contains("e.duration=tutorial.error.duration"));
    linked.retain(|(k, _)| *k != "external_url" && *k != "duration");
    linked.push(("external_url", "https://videos.example.com/msp/orders.mp4"));
    linked.push(("duration", "3:25"));
    assert_eq!(
        publish(&app, &operator, &linked, None).await.location(),
        "/platform/tutorials"
    );
    let tutorials = list(&app, &aku).await;
    assert_eq!(tutorials.as_array().unwrap().len(), 1);
    assert_eq!(
        tutorials[0]["external_url"],
        "https://videos.example.com/msp/orders.mp4"
    );
    assert_eq!(tutorials[0]["video_type"], "");
}

async fn the_manual_renders_in_both_languages(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let zh = app.get("/tutorials?tab=manual", Some(&aku)).await;
    assert_eq!(zh.status, StatusCode::OK);
    assert!(zh.body.contains("服务提供商中心操作手册"));
    assert!(zh.body.contains("href=\"#section-4\"") && zh.body.contains("id=\"section-4\""));
    assert!(zh.body.contains("已通过的服务项不能直接保存修改"));
    let en_cookie = format!("{aku}; {}=en", app::kit::i18n::LOCALE_COOKIE);
    let en = app.get("/tutorials?tab=manual", Some(&en_cookie)).await;
    assert!(
        en.body.contains("Provider Center operating manual"),
        "{}",
        &en.body[..500.min(en.body.len())]
    );
    assert!(en.body.contains("Tier privileges"));
}
