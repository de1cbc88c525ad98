//! Tier privileges on SQLite and PostgreSQL alike: the tiers and the provider's place among
//! them, applications with files through the plain form, the one-open rule, the platform's
//! decision changing the tier (and the bill's 等级), and tier management by the platform only.

use crate::common::{json, newest_mail, TestApp};
use axum::http::{header, StatusCode};

on_both_databases!(
    each_provider_sees_its_tier_among_all,
    an_application_with_a_file_is_approved_and_the_tier_changes,
    applications_break_no_rule,
    only_the_platform_manages_tiers,
);

async fn tier_id(app: &TestApp, name: &str) -> i64 {
    app.number_with("SELECT id FROM tiers WHERE name = $1", name)
        .await
}

/// 立即申请 as the browser posts it: multipart, with optional files.
async fn apply(
    app: &TestApp,
    cookie: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> crate::common::Answer {
    app.multipart_files("/tiers/apply", cookie, fields, files)
        .await
}

fn fields<'a>(tier: &'a str, reason: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("tier_id", tier),
        ("reason", reason),
        ("contact_name", "enjian"),
        ("contact_phone", "13800000000"),
        ("contact_email", "enjian@example.com"),
    ]
}

async fn each_provider_sees_its_tier_among_all(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let page = json(&app, "/api/tiers", &aku, "").await;
    let names: Vec<&str> = page["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["注册", "银牌", "金牌", "白金"]);
    assert!(page["tiers"][3]["benefits"].as_array().unwrap().len() >= 2);
    assert_eq!(page["current_rank"], 2);
    assert_eq!(page["applications"][0]["status"], "Approved");
    assert_eq!(page["may_apply"], true);
    // The bill shows the tier.
    let bill = json(&app, "/api/bill", &aku, "no=201911010001&page=&line=").await;
    assert_eq!(bill["tier"], "银牌");
    // 蓝云 has none of MSP-A's history and holds the lowest tier.
    let enjian = app.login("enjian@example.com").await;
    let theirs = json(&app, "/api/tiers", &enjian, "").await;
    assert_eq!(theirs["current_rank"], 1);
    assert!(theirs["applications"].as_array().unwrap().is_empty());
    // Server-rendered: the current tier is lit, the next greyed.
    let html = app.get("/tiers", Some(&aku)).await.body;
    assert!(
        html.contains(r#"data-tier="银牌" data-state="lit""#),
        "{html}"
    );
    assert!(html.contains(r#"data-tier="金牌" data-state="next""#));
    assert!(html.contains(r#"data-tier="白金" data-state="later""#));
}

async fn an_application_with_a_file_is_approved_and_the_tier_changes(app: TestApp) {
    let enjian = app.login("enjian@example.com").await;
    let operator = app.login("operator@example.com").await;
    let silver = tier_id(&app, "银牌").await.to_string();
    let answer = apply(
        &app,
        &enjian,
        &fields(&silver, "近一年完成 20 个服务工单"),
        &[("业绩证明.pdf", b"%PDF-1.7 proof")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/tiers?applied=1");
    let page = json(&app, "/api/tiers", &enjian, "").await;
    assert_eq!(page["open_application"], true);
    // A second one waits for the first.
    let again = apply(&app, &enjian, &fields(&silver, "再次申请"), &[]).await;
    assert!(
        again.location().contains("e._=tier.error.open"),
        "{}",
        again.location()
    );
    let queue = json(&app, "/api/platform_tiers", &operator, "status=").await;
    let application = &queue["applications"][0];
    assert_eq!(application["provider"], "蓝云");
    assert_eq!(application["tier"], "银牌");
    let id = application["id"].as_i64().unwrap();
    let file = application["files"][0]["id"].as_i64().unwrap();
    let download = app
        .get(
            &format!("/platform/tiers/applications/{id}/files/{file}"),
            Some(&operator),
        )
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body, "%PDF-1.7 proof");
    assert!(download.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let refused = app
        .get(
            &format!("/platform/tiers/applications/{id}/files/{file}"),
            Some(&enjian),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let answer = app
        .call(
            "/api/decide_tier_application",
            Some(&operator),
            &format!("id={id}&decision=approve&reason="),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let page = json(&app, "/api/tiers", &enjian, "").await;
    assert_eq!(page["current_rank"], 2);
    assert_eq!(page["open_application"], false);
    assert_eq!(page["applications"][0]["status"], "Approved");
    let (to, subject) = newest_mail(&app).await;
    assert_eq!(to, "enjian@example.com");
    assert!(subject.contains("已通过"), "{subject}");
    // Decided once.
    let twice = app
        .call(
            "/api/decide_tier_application",
            Some(&operator),
            &format!("id={id}&decision=reject&reason=x"),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
}

async fn applications_break_no_rule(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    let silver = tier_id(&app, "银牌").await.to_string();
    let gold = tier_id(&app, "金牌").await.to_string();
    // Not upwards.
    let answer = apply(&app, &aku, &fields(&silver, "保级"), &[]).await;
    assert!(
        answer
            .location()
            .contains("e.tier_id=tier.error.not_higher"),
        "{}",
        answer.location()
    );
    // A file that is not what it claims, a missing reason: errors per field, input kept.
    let answer = apply(
        &app,
        &aku,
        &fields(&gold, ""),
        &[("证明.pdf", b"MZ\x90\x00 an executable")],
    )
    .await;
    let back = answer.location();
    assert!(
        back.contains("e.reason=form.required") && back.contains("e.files=ev.error.type"),
        "{back}"
    );
    assert!(back.contains("v.contact_name=enjian"));
    let page = app.get(back, Some(&aku)).await;
    assert!(page.body.contains("此项为必填项"));
    // A 用户 may not apply.
    let user = app.login("305102247@example.com").await;
    assert_eq!(
        apply(&app, &user, &fields(&gold, "申请"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    // Rejected: a reason is required, the tier stays.
    assert_eq!(
        apply(&app, &aku, &fields(&gold, "近一年完成 60 个服务工单"), &[])
            .await
            .location(),
        "/tiers?applied=1"
    );
    let id = json(&app, "/api/platform_tiers", &operator, "status=").await["applications"][0]["id"]
        .as_i64()
        .unwrap();
    let answer = app
        .call(
            "/api/decide_tier_application",
            Some(&operator),
            &format!("id={id}&decision=reject&reason="),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let answer = app
        .call(
            "/api/decide_tier_application",
            Some(&operator),
            &format!("id={id}&decision=reject&reason=验收通过率不足"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let page = json(&app, "/api/tiers", &aku, "").await;
    assert_eq!(page["current_rank"], 2);
    assert_eq!(page["applications"][0]["decision_reason"], "验收通过率不足");
    // Providers cannot decide.
    let answer = app
        .call(
            "/api/decide_tier_application",
            Some(&aku),
            &format!("id={id}&decision=approve"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Two applications at once: one is filed.
    let (first, second) = (fields(&gold, "并发一"), fields(&gold, "并发二"));
    let (a, b) = tokio::join!(
        apply(&app, &aku, &first, &[]),
        apply(&app, &aku, &second, &[])
    );
    let filed = [a.location(), b.location()]
        .iter()
        .filter(|l| **l == "/tiers?applied=1")
        .count();
    assert_eq!(filed, 1, "{} / {}", a.location(), b.location());
}

async fn only_the_platform_manages_tiers(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let aku = app.login("aku@example.com").await;
    assert_eq!(
        app.call("/api/save_tier", Some(&aku), "id=&name=钻石&requirement=")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let answer = app
        .call(
            "/api/save_tier",
            Some(&operator),
            "id=&name=钻石&requirement=年度最佳",
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let answer = app
        .call(
            "/api/save_tier",
            Some(&operator),
            "id=&name=银牌&requirement=",
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("tier.error.name_taken"));
    let diamond = tier_id(&app, "钻石").await;
    let answer = app
        .call(
            "/api/add_tier_benefit",
            Some(&operator),
            &format!("tier_id={diamond}&title=专属活动&description=&icon=star"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let tiers = json(&app, "/api/tiers", &aku, "").await["tiers"].clone();
    assert_eq!(tiers[4]["name"], "钻石");
    assert_eq!(tiers[4]["rank"], 5);
    let benefit = tiers[4]["benefits"][0]["id"].as_i64().unwrap();
    assert_eq!(
        app.call(
            "/api/delete_tier_benefit",
            Some(&aku),
            &format!("id={benefit}")
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            "/api/delete_tier_benefit",
            Some(&operator),
            &format!("id={benefit}")
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        app.call(
            "/api/add_tier_benefit",
            Some(&operator),
            &format!("tier_id={diamond}&title=x&description=&icon=skull")
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
