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
    pub total: i64,
    pub page: i64,
    /// Who and what can be filtered by: (user id, label) and the actions on record.
    pub people: Vec<(i64, String)>,
    pub actions: Vec<String>,
    pub providers: Vec<(i64, String)>,
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

    /// One page (`page` ≥ 1) of entries, newest first; `provider_id` None: every provider.
    pub async fn entries(
        db: &Db,
        provider_id: Option<i64>,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AuditRow>, i64), sqlx::Error> {
        let scoped = provider_id.is_some();
        let (condition, binds) = condition(filter, scoped);
        let count_sql = format!("SELECT COUNT(*) AS n FROM audit_log a WHERE {condition}");
        let mut count = sqlx::query(&count_sql);
        if let Some(id) = provider_id {
            count = count.bind(id);
        }
        for value in &binds {
            count = count.bind(value);
        }
        let total: i64 = count.fetch_one(db.pool()).await?.try_get("n")?;
        let sql = format!(
            "SELECT a.created_at, a.action, a.target_type, a.target_id, a.detail, a.ip,
                    COALESCE(p.name, '') AS provider, COALESCE(u.name, '') AS actor_name, COALESCE(u.email, '') AS actor_email
             FROM audit_log a
             LEFT JOIN users u ON u.id = a.actor_id
             LEFT JOIN providers p ON p.id = a.provider_id
             WHERE {condition} ORDER BY a.created_at DESC, a.id DESC LIMIT {limit} OFFSET {offset}"
        );
        let mut query = sqlx::query(&sql);
        if let Some(id) = provider_id {
            query = query.bind(id);
        }
        for value in &binds {
            query = query.bind(value);
        }
        let rows = query
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|row| {
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
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok((rows, total))
    }

    pub async fn choices(
        db: &Db,
        provider_id: Option<i64>,
    ) -> Result<(Vec<(i64, String)>, Vec<String>), sqlx::Error> {
        let (people_sql, actions_sql) = if provider_id.is_some() {
            (
                "SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.provider_id = $1 ORDER BY u.email",
                "SELECT DISTINCT action FROM audit_log WHERE provider_id = $1 ORDER BY action",
            )
        } else {
            (
                "SELECT id, email FROM users ORDER BY email LIMIT 500",
                "SELECT DISTINCT action FROM audit_log ORDER BY action",
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

#[server(endpoint = "audit_entries")]
pub async fn audit_entries(
    platform: bool,
    provider: String,
    actor: String,
    action: String,
    from: String,
    to: String,
    page: String,
) -> Result<AuditPage, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let realm = ssr::realm(platform)?;
        let mut filter = AuditFilter::parse(&provider, &actor, &action, &from, &to)?;
        if realm.is_some() {
            filter.provider_id = None;
        }
        let page = crate::kit::paging::page_number(&page)?;
        let scope_id = realm.or(filter.provider_id);
        let (rows, total) = ssr::entries(
            &db,
            scope_id,
            &filter,
            AUDIT_PAGE,
            crate::kit::paging::offset(page, AUDIT_PAGE),
        )
        .await?;
        let (people, actions) = ssr::choices(&db, scope_id).await?;
        let providers = if realm.is_none() {
            crate::platform::provider_choices(&db).await?
        } else {
            Vec::new()
        };
        Ok(AuditPage {
            rows,
            total,
            page,
            people,
            actions,
            providers,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
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
    let page = Resource::new_blocking(
        move || {
            (
                param("provider"),
                param("actor"),
                param("action"),
                param("from"),
                param("to"),
                param("page"),
            )
        },
        move |(provider, actor, action, from, to, page)| {
            audit_entries(platform, provider, actor, action, from, to, page)
        },
    );
    let filters = move |page: i64| {
        let mut pairs: Vec<String> = ["provider", "actor", "action", "from", "to"]
            .iter()
            .filter_map(|k| {
                let v = param(k);
                (!v.is_empty()).then(|| format!("{k}={}", crate::kit::forms::encode_query(&v)))
            })
            .collect();
        if page > 1 {
            pairs.push(format!("page={page}"));
        }
        pairs.join("&")
    };
    view! {
        <leptos_meta::Title text=locale.t("nav.audit") />
        <section class="page">
            <div class="page-head">
                <h1>{locale.t("nav.audit")}</h1>
                <a rel="external" class="button" data-testid="audit-csv" href=move || format!("{base}/export.csv?{}", filters(1))>{locale.t("bill.export_csv")}</a>
            </div>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => {
                            let pages = (data.total + AUDIT_PAGE - 1) / AUDIT_PAGE;
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
                                    <span class="muted">{locale.tf("audit.total", &[("count", &data.total.to_string())])}</span>
                                    {(data.page > 1).then(|| view! {
                                        <a class="button" href=format!("{base}?{}", filters(data.page - 1))>{locale.t("common.prev_page")}</a>
                                    })}
                                    {(data.page < pages).then(|| view! {
                                        <a class="button" rel="next" href=format!("{base}?{}", filters(data.page + 1))>{locale.t("common.next_page")}</a>
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
