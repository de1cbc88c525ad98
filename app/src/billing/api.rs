//! Settlement's server functions: the provider's list, bill, 确认账单 and 驳回; the platform's
//! list, bill, generation, sending, revision and payout.

#[cfg(feature = "ssr")]
use super::store;
use super::*;
use crate::kit::error::AppError;
use std::collections::HashMap;

/// The provider's bills (§6.1.1), a page of them in the size asked for (`per`) or the one
/// the user chose last.
#[leptos::server(endpoint = "bills")]
pub async fn list_bills(
    status: String,
    from: String,
    to: String,
    page: String,
    per: Option<String>,
) -> Result<BillListPage, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        let filter = store::ListFilter::parse(&status, &from, &to)?;
        let paging = crate::kit::pager::paging(Some(&page), per.as_deref()).await?;
        store::list(
            &db()?,
            crate::kit::db::Owner::Provider(scope.provider_id),
            &filter,
            paging,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The bill with a page of its lines (`page`), or the lines of one 订单编号 (`line`).
#[leptos::server(endpoint = "bill")]
pub async fn get_bill(no: String, page: String, line: String) -> Result<BillDetail, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        store::detail(
            &db()?,
            crate::kit::db::Owner::Provider(scope.provider_id),
            &no,
            &store::LineQuery::parse(&page, &line)?,
            scope.role.may_settle(),
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[cfg(feature = "ssr")]
async fn provider_move(
    no: &str,
    action: model::BillAction,
    input: store::MoveInput,
) -> Result<(), AppError> {
    use crate::kit::request::{client_ip, db, provider_scope, settings};
    let (_, scope) = provider_scope()?;
    if !scope.role.may_settle() {
        return Err(AppError::Forbidden);
    }
    store::apply(
        &db()?,
        &settings()?,
        store::Actor {
            owner: crate::kit::db::Owner::Provider(scope.provider_id),
            user_id: scope.user_id,
            ip: &client_ip(),
        },
        no,
        action,
        &input,
    )
    .await
}

/// 确认账单 (§6.1.3): 确认中 → 待打款. Clicked twice, it confirms once.
#[leptos::server(endpoint = "confirm_bill")]
pub async fn confirm_bill(no: String) -> Result<(), AppError> {
    let result = provider_move(&no, model::BillAction::Confirm, store::MoveInput::default()).await;
    crate::kit::forms::finish("confirm-bill", result)
}

/// 驳回 with a reason, optionally naming the disputed lines: ticked on the page on show
/// (`disputed`), or typed by 订单编号 (`disputed_nos`, for lines on other pages).
#[leptos::server(endpoint = "reject_bill")]
pub async fn reject_bill(
    no: String,
    reason: String,
    disputed: Option<HashMap<String, String>>,
    disputed_nos: Option<String>,
) -> Result<(), AppError> {
    let result = async {
        let reason = reason.trim().to_owned();
        let typed_nos = disputed_nos.unwrap_or_default();
        // Keys are `o<订单编号>`: a bare number would read as a list index.
        let ticked: Vec<String> = disputed
            .unwrap_or_default()
            .into_keys()
            .map(|k| k.trim_start_matches('o').to_owned())
            .collect();
        // The ticked lines go back with the typed text, so a refused form keeps them.
        let ticked_list = ticked.join(",");
        let typed = [
            ("reason", reason.as_str()),
            ("disputed_nos", typed_nos.as_str()),
            ("disputed", ticked_list.as_str()),
        ];
        let disputed = model::check_rejection(&reason, &typed_nos, &ticked)
            .map_err(|errors| crate::kit::forms::invalid("reject-bill", &errors, &typed))?;
        let moved = provider_move(
            &no,
            model::BillAction::Reject,
            store::MoveInput {
                reason: reason.clone(),
                disputed,
                ..Default::default()
            },
        )
        .await;
        crate::kit::forms::keep_typed("reject-bill", &typed, moved)
    }
    .await;
    crate::kit::forms::finish("reject-bill", result)
}

#[leptos::server(endpoint = "platform_bills")]
pub async fn list_platform_bills(
    provider: String,
    status: String,
    from: String,
    to: String,
    page: String,
    per: Option<String>,
) -> Result<PlatformBillList, AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        let db = db()?;
        let mut filter = store::ListFilter::parse(&status, &from, &to)?;
        let paging = crate::kit::pager::paging(Some(&page), per.as_deref()).await?;
        filter.provider_id = match provider.as_str() {
            "" => None,
            p => Some(p.parse().map_err(|_| AppError::BadRequest)?),
        };
        Ok(PlatformBillList {
            page: store::list(&db, crate::kit::db::Owner::Platform, &filter, paging).await?,
            providers: crate::platform::provider_choices(&db).await?,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[leptos::server(endpoint = "platform_bill")]
pub async fn get_platform_bill(
    no: String,
    page: String,
    line: String,
) -> Result<BillDetail, AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        let lines = store::LineQuery::parse(&page, &line)?;
        store::detail(&db()?, crate::kit::db::Owner::Platform, &no, &lines, false).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Generates (or, while 未分账 or 已驳回, regenerates) a provider's bill for a month.
#[leptos::server(endpoint = "generate_bill")]
pub async fn generate_bill(provider_id: String, month: String) -> Result<String, AppError> {
    let result = async {
        use crate::kit::request::{client_ip, db, operator};
        let auth = operator()?;
        let typed = [
            ("provider_id", provider_id.as_str()),
            ("month", month.as_str()),
        ];
        let (provider, period) = model::check_generation(&provider_id, &month)
            .map_err(|errors| crate::kit::forms::invalid("generate-bill", &errors, &typed))?;
        let generated =
            store::generate(&db()?, auth.user_id, provider, &period, &client_ip()).await;
        crate::kit::forms::keep_typed("generate-bill", &typed, generated)
    }
    .await;
    crate::kit::forms::finish("generate-bill", result)
}

#[cfg(feature = "ssr")]
async fn platform_move(
    no: &str,
    action: model::BillAction,
    input: store::MoveInput,
) -> Result<(), AppError> {
    use crate::kit::request::{client_ip, db, operator, settings};
    let auth = operator()?;
    store::apply(
        &db()?,
        &settings()?,
        store::Actor {
            owner: crate::kit::db::Owner::Platform,
            user_id: auth.user_id,
            ip: &client_ip(),
        },
        no,
        action,
        &input,
    )
    .await
}

/// 未分账 → 确认中: the provider's admins are asked to confirm.
#[leptos::server(endpoint = "send_bill")]
pub async fn send_bill(no: String) -> Result<(), AppError> {
    let result = platform_move(&no, model::BillAction::Send, store::MoveInput::default()).await;
    crate::kit::forms::finish("send-bill", result)
}

/// After a 驳回: a new version with corrected paid amounts or without some lines, and a
/// note of what changed; back to 确认中.
#[leptos::server(endpoint = "revise_bill")]
pub async fn revise_bill(
    no: String,
    reason: String,
    amount: Option<HashMap<String, String>>,
    remove: Option<HashMap<String, String>>,
) -> Result<(), AppError> {
    let result = async {
        let ids = |map: &HashMap<String, String>| -> Result<Vec<(i64, String)>, AppError> {
            map.iter()
                .map(|(k, v)| {
                    k.trim_start_matches('l')
                        .parse::<i64>()
                        .map(|id| (id, v.clone()))
                        .map_err(|_| AppError::BadRequest)
                })
                .collect()
        };
        let amount = amount.unwrap_or_default();
        let input = store::MoveInput {
            reason: reason.trim().to_owned(),
            amounts: ids(&amount)?.into_iter().collect(),
            removed: ids(&remove.unwrap_or_default())?
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
            ..Default::default()
        };
        let typed: Vec<(String, String)> = std::iter::once(("reason".to_owned(), reason.clone()))
            .chain(
                amount
                    .iter()
                    .map(|(k, v)| (format!("amount_{}", k.trim_start_matches('l')), v.clone())),
            )
            .collect();
        let typed: Vec<(&str, &str)> = typed
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let moved = platform_move(&no, model::BillAction::Revise, input).await;
        crate::kit::forms::keep_typed("revise-bill", &typed, moved)
    }
    .await;
    crate::kit::forms::finish("revise-bill", result)
}

/// 待打款 → 已完成: the payout's reference, date and amount per currency, which must match
/// the bill's paid totals to the cent.
#[leptos::server(endpoint = "record_payout")]
pub async fn record_payout(
    no: String,
    payout_reference: String,
    payout_date: String,
    payout_cny: Option<String>,
    payout_usd: Option<String>,
) -> Result<(), AppError> {
    let result = async {
        use crate::kit::money::Currency;
        let mut payout = std::collections::BTreeMap::new();
        if let Some(cny) = &payout_cny {
            payout.insert(Currency::Cny, cny.clone());
        }
        if let Some(usd) = &payout_usd {
            payout.insert(Currency::Usd, usd.clone());
        }
        let input = store::MoveInput {
            payout_reference: payout_reference.clone(),
            payout_date: payout_date.clone(),
            payout,
            ..Default::default()
        };
        let typed = [
            ("payout_reference", payout_reference.as_str()),
            ("payout_date", payout_date.as_str()),
            ("payout_cny", payout_cny.as_deref().unwrap_or("")),
            ("payout_usd", payout_usd.as_deref().unwrap_or("")),
        ];
        let moved = platform_move(&no, model::BillAction::RecordPayout, input).await;
        crate::kit::forms::keep_typed("record-payout", &typed, moved)
    }
    .await;
    crate::kit::forms::finish("record-payout", result)
}
