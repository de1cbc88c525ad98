//! The orders area's server functions: the provider's list, detail, moves and milestones; the
//! customer's acceptance link; the platform's list, payment, dispatch, 重新派单, 取消工单,
//! typed-in orders and the stage its 代客户验收 page shows.
//! Each one parses, scopes, calls the store, and finishes.
// One parameter per field of a plain form (the list's GET form posts its filters as is), more
// than clippy's limit; the file carries the allowance for both halves of the macros.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use super::{model, store};
use super::{
    AcceptanceView, MilestoneCommand, OnBehalfStage, PlatformPage, WorkOrderDetail, WorkOrderPage,
};
use crate::kit::error::AppError;
#[cfg(feature = "ssr")]
use crate::kit::time::Zone;

/// The provider's work orders, filtered (status, creation date range, keyword, 购买公司),
/// sorted and paged: by page number along the sort's index (the total from the counters
/// when nothing narrows the list), or by keyset after a cursor.
#[leptos::server(endpoint = "work_orders")]
pub async fn list_work_orders(
    status: String,
    from: String,
    to: String,
    q: String,
    sort: String,
    after: String,
    stage: Option<String>,
    buyer: Option<String>,
    page: Option<String>,
    per: Option<String>,
) -> Result<WorkOrderPage, AppError> {
    use crate::kit::request::{db, provider_scope};
    let result = async {
        let (_, scope) = provider_scope()?;
        let mut filter =
            model::ListFilter::parse(&status, &from, &to, &q, &sort, &after, &Zone::viewer())?
                .with_buyer(buyer.as_deref().unwrap_or_default())?;
        filter.awaiting_stage = stage.as_deref() == Some("awaiting_acceptance");
        let paging = crate::kit::pager::paging(page.as_deref(), per.as_deref()).await?;
        Ok(store::listing::list(&db()?, &scope, &filter, paging).await?)
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[leptos::server(endpoint = "work_order")]
pub async fn get_work_order(no: String) -> Result<WorkOrderDetail, AppError> {
    use crate::kit::request::{db, provider_scope};
    let result = async {
        let (_, scope) = provider_scope()?;
        store::work_orders::detail(&db()?, &scope, &no).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 接单: takes on a dispatched work order (待接单 → 实施中). Clicked twice, it accepts once.
#[leptos::server(endpoint = "accept_work_order")]
pub async fn accept_work_order(no: String) -> Result<(), AppError> {
    use crate::kit::request::{db, provider_scope};
    let result = async {
        let (_, scope) = provider_scope()?;
        let owner = crate::kit::db::Owner::Provider(scope.provider_id);
        store::work_orders::transition(
            &db()?,
            owner,
            scope.user_id,
            &no,
            model::WorkOrderAction::Accept,
            "",
        )
        .await
    }
    .await;
    crate::kit::forms::finish("accept", result)
}

/// Declines a dispatched work order with a reason (待接单 → 已拒绝).
#[leptos::server(endpoint = "decline_work_order")]
pub async fn decline_work_order(no: String, reason: String) -> Result<(), AppError> {
    use crate::kit::request::{db, provider_scope};
    let result = async {
        let (_, scope) = provider_scope()?;
        let reason = model::move_reason(&reason).map_err(|code| {
            crate::kit::forms::invalid("decline", &[("reason", code)], &[("reason", reason.trim())])
        })?;
        let owner = crate::kit::db::Owner::Provider(scope.provider_id);
        let action = model::WorkOrderAction::Decline;
        store::work_orders::transition(&db()?, owner, scope.user_id, &no, action, &reason).await
    }
    .await;
    crate::kit::forms::finish("decline", result)
}

/// Adds a stage at the end of the plan, or saves an existing one (`id` > 0).
#[leptos::server(endpoint = "save_milestone")]
pub async fn save_milestone(
    no: String,
    id: i64,
    period_start: String,
    period_end: String,
    standard: String,
    remarks: String,
) -> Result<(), AppError> {
    use crate::kit::request::{db, provider_scope};
    let form = if id > 0 {
        format!("milestone-{id}")
    } else {
        "milestone-new".to_owned()
    };
    let result = async {
        let (_, scope) = provider_scope()?;
        let input = model::MilestoneInput {
            period_start,
            period_end,
            standard,
            remarks,
        };
        let fields = input.validate().map_err(|errors| {
            crate::kit::forms::invalid(
                &form,
                &errors,
                &[
                    ("period_start", &input.period_start),
                    ("period_end", &input.period_end),
                    ("standard", &input.standard),
                    ("remarks", &input.remarks),
                ],
            )
        })?;
        store::milestones::save_milestone(&db()?, &scope, &no, id, &fields).await
    }
    .await;
    crate::kit::forms::finish(&form, result)
}

#[leptos::server(endpoint = "milestone_command")]
pub async fn run_milestone_command(
    no: String,
    id: i64,
    command: MilestoneCommand,
) -> Result<(), AppError> {
    use crate::kit::request::{db, provider_scope, settings};
    let result = async {
        let (_, scope) = provider_scope()?;
        store::milestones::milestone_command(&db()?, &settings()?, &scope, &no, id, command).await
    }
    .await;
    crate::kit::forms::finish("milestones", result)
}

/// 更改验收联系人: the work order's acceptance links go to `email` from now on.
#[leptos::server(endpoint = "change_acceptance_contact")]
pub async fn change_acceptance_contact(
    no: String,
    name: String,
    email: String,
) -> Result<(), AppError> {
    use crate::kit::request::{db, provider_scope, settings};
    let result = async {
        let (_, scope) = provider_scope()?;
        let contact = model::AcceptanceContact::parse(&name, &email).map_err(|errors| {
            crate::kit::forms::invalid("contact", &errors, &[("name", &name), ("email", &email)])
        })?;
        store::acceptance::change_contact(&db()?, &settings()?, &scope, &no, &contact).await
    }
    .await;
    crate::kit::forms::finish("contact", result)
}

#[leptos::server(endpoint = "acceptance")]
pub async fn get_acceptance(token: String) -> Result<AcceptanceView, AppError> {
    let result = async { store::acceptance::view(&crate::kit::request::db()?, &token).await }.await;
    crate::kit::forms::finish("", result)
}

/// The customer's answer: `decision` is `accept`, or `reject` with a reason.
#[leptos::server(endpoint = "answer_acceptance")]
pub async fn answer_acceptance(
    token: String,
    decision: String,
    reason: String,
) -> Result<(), AppError> {
    let form = if decision == "reject" {
        "reject"
    } else {
        "accept"
    };
    let result = async {
        use model::AcceptanceAnswer;
        let answer = match AcceptanceAnswer::parse(&decision, &reason) {
            None => return Err(AppError::BadRequest),
            Some(Err(code)) => {
                return Err(crate::kit::forms::invalid(
                    form,
                    &[("reason", code)],
                    &[("reason", reason.trim())],
                ))
            }
            Some(Ok(answer)) => answer,
        };
        let (accept, reason) = match &answer {
            AcceptanceAnswer::Accept => (true, ""),
            AcceptanceAnswer::Reject(reason) => (false, reason.as_str()),
        };
        store::acceptance::answer(
            &crate::kit::request::db()?,
            &crate::kit::request::settings()?,
            &token,
            accept,
            reason,
        )
        .await
    }
    .await;
    crate::kit::forms::finish(form, result)
}

/// A stage, for the platform's 代客户验收 page (any provider's). The acceptance itself is a
/// multipart form (it carries the evidence file): `http::accept_on_behalf`.
#[leptos::server(endpoint = "on_behalf_stage")]
pub async fn get_on_behalf_stage(id: i64) -> Result<OnBehalfStage, AppError> {
    use crate::kit::request::{db, operator};
    let result = async {
        operator()?;
        store::behalf::stage(&db()?, id).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Any work order with its stages and whole history, for the platform's detail page.
#[leptos::server(endpoint = "platform_work_order")]
pub async fn platform_work_order(no: String) -> Result<WorkOrderDetail, AppError> {
    use crate::kit::request::{db, operator};
    let result = async {
        operator()?;
        let viewer = store::work_orders::Viewer::Platform;
        store::work_orders::detail_for(&db()?, viewer, &no).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Every work order, the provider's list's filters, search, sort and paging, plus whose
/// (`provider`: blank for all, `none` for not dispatched yet, or a provider's id).
#[leptos::server(endpoint = "platform_work_orders")]
pub async fn platform_work_orders(
    provider: String,
    status: String,
    from: String,
    to: String,
    q: String,
    sort: String,
    after: String,
    buyer: Option<String>,
    page: Option<String>,
    per: Option<String>,
) -> Result<PlatformPage, AppError> {
    use crate::kit::request::{db, operator};
    let result = async {
        operator()?;
        let db = db()?;
        let realm = model::Realm::parse_platform(&provider)?;
        let filter =
            model::ListFilter::parse(&status, &from, &to, &q, &sort, &after, &Zone::viewer())?
                .with_buyer(buyer.as_deref().unwrap_or_default())?;
        let paging = crate::kit::pager::paging(page.as_deref(), per.as_deref()).await?;
        let (rows, next) = store::listing::platform_rows(&db, realm, &filter, paging).await?;
        let counts = store::listing::status_counts(&db, realm, &filter).await?;
        let total = store::listing::total_of(&counts, &filter);
        let providers = crate::platform::provider_choices(&db).await?;
        let dispatchable = crate::platform::dispatch_choices(&db).await?;
        Ok(PlatformPage {
            rows,
            next,
            counts,
            total,
            page: paging.page,
            per_page: paging.per_page,
            providers,
            dispatchable,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Records the buyer's payment: 待付款 → 待接单.
#[leptos::server(endpoint = "mark_paid")]
pub async fn mark_paid(no: String) -> Result<(), AppError> {
    let result = async {
        use crate::kit::db::Owner;
        use model::WorkOrderAction;
        use store::work_orders::transition;
        let auth = crate::kit::request::operator()?;
        let db = crate::kit::request::db()?;
        transition(
            &db,
            Owner::Platform,
            auth.user_id,
            &no,
            WorkOrderAction::MarkPaid,
            "",
        )
        .await
    }
    .await;
    crate::kit::forms::finish("platform-orders", result)
}

/// Hands a work order to a provider, until that provider has taken it on; a suspended
/// provider, or one that declined it, is refused (a field error, back on the page as is).
#[leptos::server(endpoint = "dispatch_work_order")]
pub async fn dispatch_work_order(no: String, provider_id: i64) -> Result<(), AppError> {
    let result = async {
        let auth = crate::kit::request::operator()?;
        let moved = store::work_orders::dispatch(
            &crate::kit::request::db()?,
            &crate::kit::request::settings()?,
            auth.user_id,
            &no,
            provider_id,
        )
        .await;
        crate::kit::forms::keep_typed("platform-orders", &[], moved)
    }
    .await;
    crate::kit::forms::finish("platform-orders", result)
}

/// The form of a platform row's 重新派单 or 取消工单 (`redispatch-<no>`, `cancel-<no>`): each
/// row's errors come back to its own form.
pub fn row_form(kind: &str, no: &str) -> String {
    format!("{kind}-{no}")
}

/// 重新派单: hands a declined work order (已拒绝) to another provider, who is mailed and sees
/// it 待接单; a provider that declined it is refused (a field error).
#[leptos::server(endpoint = "redispatch_work_order")]
pub async fn redispatch_work_order(no: String, provider_id: i64) -> Result<(), AppError> {
    let form = row_form("redispatch", &no);
    let result = async {
        let auth = crate::kit::request::operator()?;
        let moved = store::work_orders::redispatch(
            &crate::kit::request::db()?,
            &crate::kit::request::settings()?,
            auth.user_id,
            &no,
            provider_id,
        )
        .await;
        crate::kit::forms::keep_typed(&form, &[], moved)
    }
    .await;
    crate::kit::forms::finish(&form, result)
}

/// 取消工单 with a reason: any work order not done or cancelled yet; its provider's managers
/// and the buyer's contact are mailed. Without a reason, a field error.
#[leptos::server(endpoint = "cancel_work_order")]
pub async fn cancel_work_order(no: String, reason: String) -> Result<(), AppError> {
    let form = row_form("cancel", &no);
    let result = async {
        let auth = crate::kit::request::operator()?;
        let reason = model::move_reason(&reason).map_err(|code| {
            crate::kit::forms::invalid(&form, &[("reason", code)], &[("reason", reason.trim())])
        })?;
        store::work_orders::cancel(
            &crate::kit::request::db()?,
            &crate::kit::request::settings()?,
            auth.user_id,
            &no,
            &reason,
        )
        .await
    }
    .await;
    crate::kit::forms::finish(&form, result)
}

/// Enters an order with one work order by hand (the API takes several).
#[leptos::server(endpoint = "enter_order")]
pub async fn enter_order(
    order_no: String,
    buyer_company: String,
    contact_email: String,
    solution_name: String,
    work_order_no: String,
    service_item_name: String,
    price: String,
    tax_rate: String,
    quantity: String,
    currency: String,
    paid: Option<String>,
) -> Result<(), AppError> {
    let values = [
        ("order_no", order_no.clone()),
        ("buyer_company", buyer_company.clone()),
        ("contact_email", contact_email.clone()),
        ("solution_name", solution_name.clone()),
        ("work_order_no", work_order_no.clone()),
        ("service_item_name", service_item_name.clone()),
        ("price", price.clone()),
        ("tax_rate", tax_rate.clone()),
        ("quantity", quantity.clone()),
        ("currency", currency.clone()),
    ];
    use model::{OrderIn, WorkOrderIn};
    let result = async {
        let auth = crate::kit::request::operator()?;
        let order = OrderIn {
            order_no: order_no.trim().to_owned(),
            buyer_company,
            contact_name: String::new(),
            contact_email,
            solution_name,
            solution_quantity: 1,
            picture_url: String::new(),
            paid: paid.is_some(),
            work_orders: vec![WorkOrderIn {
                work_order_no: work_order_no.trim().to_owned(),
                service_item_name,
                service_item_id: None,
                sku_id: None,
                plan_id: None,
                implementation: String::new(),
                price,
                tax_rate,
                quantity: quantity.trim().parse().unwrap_or(0),
                currency,
            }],
        };
        let refuse = |errors: Vec<(String, &str)>| {
            let errors: Vec<(String, &str)> = errors
                .into_iter()
                .map(|(f, c)| (f.replace("work_orders[0].", ""), c))
                .collect();
            let pairs: Vec<(&str, &str)> = errors.iter().map(|(f, c)| (f.as_str(), *c)).collect();
            let typed: Vec<(&str, &str)> = values.iter().map(|(f, v)| (*f, v.as_str())).collect();
            crate::kit::forms::invalid("enter-order", &pairs, &typed)
        };
        let work_orders = model::validate_order(&order).map_err(refuse)?;
        match store::intake::store(
            &crate::kit::request::db()?,
            &order,
            &work_orders,
            Some(auth.user_id),
        )
        .await?
        {
            store::intake::Stored::Created => Ok(()),
            store::intake::Stored::Existing => {
                Err(refuse(vec![("order_no".into(), "intake.error.exists")]))
            }
        }
    }
    .await;
    crate::kit::forms::finish("enter-order", result)
}
