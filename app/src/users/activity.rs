//! 操作日志 (the audit log of a provider, and the platform's of all) and the signed-in user's
//! own sessions.

use crate::kit::error::AppError;
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

pub const AUDIT_PAGE: i64 = 50;

/// The label of an audit action: work order moves use the history's own labels.
pub fn action_label(locale: crate::kit::i18n::Locale, action: &str) -> String {
    match action.strip_prefix("wo_") {
        Some(event) => locale.t_dyn(&format!("wo.event.{event}")),
        None => locale.t_dyn(&format!("audit.{action}")),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: String,
    pub provider: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Cursors (`kit::paging::Cursor`) of the pages around this one: entries newer than its
    /// first row, older than its last; `None` where there are none.
    pub newer: Option<String>,
    pub older: Option<String>,
    /// Who and what can be filtered by: (user id, label) and the actions on record.
    pub people: Vec<(i64, String)>,
    pub actions: Vec<String>,
    pub providers: Vec<(i64, String)>,
}

/// Which page of the log: the newest, or the one just older or newer than a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditPosition {
    Newest,
    Before(crate::kit::paging::Cursor),
    After(crate::kit::paging::Cursor),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub provider_id: Option<i64>,
    pub actor: Option<i64>,
    pub action: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[cfg(feature = "ssr")]
impl AuditFilter {
    pub fn parse(
        provider: &str,
        actor: &str,
        action: &str,
        from: &str,
        to: &str,
    ) -> Result<AuditFilter, AppError> {
        use crate::kit::time::day_start;
        let date = |field: &'static str, value: &str| -> Result<Option<i64>, AppError> {
            if value.trim().is_empty() {
                Ok(None)
            } else {
                day_start(value.trim())
                    .map(Some)
                    .ok_or_else(|| AppError::invalid(&[(field, "form.date_invalid")]))
            }
        };
        Ok(AuditFilter {
            provider_id: provider.parse().ok(),
            actor: actor.parse().ok(),
            action: Some(action.trim().to_owned()).filter(|a| !a.is_empty() && a.len() <= 60),
            from: date("from", from)?,
            to: date("to", to)?.map(|day| day + 24 * 3600),
        })
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::kit::db::Db;
    use crate::kit::time::format_datetime_seconds;
    use sqlx::Row;

    /// The WHERE clause and its one text bind, the action (after `$1`, the provider, when
    /// scoped); ids and times are integers and go in as literals.
    fn condition(filter: &AuditFilter, scoped: bool) -> (String, Vec<String>) {
        let mut conditions = vec!["1 = 1".to_owned()];
        let mut binds = Vec::new();
        if scoped {
            conditions.push("a.provider_id = $1".into());
        }
        if let Some(actor) = filter.actor {
            conditions.push(format!("a.actor_id = {actor}"));
        }
        if let Some(action) = &filter.action {
            conditions.push(format!("a.action = ${}", if scoped { 2 } else { 1 }));
            binds.push(action.clone());
        }
        if let Some(from) = filter.from {
            conditions.push(format!("a.created_at >= {from}"));
        }
        if let Some(to) = filter.to {
            conditions.push(format!("a.created_at < {to}"));
        }
        (conditions.join(" AND "), binds)
    }

    const COLUMNS: &str = "SELECT a.id, a.created_at, a.action, a.target_type, a.target_id,
                a.detail, a.ip, COALESCE(p.name, '') AS provider,
                COALESCE(u.name, '') AS actor_name, COALESCE(u.email, '') AS actor_email
         FROM audit_log a
         LEFT JOIN users u ON u.id = a.actor_id
         LEFT JOIN providers p ON p.id = a.provider_id";

    /// The export's query: every entry under the filters, newest first, at most `limit`;
    /// binds with `bind_selection`.
    pub fn selection_sql(provider_id: Option<i64>, filter: &AuditFilter, limit: i64) -> String {
        let (condition, _) = condition(filter, provider_id.is_some());
        format!("{COLUMNS} WHERE {condition} ORDER BY a.created_at DESC, a.id DESC LIMIT {limit}")
    }

    pub fn bind_selection<'q>(
        mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
        provider_id: Option<i64>,
        filter: &'q AuditFilter,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        if let Some(id) = provider_id {
            query = query.bind(id);
        }
        if let Some(action) = &filter.action {
            query = query.bind(action.as_str());
        }
        query
    }

    pub fn row_of(row: &sqlx::any::AnyRow) -> Result<AuditRow, sqlx::Error> {
        let name: String = row.try_get("actor_name")?;
        let email: String = row.try_get("actor_email")?;
        let target_type: String = row.try_get("target_type")?;
        let target_id: String = row.try_get("target_id")?;
        Ok(AuditRow {
            at: format_datetime_seconds(row.try_get("created_at")?),
            provider: row.try_get("provider")?,
            actor: if name.is_empty() {
                email
            } else {
                format!("{name} <{email}>")
            },
            action: row.try_get("action")?,
            target: if target_id.is_empty() {
                target_type
            } else {
                format!("{target_type} {target_id}")
            },
            detail: row.try_get("detail")?,
            ip: row.try_get("ip")?,
        })
    }

    /// A page of `limit` entries, newest first, from `position`, with the cursors of the
    /// pages around it. Keyset paging on (created_at, id): a page deep in a million entries
    /// costs what the first does, and nothing is counted.
    pub async fn entries(
        db: &Db,
        provider_id: Option<i64>,
        filter: &AuditFilter,
        limit: i64,
        position: AuditPosition,
    ) -> Result<(Vec<AuditRow>, Option<String>, Option<String>), sqlx::Error> {
        use crate::kit::paging::Cursor;
        let (mut condition, _) = condition(filter, provider_id.is_some());
        // Cursors are parsed integers: literals, like the ids in `condition`.
        let order = match position {
            AuditPosition::Newest => "DESC",
            AuditPosition::Before(c) => {
                condition.push_str(&format!(" AND (a.created_at, a.id) < ({}, {})", c.at, c.id));
                "DESC"
            }
            AuditPosition::After(c) => {
                condition.push_str(&format!(" AND (a.created_at, a.id) > ({}, {})", c.at, c.id));
                "ASC"
            }
        };
        let sql = format!(
            "{COLUMNS} WHERE {condition}
             ORDER BY a.created_at {order}, a.id {order} LIMIT {}",
            limit + 1
        );
        let mut found = bind_selection(sqlx::query(&sql), provider_id, filter)
            .fetch_all(db.pool())
            .await?;
        let more = found.len() as i64 > limit;
        found.truncate(limit as usize);
        if order == "ASC" {
            found.reverse();
        }
        let cursor = |row: Option<&sqlx::any::AnyRow>| -> Result<Option<String>, sqlx::Error> {
            row.map(|r| {
                Ok(Cursor {
                    at: r.try_get("created_at")?,
                    id: r.try_get("id")?,
                }
                .encode())
            })
            .transpose()
        };
        let (first, last) = (cursor(found.first())?, cursor(found.last())?);
        let (newer, older) = match position {
            AuditPosition::Newest => (None, last.filter(|_| more)),
            AuditPosition::Before(_) => (first, last.filter(|_| more)),
            AuditPosition::After(_) => (first.filter(|_| more), last),
        };
        let rows = found.iter().map(row_of).collect::<Result<Vec<_>, _>>()?;
        Ok((rows, newer, older))
    }

    pub async fn choices(
        db: &Db,
        provider_id: Option<i64>,
    ) -> Result<(Vec<(i64, String)>, Vec<String>), sqlx::Error> {
        // The actions on record, one index seek each (a loose index scan) instead of a
        // DISTINCT that reads every entry.
        let (people_sql, actions_sql) = if provider_id.is_some() {
            (
                "SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.provider_id = $1 ORDER BY u.email",
                "WITH RECURSIVE seen(action) AS (
                     SELECT (SELECT action FROM audit_log WHERE provider_id = $1
                             ORDER BY action LIMIT 1)
                     UNION ALL
                     SELECT (SELECT a.action FROM audit_log a
                             WHERE a.provider_id = $1 AND a.action > seen.action
                             ORDER BY a.action LIMIT 1)
                     FROM seen WHERE seen.action IS NOT NULL
                 )
                 SELECT action FROM seen WHERE action IS NOT NULL",
            )
        } else {
            (
                "SELECT id, email FROM users ORDER BY email LIMIT 500",
                "WITH RECURSIVE seen(action) AS (
                     SELECT (SELECT action FROM audit_log ORDER BY action LIMIT 1)
                     UNION ALL
                     SELECT (SELECT a.action FROM audit_log a WHERE a.action > seen.action
                             ORDER BY a.action LIMIT 1)
                     FROM seen WHERE seen.action IS NOT NULL
                 )
                 SELECT action FROM seen WHERE action IS NOT NULL",
            )
        };
        let mut people = sqlx::query(people_sql);
        let mut actions = sqlx::query(actions_sql);
        if let Some(id) = provider_id {
            people = people.bind(id);
            actions = actions.bind(id);
        }
        let people = people
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("email")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let actions = actions
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| r.try_get("action"))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok((people, actions))
    }

    /// The caller's audit realm: their provider's log for admins and co-admins, every
    /// provider's (`None`) for the platform.
    pub fn realm(platform: bool) -> Result<Option<i64>, AppError> {
        if platform {
            crate::kit::request::operator()?;
            Ok(None)
        } else {
            let (_, scope) = crate::kit::request::provider_scope()?;
            if !scope.role.may_manage_users() {
                return Err(AppError::Forbidden);
            }
            Ok(Some(scope.provider_id))
        }
    }
}

