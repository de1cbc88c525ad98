//! The platform's side of settlement: generate a provider's bill for a month, send it, revise
//! it after a 驳回, record the payout.

use super::*;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformBillList {
    pub page: BillListPage,
    pub providers: Vec<(i64, String)>,
}

#[leptos::server(endpoint = "platform_bills")]
pub async fn list_platform_bills(
    provider: String,
    status: String,
    from: String,
    to: String,
    page: String,
) -> Result<PlatformBillList, AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        let db = db()?;
        let mut filter = queries::ListFilter::parse(&status, &from, &to, &page)?;
        filter.provider_id = match provider.as_str() {
            "" => None,
            p => Some(p.parse().map_err(|_| AppError::BadRequest)?),
        };
        Ok(PlatformBillList {
            page: queries::list(&db, crate::kit::db::Owner::Platform, &filter).await?,
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
        let lines = queries::LineQuery::parse(&page, &line)?;
        queries::detail(&db()?, crate::kit::db::Owner::Platform, &no, &lines, false).await
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
        let provider: Option<i64> = provider_id.trim().parse().ok();
        let period = model::Period::month(&month);
        let mut errors = Vec::new();
        if provider.is_none() {
            errors.push(("provider_id", "form.required"));
        }
        if period.is_none() {
            errors.push(("month", "bill.error.month"));
        }
        let (Some(provider), Some(period)) = (provider, period) else {
            return Err(crate::kit::forms::invalid("generate-bill", &errors, &typed));
        };
        let generated =
            queries::generate(&db()?, auth.user_id, provider, &period, &client_ip()).await;
        crate::kit::forms::keep_typed("generate-bill", &typed, generated)
    }
    .await;
    crate::kit::forms::finish("generate-bill", result)
}

#[cfg(feature = "ssr")]
async fn platform_move(
    no: &str,
    action: model::BillAction,
    input: queries::MoveInput,
) -> Result<(), AppError> {
    use crate::kit::request::{client_ip, db, operator, settings};
    let auth = operator()?;
    queries::apply(
        &db()?,
        &settings()?,
        queries::Actor {
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
    let result = platform_move(&no, model::BillAction::Send, queries::MoveInput::default()).await;
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
        let input = queries::MoveInput {
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
        let input = queries::MoveInput {
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
