//! The platform's side of orders: every work order, marking payment (待付款 → 待接单),
//! dispatching to a provider (后台分发服务单), and entering an order by hand.

use super::api::{platform_work_orders, DispatchWorkOrder, EnterOrder, MarkPaid};
use super::model::WorkOrderStatus;
use crate::kit::code::Code;
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::kit::paging::SortHeader;
use leptos::prelude::*;

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
        <crate::kit::title::PageTitle text=locale.t("nav.platform.orders") />
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
                            let total: i64 = page.counts.iter().map(|(_, n)| n).sum();
                            let next = page.next.clone();
                            let filters = view! {
                                <form method="get" action="/platform/orders" class="filters" autocomplete="off" role="search">
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
                                    <crate::kit::dates::QuickRanges />
                                    <input type="hidden" name="sort" value=param("sort") />
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
                                    <caption class="sr-only">{locale.t("nav.platform.orders")}</caption>
                                    <thead><tr>
                                        <th>{locale.t("wo.column.no")}</th><th>{locale.t("wo.order_no")}</th>
                                        <th>{locale.t("wo.buyer")}</th><th>{locale.t("wo.item")}</th>
                                        <SortHeader label="wo.column.total" column=super::pages::BY_TOTAL default="created_desc" num=true />
                                        <th>{locale.t("wo.column.status")}</th>
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
