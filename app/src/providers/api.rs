//! The server functions of 服务提供商 (operators only) and 企业信息 (a provider's members),
//! each parse → scope → store → finish.
// 企业信息's form posts its ten fields as a server function's arguments.
#![allow(clippy::too_many_arguments)]

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
        let mut filter = super::model::ProviderFilter::parse(&q, &state, &page, &per)?;
        let db = crate::kit::request::db()?;
        crate::kit::request::operator()?;
        filter.per_page = crate::kit::pager::remembered_size(Some(&per)).await;
        let zone = crate::kit::time::Zone::viewer();
        let renames = super::store::pending_renames(&db, &zone).await?;
        let mut list = super::store::list(&db, &filter, zone).await?;
        list.renames = renames;
        Ok(list)
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

/// 企业信息 of the caller's provider, the account number masked: every member reads it, its
/// admin and co-admins change it.
#[server(endpoint = "company")]
pub async fn get_company() -> Result<super::CompanyView, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let (_, scope) = crate::kit::request::provider_scope()?;
        Ok(super::CompanyView {
            company: super::store::company(&db, scope.provider_id).await?.shown(),
            editable: scope.role.may_manage_users(),
            rename: super::store::latest_rename(
                &db,
                scope.provider_id,
                &crate::kit::time::Zone::viewer(),
            )
            .await?,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Saves 企业信息; a blank account number keeps the one on file.
#[server(endpoint = "save_company")]
pub async fn save_company(
    address: String,
    responsible_person: String,
    contact_name: String,
    contact_phone: String,
    contact_email: String,
    bank_name: String,
    bank_account_name: String,
    bank_account_no: String,
    invoice_title: String,
    tax_number: String,
) -> Result<(), AppError> {
    let form = super::company::CompanyForm {
        address,
        responsible_person,
        contact_name,
        contact_phone,
        contact_email,
        bank_name,
        bank_account_name,
        bank_account_no,
        invoice_title,
        tax_number,
    };
    let result = async {
        let db = crate::kit::request::db()?;
        let (auth, scope) = crate::kit::request::provider_scope()?;
        if !scope.role.may_manage_users() {
            return Err(AppError::Forbidden);
        }
        let ip = crate::kit::request::client_ip();
        match super::store::save_company(&db, &scope, &form, &auth.email, &ip).await? {
            Ok(()) => {
                leptos_axum::redirect("/company?done=saved");
                Ok(())
            }
            // The account number typed is never sent back in a URL: it is typed again.
            Err(errors) => Err(crate::kit::forms::invalid(
                "company",
                &errors,
                &[
                    ("address", &form.address),
                    ("responsible_person", &form.responsible_person),
                    ("contact_name", &form.contact_name),
                    ("contact_phone", &form.contact_phone),
                    ("contact_email", &form.contact_email),
                    ("bank_name", &form.bank_name),
                    ("bank_account_name", &form.bank_account_name),
                    ("invoice_title", &form.invoice_title),
                    ("tax_number", &form.tax_number),
                ],
            )),
        }
    }
    .await;
    crate::kit::forms::finish("company", result)
}

/// Asks the platform to change the company's name (admin, co-admin); the name stays until an
/// operator approves.
#[server(endpoint = "request_company_rename")]
pub async fn request_company_rename(new_name: String) -> Result<(), AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let settings = crate::kit::request::settings()?;
        let (_, scope) = crate::kit::request::provider_scope()?;
        if !scope.role.may_manage_users() {
            return Err(AppError::Forbidden);
        }
        let ip = crate::kit::request::client_ip();
        match super::store::request_rename(&db, &settings.public_url, &scope, &new_name, &ip)
            .await?
        {
            Ok(()) => {
                leptos_axum::redirect("/company?done=rename");
                Ok(())
            }
            Err(code) => Err(crate::kit::forms::invalid(
                "rename",
                &[("new_name", code)],
                &[("new_name", &new_name)],
            )),
        }
    }
    .await;
    crate::kit::forms::finish("rename", result)
}

/// 通过 or 驳回 (with a reason) a name change, by an operator.
#[server(endpoint = "decide_company_rename")]
pub async fn decide_company_rename(
    change_id: i64,
    decision: String,
    reason: String,
) -> Result<(), AppError> {
    use super::company::{decision_reason, RenameDecision};
    let result = async {
        let decision = RenameDecision::parse(&decision).ok_or(AppError::BadRequest)?;
        let kept = decision_reason(decision, &reason).map_err(|code| {
            crate::kit::forms::invalid(
                "rename_decision",
                &[("reason", code)],
                &[("reason", &reason)],
            )
        })?;
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::operator()?;
        let ip = crate::kit::request::client_ip();
        super::store::decide_rename(&db, auth.user_id, change_id, decision, &kept, &ip).await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("rename_decision", result)
}
