//! The bill, ticket, registration and tier-application lists' pages (issue #17), the
//! provider's and the platform's:
//! page numbers and sizes whose total is every row reachable, filters kept by the pager, the
//! size remembered per user — on SQLite and PostgreSQL alike.

use crate::common::{json, TestApp};
use axum::http::StatusCode;
use serde_json::Value;

on_both_databases!(
    bill_pages_reach_every_bill_once_under_the_filters,
    ticket_pages_reach_every_ticket_once_under_the_filters,
    each_list_follows_the_user_s_page_size,
    registration_queue_pages_reach_every_application_once,
    tier_application_pages_reach_every_application_once,
    operator_pages_reach_every_operator_once_under_the_search,
    tutorial_pages_reach_every_tutorial_once,
);

const BILLS: &[&str] = &["status", "from", "to", "page", "per"];
const PLATFORM_BILLS: &[&str] = &["provider", "status", "from", "to", "page", "per"];
const TICKETS: &[&str] = &["status", "unread", "page", "per"];
const PLATFORM_TICKETS: &[&str] = &["status", "page", "per"];
const REGISTRATIONS: &[&str] = &["status", "page", "per"];
const TIERS: &[&str] = &["page", "per"];
const PLATFORM_TIERS: &[&str] = &["status", "page", "per"];

const OPERATORS: &[&str] = &["q", "page", "per"];
const TUTORIALS: &[&str] = &["page", "per"];

/// One of the lists' server functions: its path, its arguments, where its page is in the
/// answer (a JSON pointer) and the field naming a row.
struct List {
    path: &'static str,
    keys: &'static [&'static str],
    at: &'static str,
    id: &'static str,
    /// A page past the last shows the last (tickets) rather than none (bills).
    clamps: bool,
    /// The field of the page holding its rows.
    rows: &'static str,
}

const PROVIDER_BILLS: List = List {
    path: "/api/bills",
    keys: BILLS,
    at: "",
    id: "bill_no",
    clamps: false,
    rows: "rows",
};
const ALL_BILLS: List = List {
    path: "/api/platform_bills",
    keys: PLATFORM_BILLS,
    at: "/page",
    id: "bill_no",
    clamps: false,
    rows: "rows",
};
const PROVIDER_TICKETS: List = List {
    path: "/api/tickets",
    keys: TICKETS,
    at: "",
    id: "no",
    clamps: true,
    rows: "rows",
};
const ALL_TICKETS: List = List {
    path: "/api/platform_tickets",
    keys: PLATFORM_TICKETS,
    at: "",
    id: "no",
    clamps: true,
    rows: "rows",
};

