//! The tickets' server functions: the provider's (defaults, list, ticket, reply) and the
//! platform's (queue, ticket, answer), each parse → scope → store → finish.

use super::{ContactDefaults, TicketDetail, TicketList};
use crate::kit::error::AppError;

/// The helpdesk the server put in the request's context.
#[cfg(feature = "ssr")]
fn helpdesk() -> Result<super::helpdesk::Helpdesk, AppError> {
    leptos::prelude::use_context::<super::helpdesk::Helpdesk>().ok_or(AppError::Internal)
}

#[leptos::server(endpoint = "ticket_defaults")]
pub async fn ticket_defaults() -> Result<ContactDefaults, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        super::store::defaults(&db()?, &scope).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 历史工单: the provider's tickets, by status; `unread` keeps those with new replies. A page
/// in the size asked for (`per`), else the one the user chose last.
#[leptos::server(endpoint = "tickets")]
pub async fn list_tickets(
    status: String,
    unread: Option<String>,
    page: String,
    per: Option<String>,
) -> Result<TicketList, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        let filter = super::model::Filter::parse(&status, unread.as_deref() == Some("1"));
        let paging = crate::kit::pager::paging(Some(&page), per.as_deref()).await?;
        super::store::list(
            &db()?,
            &helpdesk()?,
            crate::kit::db::Owner::Provider(scope.provider_id),
            &filter,
            paging,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// One ticket with its conversation, brought up to date from an external helpdesk; reading
/// it marks its replies read.
#[leptos::server(endpoint = "ticket")]
pub async fn get_ticket(no: String) -> Result<TicketDetail, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        super::store::detail(
            &db()?,
            &helpdesk()?,
            crate::kit::db::Owner::Provider(scope.provider_id),
            &no,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The provider's answer in the conversation.
#[leptos::server(endpoint = "reply_ticket")]
pub async fn reply_ticket(no: String, body: String) -> Result<(), AppError> {
    let form = "ticket-reply";
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (auth, scope) = provider_scope()?;
        let body = body.trim().to_owned();
        if let Some(code) = super::model::reply_error(&body) {
            return Err(crate::kit::forms::invalid(
                form,
                &[("body", code)],
                &[("body", &body)],
            ));
        }
        let helpdesk = helpdesk()?;
        let author = super::model::author_of(&auth.name, &auth.email);
        crate::kit::forms::keep_typed(
            form,
            &[("body", &body)],
            super::store::reply(&db()?, &helpdesk, &scope, &author, &no, &body).await,
        )
    }
    .await;
    crate::kit::forms::finish(form, result)
}

#[leptos::server(endpoint = "platform_tickets")]
pub async fn list_platform_tickets(
    status: String,
    page: String,
    per: Option<String>,
) -> Result<TicketList, AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        let filter = super::model::Filter::parse(&status, false);
        let paging = crate::kit::pager::paging(Some(&page), per.as_deref()).await?;
        super::store::list(
            &db()?,
            &helpdesk()?,
            crate::kit::db::Owner::Platform,
            &filter,
            paging,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[leptos::server(endpoint = "platform_ticket")]
pub async fn get_platform_ticket(no: String) -> Result<TicketDetail, AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        super::store::detail(&db()?, &helpdesk()?, crate::kit::db::Owner::Platform, &no).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The operator's answer (optional) and the ticket's new status.
#[leptos::server(endpoint = "answer_ticket")]
pub async fn answer_ticket(no: String, body: String, status: String) -> Result<(), AppError> {
    let form = "ticket-answer";
    let result = async {
        use super::model::TicketStatus;
        use crate::kit::code::Code;
        use crate::kit::request::{db, operator, settings};
        let auth = operator()?;
        let body = body.trim().to_owned();
        let status = TicketStatus::from_db(&status).ok_or(AppError::BadRequest)?;
        if let Some(code) = super::model::answer_error(&body) {
            return Err(crate::kit::forms::invalid(form, &[("body", code)], &[]));
        }
        super::store::answer(&db()?, &settings()?, auth.user_id, &no, &body, status).await
    }
    .await;
    crate::kit::forms::finish(form, result)
}
