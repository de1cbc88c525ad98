//! The work-order lifecycle on the platform's side (issue #17): 重新派单 of a declined work
//! order to another provider, and 取消工单 with a reason — who sees what afterwards, who is
//! mailed, what is refused, and that a cancelled work order never reaches a bill — on SQLite
//! and PostgreSQL alike.
//!
//! Once re-dispatched, a work order is the new provider's: the provider that declined it no
//! longer finds it (its list, counts and page: 404, as for any other provider's work order);
//! what it keeps is its decline, in its 操作日志 and among the work order's declines, which
//! is also why the work order never goes back to it.

use crate::common::{advance_stage, enc, json, last_mail, link_token, work_order, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

on_both_databases!(
    a_declined_work_order_goes_to_another_provider,
    redispatch_refuses_the_providers_that_declined,
    cancelling_mails_the_provider_and_the_buyer_and_stops_everything,
    cancel_needs_a_reason_and_an_open_work_order,
    a_cancelled_work_order_never_reaches_a_bill,
    only_operators_redispatch_and_cancel,
    migration_0025_keeps_the_declines_and_admits_cancelled,
);

/// 20190927064519381: MSP-A_TEST1's, 待接单, declined here by its member 305102247.
const DECLINED: &str = "20190927064519381";

async fn decline(app: &TestApp, cookie: &str, no: &str, reason: &str) {
    let answer = app
        .call(
            "/api/decline_work_order",
            Some(cookie),
            &format!("no={no}&reason={}", enc(reason)),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

async fn redispatch(
    app: &TestApp,
    operator: &str,
    no: &str,
    provider: i64,
) -> crate::common::Answer {
    app.call(
        "/api/redispatch_work_order",
        Some(operator),
        &format!("no={no}&provider_id={provider}"),
    )
    .await
}

async fn cancel(app: &TestApp, operator: &str, no: &str, reason: &str) -> crate::common::Answer {
    app.call(
        "/api/cancel_work_order",
        Some(operator),
        &format!("no={no}&reason={}", enc(reason)),
    )
    .await
}

/// The provider's list for `query` (status, keyword), as the list page asks for it.
async fn list(app: &TestApp, cookie: &str, status: &str, q: &str) -> Value {
    json(
        app,
        "/api/work_orders",
        cookie,
        &format!("status={status}&from=&to=&q={q}&sort=&after="),
    )
    .await
}

fn numbers(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["work_order_no"].as_str().unwrap().to_owned())
        .collect()
}

fn count(page: &Value, status: &str) -> i64 {
    page["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c[0] == status)
        .unwrap_or_else(|| panic!("no count for {status}: {page}"))[1]
        .as_i64()
        .unwrap()
}

fn actions(detail: &Value) -> Vec<String> {
    detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

/// The platform's list row of work order `no`.
async fn platform_row(app: &TestApp, operator: &str, no: &str) -> Value {
    let page = json(
        app,
        "/api/platform_work_orders",
        operator,
        &format!("provider=&status=&from=&to=&q={no}&sort=&after="),
    )
    .await;
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["work_order_no"] == no)
        .cloned()
        .unwrap_or_else(|| panic!("{no} not on the platform's list: {page}"))
}

async fn a_declined_work_order_goes_to_another_provider(app: TestApp) {
    let member = app.login("305102247@example.com").await;
    decline(&app, &member, DECLINED, "本月无实施资源").await;
    let operator = app.login("operator@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    let blue = app.provider_id("蓝云").await;
    // The platform sees why, and whom it may go to now.
    let row = platform_row(&app, &operator, DECLINED).await;
    assert_eq!(row["status"], "Rejected");
    assert_eq!(row["decline_reason"], "本月无实施资源");
    assert_eq!(row["declined_by"], serde_json::json!([msp]));
    let page = app
        .get("/platform/orders?status=rejected", Some(&operator))
        .await;
    assert!(page.body.contains("重新派单") && page.body.contains("本月无实施资源"));

    let aku = app.login("aku@example.com").await;
    let before = list(&app, &aku, "", "").await;
    let moved = redispatch(&app, &operator, DECLINED, blue).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    // A double click re-dispatches once.
    assert_eq!(
        redispatch(&app, &operator, DECLINED, blue).await.status,
        StatusCode::OK
    );

    // 蓝云 has it, waiting for its 接单, without the other provider's reason on its page; the
    // history keeps the decline, not naming who of the other provider declined.
    let enjian = app.login("enjian@example.com").await;
    let d = work_order(&app, &enjian, DECLINED).await;
    assert_eq!(d["status"], "AwaitingAcceptance");
    assert_eq!(d["decline_reason"], "");
    assert_eq!(actions(&d)[..2], ["redispatch", "decline"]);
    let history = d["history"].as_array().unwrap();
    assert_eq!(history[0]["reason"], "蓝云");
    assert_eq!(history[0]["other_provider"], false);
    assert_eq!(history[1]["other_provider"], true);
    assert_eq!(history[1]["actor"], "");
    assert_eq!(history[1]["reason"], "本月无实施资源");
    let page = app.get(&format!("/orders/{DECLINED}"), Some(&enjian)).await;
    assert!(page.body.contains("其他服务提供商") && !page.body.contains("305102247"));
    // The platform's detail names everyone: the new provider, and who declined it.
    let seen = json(
        &app,
        "/api/platform_work_order",
        &operator,
        &format!("no={DECLINED}"),
    )
    .await;
    assert_eq!(seen["provider"], "蓝云");
    let declined = &seen["history"][1];
    assert_eq!(declined["action"], "decline");
    assert_eq!(declined["other_provider"], false);
    assert!(!declined["actor"].as_str().unwrap().is_empty(), "{seen}");
    assert_eq!(history[1]["reason"], declined["reason"]);
    assert!(
        numbers(&list(&app, &enjian, "awaiting_acceptance", "").await)
            .contains(&DECLINED.to_owned())
    );
    // 蓝云's managers are mailed as for any dispatch (aku is its co-admin).
    for manager in ["enjian@example.com", "aku@example.com"] {
        let (subject, text) = last_mail(&app, manager).await.expect("a mail");
        assert!(subject.contains(DECLINED), "{manager}: {subject}");
        assert!(text.contains(&format!("/orders/{DECLINED}")), "{text}");
    }
    // 蓝云 takes it on.
    let accepted = app
        .call(
            "/api/accept_work_order",
            Some(&enjian),
            &format!("no={DECLINED}"),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);

    // MSP-A_TEST1 no longer sees it: not on its list, not in its counts, its page not found.
    let after = list(&app, &aku, "", "").await;
    assert!(!numbers(&list(&app, &aku, "", DECLINED).await).contains(&DECLINED.to_owned()));
    assert_eq!(count(&after, "Rejected"), count(&before, "Rejected") - 1);
    let gone = app
        .call("/api/work_order", Some(&aku), &format!("no={DECLINED}"))
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    // What it keeps: its decline, in its own 操作日志 and among the work order's declines.
    let kept = app
        .number_with(
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE provider_id = {msp}
                 AND action = 'wo_decline' AND target_id = $1"
            ),
            DECLINED,
        )
        .await;
    assert_eq!(kept, 1);
    let declines = app
        .number_with(
            &format!(
                "SELECT COUNT(*) FROM work_order_declines d JOIN work_orders w ON w.id = d.work_order_id
                 WHERE w.work_order_no = $1 AND d.provider_id = {msp} AND d.reason = '本月无实施资源'"
            ),
            DECLINED,
        )
        .await;
    assert_eq!(declines, 1);
    // The re-dispatch is audited once, for the platform to see.
    let audited = app
        .number_with(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'wo_redispatch' AND target_id = $1",
            DECLINED,
        )
        .await;
    assert_eq!(audited, 1);
}

async fn redispatch_refuses_the_providers_that_declined(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    let blue = app.provider_id("蓝云").await;
    // The demo's 20190927083159108 was declined by MSP-A_TEST1: not back to it.
    let same = redispatch(&app, &operator, "20190927083159108", msp).await;
    assert_eq!(
        same.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        same.body
    );
    let error: Value = serde_json::from_str(&same.body).unwrap();
    assert_eq!(error["Invalid"][0]["field"], "provider_id");
    assert_eq!(error["Invalid"][0]["code"], "wo.error.redispatch_same");
    let aku = app.login("aku@example.com").await;
    assert_eq!(
        work_order(&app, &aku, "20190927083159108").await["status"],
        "Rejected"
    );
    // Without JavaScript the platform's page comes back with the row's form told why.
    let page = "http://127.0.0.1:3000/platform/orders?status=rejected";
    let form = app
        .send(
            Request::post("/api/redispatch_work_order")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::REFERER, page)
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, &operator)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "no=20190927083159108&provider_id={msp}"
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(form.status, StatusCode::FOUND);
    assert_eq!(
        form.location(),
        "/platform/orders?status=rejected&form=redispatch-20190927083159108\
         &e.provider_id=wo.error.redispatch_same"
    );
    // Only a declined work order is re-dispatched: one in progress, or waiting, is not.
    for no in [
        "20190927070759188",
        "20190927065256141",
        "20190927070759816",
    ] {
        let answer = redispatch(&app, &operator, no, blue).await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{no}: {}", answer.body);
    }
    let unknown = redispatch(&app, &operator, "1", blue).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let nobody = redispatch(&app, &operator, "20190927083159108", 999_999).await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);

    // To 蓝云, which declines too: now neither provider may have it, by 重新派单 or 分发.
    assert_eq!(
        redispatch(&app, &operator, "20190927083159108", blue)
            .await
            .status,
        StatusCode::OK
    );
    let back = app
        .call(
            "/api/dispatch_work_order",
            Some(&operator),
            &format!("no=20190927083159108&provider_id={msp}"),
        )
        .await;
    assert_eq!(
        back.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        back.body
    );
    let enjian = app.login("enjian@example.com").await;
    decline(&app, &enjian, "20190927083159108", "不在服务区域").await;
    for provider in [msp, blue] {
        let answer = redispatch(&app, &operator, "20190927083159108", provider).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{provider}: {}",
            answer.body
        );
    }
    let row = platform_row(&app, &operator, "20190927083159108").await;
    let mut declined: Vec<i64> = serde_json::from_value(row["declined_by"].clone()).unwrap();
    declined.sort_unstable();
    let mut both = vec![msp, blue];
    both.sort_unstable();
    assert_eq!(declined, both);
    let page = app
        .get("/platform/orders?q=20190927083159108", Some(&operator))
        .await;
    assert!(
        page.body.contains("没有其他可派单的服务提供商"),
        "{}",
        page.body
    );
    // Still the platform can cancel it.
    assert!(page.body.contains("取消工单"));
}

