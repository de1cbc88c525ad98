//! The server functions of 运营人员, each parse → scope → store → finish, operators only.

use super::OperatorList;
use crate::kit::error::AppError;
use leptos::prelude::*;

/// 运营人员: a page of the operators, `q` a part of the address or name.
#[server(endpoint = "platform_operators")]
pub async fn platform_operators(
    q: String,
    page: String,
    per: Option<String>,
) -> Result<OperatorList, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::operator()?;
        let zone = crate::kit::time::Zone::viewer();
        let q = crate::kit::search::filter_keyword(&q);
        let paging = crate::kit::pager::paging(Some(&page), per.as_deref()).await?;
        let (rows, total) = super::store::list(&db, &q, paging).await?;
        Ok(OperatorList {
            rows: rows
                .into_iter()
                .map(|row| super::OperatorView {
                    is_self: row.id == auth.user_id,
                    id: row.id,
                    email: row.email,
                    name: row.name,
                    state: row.state,
                    last_login: row
                        .last_login_at
                        .map(|at| zone.datetime(at))
                        .unwrap_or_default(),
                })
                .collect(),
            count: total,
            page: paging.page,
            pages: crate::kit::pager::page_count(total, paging.per_page),
            per_page: paging.per_page,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 邀请运营人员: a new operator (or a reinstated one) by address. A new account gets its
/// one-time activation link by mail; the link is never shown here.
#[server(endpoint = "invite_operator")]
pub async fn invite_operator(email: String) -> Result<(), AppError> {
    use super::store::OperatorRefused;
    let result = async {
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::operator()?;
        let settings = crate::kit::request::settings()?;
        let ip = crate::kit::request::client_ip();
        let refuse = |code: &str| {
            crate::kit::forms::invalid("operator", &[("email", code)], &[("email", &email)])
        };
        if email.trim().is_empty() {
            return Err(refuse("form.required"));
        }
        match super::store::add(&db, &settings.public_url, &email, Some(auth.user_id), &ip).await {
            Ok(_) => {
                leptos_axum::redirect("/platform/operators?done=invited");
                Ok(())
            }
            Err(OperatorRefused::NotAnAddress(_)) => Err(refuse("form.email_invalid")),
            Err(OperatorRefused::ProviderMember(_)) => Err(refuse("operators.error.member")),
            Err(OperatorRefused::Database(error)) => {
                tracing::error!(%error, "adding an operator failed");
                Err(AppError::Internal)
            }
        }
    }
    .await;
    crate::kit::forms::finish("operator", result)
}

/// 停用: operator `user_id` can no longer reach the platform; their sessions end.
#[server(endpoint = "disable_operator")]
pub async fn disable_operator(user_id: i64) -> Result<(), AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::operator()?;
        if user_id == auth.user_id {
            return Err(AppError::Conflict("operators.error.self".into()));
        }
        super::store::disable(
            &db,
            auth.user_id,
            user_id,
            &crate::kit::request::client_ip(),
        )
        .await
    }
    .await;
    crate::kit::forms::finish("operator-state", result)
}

/// 恢复: a disabled operator reaches the platform again (signing in as before).
#[server(endpoint = "reinstate_operator")]
pub async fn reinstate_operator(user_id: i64) -> Result<(), AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::operator()?;
        let settings = crate::kit::request::settings()?;
        let email = super::store::email_of(&db, user_id).await?;
        let ip = crate::kit::request::client_ip();
        super::store::add(&db, &settings.public_url, &email, Some(auth.user_id), &ip)
            .await
            .map(|_| ())
            .map_err(|_| AppError::Internal)
    }
    .await;
    crate::kit::forms::finish("operator-reinstate", result)
}
