//! The platform home's and 平台设置's server functions: operators only.

use super::{MailPage, OverduePage, PlatformSettings, ProviderRow};
use crate::kit::error::AppError;
use leptos::prelude::*;

/// A page of the overdue stages, and how many there are.
#[server(endpoint = "platform_overdue")]
pub async fn platform_overdue(
    page: Option<String>,
    per: Option<String>,
) -> Result<OverduePage, AppError> {
    use crate::kit::request::{db, operator};

    let result = async {
        let db = db()?;
        operator()?;
        let paging = crate::kit::pager::paging(page.as_deref(), per.as_deref()).await?;
        Ok(OverduePage {
            rows: super::store::overdue_stages(&db, paging).await?,
            total: super::store::overdue_count(&db).await?,
            page: paging.page,
            per_page: paging.per_page,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The outbox, newest first: what was sent, what waits and why. Without SMTP configured this
/// is where a local user finds the links that mails carry.
#[server(endpoint = "platform_mail")]
pub async fn platform_mail(before: Option<i64>) -> Result<MailPage, AppError> {
    use crate::kit::request::{db, operator, settings};
    const MAIL_PAGE: i64 = 20;

    let result = async {
        let db = db()?;
        operator()?;
        let development = !settings()?.mail_delivery;
        let mut rows =
            super::store::mails(&db, before.unwrap_or(i64::MAX), MAIL_PAGE + 1, development)
                .await?;
        let more = rows.len() as i64 > MAIL_PAGE;
        rows.truncate(MAIL_PAGE as usize);
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

/// The providers the home shows: the newest.
pub const HOME_PROVIDERS: i64 = 10;

#[server(endpoint = "platform_providers")]
pub async fn platform_providers() -> Result<Vec<ProviderRow>, AppError> {
    use crate::kit::request::{db, operator};

    let result = async {
        let db = db()?;
        operator()?;
        Ok(super::store::providers(&db, HOME_PROVIDERS).await?)
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 平台设置 as stored.
#[server(endpoint = "platform_settings")]
pub async fn get_platform_settings() -> Result<PlatformSettings, AppError> {
    use crate::kit::request::{db, operator};

    let result = async {
        let db = db()?;
        operator()?;
        Ok(super::store::settings(&db).await?)
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Saves 平台设置: 自动验收 off (`auto_accept` blank) or after `days` days (1–90).
#[server(endpoint = "save_platform_settings")]
pub async fn save_platform_settings(
    auto_accept: Option<String>,
    days: String,
) -> Result<(), AppError> {
    use crate::kit::request::{client_ip, db, operator};

    let result = async {
        let db = db()?;
        let auth = operator()?;
        let enabled = auto_accept.unwrap_or_default();
        let chosen = super::model::auto_accept_days(&enabled, &days).map_err(|code| {
            crate::kit::forms::invalid(
                "platform-settings",
                &[("days", code)],
                &[("days", days.trim()), ("auto_accept", enabled.trim())],
            )
        })?;
        super::store::save_settings(&db, auth.user_id, &client_ip(), chosen).await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("platform-settings", result)
}

/// Saves 付款方 (name and contact), the payer bills name from then on.
#[server(endpoint = "save_payer")]
pub async fn save_payer(payer_name: String, payer_contact: String) -> Result<(), AppError> {
    use crate::kit::request::{client_ip, db, operator};

    let result = async {
        let db = db()?;
        let auth = operator()?;
        let (name, contact) =
            super::model::payer(&payer_name, &payer_contact).map_err(|errors| {
                crate::kit::forms::invalid(
                    "payer",
                    &errors,
                    &[
                        ("payer_name", &payer_name),
                        ("payer_contact", &payer_contact),
                    ],
                )
            })?;
        super::store::save_payer(&db, auth.user_id, &client_ip(), &name, &contact).await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("payer", result)
}
