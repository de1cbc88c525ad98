//! Mails go in the recipient's language: the one they last read the portal in, or both
//! (Chinese first) for someone who has not opened a page yet.

use crate::common::{json, last_mail, TestApp, PASSWORD};

on_both_databases!(
    a_mail_speaks_the_language_its_recipient_reads_the_portal_in,
    a_recipient_who_never_opened_a_page_reads_both_languages,
);

const USER: &str = "305102247@example.com";

async fn change_password(app: &TestApp, cookie: &str, from: &str, to: &str) {
    let enc = app::kit::forms::encode_query;
    json(
        app,
        "/api/change_password",
        cookie,
        &format!(
            "current_password={}&new_password={}&confirm_password={}",
            enc(from),
            enc(to),
            enc(to)
        ),
    )
    .await;
}

async fn a_mail_speaks_the_language_its_recipient_reads_the_portal_in(app: TestApp) {
    let session = app.login(USER).await;
    // The language switch's cookie: the pages are in English from now on.
    let page = app.get("/", Some(&format!("{session}; pc_lang=en"))).await;
    assert_eq!(page.status, 200);
    let first = "Lantern-Orbit-Seventeen-42";
    change_password(&app, &session, PASSWORD, first).await;
    let (subject, text) = last_mail(&app, USER).await.expect("a mail");
    assert_eq!(subject, "Your password was changed");
    assert!(text.contains("sessions were signed out"), "{text}");
    assert!(!text.contains("密码"), "only English: {text}");
    // Back to Chinese: the next mail follows.
    app.get("/", Some(&format!("{session}; pc_lang=zh-CN")))
        .await;
    change_password(&app, &session, first, "Quartz-Meadow-Ninety-17").await;
    let (subject, text) = last_mail(&app, USER).await.expect("a mail");
    assert_eq!(subject, "您的密码已修改");
    assert!(!text.contains("password"), "only Chinese: {text}");
}

async fn a_recipient_who_never_opened_a_page_reads_both_languages(app: TestApp) {
    let session = app.login(USER).await;
    change_password(&app, &session, PASSWORD, "Lantern-Orbit-Seventeen-42").await;
    let (subject, text) = last_mail(&app, USER).await.expect("a mail");
    assert_eq!(subject, "您的密码已修改 · Your password was changed");
    let (zh, en) = (
        text.find("其他设备上的登录已退出").unwrap(),
        text.find("sessions were signed out").unwrap(),
    );
    assert!(zh < en, "Chinese first: {text}");
}
