//! The tiers' server functions: the provider's 等级权益 page, and the platform's queue,
//! decisions and the tiers with their benefits.

use super::{ApplicationView, PlatformTiersData, TiersData};
use crate::kit::error::AppError;

/// The provider's 等级权益 page with a page of its applications, in the size asked for
/// (`per`) or the one the user chose last.
#[leptos::server(endpoint = "tiers")]
pub async fn get_tiers(page: Option<String>, per: Option<String>) -> Result<TiersData, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (auth, scope) = provider_scope()?;
        let paging = crate::kit::pager::paging(page.as_deref(), per.as_deref()).await?;
        super::store::provider_page(&db()?, &scope, &auth, paging).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The platform's 等级申请 by status, a page of them in the size asked for (`per`) or the one
/// the operator chose last.
#[leptos::server(endpoint = "platform_tiers")]
pub async fn list_tier_applications(
    status: String,
    page: Option<String>,
    per: Option<String>,
) -> Result<PlatformTiersData, AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        let db = db()?;
        let status = super::model::status_filter(&status).ok_or(AppError::BadRequest)?;
        let paging = crate::kit::pager::paging(page.as_deref(), per.as_deref()).await?;
        let (applications, count) = super::store::queue(&db, status, paging).await?;
        Ok(PlatformTiersData {
            applications,
            page: paging.page,
            pages: crate::kit::pager::page_count(count, paging.per_page),
            per_page: paging.per_page,
            count,
            tiers: super::store::tiers(&db).await?,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[leptos::server(endpoint = "platform_tier_application")]
pub async fn get_tier_application(id: i64) -> Result<ApplicationView, AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        super::store::application(&db()?, id).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[leptos::server(endpoint = "decide_tier_application")]
pub async fn decide_tier_application(
    id: i64,
    decision: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    let form = "tier-decide";
    let result = async {
        use crate::kit::request::{client_ip, db, operator, settings};
        let auth = operator()?;
        let approve = super::model::decision(&decision).ok_or(AppError::BadRequest)?;
        let reason = reason.unwrap_or_default();
        if let Err(error) = super::model::check_decision_reason(&reason) {
            return Err(crate::kit::forms::invalid(form, &[error], &[]));
        }
        crate::kit::forms::keep_typed(
            form,
            &[("reason", &reason)],
            super::store::decide(
                &db()?,
                &settings()?,
                auth.user_id,
                &client_ip(),
                id,
                approve,
                &reason,
            )
            .await,
        )
    }
    .await;
    crate::kit::forms::finish(form, result)
}

/// Adds a tier above the others (empty `id`) or changes one.
#[leptos::server(endpoint = "save_tier")]
pub async fn save_tier(id: String, name: String, requirement: String) -> Result<(), AppError> {
    let form = if id.is_empty() {
        "tier-new".to_owned()
    } else {
        format!("tier-{id}")
    };
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        let (name, requirement) = (name.trim(), requirement.trim());
        let errors = super::model::check_tier(name, requirement);
        let typed = [("name", name), ("requirement", requirement)];
        if !errors.is_empty() {
            return Err(crate::kit::forms::invalid(&form, &errors, &typed));
        }
        let id = match id.trim() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| AppError::NotFound)?),
        };
        crate::kit::forms::keep_typed(
            &form,
            &typed,
            super::store::save_tier(&db()?, id, name, requirement).await,
        )
    }
    .await;
    crate::kit::forms::finish(&form, result)
}

#[leptos::server(endpoint = "add_tier_benefit")]
pub async fn add_tier_benefit(
    tier_id: i64,
    title: String,
    description: String,
    icon: String,
) -> Result<(), AppError> {
    let form = format!("benefit-{tier_id}");
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        let (title, description) = (title.trim(), description.trim());
        let errors = super::model::check_benefit(title, description, &icon);
        if !errors.is_empty() {
            return Err(crate::kit::forms::invalid(
                &form,
                &errors,
                &[("title", title), ("description", description)],
            ));
        }
        super::store::add_benefit(&db()?, tier_id, title, description, &icon).await
    }
    .await;
    crate::kit::forms::finish(&form, result)
}

#[leptos::server(endpoint = "delete_tier_benefit")]
pub async fn delete_tier_benefit(id: i64) -> Result<(), AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        super::store::delete_benefit(&db()?, id).await
    }
    .await;
    crate::kit::forms::finish("", result)
}
