//! 后台首页's server function.

use super::HomeData;
#[cfg(feature = "ssr")]
use super::{model, store};
use crate::kit::error::AppError;
use leptos::prelude::*;

/// Home page data, scoped to the session's current provider; `month` as 2019-12.
#[server(endpoint = "home")]
pub async fn get_home(month: Option<String>) -> Result<HomeData, AppError> {
    use crate::kit::code::Code;
    use crate::kit::request::{db, provider_scope};

    let result = async {
        let db = db()?;
        let (auth, scope) = provider_scope()?;
        let (provider_name, active_members) =
            store::provider_summary(&db, scope.provider_id).await?;
        let chosen = month
            .as_deref()
            .and_then(model::parse_month)
            .or_else(|| model::parse_month(&crate::kit::time::today()[..7]))
            .unwrap_or((2019, 12));
        let months = store::months(&db, &scope, chosen, 6).await?;
        Ok(HomeData {
            user_name: if auth.name.is_empty() {
                auth.email
            } else {
                auth.name
            },
            provider_name,
            role_key: scope.role.label_key().to_owned(),
            active_members,
            attention: store::attention(&db, &scope).await?,
            months,
            activity: crate::kit::audit::recent(&db, &scope, 10).await?,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}
