//! The server functions of 服务提供商, each parse → scope → store → finish, operators only.

use super::{ProviderDetail, ProviderList};
use crate::kit::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "platform_provider_list")]
pub async fn platform_provider_list(
    q: String,
    state: String,
    page: String,
    per: String,
) -> Result<ProviderList, AppError> {
    let result = async {
        let filter = super::model::ProviderFilter::parse(&q, &state, &page, &per)?;
        let db = crate::kit::request::db()?;
        crate::kit::request::operator()?;
        super::store::list(&db, &filter, crate::kit::time::Zone::viewer()).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[server(endpoint = "platform_provider")]
pub async fn platform_provider(provider_id: i64) -> Result<ProviderDetail, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        crate::kit::request::operator()?;
        super::store::detail(&db, provider_id, crate::kit::time::Zone::viewer()).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 暂停: the provider's members reach none of its data until 恢复; the reason is mailed to
/// its admins and kept on its page.
#[server(endpoint = "suspend_provider")]
pub async fn suspend_provider(provider_id: i64, reason: String) -> Result<(), AppError> {
    use super::model::{suspension_reason, ProviderMove};
    let result = async {
        let kept = suspension_reason(&reason).map_err(|code| {
            crate::kit::forms::invalid("suspend", &[("reason", code)], &[("reason", &reason)])
        })?;
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::operator()?;
        let ip = crate::kit::request::client_ip();
        super::store::apply(
            &db,
            auth.user_id,
            provider_id,
            ProviderMove::Suspend,
            &kept,
            &ip,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("suspend", result)
}

/// 恢复: the provider's members reach it again, as before the suspension.
#[server(endpoint = "reinstate_provider")]
pub async fn reinstate_provider(provider_id: i64) -> Result<(), AppError> {
    use super::model::ProviderMove;
    let result = async {
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::operator()?;
        let ip = crate::kit::request::client_ip();
        super::store::apply(
            &db,
            auth.user_id,
            provider_id,
            ProviderMove::Reinstate,
            "",
            &ip,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("reinstate", result)
}
