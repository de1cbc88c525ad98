//! The platform realm (/platform): the marketplace operator's side. Its home lists the
//! providers; the review queues arrive with the modules that feed them.

use crate::kit::error::AppError;
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A stage whose customer did not answer in time (flagged by the deadline watch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueStage {
    pub provider_name: String,
    pub work_order_no: String,
    pub position: i64,
    pub due: String,
    pub contact: String,
}

#[server(endpoint = "platform_overdue")]
pub async fn platform_overdue() -> Result<Vec<OverdueStage>, AppError> {
    use crate::kit::request::{db, operator};
    use crate::kit::time::format_datetime;
    use sqlx::Row;

    let result = async {
        let db = db()?;
        operator()?;
        let rows = sqlx::query(
            "SELECT p.name, w.work_order_no, m.position, m.due_at, o.contact_email
             FROM milestones m
             JOIN work_orders w ON w.id = m.work_order_id
             JOIN orders o ON o.id = w.order_id
             JOIN providers p ON p.id = w.provider_id
             WHERE m.status = 'awaiting_acceptance' AND m.overdue_flagged_at IS NOT NULL
             ORDER BY m.due_at LIMIT 100",
        )
        .fetch_all(db.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(OverdueStage {
                    provider_name: row.try_get("name")?,
                    work_order_no: row.try_get("work_order_no")?,
                    position: row.try_get("position")?,
                    due: format_datetime(
                        row.try_get::<Option<i64>, _>("due_at")?.unwrap_or_default(),
                    ),
                    contact: row.try_get("contact_email")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(AppError::from)
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// One mail of the outbox, as the mail log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailRow {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub created: String,
    pub sent: Option<String>,
    /// Given up: refused for good by the SMTP server.
    pub failed: Option<String>,
    pub attempts: i64,
    pub last_error: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPage {
    pub rows: Vec<MailRow>,
    pub next: Option<i64>,
    /// No SMTP: mails stay here whole, links included (development).
    pub development: bool,
}

/// The outbox, newest first: what was sent, what waits and why. Without SMTP configured this
/// is where a local user finds the links that mails carry.
#[server(endpoint = "platform_mail")]
pub async fn platform_mail(before: Option<i64>) -> Result<MailPage, AppError> {
    use crate::kit::request::{db, operator, settings};
    use crate::kit::time::format_datetime;
    use sqlx::Row;
    const MAIL_PAGE: i64 = 20;

    let result = async {
        let db = db()?;
        operator()?;
        let development = !settings()?.mail_delivery;
        let mut rows = sqlx::query(
            "SELECT id, to_address, subject, created_at, sent_at, failed_at, attempts, last_error, body_text, secrets
             FROM outbox WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(MAIL_PAGE + 1)
        .fetch_all(db.pool())
        .await?;
        let more = rows.len() as i64 > MAIL_PAGE;
        rows.truncate(MAIL_PAGE as usize);
        let rows = rows
            .iter()
            .map(|row| {
                Ok(MailRow {
                    id: row.try_get("id")?,
                    to: row.try_get("to_address")?,
                    subject: row.try_get("subject")?,
                    created: format_datetime(row.try_get("created_at")?),
                    sent: row
                        .try_get::<Option<i64>, _>("sent_at")?
                        .map(format_datetime),
                    failed: row
                        .try_get::<Option<i64>, _>("failed_at")?
                        .map(format_datetime),
                    attempts: row.try_get("attempts")?,
                    last_error: row.try_get("last_error")?,
                    // A live link (reset, activation, acceptance) is the recipient's alone.
                    text: if development {
                        row.try_get("body_text")?
                    } else {
                        crate::kit::mail::redact(
                            &row.try_get::<String, _>("body_text")?,
                            &row.try_get::<String, _>("secrets")?,
                        )
                    },
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let next = if more {
            rows.last().map(|r| r.id)
        } else {
            None
        };
        Ok(MailPage {
            rows,
            next,
            development,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Says that links show in the log because no SMTP server delivers mail.
#[component]
fn DevelopmentNotice(development: bool) -> impl IntoView {
    let locale = use_locale();
    development.then(|| {
        view! { <p class="notice warn" data-testid="mail-development">{locale.t("mail.development")}</p> }
    })
}

#[component]
pub fn MailLogPage() -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let before = move || {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    };
    let page = crate::kit::request_cache::page_resource(before, platform_mail);
    view! {
        <leptos_meta::Title text=locale.t("nav.platform.mail") />
        <section class="page">
            <h1>{locale.t("nav.platform.mail")}</h1>
            <p class="lead">{locale.t("mail.lead")}</p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) if page.rows.is_empty() => view! {
                            <DevelopmentNotice development=page.development />
                            <div class="empty-state"><p>{locale.t("mail.empty")}</p></div>
                        }.into_any(),
                        Ok(page) => view! {
                            <DevelopmentNotice development=page.development />
                            <table class="table" data-testid="mail-log">
                                <thead><tr>
                                    <th>{locale.t("mail.created")}</th><th>{locale.t("mail.to")}</th>
                                    <th>{locale.t("mail.subject")}</th><th>{locale.t("mail.state")}</th>
                                </tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|m| {
                                        let state = match (&m.sent, &m.failed, m.attempts) {
                                            (Some(at), _, _) => format!("{} {at}", locale.t("mail.sent")),
                                            (None, Some(at), n) => locale.tf("mail.failed", &[("at", at), ("n", &n.to_string()), ("error", &m.last_error)]),
                                            (None, None, 0) => locale.t("mail.waiting").to_owned(),
                                            (None, None, n) => locale.tf("mail.retrying", &[("n", &n.to_string()), ("error", &m.last_error)]),
                                        };
                                        view! {
                                            <tr>
                                                <td>{m.created}</td>
                                                <td>{m.to}</td>
                                                <td>
                                                    <details>
                                                        <summary>{m.subject}</summary>
                                                        <pre class="mail-body">{m.text}</pre>
                                                    </details>
                                                </td>
                                                <td>{state}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager">
                                {page.next.map(|id| view! {
                                    <a class="button" rel="next" href=format!("/platform/mail?before={id}")>{locale.t("common.next_page")}</a>
                                })}
                            </nav>
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRow {
    pub id: i64,
    pub name: String,
    pub active_members: i64,
    pub created: String,
}

/// Every provider by name, for the platform's pickers (dispatch, bill generation).
#[cfg(feature = "ssr")]
pub async fn provider_choices(db: &crate::kit::db::Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    use sqlx::Row;
    sqlx::query("SELECT id, name FROM providers ORDER BY name")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

#[server(endpoint = "platform_providers")]
pub async fn platform_providers() -> Result<Vec<ProviderRow>, AppError> {
    use crate::kit::request::{db, operator};
    use crate::kit::time::format_datetime;
    use sqlx::Row;

    let result = async {
        let db = db()?;
        operator()?;
        let rows = sqlx::query(
            "SELECT p.id, p.name, p.created_at,
                    (SELECT COUNT(*) FROM memberships m
                      WHERE m.provider_id = p.id AND m.status = 'active') AS members
             FROM providers p ORDER BY p.name",
        )
        .fetch_all(db.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ProviderRow {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    active_members: row.try_get("members")?,
                    created: format_datetime(row.try_get("created_at")?),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(AppError::from)
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[component]
pub fn PlatformHomePage() -> impl IntoView {
    let locale = use_locale();
    let providers = crate::kit::request_cache::page_resource(|| (), |_| platform_providers());
    let overdue = crate::kit::request_cache::page_resource(|| (), |_| platform_overdue());
    view! {
        <leptos_meta::Title text=locale.t("nav.platform.home") />
        <section class="page">
            <h1>{locale.t("platform.providers")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match providers.await {
                        Ok(rows) if rows.is_empty() => view! {
                            <div class="empty-state"><p>{locale.t("platform.providers.empty")}</p></div>
                        }.into_any(),
                        Ok(rows) => view! {
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th>{locale.t("platform.provider.name")}</th>
                                        <th>{locale.t("home.members")}</th>
                                        <th>{locale.t("platform.provider.created")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|row| view! {
                                        <tr>
                                            <td>{row.name}</td>
                                            <td>{row.active_members}</td>
                                            <td>{row.created}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{locale.t("platform.overdue")}</h2>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match overdue.await {
                        Ok(rows) if rows.is_empty() => view! {
                            <div class="empty-state"><p>{locale.t("platform.overdue.empty")}</p></div>
                        }.into_any(),
                        Ok(rows) => view! {
                            <table class="table" data-testid="overdue">
                                <thead><tr>
                                    <th>{locale.t("platform.provider.name")}</th><th>{locale.t("wo.column.no")}</th>
                                    <th>{locale.t("ms.stage")}</th><th>{locale.t("acc.deadline")}</th><th>{locale.t("wo.contact")}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td>{r.provider_name}</td><td class="mono">{r.work_order_no}</td>
                                            <td>{r.position}</td><td>{r.due}</td><td>{r.contact}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