pub use log_page::*;

// One parameter per field of the log's GET query, more than clippy's limit; the module
// carries the allowance for both halves of the server macro.
#[allow(clippy::too_many_arguments)]
mod log_page {
    use super::*;

    /// The log's page: the filters, then its place (`before` or `after` a cursor, or neither for
    /// the newest). The arguments are the query's fields, one each.
    #[server(endpoint = "audit_entries")]
    pub async fn audit_entries(
        platform: bool,
        provider: String,
        actor: String,
        action: String,
        from: String,
        to: String,
        before: String,
        after: String,
    ) -> Result<AuditPage, AppError> {
        let result = async {
            use crate::kit::paging::Cursor;
            let db = crate::kit::request::db()?;
            let realm = ssr::realm(platform)?;
            let mut filter = AuditFilter::parse(&provider, &actor, &action, &from, &to)?;
            if realm.is_some() {
                filter.provider_id = None;
            }
            let position = match (
                Cursor::parse(&before, "before")?,
                Cursor::parse(&after, "after")?,
            ) {
                (Some(cursor), _) => AuditPosition::Before(cursor),
                (None, Some(cursor)) => AuditPosition::After(cursor),
                (None, None) => AuditPosition::Newest,
            };
            let scope_id = realm.or(filter.provider_id);
            let (rows, newer, older) =
                ssr::entries(&db, scope_id, &filter, AUDIT_PAGE, position).await?;
            let (people, actions) = ssr::choices(&db, scope_id).await?;
            let providers = if realm.is_none() {
                crate::platform::provider_choices(&db).await?
            } else {
                Vec::new()
            };
            Ok(AuditPage {
                rows,
                newer,
                older,
                people,
                actions,
                providers,
            })
        }
        .await;
        crate::kit::forms::finish("", result)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id_prefix: String,
    pub device: String,
    pub ip: String,
    pub started: String,
    pub last_seen: String,
    pub current: bool,
}

/// A short description of a browser from its User-Agent.
pub fn device(user_agent: &str) -> String {
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find(|b| user_agent.contains(*b))
        .map(|b| match *b {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            _ => "Safari",
        });
    let system = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionRow>, AppError> {
    use crate::kit::time::format_datetime;
    use sqlx::Row;
    let result = async {
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::auth()?;
        let rows = sqlx::query(
            "SELECT id, ip, user_agent, created_at, last_seen_at FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC",
        )
        .bind(auth.user_id)
        .fetch_all(db.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                Ok(SessionRow {
                    current: id == auth.session_id,
                    id_prefix: id.chars().take(8).collect(),
                    device: device(&row.try_get::<String, _>("user_agent")?),
                    ip: row.try_get("ip")?,
                    started: format_datetime(row.try_get("created_at")?),
                    last_seen: format_datetime(row.try_get("last_seen_at")?),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(AppError::from)
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Signs the user out everywhere but here.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<(), AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::auth()?;
        crate::accounts::session::delete_for_user(&db, auth.user_id, Some(&auth.session_id))
            .await?;
        crate::kit::audit::user_event(
            db.pool(),
            auth.provider.map(|p| p.provider_id),
            auth.user_id,
            "sessions_ended",
            "",
            &crate::kit::request::client_ip(),
        )
        .await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("sessions", result)
}

/// 操作日志: filters by person, action and date; CSV export of the same selection.
#[component]
pub fn AuditLogPage(#[prop(optional)] platform: bool) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let base = if platform {
        "/platform/audit"
    } else {
        "/audit"
    };
    let page = crate::kit::request_cache::page_resource(
        move || {
            (
                platform,
                (
                    param("provider"),
                    param("actor"),
                    param("action"),
                    param("from"),
                    param("to"),
                    param("before"),
                    param("after"),
                ),
            )
        },
        |(platform, (provider, actor, action, from, to, before, after))| {
            audit_entries(platform, provider, actor, action, from, to, before, after)
        },
    );
    // The filters, and the page's place (`before=` or `after=` a cursor) when given.
    let filters = move |place: Option<(&str, String)>| {
        let mut pairs: Vec<String> = ["provider", "actor", "action", "from", "to"]
            .iter()
            .filter_map(|k| {
                let v = param(k);
                (!v.is_empty()).then(|| format!("{k}={}", crate::kit::forms::encode_query(&v)))
            })
            .collect();
        if let Some((key, cursor)) = place {
            pairs.push(format!("{key}={cursor}"));
        }
        pairs.join("&")
    };
    let link = move |place: Option<(&str, String)>| {
        let query = filters(place);
        if query.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{query}")
        }
    };
    view! {
        <leptos_meta::Title text=locale.t("nav.audit") />
        <section class="page">
            <div class="page-head">
                <h1>{locale.t("nav.audit")}</h1>
                <a rel="external" class="button" data-testid="audit-csv" href=move || format!("{base}/export.csv?{}", filters(None))>{locale.t("bill.export_csv")}</a>
            </div>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => {
                            // Any page reached by a cursor offers the newest, even one past
                            // either end of the log (it has no other way back).
                            let at_newest = param("before").is_empty() && param("after").is_empty();
                            view! {
                                <form method="get" action=base class="filters" role="search">
                                    {platform.then(|| view! {
                                        <label class="field">
                                            <span>{locale.t("bill.provider")}</span>
                                            <select name="provider">
                                                <option value="">{locale.t("common.all")}</option>
                                                {data.providers.iter().map(|(id, name)| view! {
                                                    <option value=id.to_string() selected=param("provider") == id.to_string()>{name.clone()}</option>
                                                }).collect_view()}
                                            </select>
                                        </label>
                                    })}
                                    <label class="field">
                                        <span>{locale.t("audit.actor")}</span>
                                        <select name="actor">
                                            <option value="">{locale.t("common.all")}</option>
                                            {data.people.iter().map(|(id, email)| view! {
                                                <option value=id.to_string() selected=param("actor") == id.to_string()>{email.clone()}</option>
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("audit.action")}</span>
                                        <select name="action">
                                            <option value="">{locale.t("common.all")}</option>
                                            {data.actions.iter().map(|a| view! {
                                                <option value=a.clone() selected=param("action") == *a>{action_label(locale, a)}</option>
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <label class="field"><span>{locale.t("wo.filter.from")}</span><input type="date" name="from" value=param("from") /></label>
                                    <label class="field"><span>{locale.t("wo.filter.to")}</span><input type="date" name="to" value=param("to") /></label>
                                    <button type="submit" class="button primary">{locale.t("common.search")}</button>
                                    <a class="button" href=base>{locale.t("common.clear")}</a>
                                </form>
                                {if data.rows.is_empty() {
                                    view! { <div class="empty-state"><p>{locale.t("audit.empty")}</p></div> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap">
                                            <table class="table" data-testid="audit-log">
                                                <thead><tr>
                                                    <th>{locale.t("audit.at")}</th>
                                                    {platform.then(|| view! { <th>{locale.t("bill.provider")}</th> })}
                                                    <th>{locale.t("audit.actor")}</th>
                                                    <th>{locale.t("audit.action")}</th>
                                                    <th>{locale.t("audit.target")}</th>
                                                    <th>{locale.t("audit.detail")}</th>
                                                    <th>"IP"</th>
                                                </tr></thead>
                                                <tbody>
                                                    {data.rows.into_iter().map(|r| view! {
                                                        <tr>
                                                            <td class="mono">{r.at}</td>
                                                            {platform.then(|| view! { <td>{r.provider.clone()}</td> })}
                                                            <td>{r.actor}</td>
                                                            <td>{action_label(locale, &r.action)}</td>
                                                            <td class="mono">{r.target}</td>
                                                            <td>{r.detail}</td>
                                                            <td class="mono">{r.ip}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                                <nav class="pager" aria-label=locale.t("common.pages")>
                                    {(!at_newest).then(|| view! {
                                        <a class="button" href=link(None)>{locale.t("audit.newest")}</a>
                                    })}
                                    {data.newer.clone().map(|cursor| view! {
                                        <a class="button" rel="prev" href=link(Some(("after", cursor)))>{locale.t("audit.newer")}</a>
                                    })}
                                    {data.older.clone().map(|cursor| view! {
                                        <a class="button" rel="next" href=link(Some(("before", cursor)))>{locale.t("audit.older")}</a>
                                    })}
                                </nav>
                            }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn PlatformAuditLogPage() -> impl IntoView {
    view! { <AuditLogPage platform=true /> }
}

/// 登录设备: the user's sessions, and signing out the others.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let locale = use_locale();
    let end = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(move || end.version().get(), |_| my_sessions());
    view! {
        <leptos_meta::Title text=locale.t("menu.sessions") />
        <section class="page narrow">
            <h1>{locale.t("menu.sessions")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(rows) => {
                            let others = rows.iter().filter(|r| !r.current).count();
                            view! {
                                <div class="table-wrap">
                                    <table class="table" data-testid="sessions">
                                        <thead><tr>
                                            <th>{locale.t("sessions.device")}</th><th>"IP"</th>
                                            <th>{locale.t("sessions.started")}</th><th>{locale.t("sessions.last_seen")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {rows.into_iter().map(|r| view! {
                                                <tr>
                                                    <td>{r.device}{r.current.then(|| view! { " " <span class="badge">{locale.t("sessions.current")}</span> })}</td>
                                                    <td class="mono">{r.ip}</td>
                                                    <td>{r.started}</td>
                                                    <td>{r.last_seen}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                {(others > 0).then(|| view! {
                                    <ActionForm action=end attr:class="form inline">
                                        <button type="submit" class="button danger">{locale.t("sessions.end_others")}</button>
                                    </ActionForm>
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_from_the_user_agent() {
        assert_eq!(
            device("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0"),
            "Edge · Windows"
        );
        assert_eq!(
            device("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"),
            "Chrome · Linux"
        );
        assert_eq!(device("curl/8.0"), "curl/8.0");
    }

    #[test]
    fn audit_filters_check_dates() {
        assert!(AuditFilter::parse("", "", "", "2026-13-01", "").is_err());
        let f = AuditFilter::parse("", "7", "login", "2026-11-01", "2026-11-01").unwrap();
        assert_eq!(f.actor, Some(7));
        assert_eq!(f.action.as_deref(), Some("login"));
        assert_eq!(f.to.unwrap() - f.from.unwrap(), 24 * 3600);
    }
}
