//! The services' server functions: the provider's 服务项 with their SKUs, plans and
//! attachments, and the platform's review queue and decisions.

use super::*;
use crate::kit::error::AppError;

/// 服务项 list (§4.1.1): 截止日期 range, 服务名称 search, 审核状态, sort, page.
#[leptos::server(endpoint = "service_items")]
pub async fn list_service_items(
    from: String,
    to: String,
    q: String,
    status: String,
    sort: String,
    page: String,
    per: Option<String>,
) -> Result<ServiceListPage, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        let mut filter = store::Filter::parse(
            &from,
            &to,
            &q,
            &status,
            &sort,
            &page,
            &crate::kit::time::Zone::viewer(),
        )?;
        filter.per_page = crate::kit::pager::remembered_size(per.as_deref()).await;
        store::list(
            &db()?,
            crate::kit::db::Owner::Provider(scope.provider_id),
            &filter,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The working copy of one of the provider's items; another provider's id is 404.
#[leptos::server(endpoint = "service_item")]
pub async fn get_service_item(id: i64) -> Result<ServiceDetail, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        store::detail(
            &db()?,
            crate::kit::db::Owner::Provider(scope.provider_id),
            id,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 服务对象 suggestions for the new item's form.
#[leptos::server(endpoint = "service_products")]
pub async fn service_products() -> Result<Vec<String>, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        store::products(&db()?, scope.provider_id).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 保存 of 基本信息: creates the item (empty `id`) or saves a new version of it.
#[leptos::server(endpoint = "save_service_item")]
pub async fn save_service_item(
    id: String,
    name: String,
    product: String,
    owner_name: String,
    owner_contact: String,
    description: String,
) -> Result<i64, AppError> {
    let form = "service-basic";
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        let input = store::BasicInput {
            name: name.trim().to_owned(),
            product: product.trim().to_owned(),
            owner_name: owner_name.trim().to_owned(),
            owner_contact: owner_contact.trim().to_owned(),
            description_html: sanitize::description(&description),
        };
        let typed = [
            ("name", name.as_str()),
            ("product", product.as_str()),
            ("owner_name", owner_name.as_str()),
            ("owner_contact", owner_contact.as_str()),
            ("description", input.description_html.as_str()),
        ];
        // The description can be long: without JavaScript it is kept only where it fits a URL.
        let typed: Vec<(&str, &str)> = typed.into_iter().filter(|(_, v)| v.len() <= 4000).collect();
        let errors = input.check();
        if !errors.is_empty() {
            return Err(crate::kit::forms::invalid(form, &errors, &typed));
        }
        let created = id.trim().is_empty();
        let id = match id.trim() {
            "" => store::create(&db()?, &scope, &input).await?,
            existing => {
                let id = existing.parse::<i64>().map_err(|_| AppError::NotFound)?;
                crate::kit::forms::keep_typed(
                    form,
                    &typed,
                    store::save_basic(&db()?, &scope, id, &input).await,
                )?;
                id
            }
        };
        // Without JavaScript: a new item continues on its SKU&计划 tab, a saved one says so.
        if crate::kit::forms::is_form_post() {
            leptos_axum::redirect(&if created {
                format!("/services/{id}?tab=sku&saved=1")
            } else {
                format!("/services/{id}?saved=1")
            });
        }
        Ok(id)
    }
    .await;
    crate::kit::forms::finish(form, result)
}

/// Adds a SKU (empty `sku_id`) or changes one.
#[leptos::server(endpoint = "save_sku")]
pub async fn save_sku(
    item_id: i64,
    sku_id: String,
    name: String,
    specification: String,
    region: String,
) -> Result<(), AppError> {
    let form = if sku_id.is_empty() {
        "sku-new".to_owned()
    } else {
        format!("sku-{sku_id}")
    };
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        let input = store::SkuInput {
            name: name.trim().to_owned(),
            specification: specification.trim().to_owned(),
            region: region.trim().to_owned(),
        };
        let typed = [
            ("name", name.as_str()),
            ("specification", specification.as_str()),
            ("region", region.as_str()),
        ];
        let errors = input.check();
        if !errors.is_empty() {
            return Err(crate::kit::forms::invalid(&form, &errors, &typed));
        }
        let sku_id = match sku_id.trim() {
            "" => None,
            id => Some(id.parse::<i64>().map_err(|_| AppError::NotFound)?),
        };
        crate::kit::forms::keep_typed(
            &form,
            &typed,
            store::save_sku(&db()?, &scope, item_id, sku_id, &input).await,
        )
    }
    .await;
    crate::kit::forms::finish(&form, result)
}

#[leptos::server(endpoint = "delete_sku")]
pub async fn delete_sku(item_id: i64, sku_id: i64) -> Result<(), AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        store::delete_sku(&db()?, &scope, item_id, sku_id).await
    }
    .await;
    crate::kit::forms::finish(&format!("sku-{sku_id}"), result)
}

pub use plan_fn::*;

mod plan_fn {
    // A plan's form has that many fields, and each is an argument of its server function.
    #![allow(clippy::too_many_arguments)]
    use super::*;

