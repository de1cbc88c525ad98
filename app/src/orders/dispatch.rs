//! The platform's side of orders: every work order, marking payment (待付款 → 待接单),
//! dispatching to a provider (后台分发服务单), and entering an order by hand.
// A server function taking a plain form has one argument per field.
#![allow(clippy::too_many_arguments)]

use super::model::WorkOrderStatus;
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformRow {
    pub work_order_no: String,
    pub order_no: String,
    pub buyer_company: String,
    pub service_item_name: String,
    pub total_incl: String,
    pub status: WorkOrderStatus,
    pub provider: Option<String>,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformPage {
    pub rows: Vec<PlatformRow>,
    /// Cursor of the next page, if there is one.
    pub next: Option<String>,
    /// Work orders per status under the filters (the status aside).
    pub counts: Vec<(WorkOrderStatus, i64)>,
    pub providers: Vec<(i64, String)>,
}

/// Every work order, the provider's list's filters, search, sort and paging, plus whose
/// (`provider`: blank for all, `none` for not dispatched yet, or a provider's id).
#[server(endpoint = "platform_work_orders")]
pub async fn platform_work_orders(
    provider: String,
    status: String,
    from: String,
    to: String,
    q: String,
    sort: String,
    after: String,
) -> Result<PlatformPage, AppError> {
    use super::queries::{self, money, page_rows, status_counts, ListFilter, Realm};
    use crate::kit::request::{db, operator};
    use crate::kit::time::format_datetime;
    use sqlx::Row;
    let result = async {
        operator()?;
        let db = db()?;
        let realm = Realm::parse_platform(&provider)?;
        let filter = ListFilter::parse(&status, &from, &to, &q, &sort, &after)?;
        let (rows, next) = page_rows(&db, realm, &filter).await?;
        let rows = rows
            .iter()
            .map(|r| {
                Ok(PlatformRow {
                    work_order_no: r.try_get("work_order_no")?,
                    order_no: r.try_get("order_no")?,
                    buyer_company: r.try_get("buyer_company")?,
                    service_item_name: r.try_get("service_item_name")?,
                    total_incl: money(r, "total_incl_minor")?,
                    status: queries::status(r)?,
                    provider: r.try_get("provider")?,
                    created: format_datetime(r.try_get("created_at")?),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let counts = status_counts(&db, realm, &filter).await?;
        let providers = crate::platform::provider_choices(&db).await?;
        Ok(PlatformPage {
            rows,
            next,
            counts,
            providers,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Records the buyer's payment: 待付款 → 待接单.
#[server(endpoint = "mark_paid")]
pub async fn mark_paid(no: String) -> Result<(), AppError> {
    let result = async {
        use super::model::WorkOrderAction;
        use super::queries::transition;
        use crate::kit::db::Owner;
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

/// Hands a work order to a provider, until that provider has taken it on.
#[server(endpoint = "dispatch_work_order")]
pub async fn dispatch_work_order(no: String, provider_id: i64) -> Result<(), AppError> {
    let result = async {
        let auth = crate::kit::request::operator()?;
        ssr::dispatch(
            &crate::kit::request::db()?,
            &crate::kit::request::settings()?,
            auth.user_id,
            &no,
            provider_id,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("platform-orders", result)
}

/// Enters an order with one work order by hand (the API takes several).
#[server(endpoint = "enter_order")]
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
    use super::intake::{OrderIn, WorkOrderIn};
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
        let work_orders = super::intake::validate(&order).map_err(refuse)?;
        match super::intake::store(
            &crate::kit::request::db()?,
            &order,
            &work_orders,
            Some(auth.user_id),
        )
        .await?
        {
            super::intake::Stored::Created => Ok(()),
            super::intake::Stored::Existing => {
                Err(refuse(vec![("order_no".into(), "intake.error.exists")]))
            }
        }
    }
    .await;
    crate::kit::forms::finish("enter-order", result)
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::kit::db::{now, Db};
    use crate::kit::error::AppError;
    use crate::kit::request::Settings;
    use crate::orders::queries::{record, Event};
    use sqlx::Row;

    pub async fn dispatch(
        db: &Db,
        settings: &Settings,
        operator_id: i64,
        no: &str,
        provider_id: i64,
    ) -> Result<(), AppError> {
        let mut tx = db.begin().await?;
        let provider: String = sqlx::query("SELECT name FROM providers WHERE id = $1")
            .bind(provider_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?
            .try_get("name")?;
        let row = sqlx::query(
            "UPDATE work_orders SET updated_at = updated_at WHERE work_order_no = $1
             RETURNING id, status, provider_id",
        )
        .bind(no)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
        let status: String = row.try_get("status")?;
        if !matches!(status.as_str(), "awaiting_payment" | "awaiting_acceptance") {
            return Err(AppError::Conflict("wo.error.dispatched".into()));
        }
        if row.try_get::<Option<i64>, _>("provider_id")? == Some(provider_id) {
            return Ok(());
        }
        let id: i64 = row.try_get("id")?;
        sqlx::query("UPDATE work_orders SET provider_id = $1, updated_at = $2 WHERE id = $3")
            .bind(provider_id)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            Event {
                work_order_id: id,
                milestone_no: None,
                actor_id: Some(operator_id),
                actor_label: "",
                action: "dispatch",
                from_status: "",
                to_status: "",
                reason: &provider,
            },
        )
        .await?;
        crate::orders::acceptance::notify_provider(
            &mut tx,
            provider_id,
            &format!("新的服务工单 {no} · New work order {no}"),
            &[
                format!("平台已向 {provider} 分发服务工单 {no}，请在付款后接单。"),
                format!("The platform has dispatched work order {no} to {provider}."),
            ],
            &format!("{}/orders/{no}", settings.public_url),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[component]
pub fn PlatformOrdersPage() -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    // `undispatched=1`, the old link, is the provider filter's `none`.
    let provider = move || {
        let chosen = param("provider");
        if chosen.is_empty() && query.read().get("undispatched").is_some() {
            "none".to_owned()
        } else {
            chosen
        }
    };
    let enter = ServerAction::<EnterOrder>::new();
    let paid = ServerAction::<MarkPaid>::new();
    let dispatch = ServerAction::<DispatchWorkOrder>::new();
    let page = crate::kit::request_cache::page_resource(
        move || {
            (
                (
                    provider(),
                    param("status"),
                    param("from"),
                    param("to"),
                    param("q"),
                    param("sort"),
                    param("after"),
                ),
                enter.version().get(),
                paid.version().get(),
                dispatch.version().get(),
            )
        },
        |((provider, status, from, to, q, sort, after), ..)| {
            platform_work_orders(provider, status, from, to, q, sort, after)
        },
    );
    // A link keeping every filter but the ones replaced.
    let link = move |changes: &[(&str, String)]| {
        let mut pairs: Vec<(&str, String)> = vec![
            ("provider", provider()),
            ("status", param("status")),
            ("from", param("from")),
            ("to", param("to")),
            ("q", param("q")),
            ("sort", param("sort")),
        ];
        for (key, value) in changes {
            pairs.retain(|(k, _)| k != key);
            pairs.push((key, value.clone()));
        }
        crate::shell::href("/platform/orders", &pairs)
    };
    let enter_fb = feedback("enter-order", enter.value());
    let actions_fb = feedback("platform-orders", paid.value());
    let dispatch_fb = feedback("platform-orders", dispatch.value());
    let reopened = query.read_untracked().get("form").as_deref() == Some("enter-order");
    let field = move |name: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      initial: &'static str| {
        let value = move || {
            let typed = enter_fb.with(|f| f.value(name));
            if typed.is_empty() && enter_fb.with(|f| f.values.is_empty()) {
                initial.to_owned()
            } else {
                typed
            }
        };
        view! {
            <label class="field">
                <span>{locale.t(label)}</span>
                <input type=kind name=name value=value />
                <FieldMessage feedback=enter_fb field=name />
            </label>
        }
    };
    view! {
        <leptos_meta::Title text=locale.t("nav.platform.orders") />
        <section class="page">
            <h1>{locale.t("nav.platform.orders")}</h1>
            <details class="editor" open=reopened>
                <summary class="button primary">{locale.t("intake.enter")}</summary>
                <ActionForm action=enter attr:class="form card" attr:data-form="enter-order">
                    <FormMessage feedback=enter_fb />
                    <div class="grid-form">
                        {field("order_no", "wo.order_no", "text", "")}
                        {field("buyer_company", "wo.buyer", "text", "")}
                        {field("contact_email", "wo.contact", "email", "")}
                        {field("solution_name", "wo.solution", "text", "")}
                        {field("work_order_no", "wo.column.no", "text", "")}
                        {field("service_item_name", "wo.item", "text", "")}
                        {field("price", "wo.price", "text", "")}
                        {field("tax_rate", "intake.tax_rate", "text", "0")}
                        {field("quantity", "wo.column.quantity", "number", "1")}
                        <label class="field">
                            <span>{locale.t("intake.currency")}</span>
                            <select name="currency">
                                <option value="CNY">"CNY ¥"</option>
                                <option value="USD">"USD $"</option>
                            </select>
                            <FieldMessage feedback=enter_fb field="currency" />
                        </label>
                    </div>
                    <label class="check"><input type="checkbox" name="paid" value="on" /> {locale.t("intake.paid")}</label>
                    <button type="submit" class="button primary" disabled=move || enter.pending().get()>{locale.t("common.save")}</button>
                </ActionForm>
            </details>
            <nav class="status-tabs">
                <a href=move || link(&[("provider", String::new())]) class:active=move || provider().is_empty()>{locale.t("common.all")}</a>
                <a href=move || link(&[("provider", "none".into())]) class:active=move || provider() == "none">{locale.t("intake.undispatched")}</a>
            </nav>
            <FormMessage feedback=actions_fb />
            <FormMessage feedback=dispatch_fb />
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let providers = page.providers.clone();
                            let chosen = provider();
                            let status = param("status");
                            let sort = param("sort");
                            let total: i64 = page.counts.iter().map(|(_, n)| n).sum();
                            let next = page.next.clone();
                            let filters = view! {
                                <form method="get" action="/platform/orders" class="filters" role="search">
                                    <label class="field">
                                        <span>{locale.t("intake.provider")}</span>
                                        <select name="provider">
                                            <option value="">{locale.t("common.all")}</option>
                                            <option value="none" selected=chosen == "none">{locale.t("intake.undispatched")}</option>
                                            {page.providers.iter().map(|(id, name)| {
                                                let selected = chosen == id.to_string();
                                                view! { <option value=id.to_string() selected=selected>{name.clone()}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <input type="hidden" name="status" value=status.clone() />
                                    <label class="field">
                                        <span>{locale.t("wo.filter.keyword")}</span>
                                        <input type="search" name="q" maxlength="100" value=param("q") />
                                    </label>
                                    <label class="field"><span>{locale.t("wo.filter.from")}</span><input type="date" name="from" value=param("from") /></label>
                                    <label class="field"><span>{locale.t("wo.filter.to")}</span><input type="date" name="to" value=param("to") /></label>
                                    <label class="field">
                                        <span>{locale.t("wo.filter.sort")}</span>
                                        <select name="sort">
                                            {super::pages::SORTS.into_iter().map(|(value, label)| {
                                                    let selected = sort == value;
                                                    view! { <option value=value selected=selected>{locale.t(label)}</option> }
                                                }).collect_view()}
                                        </select>
                                    </label>
                                    <button type="submit" class="button primary">{locale.t("common.search")}</button>
                                    <a class="button" href="/platform/orders">{locale.t("common.clear")}</a>
                                </form>
                                <nav class="status-tabs" data-testid="platform-status-tabs">
                                    <a href=link(&[("status", String::new()), ("after", String::new())]) class:active=status.is_empty()>
                                        {locale.t("common.all")} " " <span class="count">{total}</span>
                                    </a>
                                    {page.counts.iter().map(|(s, n)| {
                                        let active = status == s.as_db();
                                        view! {
                                            <a href=link(&[("status", s.as_db().to_owned()), ("after", String::new())]) class:active=active>
                                                {locale.t(s.label_key())} " " <span class="count">{*n}</span>
                                            </a>
                                        }
                                    }).collect_view()}
                                </nav>
                            };
                            if page.rows.is_empty() {
                                return view! {
                                    {filters}
                                    <div class="empty-state"><p>{locale.t("wo.empty")}</p></div>
                                }.into_any();
                            }
                            view! {
                                {filters}
                                <div class="table-wrap">
                                <table class="table" data-testid="platform-orders">
                                    <thead><tr>
                                        <th>{locale.t("wo.column.no")}</th><th>{locale.t("wo.order_no")}</th>
                                        <th>{locale.t("wo.buyer")}</th><th>{locale.t("wo.item")}</th>
                                        <th class="num">{locale.t("wo.column.total")}</th><th>{locale.t("wo.column.status")}</th>
                                        <th>{locale.t("intake.provider")}</th><th>{locale.t("common.actions")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.rows.into_iter().map(|r| {
                                            let open = matches!(r.status, WorkOrderStatus::AwaitingPayment | WorkOrderStatus::AwaitingAcceptance);
                                            let unpaid = r.status == WorkOrderStatus::AwaitingPayment;
                                            let providers = providers.clone();
                                            let no = r.work_order_no.clone();
                                            let no_dispatch = no.clone();
                                            view! {
                                                <tr>
                                                    <td class="mono">{r.work_order_no.clone()}</td>
                                                    <td class="mono">{r.order_no}</td>
                                                    <td>{r.buyer_company}</td>
                                                    <td>{r.service_item_name}</td>
                                                    <td class="num">{r.total_incl}</td>
                                                    <td><span class=format!("status status-{}", r.status.as_db())>{locale.t(r.status.label_key())}</span></td>
                                                    <td>{r.provider.clone().unwrap_or_else(|| "—".into())}</td>
                                                    <td class="row-actions">
                                                        {unpaid.then(|| view! {
                                                            <ActionForm action=paid attr:class="inline">
                                                                <input type="hidden" name="no" value=no />
                                                                <button type="submit" class="button small">{locale.t("intake.mark_paid")}</button>
                                                            </ActionForm>
                                                        })}
                                                        {open.then(|| view! {
                                                            <ActionForm action=dispatch attr:class="inline dispatch">
                                                                <input type="hidden" name="no" value=no_dispatch />
                                                                <select name="provider_id" aria-label=locale.t("intake.provider")>
                                                                    {providers.into_iter().map(|(id, name)| {
                                                                        let selected = r.provider.as_deref() == Some(name.as_str());
                                                                        view! { <option value=id.to_string() selected=selected>{name}</option> }
                                                                    }).collect_view()}
                                                                </select>
                                                                <button type="submit" class="button small primary">{locale.t("intake.dispatch")}</button>
                                                            </ActionForm>
                                                        })}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                <nav class="pager" aria-label=locale.t("common.pages")>
                                    {(!param("after").is_empty()).then(|| view! {
                                        <a class="button" href=link(&[("after", String::new())])>{locale.t("common.first_page")}</a>
                                    })}
                                    {next.map(|cursor| view! {
                                        <a class="button" rel="next" href=link(&[("after", cursor)])>{locale.t("common.next_page")}</a>
                                    })}
                                </nav>
                            }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
