//! 平台 › 服务提供商: operators find providers by name and state, open one, suspend it (its
//! members reach none of its data and are told so at sign-in) and reinstate it, nothing
//! deleted; nobody else manages providers.

use crate::common::{enc, json, last_mail, TestApp, PASSWORD};
use axum::http::StatusCode;

on_both_databases!(
    operators_find_suspend_and_reinstate_providers,
    only_operators_manage_providers,
    admins_keep_the_company_details_and_hear_of_a_new_payout_account,
    a_new_company_name_waits_for_the_platform_and_bills_keep_theirs,
);

const WORK_ORDERS: &str = "status=&from=&to=&q=&sort=&after=";

async fn providers(app: &TestApp, cookie: &str, query: &str) -> serde_json::Value {
    json(app, "/api/platform_provider_list", cookie, query).await
}

async fn operators_find_suspend_and_reinstate_providers(app: TestApp) {
    let operator = app.login("operator@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    let member = app.login("305102247@example.com").await;
    assert_eq!(
        app.call("/api/work_orders", Some(&member), WORK_ORDERS)
            .await
            .status,
        StatusCode::OK
    );
    let work_orders_before = app
        .number_with(
            "SELECT COUNT(*) FROM work_orders WHERE provider_id = $1",
            msp,
        )
        .await;

    // Search by a part of the name, whatever its case; filter by state.
    let found = providers(&app, &operator, "q=msp-a&state=&page=&per=").await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["rows"][0]["name"], "MSP-A_TEST1");
    assert_eq!(found["rows"][0]["state"], "Active");
    let all = providers(&app, &operator, "q=&state=&page=&per=").await;
    assert!(all["total"].as_i64().unwrap() >= 2, "{all}");
    // A pattern character is searched as itself.
    let literal = providers(&app, &operator, "q=%25&state=&page=&per=").await;
    assert_eq!(literal["total"], 0, "{literal}");
    let none = providers(&app, &operator, "q=&state=suspended&page=&per=").await;
    assert_eq!(none["total"], 0);
    // Paging past any list is a field error, never a server error.
    let deep = app
        .call(
            "/api/platform_provider_list",
            Some(&operator),
            "q=&state=&page=99999999999999999999&per=",
        )
        .await;
    assert_eq!(
        deep.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        deep.body
    );

    // The provider's page: profile, members, work orders from the counters, bills.
    let detail = json(
        &app,
        "/api/platform_provider",
        &operator,
        &format!("provider_id={msp}"),
    )
    .await;
    assert_eq!(detail["name"], "MSP-A_TEST1");
    let members = detail["members"].as_array().unwrap();
    assert!(
        members.iter().any(|m| m["email"] == "aku@example.com"),
        "{detail}"
    );
    let counted: i64 = detail["work_orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair[1].as_i64().unwrap())
        .sum();
    assert_eq!(
        counted, work_orders_before,
        "the counts are the provider's work orders"
    );
    let page = app
        .get(&format!("/platform/providers/{msp}"), Some(&operator))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-testid=\"suspend-provider\""));

    // A suspension needs a reason: refused next to the field without JavaScript.
    let bare = app
        .post_form(
            "/api/suspend_provider",
            Some(&operator),
            &format!("provider_id={msp}&reason=+"),
        )
        .await;
    assert!(
        bare.location().contains("e.reason=form.required"),
        "{}",
        bare.location()
    );
    let reason = "合同到期未续签 <b>";
    json(
        &app,
        "/api/suspend_provider",
        &operator,
        &format!("provider_id={msp}&reason={}", enc(reason)),
    )
    .await;
    let again = app
        .call(
            "/api/suspend_provider",
            Some(&operator),
            &format!("provider_id={msp}&reason=x"),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("providers.error.suspended_already"));

    // Its members reach none of its data, on a session they already had…
    let refused = app
        .call("/api/work_orders", Some(&member), WORK_ORDERS)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let home = app.get("/", Some(&member)).await;
    assert_eq!(home.status, StatusCode::FORBIDDEN);
    assert!(home.body.contains("data-testid=\"provider-suspended\""));
    assert!(home.body.contains("MSP-A_TEST1"));
    // …and are told so at sign-in.
    let sign_in = app.try_login("305102247@example.com", PASSWORD).await;
    assert!(sign_in.session_cookie().is_none());
    assert!(
        sign_in
            .location()
            .starts_with("/login?error=provider_suspended"),
        "{}",
        sign_in.location()
    );
    // A member of another provider too signs in there, and can no longer switch back.
    let aku = app.login("aku@example.com").await;
    let shell = json(&app, "/api/shell_info", &aku, "").await;
    assert_eq!(shell["current"]["provider_name"], "蓝云", "{shell}");
    assert!(shell["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["provider_id"] != msp));
    let switch = app
        .call(
            "/api/switch_provider",
            Some(&aku),
            &format!("provider_id={msp}"),
        )
        .await;
    assert_eq!(switch.status, StatusCode::NOT_FOUND);

    // The admins were told why; the page shows it, escaped; it is audited.
    let (_, text) = last_mail(&app, "aku@example.com").await.expect("a mail");
    assert!(text.contains(reason), "{text}");
    let page = app
        .get(&format!("/platform/providers/{msp}"), Some(&operator))
        .await;
    assert!(page.body.contains("合同到期未续签 &lt;b&gt;"));
    assert_eq!(
        app.number_with(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'provider_suspended' AND provider_id = $1",
            msp
        )
        .await,
        1
    );
    let suspended = providers(&app, &operator, "q=&state=suspended&page=&per=").await;
    assert_eq!(suspended["total"], 1);
    assert_eq!(suspended["rows"][0]["state"], "Suspended");

    // 恢复: everything is as it was, nothing deleted.
    json(
        &app,
        "/api/reinstate_provider",
        &operator,
        &format!("provider_id={msp}"),
    )
    .await;
    assert_eq!(
        app.call("/api/work_orders", Some(&member), WORK_ORDERS)
            .await
            .status,
        StatusCode::OK
    );
    assert!(app.signs_in("305102247@example.com", PASSWORD).await);
    assert_eq!(
        app.number_with(
            "SELECT COUNT(*) FROM work_orders WHERE provider_id = $1",
            msp
        )
        .await,
        work_orders_before
    );
    let (subject, _) = last_mail(&app, "aku@example.com").await.unwrap();
    assert!(subject.contains("MSP-A_TEST1"), "{subject}");
    let twice = app
        .call(
            "/api/reinstate_provider",
            Some(&operator),
            &format!("provider_id={msp}"),
        )
        .await;
    assert!(twice.body.contains("providers.error.active_already"));
    let missing = app
        .call(
            "/api/platform_provider",
            Some(&operator),
            "provider_id=999999",
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn only_operators_manage_providers(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    for (path, body) in [
        (
            "/api/platform_provider_list",
            "q=&state=&page=&per=".to_owned(),
        ),
        ("/api/platform_provider", format!("provider_id={msp}")),
        (
            "/api/suspend_provider",
            format!("provider_id={msp}&reason=x"),
        ),
        ("/api/reinstate_provider", format!("provider_id={msp}")),
    ] {
        let answer = app.call(path, Some(&admin), &body).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        app.number("SELECT COUNT(*) FROM providers WHERE suspended_at IS NOT NULL")
            .await,
        0
    );
    let page = app.get("/platform/providers", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

fn company_body(account_no: &str, tax_number: &str, phone: &str) -> String {
    format!(
        "address={}&responsible_person=AKU&contact_name={}&contact_phone={}&contact_email=finance%40example.com\
         &bank_name={}&bank_account_name=MSP-A_TEST1&bank_account_no={}&invoice_title={}&tax_number={}",
        enc("上海市浦东新区"),
        enc("财务部"),
        enc(phone),
        enc("招商银行上海分行"),
        enc(account_no),
        enc("MSP-A_TEST1 有限公司"),
        enc(tax_number),
    )
}

async fn admins_keep_the_company_details_and_hear_of_a_new_payout_account(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let user = app.login("305102247@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    let mine = json(&app, "/api/company", &admin, "").await;
    assert_eq!(mine["company"]["name"], "MSP-A_TEST1");
    assert_eq!(mine["editable"], true);
    // A user reads, never changes.
    assert_eq!(
        json(&app, "/api/company", &user, "").await["editable"],
        false
    );
    let refused = app
        .call(
            "/api/save_company",
            Some(&user),
            &company_body("6225881234567890", "", ""),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Bad fields are refused next to them without JavaScript, what was typed kept — but
    // never the account number, which does not travel in a URL.
    let bad = app
        .post_form(
            "/api/save_company",
            Some(&admin),
            &company_body("6225881234567890", "123", "call me"),
        )
        .await;
    let back = bad.location();
    assert!(
        back.contains("e.tax_number=company.error.tax_number"),
        "{back}"
    );
    assert!(
        back.contains("e.contact_phone=company.error.phone"),
        "{back}"
    );
    assert!(back.contains("v.tax_number=123"), "{back}");
    assert!(!back.contains("6225881234567890"), "{back}");

    json(
        &app,
        "/api/save_company",
        &admin,
        &company_body(
            "6225 8812 3456 7890",
            "91310000MA1K2B3C4D",
            "+86 136 5361 2334",
        ),
    )
    .await;
    let saved = json(&app, "/api/company", &admin, "").await;
    assert_eq!(
        saved["company"]["bank_account_no"], "•••• 7890",
        "masked: {saved}"
    );
    assert_eq!(saved["company"]["tax_number"], "91310000MA1K2B3C4D");
    assert_eq!(
        app.text_with("SELECT bank_account_no FROM providers WHERE id = $1", msp)
            .await,
        "6225881234567890"
    );
    let detail = app
        .text_with(
            "SELECT detail FROM audit_log WHERE action = 'company_changed' AND provider_id = $1",
            msp,
        )
        .await;
    assert!(
        detail.contains("bank_account_no") && !detail.contains("7890"),
        "{detail}"
    );
    let (_, text) = last_mail(&app, "aku@example.com")
        .await
        .expect("the admin is told");
    assert!(
        text.contains("•••• 7890") && !text.contains("6225881234567890"),
        "{text}"
    );

    // A blank number keeps the one on file; saving the same again changes nothing.
    json(
        &app,
        "/api/save_company",
        &admin,
        &company_body("", "91310000MA1K2B3C4D", "+86 136 5361 2334"),
    )
    .await;
    assert_eq!(
        app.text_with("SELECT bank_account_no FROM providers WHERE id = $1", msp)
            .await,
        "6225881234567890"
    );
    assert_eq!(
        app.number_with(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'company_changed' AND provider_id = $1",
            msp
        )
        .await,
        1
    );

    // The platform sees it masked; another provider sees its own.
    let operator = app.login("operator@example.com").await;
    let seen = json(
        &app,
        "/api/platform_provider",
        &operator,
        &format!("provider_id={msp}"),
    )
    .await;
    assert_eq!(seen["company"]["bank_account_no"], "•••• 7890");
    let other = app.login("enjian@example.com").await;
    let theirs = json(&app, "/api/company", &other, "").await;
    assert_eq!(theirs["company"]["name"], "蓝云");
    assert_eq!(theirs["company"]["bank_account_no"], "");
}

async fn a_new_company_name_waits_for_the_platform_and_bills_keep_theirs(app: TestApp) {
    let admin = app.login("aku@example.com").await;
    let user = app.login("305102247@example.com").await;
    let operator = app.login("operator@example.com").await;
    let msp = app.provider_id("MSP-A_TEST1").await;
    let ask = |name: &str| format!("new_name={}", enc(name));
    // Only the admin and co-admins ask; a name another provider has, or the same one, is
    // refused next to the field.
    let refused = app
        .call(
            "/api/request_company_rename",
            Some(&user),
            &ask("蓝海云服务"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    for (name, code) in [
        ("蓝云", "registration.error.name_taken"),
        (" MSP-A_TEST1 ", "company.error.same_name"),
        ("", "form.required"),
    ] {
        let answer = app
            .call("/api/request_company_rename", Some(&admin), &ask(name))
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(answer.body.contains(code), "{name}: {}", answer.body);
    }
    // Without JavaScript the refusal comes back to the form with what was typed.
    let back = app
        .post_form("/api/request_company_rename", Some(&admin), &ask("蓝云"))
        .await;
    assert!(
        back.location()
            .contains("e.new_name=registration.error.name_taken"),
        "{}",
        back.location()
    );

    json(
        &app,
        "/api/request_company_rename",
        &admin,
        &ask("蓝海云服务"),
    )
    .await;
    let company = json(&app, "/api/company", &admin, "").await;
    assert_eq!(
        company["company"]["name"], "MSP-A_TEST1",
        "the name waits: {company}"
    );
    assert_eq!(company["rename"]["status"], "Pending");
    assert_eq!(company["rename"]["new_name"], "蓝海云服务");
    let (subject, _) = last_mail(&app, "operator@example.com").await.unwrap();
    assert!(subject.contains("MSP-A_TEST1"), "{subject}");
    // One request waits at a time.
    let again = app
        .call(
            "/api/request_company_rename",
            Some(&admin),
            &ask("蓝海科技"),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("company.error.rename_pending"));

    // The platform's queue and the provider's page show it; only an operator decides.
    let list = providers(&app, &operator, "q=&state=&page=&per=").await;
    let change_id = list["renames"][0]["id"].as_i64().unwrap();
    assert_eq!(list["renames"][0]["provider_id"], msp);
    let detail = json(
        &app,
        "/api/platform_provider",
        &operator,
        &format!("provider_id={msp}"),
    )
    .await;
    assert_eq!(detail["rename"]["id"], change_id);
    let decide = |decision: &str, reason: &str| {
        format!(
            "change_id={change_id}&decision={decision}&reason={}",
            enc(reason)
        )
    };
    let by_provider = app
        .call(
            "/api/decide_company_rename",
            Some(&admin),
            &decide("approve", ""),
        )
        .await;
    assert_eq!(by_provider.status, StatusCode::FORBIDDEN);
    // A rejection needs its reason; the admin is told it.
    let bare = app
        .call(
            "/api/decide_company_rename",
            Some(&operator),
            &decide("reject", " "),
        )
        .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    json(
        &app,
        "/api/decide_company_rename",
        &operator,
        &decide("reject", "与营业执照不符"),
    )
    .await;
    let (subject, text) = last_mail(&app, "aku@example.com").await.unwrap();
    assert!(subject.contains("未通过"), "{subject}");
    assert!(text.contains("与营业执照不符"), "{text}");
    let twice = app
        .call(
            "/api/decide_company_rename",
            Some(&operator),
            &decide("approve", ""),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "decided once");
    assert_eq!(
        json(&app, "/api/company", &admin, "").await["company"]["name"],
        "MSP-A_TEST1"
    );

    // Asked again and approved: the provider carries the new name; its bills keep theirs.
    json(
        &app,
        "/api/request_company_rename",
        &admin,
        &ask("蓝海云服务"),
    )
    .await;
    let change_id = providers(&app, &operator, "q=&state=&page=&per=").await["renames"][0]["id"]
        .as_i64()
        .unwrap();
    json(
        &app,
        "/api/decide_company_rename",
        &operator,
        &format!("change_id={change_id}&decision=approve&reason="),
    )
    .await;
    assert_eq!(
        json(&app, "/api/company", &admin, "").await["company"]["name"],
        "蓝海云服务"
    );
    let (subject, _) = last_mail(&app, "aku@example.com").await.unwrap();
    assert!(subject.contains("蓝海云服务"), "{subject}");
    let bill = json(&app, "/api/bill", &admin, "no=201911010001&page=&line=").await;
    assert_eq!(
        bill["provider"], "MSP-A_TEST1",
        "the bill keeps its name: {bill}"
    );
    assert!(
        providers(&app, &operator, "q=&state=&page=&per=").await["renames"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.number_with(
            "SELECT COUNT(*) FROM audit_log WHERE provider_id = $1
             AND action IN ('company_rename_requested', 'company_rename_rejected', 'company_renamed')",
            msp
        )
        .await,
        4
    );
}