/// A server function's form body: every one of `keys`, those in `query` set.
fn body(keys: &[&str], query: &str) -> String {
    keys.iter()
        .map(|key| {
            let value = query
                .split('&')
                .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
                .unwrap_or_default();
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The page of `list` for `query`.
async fn page(app: &TestApp, list: &List, cookie: &str, query: &str) -> Value {
    let answer = json(app, list.path, cookie, &body(list.keys, query)).await;
    answer.pointer(list.at).unwrap().clone()
}

const ALL_OPERATORS: List = List {
    path: "/api/platform_operators",
    keys: OPERATORS,
    at: "",
    id: "email",
    clamps: false,
    rows: "rows",
};
const ALL_TUTORIALS: List = List {
    path: "/api/platform_tutorials",
    keys: TUTORIALS,
    at: "",
    id: "id",
    clamps: false,
    rows: "rows",
};
const QUEUE: List = List {
    path: "/api/platform_registrations",
    keys: REGISTRATIONS,
    at: "",
    id: "id",
    clamps: false,
    rows: "rows",
};
const MY_TIER_APPLICATIONS: List = List {
    path: "/api/tiers",
    keys: TIERS,
    at: "",
    id: "id",
    clamps: false,
    rows: "applications",
};
const ALL_TIER_APPLICATIONS: List = List {
    path: "/api/platform_tiers",
    keys: PLATFORM_TIERS,
    at: "",
    id: "id",
    clamps: false,
    rows: "applications",
};

/// The rows' names: a string field as it is, a number as its digits.
fn ids(list: &List, page: &Value) -> Vec<String> {
    page[list.rows]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match &r[list.id] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// Every page of a list, walked by page number: the rows seen, and the total each page gave.
async fn walk(app: &TestApp, list: &List, cookie: &str, query: &str) -> (Vec<String>, i64) {
    let first = page(app, list, cookie, &format!("{query}&page=1")).await;
    let total = first["count"].as_i64().unwrap();
    let per = first["per_page"].as_i64().unwrap();
    let pages = ((total + per - 1) / per).max(1);
    assert_eq!(first["pages"].as_i64().unwrap(), pages, "{query}");
    let mut seen = Vec::new();
    let mut last = Vec::new();
    for n in 1..=pages {
        let answer = page(app, list, cookie, &format!("{query}&page={n}")).await;
        assert_eq!(
            answer["count"].as_i64().unwrap(),
            total,
            "{query}: page {n}"
        );
        assert_eq!(answer["page"].as_i64().unwrap(), n);
        let rows = ids(list, &answer);
        assert!(rows.len() as i64 <= per);
        if n < pages {
            assert_eq!(rows.len() as i64, per, "{query}: page {n} is full");
        }
        last = rows.clone();
        seen.extend(rows);
    }
    // One past the end: the same total, and no rows or the last page's.
    let past = page(app, list, cookie, &format!("{query}&page={}", pages + 1)).await;
    assert_eq!(past["count"].as_i64().unwrap(), total);
    if list.clamps {
        assert_eq!(
            past["page"].as_i64().unwrap(),
            pages,
            "{query}: past the end"
        );
        assert_eq!(ids(list, &past), last);
    } else {
        assert!(ids(list, &past).is_empty(), "{query}: past the end");
    }
    // A size named in the query is remembered for the user: leave them at the first size,
    // as the checks after a walk expect.
    assert_eq!(page(app, list, cookie, "per=15").await["per_page"], 15);
    (seen, total)
}

/// `list` walked at 15 and at 30 a page: every row of `expected` once, in its order.
async fn walk_at_each_size(app: &TestApp, list: &List, cookie: &str, expected: &[String]) {
    for per in ["15", "30"] {
        let (seen, total) = walk(app, list, cookie, &format!("per={per}")).await;
        assert_eq!(seen, expected, "per={per}: every row once, in order");
        assert_eq!(total, expected.len() as i64);
    }
}

/// The pager's markup, for a failing assertion's message.
fn pager_of(html: &str) -> &str {
    html.find("class=\"pager\"")
        .map(|at| {
            let mut end = (at + 1500).min(html.len());
            while !html.is_char_boundary(end) {
                end -= 1;
            }
            &html[at..end]
        })
        .unwrap_or("no pager")
}

/// `n` more bills of provider `name`, every other one 待确认 (the rest 未结算), one a month
/// from January 2000 (`offset` months later), numbered after `prefix`.
async fn add_bills(app: &TestApp, name: &str, prefix: &str, offset: i64, n: i64) {
    let provider = app.provider_id(name).await;
    for i in 0..n {
        let month = offset + i;
        let (year, month) = (2000 + month / 12, month % 12 + 1);
        let status = if i % 2 == 0 {
            "confirming"
        } else {
            "unsettled"
        };
        app.execute(&format!(
            "INSERT INTO bills (bill_no, provider_id, period_start, period_end, status, version,
                                created_at, updated_at)
             VALUES ('{prefix}{i:04}', {provider}, '{year}-{month:02}-01', '{year}-{month:02}-28',
                     '{status}', 1, 1700000000, 1700000000)"
        ))
        .await;
    }
}

/// `n` more tickets of provider `name`, every other one 已关闭 (the rest 待处理), numbered after
/// `prefix`, each updated a second after the one before.
async fn add_tickets(app: &TestApp, name: &str, prefix: &str, n: i64) {
    let provider = app.provider_id(name).await;
    for i in 0..n {
        let status = if i % 2 == 0 { "closed" } else { "open" };
        let at = 1_700_000_000 + i;
        app.execute(&format!(
            "INSERT INTO tickets (provider_id, ticket_no, service_type, support_category, subject,
                                  details, contact_name, contact_email, company, status, channel,
                                  created_at, updated_at)
             VALUES ({provider}, '{prefix}{i:04}', 'presales', 'orders', 'Paging {i}', '…',
                     'AKU', 'aku@example.com', '{name}', '{status}', 'builtin', {at}, {at})"
        ))
        .await;
    }
}

const MY_BILLS: &str = "SELECT b.bill_no FROM bills b JOIN providers p ON p.id = b.provider_id
     WHERE p.name = 'MSP-A_TEST1' ORDER BY b.period_end DESC, b.id DESC";

async fn bill_pages_reach_every_bill_once_under_the_filters(app: TestApp) {
    add_bills(&app, "MSP-A_TEST1", "PGA", 0, 40).await;
    add_bills(&app, "蓝云", "PGB", 0, 20).await;
    let aku = app.login("aku@example.com").await;
    let mine = app.strings(MY_BILLS).await;
    assert!(mine.len() > 40);
    for per in ["15", "30", "100"] {
        let (seen, total) = walk(&app, &PROVIDER_BILLS, &aku, &format!("per={per}")).await;
        assert_eq!(
            seen, mine,
            "per={per}: every bill once, newest first, only mine"
        );
        assert_eq!(total, mine.len() as i64);
    }
    // Under a status and a date range, the total is theirs.
    let confirming = app
        .strings(
            "SELECT b.bill_no FROM bills b JOIN providers p ON p.id = b.provider_id
             WHERE p.name = 'MSP-A_TEST1' AND b.status = 'confirming'
             ORDER BY b.period_end DESC, b.id DESC",
        )
        .await;
    let (seen, total) = walk(&app, &PROVIDER_BILLS, &aku, "status=confirming").await;
    assert_eq!((seen, total), (confirming.clone(), confirming.len() as i64));
    let (seen, _) = walk(&app, &PROVIDER_BILLS, &aku, "from=2000-01-01&to=2001-12-31").await;
    assert_eq!(seen.len(), 24);
    assert!(seen.iter().all(|n| n.starts_with("PGA")));
    // Beyond any list: a client error, on the call as on the page.
    let far = app
        .call("/api/bills", Some(&aku), &body(BILLS, "page=100001"))
        .await;
    assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY);
    let far = app.get("/bills?page=100001", Some(&aku)).await;
    assert!(!far.status.is_server_error());

    // The page: numbers, 末页, 跳至 and the sizes, keeping the filters (the export keeps them
    // too); past the end, the empty state with the pager to go back.
    // Back to 15 a page (the walks above chose other sizes, remembered for aku).
    assert_eq!(
        page(&app, &PROVIDER_BILLS, &aku, "per=15").await["per_page"],
        15
    );
    let html = app.get("/bills?status=confirming", Some(&aku)).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains(&format!("共 {} 条", confirming.len())));
    assert!(
        html.body
            .contains("href=\"/bills?status=confirming&amp;page=2\""),
        "{}",
        pager_of(&html.body)
    );
    assert!(html
        .body
        .contains("<input type=\"hidden\" name=\"status\" value=\"confirming\""));
    assert!(html.body.contains("value=\"100\""), "the page sizes");
    assert!(html.body.contains("/bills/export.csv?status=confirming\""));
    let past = app.get("/bills?page=99", Some(&aku)).await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("class=\"empty-state\""));
    assert!(past.body.contains("href=\"/bills\""), "首页 goes back");

    // The platform: every provider's, or one's.
    let operator = app.login("operator@example.com").await;
    let every = app
        .strings("SELECT bill_no FROM bills ORDER BY period_end DESC, id DESC")
        .await;
    for per in ["15", "50"] {
        let (seen, total) = walk(&app, &ALL_BILLS, &operator, &format!("per={per}")).await;
        assert_eq!((seen, total), (every.clone(), every.len() as i64));
    }
    let blue = app.provider_id("蓝云").await;
    let blues = app
        .strings_with(
            "SELECT bill_no FROM bills WHERE provider_id = $1 ORDER BY period_end DESC, id DESC",
            blue,
        )
        .await;
    let (seen, total) = walk(&app, &ALL_BILLS, &operator, &format!("provider={blue}")).await;
    assert_eq!((seen, total), (blues.clone(), blues.len() as i64));
    assert!(blues.len() >= 20);
    let html = app
        .get(&format!("/platform/bills?provider={blue}"), Some(&operator))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(
        html.body.contains(&format!(
            "href=\"/platform/bills?provider={blue}&amp;page=2\""
        )),
        "{}",
        pager_of(&html.body)
    );
    // Only operators.
    let refused = app
        .call("/api/platform_bills", Some(&aku), &body(PLATFORM_BILLS, ""))
        .await;
    assert_ne!(refused.status, StatusCode::OK);
}

