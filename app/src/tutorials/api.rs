//! The tutorials' server functions: the list for any signed-in user and the platform's
//! removal (uploads go over plain HTTP, see http.rs).

use super::{TutorialList, TutorialView};
use crate::kit::error::AppError;

#[leptos::server(endpoint = "tutorials")]
pub async fn list_tutorials() -> Result<Vec<TutorialView>, AppError> {
    let result = async {
        use crate::kit::request::{auth, db};
        auth()?;
        super::store::list(&db()?).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The platform's table of tutorials, a page of it, newest first.
#[leptos::server(endpoint = "platform_tutorials")]
pub async fn platform_tutorials(
    page: String,
    per: Option<String>,
) -> Result<TutorialList, AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        let paging = crate::kit::pager::paging(Some(&page), per.as_deref()).await?;
        let (rows, count) = super::store::page(&db()?, paging).await?;
        Ok(TutorialList {
            rows,
            count,
            page: paging.page,
            pages: crate::kit::pager::page_count(count, paging.per_page),
            per_page: paging.per_page,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[leptos::server(endpoint = "delete_tutorial")]
pub async fn delete_tutorial(id: i64) -> Result<(), AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        super::store::delete(&db()?, id).await
    }
    .await;
    crate::kit::forms::finish("", result)
}
