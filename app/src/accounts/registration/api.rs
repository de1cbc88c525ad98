//! Registration's server functions: the applicant's step 2 (the draft, its submission) and
//! the platform's review (queue, application, approval, rejection), each parse → scope →
//! store → finish. Step 1 is a plain multipart route, in `http.rs`.

use super::{Registration, RegistrationQueue};
use crate::kit::error::AppError;

/// Step 2's data: the application a link continues.
#[leptos::server(endpoint = "registration_draft")]
pub async fn registration_draft(token: String) -> Result<Registration, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let mut registration = super::store::load(&db, super::store::Key::Token(&token)).await?;
        // The applicant sees the decision, not who made it.
        registration.decided_by.clear();
        Ok(registration)
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Step 2 (绑定管理员): the admin's name, email, phone and address; sends the application to
/// the platform's queue.
#[leptos::server(endpoint = "submit_registration")]
pub async fn submit_registration(
    token: String,
    admin_name: String,
    admin_email: String,
    admin_phone: String,
    admin_address: String,
) -> Result<(), AppError> {
    let typed = [
        ("admin_name", admin_name.as_str()),
        ("admin_email", admin_email.as_str()),
        ("admin_phone", admin_phone.as_str()),
        ("admin_address", admin_address.as_str()),
    ];
    let result = async {
        let db = crate::kit::request::db()?;
        let settings = crate::kit::request::settings()?;
        let admin = super::model::AdminInput::parse(
            &admin_name,
            &admin_email,
            &admin_phone,
            &admin_address,
        )
        .map_err(|errors| crate::kit::forms::invalid("admin", &errors, &typed))?;
        super::store::submit(
            &db,
            &settings.public_url,
            &token,
            &admin,
            &crate::kit::request::client_ip(),
        )
        .await?;
        leptos_axum::redirect(&format!("/register/{token}/done"));
        Ok(())
    }
    .await;
    crate::kit::forms::finish("admin", result)
}

/// The platform's queue, by status (default: 待审核), oldest first for pending; a page of it
/// in the size asked for (`per`) or the one the operator chose last.
#[leptos::server(endpoint = "platform_registrations")]
pub async fn platform_registrations(
    status: Option<String>,
    page: Option<String>,
    per: Option<String>,
) -> Result<RegistrationQueue, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        crate::kit::request::operator()?;
        let paging = crate::kit::pager::paging(page.as_deref(), per.as_deref()).await?;
        super::store::queue(
            &db,
            super::model::RegistrationStatus::queue(status.as_deref()),
            paging,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[leptos::server(endpoint = "platform_registration")]
pub async fn platform_registration(id: i64) -> Result<Registration, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        crate::kit::request::operator()?;
        let registration = super::store::load(&db, super::store::Key::Id(id)).await?;
        if registration.status == super::model::RegistrationStatus::Draft {
            return Err(AppError::NotFound);
        }
        Ok(registration)
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 通过: the provider, its admin as an invited membership, and the invitation mail.
#[leptos::server(endpoint = "approve_registration")]
pub async fn approve_registration(id: i64) -> Result<(), AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let settings = crate::kit::request::settings()?;
        let operator = crate::kit::request::operator()?;
        super::store::approve(
            &db,
            &settings.public_url,
            id,
            operator.user_id,
            &crate::kit::request::client_ip(),
        )
        .await
    }
    .await;
    crate::kit::forms::finish("decide", result)
}

/// 驳回 with a reason, mailed to the applicant's admin address.
#[leptos::server(endpoint = "reject_registration")]
pub async fn reject_registration(id: i64, reason: String) -> Result<(), AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let operator = crate::kit::request::operator()?;
        let reason = super::model::check_reason(&reason).map_err(|code| {
            crate::kit::forms::invalid("reject", &[("reason", code)], &[("reason", reason.trim())])
        })?;
        super::store::reject(
            &db,
            id,
            operator.user_id,
            &reason,
            &crate::kit::request::client_ip(),
        )
        .await
    }
    .await;
    crate::kit::forms::finish("reject", result)
}