const MY_TICKETS: &str =
    "SELECT t.ticket_no FROM tickets t JOIN providers p ON p.id = t.provider_id
     WHERE p.name = 'MSP-A_TEST1' ORDER BY t.updated_at DESC, t.id DESC";

async fn ticket_pages_reach_every_ticket_once_under_the_filters(app: TestApp) {
    add_tickets(&app, "MSP-A_TEST1", "PGA", 40).await;
    add_tickets(&app, "蓝云", "PGB", 20).await;
    let aku = app.login("aku@example.com").await;
    let mine = app.strings(MY_TICKETS).await;
    assert!(mine.len() > 40);
    for per in ["15", "30", "100"] {
        let (seen, total) = walk(&app, &PROVIDER_TICKETS, &aku, &format!("per={per}")).await;
        assert_eq!(
            seen, mine,
            "per={per}: every ticket once, latest first, only mine"
        );
        assert_eq!(total, mine.len() as i64);
    }
    let closed = app
        .strings(
            "SELECT t.ticket_no FROM tickets t JOIN providers p ON p.id = t.provider_id
             WHERE p.name = 'MSP-A_TEST1' AND t.status = 'closed'
             ORDER BY t.updated_at DESC, t.id DESC",
        )
        .await;
    let (seen, total) = walk(&app, &PROVIDER_TICKETS, &aku, "status=closed").await;
    assert_eq!((seen, total), (closed.clone(), closed.len() as i64));
    let far = app
        .call("/api/tickets", Some(&aku), &body(TICKETS, "page=100001"))
        .await;
    assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY);

    // 历史工单: the pager keeps the tab and the filters.
    let html = app
        .get("/tickets?tab=history&status=closed", Some(&aku))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains(&format!("共 {} 条", closed.len())));
    assert!(
        html.body
            .contains("href=\"/tickets?tab=history&amp;status=closed&amp;page=2\""),
        "{}",
        pager_of(&html.body)
    );
    assert!(html
        .body
        .contains("<input type=\"hidden\" name=\"tab\" value=\"history\""));
    let past = app.get("/tickets?tab=history&page=99", Some(&aku)).await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("class=\"pager\""), "the last page");

    // The platform's queue: every provider's.
    let operator = app.login("operator@example.com").await;
    let every = app
        .strings("SELECT ticket_no FROM tickets ORDER BY updated_at DESC, id DESC")
        .await;
    for per in ["15", "50"] {
        let (seen, total) = walk(&app, &ALL_TICKETS, &operator, &format!("per={per}")).await;
        assert_eq!((seen, total), (every.clone(), every.len() as i64));
    }
    let open = app
        .strings(
            "SELECT ticket_no FROM tickets WHERE status = 'open' ORDER BY updated_at DESC, id DESC",
        )
        .await;
    let (seen, _) = walk(&app, &ALL_TICKETS, &operator, "status=open").await;
    assert_eq!(seen, open);
    let html = app
        .get("/platform/tickets?status=open", Some(&operator))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(
        html.body
            .contains("href=\"/platform/tickets?status=open&amp;page=2\""),
        "{}",
        pager_of(&html.body)
    );
    let refused = app
        .call(
            "/api/platform_tickets",
            Some(&aku),
            &body(PLATFORM_TICKETS, ""),
        )
        .await;
    assert_ne!(refused.status, StatusCode::OK);
}