async fn cancelling_mails_the_provider_and_the_buyer_and_stops_everything(app: TestApp) {
    // 20190927070759188: MSP-A_TEST1's, 实施中, its stage 1 in progress: submitted, the buyer
    // holds a live acceptance link when the platform cancels.
    const NO: &str = "20190927070759188";
    let aku = app.login("aku@example.com").await;
    let stage = work_order(&app, &aku, NO).await["milestones"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        advance_stage(&app, &aku, NO, stage).await.status,
        StatusCode::OK
    );
    let (_, mail) = last_mail(&app, "buyer@example.com").await.unwrap();
    let token = link_token(&mail, "/accept/");
    let staged = list(&app, &aku, "", "").await;
    let home = json(&app, "/api/home", &aku, "").await;
    let stages_before = home["attention"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "home.attention.stages")
        .unwrap()["count"]
        .as_i64()
        .unwrap();

    let operator = app.login("operator@example.com").await;
    let done = cancel(&app, &operator, NO, "买家撤销订单").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    // Clicked twice, cancelled once.
    assert_eq!(
        cancel(&app, &operator, NO, "again").await.status,
        StatusCode::OK
    );

    // The provider sees 已取消 with the reason, and nothing more to do.
    let d = work_order(&app, &aku, NO).await;
    assert_eq!(d["status"], "Cancelled");
    assert_eq!(d["cancel_reason"], "买家撤销订单");
    assert_ne!(d["cancelled"], "");
    assert_eq!(actions(&d)[..2], ["cancel", "milestone_withdraw"]);
    assert_eq!(actions(&d).iter().filter(|a| *a == "cancel").count(), 1);
    assert_eq!(d["history"][0]["reason"], "买家撤销订单");
    assert_eq!(d["milestones"][0]["status"], "InProgress");
    let page = app.get(&format!("/orders/{NO}"), Some(&aku)).await;
    assert!(page.body.contains("已取消") && page.body.contains("买家撤销订单"));
    for form in [
        "milestone_command",
        "save_milestone",
        "accept_work_order",
        "decline_work_order",
    ] {
        assert!(
            !page.body.contains(&format!("/api/{form}")),
            "{form} on the page"
        );
    }
    for (path, body) in [
        (
            "/api/milestone_command",
            format!("no={NO}&id={stage}&command=Advance"),
        ),
        (
            "/api/save_milestone",
            format!("no={NO}&id=0&period_start=2019-10-01&period_end=&standard=x&remarks="),
        ),
        ("/api/accept_work_order", format!("no={NO}")),
        ("/api/decline_work_order", format!("no={NO}&reason=x")),
    ] {
        let answer = app.call(path, Some(&aku), &body).await;
        assert_eq!(
            answer.status,
            StatusCode::CONFLICT,
            "{path}: {}",
            answer.body
        );
    }
    // The customer's link is closed: the page says so, an answer is refused.
    let answer = app
        .call(
            "/api/answer_acceptance",
            None,
            &format!("token={token}&decision=accept&reason="),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
    let link = app.get(&format!("/accept/{token}"), None).await;
    assert!(link.body.contains("此验收链接已过期"), "{}", link.body);

    // Mailed: the provider's admin (with the button to the work order) and the buyer's contact.
    let (subject, text) = last_mail(&app, "aku@example.com").await.unwrap();
    assert!(
        subject.contains(NO) && subject.contains("已取消"),
        "{subject}"
    );
    assert!(text.contains("买家撤销订单") && text.contains(&format!("/orders/{NO}")));
    let (subject, text) = last_mail(&app, "buyer@example.com").await.unwrap();
    assert!(subject.contains("已取消"), "{subject}");
    assert!(text.contains(NO) && text.contains("买家撤销订单"), "{text}");
    // Each once, though clicked twice; and audited once.
    let mails = app
        .number_with(
            "SELECT COUNT(*) FROM outbox WHERE subject LIKE $1",
            format!("%{NO}%已取消%"),
        )
        .await;
    assert_eq!(mails, 1);
    let audited = app
        .number_with(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'wo_cancel' AND target_id = $1",
            NO,
        )
        .await;
    assert_eq!(audited, 1);
    let by = app
        .text(&format!(
            "SELECT u.email FROM work_orders w JOIN users u ON u.id = w.cancelled_by
             WHERE w.work_order_no = '{NO}'"
        ))
        .await;
    assert_eq!(by, "operator@example.com");

    // The list has a 已取消 tab whose count is its list; the stage no longer waits, so 后台首页
    // counts one work order fewer with a stage to accept, and the link opens that many.
    let after = list(&app, &aku, "", "").await;
    assert_eq!(count(&after, "Cancelled"), 1);
    assert_eq!(
        count(&after, "InProgress"),
        count(&staged, "InProgress") - 1
    );
    let cancelled = list(&app, &aku, "cancelled", "").await;
    assert_eq!(numbers(&cancelled), [NO]);
    let home = json(&app, "/api/home", &aku, "").await;
    let stages_after = home["attention"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "home.attention.stages")
        .unwrap()["count"]
        .as_i64()
        .unwrap();
    assert_eq!(stages_after, stages_before - 1);
    let staged_list = json(
        &app,
        "/api/work_orders",
        &aku,
        "status=&from=&to=&q=&sort=&after=&stage=awaiting_acceptance",
    )
    .await;
    assert_eq!(
        staged_list["rows"].as_array().unwrap().len() as i64,
        stages_after
    );
    let tab = app.get("/orders?status=cancelled", Some(&aku)).await;
    assert!(tab.body.contains("已取消") && tab.body.contains(NO));
}

async fn cancel_needs_a_reason_and_an_open_work_order(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let empty = cancel(&app, &operator, "20190927065256141", "  ").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = serde_json::from_str(&empty.body).unwrap();
    assert_eq!(error["Invalid"][0]["field"], "reason");
    assert_eq!(error["Invalid"][0]["code"], "form.required");
    let long = cancel(&app, &operator, "20190927065256141", &"长".repeat(2001)).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without JavaScript: back to the platform's page, the row's form open with the error.
    let page = "http://127.0.0.1:3000/platform/orders";
    let form = app
        .send(
            Request::post("/api/cancel_work_order")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::REFERER, page)
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, &operator)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("no=20190927065256141&reason="))
                .unwrap(),
        )
        .await;
    assert_eq!(form.status, StatusCode::FOUND);
    assert_eq!(
        form.location(),
        "/platform/orders?form=cancel-20190927065256141&e.reason=form.required&v.reason="
    );
    let shown = app.get(form.location(), Some(&operator)).await;
    assert!(shown.body.contains("此项为必填项"));
    let aku = app.login("aku@example.com").await;
    assert_eq!(
        work_order(&app, &aku, "20190927065256141").await["status"],
        "AwaitingAcceptance"
    );
    // Done is done: 已完成 is not cancelled, nor is a work order on a bill sent to its
    // provider (the demo's 201911010001, 确认中, holds 20191008055121149).
    let completed = cancel(&app, &operator, "20190927070759816", "x").await;
    assert_eq!(completed.status, StatusCode::CONFLICT);
    assert_eq!(completed.body, r#"{"Conflict":"wo.error.state"}"#);
    let billed = cancel(&app, &operator, "20191008055121149", "x").await;
    assert_eq!(billed.status, StatusCode::CONFLICT);
    assert_eq!(billed.body, r#"{"Conflict":"wo.error.billed"}"#);
    let unknown = cancel(&app, &operator, "1", "x").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // Unpaid and not dispatched yet: cancelled, and only the buyer's contact is told.
    app.execute(
        "UPDATE work_orders SET provider_id = NULL WHERE work_order_no = '20190722033531375'",
    )
    .await;
    let outbox = app.number("SELECT COUNT(*) FROM outbox").await;
    assert_eq!(
        cancel(&app, &operator, "20190722033531375", "重复下单")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(app.number("SELECT COUNT(*) FROM outbox").await, outbox + 1);
    let (subject, _) = last_mail(&app, "buyer@example.com").await.unwrap();
    assert!(subject.contains("已取消"));
    // A cancelled work order stays cancelled: no move, no second cancel, no re-dispatch.
    let blue = app.provider_id("蓝云").await;
    for (path, body) in [
        ("/api/mark_paid", "no=20190722033531375".to_owned()),
        (
            "/api/dispatch_work_order",
            format!("no=20190722033531375&provider_id={blue}"),
        ),
        (
            "/api/redispatch_work_order",
            format!("no=20190722033531375&provider_id={blue}"),
        ),
    ] {
        let answer = app.call(path, Some(&operator), &body).await;
        assert_eq!(
            answer.status,
            StatusCode::CONFLICT,
            "{path}: {}",
            answer.body
        );
    }
}

async fn a_cancelled_work_order_never_reaches_a_bill(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    let generate = |month: &'static str| {
        let (app, operator) = (&app, &operator);
        async move {
            app.call(
                "/api/generate_bill",
                Some(operator),
                &format!("provider_id={msp}&month={month}"),
            )
            .await
        }
    };
    let lines = |no: String| {
        let app = &app;
        async move {
            app.numbers_with(
                "SELECT l.work_order_id FROM bill_lines l JOIN bills b ON b.id = l.bill_id
                 AND b.version = l.version WHERE b.bill_no = $1 ORDER BY l.work_order_id",
                no,
            )
            .await
        }
    };
    let id_of = |no: &'static str| {
        let app = &app;
        async move {
            app.number_with("SELECT id FROM work_orders WHERE work_order_no = $1", no)
                .await
        }
    };
    // December 2019 holds 20191206030252180 (¥110, 部分验收, a stage accepted) and
    // 20191205071325781 (¥200). A bill made before the cancel holds both...
    let first = generate("2019-12").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let bill: String = serde_json::from_str(&first.body).unwrap();
    let cancelled = id_of("20191206030252180").await;
    let kept = id_of("20191205071325781").await;
    assert_eq!(lines(bill.clone()).await.len(), 2);
    // ...and, not sent yet, does not stop the cancel; but it is not sent as it is.
    let done = cancel(&app, &operator, "20191206030252180", "服务未交付，买家退款").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let send = app
        .call("/api/send_bill", Some(&operator), &format!("no={bill}"))
        .await;
    assert_eq!(send.status, StatusCode::CONFLICT);
    assert_eq!(send.body, r#"{"Conflict":"bill.error.cancelled_lines"}"#);
    // Generated again, the bill leaves the cancelled work order (and its stages) out.
    let again = generate("2019-12").await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(lines(bill.clone()).await, [kept]);
    assert!(!lines(bill.clone()).await.contains(&cancelled));
    let d = json(
        &app,
        "/api/platform_bill",
        &operator,
        &format!("no={bill}&page=&line="),
    )
    .await;
    assert_eq!(d["totals"]["paid"], serde_json::json!(["¥200.00"]));
    let send = app
        .call("/api/send_bill", Some(&operator), &format!("no={bill}"))
        .await;
    assert_eq!(send.status, StatusCode::OK, "{}", send.body);
    // Sales leave it out too: December's figure is the other work order alone.
    let sold = app
        .number(&format!(
            "SELECT CAST(COALESCE(SUM(orders), 0) AS BIGINT) FROM work_order_months
             WHERE provider_id = {msp} AND month = '2019-12'"
        ))
        .await;
    let counted = app
        .number(&format!(
            "SELECT COUNT(*) FROM work_orders WHERE provider_id = {msp} AND status IN ({})
             AND created_at >= 1575129600 AND created_at < 1577808000",
            app::orders::model::WorkOrderStatus::sql_list(
                app::orders::model::WorkOrderStatus::sold
            )
        ))
        .await;
    assert_eq!(sold, counted);
    assert!(sold >= 1, "December sold nothing");
}

async fn only_operators_redispatch_and_cancel(app: TestApp) {
    let aku = app.login("aku@example.com").await;
    let blue = app.provider_id("蓝云").await;
    for (path, body) in [
        (
            "/api/redispatch_work_order",
            format!("no=20190927083159108&provider_id={blue}"),
        ),
        (
            "/api/cancel_work_order",
            "no=20190927065256141&reason=x".to_owned(),
        ),
    ] {
        assert_eq!(
            app.call(path, Some(&aku), &body).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            app.call(path, None, &body).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    assert_eq!(
        work_order(&app, &aku, "20190927065256141").await["status"],
        "AwaitingAcceptance"
    );
}

/// Migration 0025 on a database of 0024: a work order declined before keeps its decline (who,
/// when, why), and every connection of the pool — those that read the schema before the
/// migration too — stores 已取消 while the CHECK still refuses a status that is none.
async fn migration_0025_keeps_the_declines_and_admits_cancelled(app: TestApp) {
    use app::kit::db::Db;
    use sqlx::Row;
    let db = Db::connect(&app.fresh_database_url().await).await.unwrap();
    db.migrate_until(24).await.unwrap();
    let one = |sql: &'static str| {
        let db = &db;
        async move {
            sqlx::query(sql)
                .fetch_one(db.pool())
                .await
                .unwrap()
                .get::<i64, _>(0)
        }
    };
    let provider =
        one("INSERT INTO providers (name, created_at) VALUES ('Old MSP', 1) RETURNING id").await;
    let user =
        one("INSERT INTO users (email, created_at) VALUES ('old@example.com', 1) RETURNING id")
            .await;
    let order = one(
        "INSERT INTO orders (order_no, buyer_company, contact_email, solution_name,
                             solution_quantity, created_at)
         VALUES ('9001', 'B', 'b@example.com', 'S', 1, 1) RETURNING id",
    )
    .await;
    let insert = |no: &'static str, status: &'static str| {
        let db = &db;
        async move {
            sqlx::query(
                "INSERT INTO work_orders (order_id, work_order_no, provider_id, service_item_name,
                   currency, unit_price_minor, tax_rate, unit_price_incl_minor, quantity,
                   total_incl_minor, status, decline_reason, created_at, updated_at)
                 VALUES ($1, $2, $3, 'Item', 'CNY', 100, '0', 100, 1, 100, $4, '没空', 5, 9)
                 RETURNING id",
            )
            .bind(order)
            .bind(no)
            .bind(provider)
            .bind(status)
            .fetch_one(db.pool())
            .await
            .map(|row| row.get::<i64, _>(0))
        }
    };
    let declined = insert("90011", "rejected").await.unwrap();
    insert("90012", "in_progress").await.unwrap();
    sqlx::query(
        "INSERT INTO work_order_events (work_order_id, actor_id, action, from_status, to_status,
                                        reason, created_at)
         VALUES ($1, $2, 'decline', 'awaiting_acceptance', 'rejected', '没空', 7)",
    )
    .bind(declined)
    .bind(user)
    .execute(db.pool())
    .await
    .unwrap();
    // Before 0025 已取消 is no status; several connections have read the schema.
    assert!(insert("90013", "cancelled").await.is_err());
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut conn = db.pool().acquire().await.unwrap();
        sqlx::query("SELECT COUNT(*) FROM work_orders")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        held.push(conn);
    }
    drop(held);

    db.migrate().await.unwrap();
    let kept = sqlx::query(
        "SELECT provider_id, reason, declined_by, declined_at FROM work_order_declines
         WHERE work_order_id = $1",
    )
    .bind(declined)
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].get::<i64, _>("provider_id"), provider);
    assert_eq!(kept[0].get::<String, _>("reason"), "没空");
    assert_eq!(kept[0].get::<Option<i64>, _>("declined_by"), Some(user));
    assert_eq!(kept[0].get::<i64, _>("declined_at"), 7);
    // Every connection at once (so not one reused) takes 已取消, and refuses nonsense.
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut conn = db.pool().acquire().await.unwrap();
        for status in ["cancelled", "in_progress"] {
            sqlx::query("UPDATE work_orders SET status = $1 WHERE work_order_no = '90012'")
                .bind(status)
                .execute(&mut *conn)
                .await
                .unwrap();
        }
        let bogus =
            sqlx::query("UPDATE work_orders SET status = 'bogus' WHERE work_order_no = '90012'")
                .execute(&mut *conn)
                .await;
        assert!(bogus.is_err());
        held.push(conn);
    }
    drop(held);
    assert!(insert("90013", "cancelled").await.is_ok());
    if db.backend() == app::kit::db::Backend::Sqlite {
        let check: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(check, "ok");
    }
}
