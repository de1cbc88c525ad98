//! The tenant isolation matrix. Every endpoint — every server function the app registers and
//! every plain route the server file declares, found at run time, so a new endpoint is
//! covered without editing this file — is called by each actor (anonymous, 用户, 协同管理员
//! and 管理员 of provider A, 管理员 of provider B, and the platform operator through the
//! providers' own endpoints) with ids and numbers that belong to the
//! other provider and to the platform. No answer may show the other side's marked records,
//! none may change them, and none may be a server error.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use sqlx::{Column, Row};
use std::collections::BTreeMap;

on_both_databases!(no_endpoint_shows_or_changes_another_tenant_s_data);

/// A server function's endpoint, its parameters (name, Rust type) and whether it is the
/// platform's own (its body asks for an operator), read from the source.
fn server_functions() -> BTreeMap<String, (Vec<(String, String)>, bool)> {
    let mut found = BTreeMap::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices("server(endpoint = \"") {
                let rest = &text[at + "server(endpoint = \"".len()..];
                let endpoint = rest[..rest.find('"').unwrap()].to_owned();
                let open = rest.find("fn ").unwrap();
                let params_start = open + rest[open..].find('(').unwrap() + 1;
                let params_end = params_start + rest[params_start..].find(") ->").unwrap();
                let mut depth = 0;
                let mut current = String::new();
                let mut params = Vec::new();
                for c in rest[params_start..params_end].chars() {
                    match c {
                        '<' => depth += 1,
                        '>' => depth -= 1,
                        ',' if depth == 0 => {
                            params.push(std::mem::take(&mut current));
                            continue;
                        }
                        _ => {}
                    }
                    current.push(c);
                }
                params.push(current);
                let params = params
                    .iter()
                    .map(|p| p.trim())
                    .filter(|p| !p.is_empty())
                    .filter_map(|p| {
                        let (name, ty) = p.split_once(':')?;
                        Some((name.trim().to_owned(), ty.trim().to_owned()))
                    })
                    .collect();
                let body = &rest[params_end..];
                let body = &body[..body.find("#[server").unwrap_or(body.len())];
                found.insert(endpoint, (params, body.contains("operator()")));
            }
        }
    }
    found
}

/// The plain routes the server declares: (method, path pattern).
fn plain_routes() -> Vec<(Method, String)> {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"),
    )
    .unwrap();
    let mut routes = Vec::new();
    for (at, _) in source.match_indices(".route(") {
        let rest = &source[at + ".route(".len()..];
        let Some(start) = rest.find('"') else {
            continue;
        };
        let rest = &rest[start + 1..];
        let path = rest[..rest.find('"').unwrap()].to_owned();
        let call = &rest[..rest.find(')').unwrap_or(rest.len())];
        let method = if call.contains("post(") {
            Method::POST
        } else {
            Method::GET
        };
        routes.push((method, path));
    }
    routes
}

/// What one side owns: ids and numbers to aim at, and the marker text its records carry.
struct Side {
    ids: Vec<i64>,
    numbers: Vec<String>,
}

/// Whether parameter `name` of type `ty` names a record (and so is tried with each target).
fn aims(name: &str, ty: &str) -> bool {
    let ty = ty.replace(' ', "");
    matches!(ty.as_str(), "i64" | "Option<i64>")
        || ty.starts_with("Option<HashMap")
        || matches!(
            name,
            "no" | "order_no"
                | "work_order_no"
                | "token"
                | "id"
                | "sku_id"
                | "plan_id"
                | "provider_id"
        )
}

/// A form value for parameter `name` of type `ty`, aimed at the `k`-th target of `side`.
fn value(name: &str, ty: &str, side: &Side, k: usize) -> String {
    let id = side.ids[k % side.ids.len()].to_string();
    let number = side.numbers[k % side.numbers.len()].clone();
    match (name, ty.replace(' ', "").as_str()) {
        (_, "i64" | "Option<i64>") => id,
        (_, "bool") => "false".into(),
        ("no" | "order_no" | "work_order_no" | "token", _) => number,
        ("id" | "sku_id" | "plan_id" | "provider_id", _) => id,
        ("command", _) => "Advance".into(),
        ("decision", _) => "approve".into(),
        ("action", _) => "submit".into(),
        ("email" | "contact_email" | "admin_email", _) => "matrix@example.com".into(),
        ("password" | "current_password", _) => "not-the-password".into(),
        ("page" | "per" | "from" | "to" | "q" | "sort" | "status" | "state", _) => String::new(),
        _ => "matrix".into(),
    }
}