async fn each_list_follows_the_user_s_page_size(app: TestApp) {
    add_bills(&app, "MSP-A_TEST1", "PGA", 0, 40).await;
    add_tickets(&app, "MSP-A_TEST1", "PGA", 40).await;
    let aku = app.login("aku@example.com").await;
    let operator = app.login("operator@example.com").await;
    // The same users on another device (a second sign-in), and one who never chose.
    let (aku_elsewhere, operator_elsewhere) = (
        app.login("aku@example.com").await,
        app.login("operator@example.com").await,
    );
    let enjian = app.login("enjian@example.com").await;
    assert_eq!(
        page(&app, &PROVIDER_BILLS, &enjian, "").await["per_page"],
        15
    );
    for (list, cookie, elsewhere) in [
        (&PROVIDER_BILLS, &aku, &aku_elsewhere),
        (&ALL_BILLS, &operator, &operator_elsewhere),
        (&PROVIDER_TICKETS, &aku, &aku_elsewhere),
        (&ALL_TICKETS, &operator, &operator_elsewhere),
    ] {
        // The size the user had is the first until they choose.
        let before = page(&app, list, cookie, "").await["per_page"].clone();
        assert_ne!(before, 30, "{}", list.path);
        // Chosen: the page is of that size, and so is the next one not naming a size, on
        // either device.
        let chosen = app
            .call(list.path, Some(cookie), &body(list.keys, "per=30"))
            .await;
        assert_eq!(chosen.status, StatusCode::OK, "{}", list.path);
        let answer: Value = serde_json::from_str(&chosen.body).unwrap();
        let answer = answer.pointer(list.at).unwrap();
        assert_eq!(answer["per_page"], 30);
        assert_eq!(ids(list, answer).len(), 30);
        assert_eq!(page(&app, list, cookie, "").await["per_page"], 30);
        assert_eq!(page(&app, list, elsewhere, "").await["per_page"], 30);
        // A size not offered is neither used nor remembered.
        let odd = app
            .call(list.path, Some(cookie), &body(list.keys, "per=1000"))
            .await;
        let odd: Value = serde_json::from_str(&odd.body).unwrap();
        assert_eq!(odd.pointer(list.at).unwrap()["per_page"], 30);
        // Back to 15 for the next list's first look.
        assert_eq!(page(&app, list, cookie, "per=15").await["per_page"], 15);
    }
    assert_eq!(
        page(&app, &PROVIDER_BILLS, &enjian, "").await["per_page"],
        15
    );

    // Without JavaScript: the page's size form is a GET; asked again without `per`, from the
    // other device, the page shows the size chosen; the filters' form keeps it.
    for (path, cookie, elsewhere) in [
        ("/bills", &aku, &aku_elsewhere),
        ("/platform/bills", &operator, &operator_elsewhere),
        ("/tickets?tab=history", &aku, &aku_elsewhere),
        ("/platform/tickets", &operator, &operator_elsewhere),
    ] {
        let join = if path.contains('?') { '&' } else { '?' };
        let html = app.get(&format!("{path}{join}per=50"), Some(cookie)).await;
        assert_eq!(html.status, StatusCode::OK, "{path}");
        let html = app.get(path, Some(elsewhere)).await;
        assert!(
            html.body.contains("<option value=\"50\" selected"),
            "{path}: {}",
            pager_of(&html.body)
        );
    }
    let html = app.get("/bills?per=30", Some(&aku)).await;
    assert!(html
        .body
        .contains("<input type=\"hidden\" name=\"per\" value=\"30\""));
    assert!(
        !html.body.contains("/bills/export.csv?per="),
        "the export is the whole list"
    );
}

