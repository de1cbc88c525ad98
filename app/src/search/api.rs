//! 基础搜索's server functions: a provider's (its own records) and an operator's (every
//! provider's).

use super::Results;
#[cfg(feature = "ssr")]
use super::{model, store};
use crate::kit::error::AppError;
use leptos::prelude::*;

/// Reads the keyword: blank finds nothing (and asks nothing of the database).
#[cfg(feature = "ssr")]
async fn run(searcher: crate::kit::search::Searcher, q: &str) -> Result<Results, AppError> {
    let keyword = match model::keyword(q) {
        Ok(Some(keyword)) => keyword,
        Ok(None) => return Ok(Results::default()),
        Err(model::KeywordError::TooLong) => {
            return Err(AppError::invalid(&[("q", "search.too_long")]));
        }
    };
    let db = crate::kit::request::db()?;
    let groups = store::search(&db, searcher, &keyword).await?;
    Ok(Results { keyword, groups })
}

/// The current provider's records that hold `q`.
#[server(endpoint = "search")]
pub async fn search(q: String) -> Result<Results, AppError> {
    let result = async {
        let (_, scope) = crate::kit::request::provider_scope()?;
        run(
            crate::kit::search::Searcher::Provider(scope.provider_id),
            &q,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Every provider's records that hold `q`, for an operator.
#[server(endpoint = "platform_search")]
pub async fn platform_search(q: String) -> Result<Results, AppError> {
    let result = async {
        crate::kit::request::operator()?;
        run(crate::kit::search::Searcher::Operator, &q).await
    }
    .await;
    crate::kit::forms::finish("", result)
}