/// The form pair for parameter `name` of type `ty`; bulk selections and per-line amounts
/// (maps) are keyed by the target instead.
fn form_pair(name: &str, ty: &str, side: &Side, k: usize) -> String {
    if ty.replace(' ', "").starts_with("Option<HashMap") {
        let id = side.ids[k % side.ids.len()];
        return match name {
            "selected" => format!("selected%5Bu{id}%5D=on"),
            _ => format!("{name}%5Bl{id}%5D=1"),
        };
    }
    format!(
        "{name}={}",
        app::kit::forms::encode_query(&value(name, ty, side, k))
    )
}

/// Serializes the rows `sql` returns, every column as text, for before/after comparison.
async fn snapshot(app: &TestApp, sql: &str) -> Vec<String> {
    let rows = sqlx::query(sql).fetch_all(app.db.pool()).await.unwrap();
    rows.iter()
        .map(|row| {
            (0..row.columns().len())
                .map(|i| {
                    let name = row.columns()[i].name().to_owned();
                    let value = row
                        .try_get::<Option<String>, _>(i)
                        .map(|v| format!("{v:?}"))
                        .or_else(|_| row.try_get::<Option<i64>, _>(i).map(|v| format!("{v:?}")))
                        .or_else(|_| row.try_get::<Option<bool>, _>(i).map(|v| format!("{v:?}")))
                        .or_else(|_| row.try_get::<Option<f64>, _>(i).map(|v| format!("{v:?}")))
                        .unwrap_or_else(|_| "?".into());
                    format!("{name}={value}")
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

/// Everything provider `provider_id` and the platform own that another provider must never
/// change.
async fn owned_state(app: &TestApp, provider_id: i64) -> Vec<String> {
    let mut state = provider_state(app, provider_id).await;
    for sql in [
        "SELECT id, email, name, phone, password_hash, platform_role, oidc_subject, totp_enabled_at FROM users WHERE platform_role IS NOT NULL ORDER BY id",
        "SELECT * FROM tiers ORDER BY id",
        "SELECT * FROM tutorials ORDER BY id",
        "SELECT id, company_name, status FROM registrations ORDER BY id",
    ] {
        state.push(sql.to_owned());
        state.extend(snapshot(app, sql).await);
    }
    state
}

/// What an actor must leave alone: the victim's and the platform's data, or for the
/// operator (aimed at the providers' endpoints) every provider's.
async fn victim_state(app: &TestApp, providers: &[i64], operator: bool) -> Vec<String> {
    let mut state = Vec::new();
    for &provider in providers {
        state.extend(if operator {
            provider_state(app, provider).await
        } else {
            owned_state(app, provider).await
        });
    }
    state
}

/// What provider `provider_id` owns: its records, members and their accounts.
async fn provider_state(app: &TestApp, provider_id: i64) -> Vec<String> {
    let mut state = Vec::new();
    for sql in [
        format!("SELECT * FROM service_items WHERE provider_id = {provider_id} ORDER BY id"),
        format!("SELECT k.* FROM service_skus k JOIN service_items s ON s.id = k.service_item_id WHERE s.provider_id = {provider_id} ORDER BY k.id"),
        format!("SELECT * FROM tickets WHERE provider_id = {provider_id} ORDER BY id"),
        format!("SELECT * FROM work_orders WHERE provider_id = {provider_id} ORDER BY id"),
        format!("SELECT m.* FROM milestones m JOIN work_orders w ON w.id = m.work_order_id WHERE w.provider_id = {provider_id} ORDER BY m.id"),
        format!("SELECT * FROM bills WHERE provider_id = {provider_id} ORDER BY id"),
        format!("SELECT user_id, role, status, name, phone FROM memberships WHERE provider_id = {provider_id} ORDER BY user_id"),
        format!("SELECT u.id, u.email, u.name, u.phone, u.password_hash, u.platform_role, u.oidc_subject, u.totp_enabled_at FROM users u WHERE u.id IN (SELECT user_id FROM memberships WHERE provider_id = {provider_id}) ORDER BY u.id"),
        format!("SELECT * FROM providers WHERE id = {provider_id}"),
    ] {
        state.push(sql.clone());
        state.extend(snapshot(app, &sql).await);
    }
    state
}

/// Gives `email` an active membership of `provider` with `role`, signing in with the demo
/// password.
async fn make_member(app: &TestApp, email: &str, provider: i64, role: &str) {
    let hash = app
        .text("SELECT password_hash FROM users WHERE email = 'aku@example.com'")
        .await;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE email = $2")
        .bind(&hash)
        .bind(email)
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query(
        "UPDATE memberships SET role = $1, status = 'active'
         WHERE provider_id = $2 AND user_id = (SELECT id FROM users WHERE email = $3)",
    )
    .bind(role)
    .bind(provider)
    .bind(email)
    .execute(app.db.pool())
    .await
    .unwrap();
}

async fn no_endpoint_shows_or_changes_another_tenant_s_data(app: TestApp) {
    let a = app.provider_id("MSP-A_TEST1").await;
    let b = app.provider_id("蓝云").await;

    // Marked records on each side.
    let b_admin = app.login("enjian@example.com").await;
    let item = app
        .call(
            "/api/save_service_item",
            Some(&b_admin),
            "id=&name=B-SECRET-ITEM&product=B-SECRET-PRODUCT&owner_name=B-SECRET-OWNER&owner_contact=b%40example.com&description=%3Cp%3EB-SECRET-DESC%3C%2Fp%3E",
        )
        .await;
    assert_eq!(item.status, StatusCode::OK, "{}", item.body);
    let ticket = app
        .multipart(
            "/tickets",
            &b_admin,
            &[
                ("service_type", "aftersales"),
                ("support_category", "orders"),
                ("subject", "B-SECRET-TICKET"),
                ("details", "B-SECRET-DETAILS"),
                ("contact_name", "B"),
                ("contact_phone", "1"),
                ("contact_email", "b@example.com"),
                ("company", "蓝云"),
            ],
            &[],
        )
        .await;
    assert!(ticket.status.is_redirection(), "{}", ticket.body);
    let a_admin = app.login("aku@example.com").await;
    let a_item = app
        .call(
            "/api/save_service_item",
            Some(&a_admin),
            "id=&name=A-SECRET-ITEM&product=A-SECRET-PRODUCT&owner_name=A&owner_contact=a%40example.com&description=%3Cp%3EA%3C%2Fp%3E",
        )
        .await;
    assert_eq!(a_item.status, StatusCode::OK, "{}", a_item.body);
    app
        .execute(
            "INSERT INTO registrations (draft_token, company_name, responsible_person, status, created_at)
             VALUES ('matrix', 'PLATFORM-SECRET-CO', 'P', 'pending', 1)",
        )
        .await;
    make_member(&app, "racikg@example.com", a, "co_admin").await;

    let side = |provider: i64| {
        let app = &app;
        async move {
            let mut all = Vec::new();
            for sql in [
                format!("SELECT id FROM service_items WHERE provider_id = {provider}"),
                format!("SELECT k.id FROM service_skus k JOIN service_items s ON s.id = k.service_item_id WHERE s.provider_id = {provider}"),
                format!("SELECT id FROM tickets WHERE provider_id = {provider}"),
                format!("SELECT m.id FROM milestones m JOIN work_orders w ON w.id = m.work_order_id WHERE w.provider_id = {provider}"),
                format!("SELECT user_id FROM memberships WHERE provider_id = {provider}"),
                format!("SELECT id FROM tier_applications WHERE provider_id = {provider}"),
            ] {
                all.extend(app.numbers(&sql).await);
            }
            all.push(provider);
            let mut numbers = Vec::new();
            for sql in [
                format!("SELECT work_order_no FROM work_orders WHERE provider_id = {provider}"),
                format!("SELECT bill_no FROM bills WHERE provider_id = {provider}"),
                format!("SELECT ticket_no FROM tickets WHERE provider_id = {provider}"),
            ] {
                numbers.extend(app.strings(&sql).await);
            }
            numbers.push("0".repeat(64));
            all.sort_unstable();
            all.dedup();
            Side { ids: all, numbers }
        }
    };
    let mut b_side = side(b).await;
    let platform_ids = app.numbers("SELECT id FROM registrations UNION SELECT id FROM tutorials UNION SELECT id FROM users WHERE platform_role IS NOT NULL").await;
    b_side.ids.extend(platform_ids.iter().copied());
    let mut a_side = side(a).await;
    a_side.ids.extend(platform_ids.iter().copied());

    let functions = server_functions();
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    assert!(
        registered.len() >= 80,
        "{} server functions",
        registered.len()
    );
    for endpoint in &registered {
        assert!(
            functions.contains_key(endpoint),
            "server function {endpoint} not found in app/src: the matrix cannot call it"
        );
    }
    let routes = plain_routes();
    assert!(routes.len() >= 30, "{} plain routes", routes.len());

    // Ending one's own session or changing provider would only blind the rest of the run.
    let skipped = ["logout", "switch_provider"];
    // (actor, session, victim, platform operator)
    let attackers: Vec<(&str, Option<String>, i64, bool)> = vec![
        ("anonymous", None, b, false),
        (
            "A 用户",
            Some(app.login("305102247@example.com").await),
            b,
            false,
        ),
        (
            "A 协同管理员",
            Some(app.login("racikg@example.com").await),
            b,
            false,
        ),
        (
            "A 管理员",
            Some(app.login("aku@example.com").await),
            b,
            false,
        ),
        (
            "B 管理员",
            Some(app.login("enjian@example.com").await),
            a,
            false,
        ),
        // The operator through the providers' own endpoints: no provider's data to see or
        // change there (the platform's endpoints are its business).
        (
            "operator",
            Some(app.login("operator@example.com").await),
            b,
            true,
        ),
    ];
    let b_markers = ["B-SECRET", "PLATFORM-SECRET"];
    let a_markers = ["A-SECRET", "PLATFORM-SECRET"];
    let provider_markers = ["A-SECRET", "B-SECRET"];
    let mut calls = 0;
    let mut statuses: BTreeMap<(String, u16), usize> = BTreeMap::new();
    for (actor, cookie, victim, operator) in &attackers {
        let (side, markers) = if *operator {
            (&b_side, &provider_markers)
        } else if *victim == b {
            (&b_side, &b_markers)
        } else {
            (&a_side, &a_markers)
        };
        let rounds = side.ids.len().max(side.numbers.len());
        let targets = if *operator { vec![a, b] } else { vec![*victim] };
        let before = victim_state(&app, &targets, *operator).await;
        for endpoint in &registered {
            if skipped.contains(&endpoint.as_str()) {
                continue;
            }
            let (params, platform) = &functions[endpoint];
            // The platform's own functions may change providers' data: the operator is
            // aimed only at what providers and their members call.
            if *operator && *platform {
                continue;
            }
            for k in 0..rounds {
                let body = params
                    .iter()
                    .map(|(name, ty)| form_pair(name, ty, side, k))
                    .collect::<Vec<_>>()
                    .join("&");
                let answer = app
                    .call(&format!("/api/{endpoint}"), cookie.as_deref(), &body)
                    .await;
                calls += 1;
                *statuses
                    .entry((actor.to_string(), answer.status.as_u16()))
                    .or_insert(0) += 1;
                assert!(
                    !answer.status.is_server_error(),
                    "{actor} /api/{endpoint} {body}: {} {}",
                    answer.status,
                    answer.body
                );
                for marker in markers.iter() {
                    assert!(
                        !answer.body.contains(marker),
                        "{actor} /api/{endpoint} {body} shows {marker}: {}",
                        answer.body
                    );
                }
                if !params.iter().any(|(name, ty)| aims(name, ty)) {
                    break;
                }
            }
        }
        for (method, pattern) in &routes {
            if *operator && pattern.starts_with("/platform") {
                continue;
            }
            for k in 0..rounds {
                let mut path = String::new();
                let mut rest = pattern.as_str();
                while let Some(open) = rest.find('{') {
                    path.push_str(&rest[..open]);
                    let close = rest[open..].find('}').unwrap() + open;
                    let name = &rest[open + 1..close];
                    path.push_str(&value(name, "String", side, k));
                    rest = &rest[close + 1..];
                }
                path.push_str(rest);
                let mut request = Request::builder()
                    .method(method.clone())
                    .uri(&path)
                    .header(header::ACCEPT, "text/html");
                if let Some(cookie) = cookie {
                    request = request.header(header::COOKIE, cookie);
                }
                let request = if *method == Method::POST {
                    request
                        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
                        .body(Body::from("--X--\r\n"))
                        .unwrap()
                } else {
                    request.body(Body::empty()).unwrap()
                };
                let answer = app.send(request).await;
                calls += 1;
                assert!(
                    !answer.status.is_server_error()
                        || answer.status == StatusCode::SERVICE_UNAVAILABLE,
                    "{actor} {method} {path}: {}",
                    answer.status
                );
                for marker in markers.iter() {
                    assert!(
                        !answer.body.contains(marker),
                        "{actor} {method} {path} shows {marker}"
                    );
                }
                if !pattern.contains('{') {
                    break;
                }
            }
        }
        assert_eq!(
            victim_state(&app, &targets, *operator).await,
            before,
            "{actor} changed data of another provider or of the platform"
        );
    }
    assert!(calls > 1000, "{calls} calls");
    eprintln!("isolation matrix: {calls} calls; server functions by (actor, status): {statuses:?}");
}