/// `n` more registrations in `status`, submitted a second apart, named after `prefix`.
async fn add_registrations(app: &TestApp, prefix: &str, status: &str, n: i64) {
    for i in 0..n {
        let at = 1_700_000_000 + i;
        let decided = if status == "pending" {
            "NULL".to_owned()
        } else {
            at.to_string()
        };
        app.execute(&format!(
            "INSERT INTO registrations (draft_token, company_name, responsible_person, admin_name,
                                        admin_email, status, created_at, submitted_at, decided_at)
             VALUES ('{prefix}-token-{i}', '{prefix} 公司 {i}', '张三', '李四',
                     'admin{i}@{prefix}.example', '{status}', {at}, {at}, {decided})"
        ))
        .await;
    }
}

fn as_strings(ids: Vec<i64>) -> Vec<String> {
    ids.into_iter().map(|id| id.to_string()).collect()
}

async fn registration_queue_pages_reach_every_application_once(app: TestApp) {
    add_registrations(&app, "pgp", "pending", 40).await;
    add_registrations(&app, "pga", "approved", 20).await;
    let operator = app.login("operator@example.com").await;
    // 待审核 oldest first; the decided newest first.
    let pending = as_strings(
        app.numbers(
            "SELECT id FROM registrations WHERE status = 'pending' ORDER BY submitted_at ASC, id",
        )
        .await,
    );
    let approved = as_strings(
        app.numbers(
            "SELECT id FROM registrations WHERE status = 'approved' ORDER BY submitted_at DESC, id",
        )
        .await,
    );
    assert!(pending.len() >= 40 && approved.len() >= 20);
    for per in ["15", "30"] {
        let (seen, total) = walk(&app, &QUEUE, &operator, &format!("per={per}")).await;
        assert_eq!(
            seen, pending,
            "per={per}: every pending one once, oldest first"
        );
        assert_eq!(total, pending.len() as i64);
        let (seen, total) = walk(
            &app,
            &QUEUE,
            &operator,
            &format!("status=approved&per={per}"),
        )
        .await;
        assert_eq!((seen, total), (approved.clone(), approved.len() as i64));
    }
    // Beyond any list: a client error.
    let far = app
        .call(
            QUEUE.path,
            Some(&operator),
            &body(REGISTRATIONS, "page=100001"),
        )
        .await;
    assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The page keeps the status in its pager; past the end, the empty state and the pager.
    let html = app
        .get("/platform/registrations?status=approved", Some(&operator))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains(&format!("共 {} 条", approved.len())));
    assert!(
        html.body
            .contains("href=\"/platform/registrations?status=approved&amp;page=2\""),
        "{}",
        pager_of(&html.body)
    );
    assert!(html
        .body
        .contains("<input type=\"hidden\" name=\"status\" value=\"approved\""));
    let past = app
        .get(
            "/platform/registrations?status=approved&page=99",
            Some(&operator),
        )
        .await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("class=\"empty-state\""));
    assert!(past.body.contains("class=\"pager\""), "{}", past.body.len());
    // Only operators.
    let aku = app.login("aku@example.com").await;
    let refused = app
        .call(QUEUE.path, Some(&aku), &body(REGISTRATIONS, ""))
        .await;
    assert_ne!(refused.status, StatusCode::OK);
    let refused = app.get("/platform/registrations", Some(&aku)).await;
    assert!(!refused.body.contains("pgp 公司"));
}