    /// Adds a plan to a SKU (empty `plan_id`) or changes one.
    #[leptos::server(endpoint = "save_plan")]
    pub async fn save_plan(
        item_id: i64,
        sku_id: i64,
        plan_id: String,
        name: String,
        billing_mode: String,
        price: String,
        currency: String,
        tax_percent: String,
        installments: Option<String>,
        interval_months: Option<String>,
    ) -> Result<(), AppError> {
        let form = if plan_id.is_empty() {
            format!("plan-new-{sku_id}")
        } else {
            format!("plan-{plan_id}")
        };
        let result = async {
            use crate::kit::request::{db, provider_scope};
            let (_, scope) = provider_scope()?;
            let input = model::PlanForm {
                name,
                billing_mode,
                price,
                currency,
                tax_percent,
                installments: installments.unwrap_or_default(),
                interval_months: interval_months.unwrap_or_default(),
            };
            let typed = [
                ("name", input.name.as_str()),
                ("billing_mode", input.billing_mode.as_str()),
                ("price", input.price.as_str()),
                ("currency", input.currency.as_str()),
                ("tax_percent", input.tax_percent.as_str()),
                ("installments", input.installments.as_str()),
                ("interval_months", input.interval_months.as_str()),
            ];
            let plan = input
                .check()
                .map_err(|errors| crate::kit::forms::invalid(&form, &errors, &typed))?;
            let plan_id = match plan_id.trim() {
                "" => None,
                id => Some(id.parse::<i64>().map_err(|_| AppError::NotFound)?),
            };
            crate::kit::forms::keep_typed(
                &form,
                &typed,
                store::save_plan(&db()?, &scope, item_id, sku_id, plan_id, &plan).await,
            )
        }
        .await;
        crate::kit::forms::finish(&form, result)
    }
}

#[leptos::server(endpoint = "delete_plan")]
pub async fn delete_plan(item_id: i64, plan_id: i64) -> Result<(), AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        store::delete_plan(&db()?, &scope, item_id, plan_id).await
    }
    .await;
    crate::kit::forms::finish(&format!("plan-{plan_id}"), result)
}

#[leptos::server(endpoint = "delete_service_file")]
pub async fn delete_service_file(item_id: i64, file_id: i64) -> Result<(), AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        store::delete_file(&db()?, &scope, item_id, file_id).await
    }
    .await;
    crate::kit::forms::finish("files", result)
}

/// 提交审核, and 下架 on a listed item (with an optional note for the platform).
#[leptos::server(endpoint = "move_service_item")]
pub async fn move_service_item(
    item_id: i64,
    action: String,
    note: Option<String>,
) -> Result<(), AppError> {
    let form = "review";
    let result = async {
        use crate::kit::request::{client_ip, db, provider_scope, settings};
        let (_, scope) = provider_scope()?;
        let action = match action.as_str() {
            "submit" => model::ReviewAction::Submit,
            "request_delisting" => model::ReviewAction::RequestDelisting,
            _ => return Err(AppError::BadRequest),
        };
        let note = note.unwrap_or_default().trim().to_owned();
        if note.chars().count() > 1000 {
            return Err(crate::kit::forms::invalid(
                form,
                &[("note", "form.too_long_short")],
                &[("note", &note)],
            ));
        }
        store::apply(
            &db()?,
            &settings()?,
            store::Actor {
                owner: crate::kit::db::Owner::Provider(scope.provider_id),
                user_id: scope.user_id,
                ip: &client_ip(),
            },
            item_id,
            action,
            None,
            &note,
        )
        .await
    }
    .await;
    crate::kit::forms::finish(form, result)
}

#[leptos::server(endpoint = "platform_service_items")]
pub async fn list_service_reviews(
    q: String,
    status: String,
    page: String,
    per: Option<String>,
) -> Result<ServiceListPage, AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        let status = if status.is_empty() {
            "waiting"
        } else {
            status.as_str()
        };
        let sort = if status == "waiting" { "submitted" } else { "" };
        let mut filter = store::Filter::parse(
            "",
            "",
            &q,
            status,
            sort,
            &page,
            &crate::kit::time::Zone::viewer(),
        )?;
        filter.per_page = crate::kit::pager::remembered_size(per.as_deref()).await;
        store::list(&db()?, crate::kit::db::Owner::Platform, &filter).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[leptos::server(endpoint = "platform_service_item")]
pub async fn get_service_review(id: i64) -> Result<ServiceDetail, AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        store::detail(&db()?, crate::kit::db::Owner::Platform, id).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 通过 / 驳回 a submitted version, or decide a delisting request, on the version seen.
#[leptos::server(endpoint = "decide_service_item")]
pub async fn decide_service_item(
    item_id: i64,
    version: i64,
    decision: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    let form = "decide";
    let result = async {
        use crate::kit::request::{client_ip, db, operator, settings};
        let auth = operator()?;
        use super::model::ReviewAction;
        let action = match decision.as_str() {
            "approve" => ReviewAction::Approve,
            "reject" => ReviewAction::Reject,
            "approve_delisting" => ReviewAction::ApproveDelisting,
            "refuse_delisting" => ReviewAction::RefuseDelisting,
            _ => return Err(AppError::BadRequest),
        };
        let reason = reason.unwrap_or_default().trim().to_owned();
        if action.needs_reason() && reason.is_empty() {
            return Err(crate::kit::forms::invalid(
                form,
                &[("reason", "svc.error.reason")],
                &[],
            ));
        }
        if reason.chars().count() > 1000 {
            return Err(crate::kit::forms::invalid(
                form,
                &[("reason", "form.too_long_short")],
                &[("reason", &reason)],
            ));
        }
        store::apply(
            &db()?,
            &settings()?,
            store::Actor {
                owner: crate::kit::db::Owner::Platform,
                user_id: auth.user_id,
                ip: &client_ip(),
            },
            item_id,
            action,
            Some(version),
            &reason,
        )
        .await
    }
    .await;
    crate::kit::forms::finish(form, result)
}
