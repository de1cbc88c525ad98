//! The tutorials' server functions: the list for any signed-in user and the platform's
//! removal (uploads go over plain HTTP, see http.rs).

use super::TutorialView;
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