/// `n` more decided tier applications of provider `name`, every other one rejected (the rest
/// approved), filed a second apart.
async fn add_tier_applications(app: &TestApp, name: &str, n: i64) {
    let provider = app.provider_id(name).await;
    for i in 0..n {
        let status = if i % 2 == 0 { "rejected" } else { "approved" };
        let at = 1_700_000_000 + i;
        app.execute(&format!(
            "INSERT INTO tier_applications (provider_id, tier_id, reason, contact_name,
                                            contact_email, status, decision_reason, created_at,
                                            decided_at)
             VALUES ({provider}, (SELECT MAX(id) FROM tiers), 'Paging {i}', 'AKU',
                     'aku@example.com', '{status}', '理由', {at}, {at})"
        ))
        .await;
    }
}

async fn tier_application_pages_reach_every_application_once(app: TestApp) {
    add_tier_applications(&app, "MSP-A_TEST1", 40).await;
    add_tier_applications(&app, "蓝云", 20).await;
    let aku = app.login("aku@example.com").await;
    let provider = app.provider_id("MSP-A_TEST1").await;
    let mine = as_strings(
        app.numbers_with(
            "SELECT id FROM tier_applications WHERE provider_id = $1
             ORDER BY created_at DESC, id DESC",
            provider,
        )
        .await,
    );
    assert!(mine.len() >= 40);
    for per in ["15", "30"] {
        let (seen, total) = walk(&app, &MY_TIER_APPLICATIONS, &aku, &format!("per={per}")).await;
        assert_eq!(
            seen, mine,
            "per={per}: every application once, newest first, only mine"
        );
        assert_eq!(total, mine.len() as i64);
    }
    let html = app.get("/tiers", Some(&aku)).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(
        html.body.contains("href=\"/tiers?page=2\""),
        "{}",
        pager_of(&html.body)
    );
    let past = app.get("/tiers?page=99", Some(&aku)).await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("class=\"empty-state\""));
    assert!(past.body.contains("class=\"pager\""));

    // The platform: under a status oldest first, or all newest first.
    let operator = app.login("operator@example.com").await;
    let rejected = as_strings(
        app.numbers(
            "SELECT id FROM tier_applications WHERE status = 'rejected' ORDER BY created_at, id",
        )
        .await,
    );
    let every = as_strings(
        app.numbers("SELECT id FROM tier_applications ORDER BY created_at DESC, id DESC")
            .await,
    );
    assert!(rejected.len() >= 30);
    for per in ["15", "30"] {
        let (seen, total) = walk(
            &app,
            &ALL_TIER_APPLICATIONS,
            &operator,
            &format!("status=rejected&per={per}"),
        )
        .await;
        assert_eq!((seen, total), (rejected.clone(), rejected.len() as i64));
        let (seen, total) = walk(
            &app,
            &ALL_TIER_APPLICATIONS,
            &operator,
            &format!("status=all&per={per}"),
        )
        .await;
        assert_eq!((seen, total), (every.clone(), every.len() as i64));
    }
    let html = app
        .get("/platform/tiers?status=rejected", Some(&operator))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains(&format!("共 {} 条", rejected.len())));
    assert!(
        html.body
            .contains("href=\"/platform/tiers?status=rejected&amp;page=2\""),
        "{}",
        pager_of(&html.body)
    );
    let past = app
        .get("/platform/tiers?status=all&page=99", Some(&operator))
        .await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("class=\"empty-state\""));
    // Only operators.
    let refused = app
        .call(
            ALL_TIER_APPLICATIONS.path,
            Some(&aku),
            &body(PLATFORM_TIERS, "status=all"),
        )
        .await;
    assert_ne!(refused.status, StatusCode::OK);
}

async fn operator_pages_reach_every_operator_once_under_the_search(app: TestApp) {
    // 35 operators more: every third disabled, every other one with a name.
    for i in 0..35 {
        let disabled = if i % 3 == 0 { "1700000000" } else { "NULL" };
        let name = if i % 2 == 0 {
            format!("分页员 {i}")
        } else {
            String::new()
        };
        app.execute(&format!(
            "INSERT INTO users (email, name, platform_role, operator_disabled_at, created_at)
             VALUES ('op{i:02}@paging.example', '{name}', 'operator', {disabled}, 1700000000)"
        ))
        .await;
    }
    let operator = app.login("operator@example.com").await;
    let active_first = |filter: &str| {
        format!(
            "SELECT email FROM users WHERE platform_role = 'operator' {filter}
             ORDER BY CASE WHEN operator_disabled_at IS NULL THEN 0 ELSE 1 END, email, id"
        )
    };
    let every = app.strings(&active_first("")).await;
    assert!(every.len() >= 36);
    walk_at_each_size(&app, &ALL_OPERATORS, &operator, &every).await;
    // A part of the address or the name, A–Z case-blind; `%` and `_` are no wildcards.
    let paging = app
        .strings(&active_first("AND email LIKE '%@paging.example'"))
        .await;
    let (seen, _) = walk(&app, &ALL_OPERATORS, &operator, "q=PAGING.example&per=15").await;
    assert_eq!(seen, paging);
    let named = app.strings(&active_first("AND name LIKE '%分页员%'")).await;
    assert_eq!(named.len(), 18);
    let (seen, _) = walk(
        &app,
        &ALL_OPERATORS,
        &operator,
        "q=%E5%88%86%E9%A1%B5%E5%91%98&per=15",
    )
    .await;
    assert_eq!(seen, named);
    let (seen, total) = walk(&app, &ALL_OPERATORS, &operator, "q=op_1&per=15").await;
    assert_eq!((seen.len(), total), (0, 0));

    // The page keeps the search in its pager and its form; nothing found says so.
    let html = app
        .get("/platform/operators?q=paging.example", Some(&operator))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains("共 35 条"), "{}", pager_of(&html.body));
    assert!(
        html.body
            .contains("href=\"/platform/operators?q=paging.example&amp;page=2\""),
        "{}",
        pager_of(&html.body)
    );
    assert!(html
        .body
        .contains("<input type=\"hidden\" name=\"q\" value=\"paging.example\""));
    let none = app
        .get("/platform/operators?q=nobody-here", Some(&operator))
        .await;
    assert!(none.body.contains("没有符合条件的运营人员"));
    let past = app
        .get(
            "/platform/operators?q=paging.example&page=9",
            Some(&operator),
        )
        .await;
    assert!(past.body.contains("class=\"empty-state\""));
    assert!(past.body.contains("class=\"pager\""));
}

async fn tutorial_pages_reach_every_tutorial_once(app: TestApp) {
    // 20 more, two of them at the same second (the id breaks the tie).
    for i in 0..20 {
        let at = 1_700_000_000 + i.min(18);
        app.execute(&format!(
            "INSERT INTO tutorials (topic, title, external_url, created_at)
             VALUES ('orders', '分页教程 {i}', 'https://example.com/{i}', {at})"
        ))
        .await;
    }
    let operator = app.login("operator@example.com").await;
    let newest_first = as_strings(
        app.numbers("SELECT id FROM tutorials ORDER BY created_at DESC, id DESC")
            .await,
    );
    assert!(newest_first.len() >= 20);
    walk_at_each_size(&app, &ALL_TUTORIALS, &operator, &newest_first).await;
    let html = app.get("/platform/tutorials?page=2", Some(&operator)).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(
        html.body
            .contains("rel=\"prev\" href=\"/platform/tutorials\""),
        "{}",
        pager_of(&html.body)
    );
    // The providers' 使用教程 still shows every one.
    let aku = app.login("aku@example.com").await;
    let all = json(&app, "/api/tutorials", &aku, "").await;
    assert_eq!(all.as_array().unwrap().len(), newest_first.len());
    let refused = app
        .call(ALL_TUTORIALS.path, Some(&aku), &body(TUTORIALS, ""))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
