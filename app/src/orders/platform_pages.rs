//! The platform's side of orders: every work order, marking payment (待付款 → 待接单),
//! dispatching to a provider (后台分发服务单), 重新派单 of a declined work order to another
//! provider, 取消工单 with a reason (behind a confirmation), entering an order by hand, and
//! any work order's detail with its stages and history.

use super::api::{
    platform_work_order, platform_work_orders, row_form, CancelWorkOrder, DispatchWorkOrder,
    EnterOrder, MarkPaid, RedispatchWorkOrder,
};
use super::model::{MilestoneStatus, WorkOrderStatus};
use super::pages::{
    item_table, notices, stage_head, stage_remarks, stage_status, status_badge, History,
};
use super::{MilestoneView, PlatformPage, PlatformRow, WorkOrderDetail};
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::kit::paging::SortHeader;
use crate::shell::dash;
use leptos::prelude::*;
use leptos_router::components::A;

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
                    param("buyer"),
                    param("page"),
                    param("per"),
                ),
                enter.version().get(),
                paid.version().get(),
                dispatch.version().get(),
            )
        },
        |((provider, status, from, to, q, sort, after, buyer, page, per), ..)| {
            let per = (!per.is_empty()).then_some(per);
            platform_work_orders(
                provider,
                status,
                from,
                to,
                q,
                sort,
                after,
                Some(buyer),
                Some(page),
                per,
            )
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
            ("buyer", param("buyer")),
            ("sort", param("sort")),
            ("per", param("per")),
        ];
        for (key, value) in changes {
            pairs.retain(|(k, _)| k != key);
            pairs.push((key, value.clone()));
        }
        crate::shell::href("/platform/orders", &pairs)
    };
    // The page's data, for the rows' own forms to refetch (inside, `page` is the answer).
    let resource = page;
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
            <FieldMessage feedback=dispatch_fb field="provider_id" />
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let providers = page.dispatchable.clone();
                            let chosen = provider();
                            let status = param("status");
                            let total: i64 = page.counts.iter().map(|(_, n)| n).sum();
                            let pages = crate::kit::pager::page_count(page.total, page.per_page);
                            let kept: Vec<(&'static str, String)> = ["provider", "status", "from", "to", "q", "buyer", "sort", "per"]
                                .into_iter()
                                .map(|k| (k, if k == "provider" { provider() } else { param(k) }))
                                .collect();
                            let pager = (page.total > 0).then(|| view! {
                                <crate::kit::pager::Pager path="/platform/orders" params=kept page=page.page pages
                                    per_page=page.per_page sizes=&crate::kit::pager::SIZES total=page.total />
                            });
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
                                        <input type="search" name="q" maxlength="100" value=param("q")
                                            placeholder=locale.t("wo.filter.platform_keyword_hint") />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("wo.filter.buyer")}</span>
                                        <input type="search" name="buyer" value=param("buyer") maxlength="200"
                                            placeholder=locale.t("wo.filter.buyer_hint") />
                                    </label>
                                    <label class="field"><span>{locale.t("wo.filter.from")}</span><input type="date" name="from" value=param("from") /></label>
                                    <label class="field"><span>{locale.t("wo.filter.to")}</span><input type="date" name="to" value=param("to") /></label>
                                    <crate::kit::dates::QuickRanges />
                                    <input type="hidden" name="sort" value=param("sort") />
                                    <input type="hidden" name="per" value=param("per") />
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
                                    {pager}
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
                                            let providers = providers.clone();
                                            let row = r.clone();
                                            let (href, no_text) = (format!("/platform/orders/{}", r.work_order_no), r.work_order_no.clone());
                                            view! {
                                                <tr data-work-order=r.work_order_no.clone()>
                                                    <td class="mono">
                                                        <A href=href>{no_text}</A>
                                                    </td>
                                                    <td class="mono">{r.order_no.clone()}</td>
                                                    <td>{r.buyer_company.clone()}</td>
                                                    <td>{r.service_item_name.clone()}</td>
                                                    <td class="num">{r.total_incl.clone()}</td>
                                                    <td>
                                                        <span class=format!("status status-{}", r.status.as_db())>{locale.t(r.status.label_key())}</span>
                                                        {(r.status == WorkOrderStatus::Rejected && !r.decline_reason.is_empty()).then(|| view! {
                                                            <p class="muted small">{locale.t("wo.decline_reason")} ": " {r.decline_reason.clone()}</p>
                                                        })}
                                                        {(r.status == WorkOrderStatus::Cancelled).then(|| view! {
                                                            <p class="muted small">{locale.t("wo.cancel_reason")} ": " {r.cancel_reason.clone()}</p>
                                                        })}
                                                    </td>
                                                    <td>{r.provider.clone().unwrap_or_else(|| "—".into())}</td>
                                                    <td class="row-actions">
                                                        <RowActions r=row providers page=resource paid dispatch />
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                                {pager}
                            }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A row's moves: 标记已付款, 分发 (before the provider answers), 重新派单 (once declined:
/// to a provider that has not declined it) and 取消工单 (anything not done or cancelled: a
/// reason, behind a native disclosure that asks first). Each row's 重新派单 and 取消工单 are
/// forms of their own, so their errors come back to that row, with JavaScript or without.
#[component]
fn RowActions(
    r: PlatformRow,
    providers: Vec<(i64, String)>,
    page: Resource<Result<PlatformPage, AppError>>,
    paid: ServerAction<MarkPaid>,
    dispatch: ServerAction<DispatchWorkOrder>,
) -> impl IntoView {
    let locale = use_locale();
    let redispatch = ServerAction::<RedispatchWorkOrder>::new();
    let cancel = ServerAction::<CancelWorkOrder>::new();
    refetch_on_success(redispatch, page);
    refetch_on_success(cancel, page);
    let no = r.work_order_no.clone();
    let redispatch_fb = feedback(row_form("redispatch", &no), redispatch.value());
    let cancel_fb = feedback(row_form("cancel", &no), cancel.value());
    let cancel_open = move || cancel_fb.with(|f| f.general.is_some() || !f.errors.is_empty());
    let open = matches!(
        r.status,
        WorkOrderStatus::AwaitingPayment | WorkOrderStatus::AwaitingAcceptance
    );
    let unpaid = r.status == WorkOrderStatus::AwaitingPayment;
    let declined = r.status == WorkOrderStatus::Rejected;
    // Whom it may go to: not a provider that declined it (the store refuses those too).
    let eligible: Vec<(i64, String)> = providers
        .into_iter()
        .filter(|(id, _)| !r.declined_by.contains(id))
        .collect();
    let current = r.provider.clone();
    let (no_paid, no_dispatch, no_redispatch, no_cancel) =
        (no.clone(), no.clone(), no.clone(), no.clone());
    let (redispatch_form, cancel_form) = (row_form("redispatch", &no), row_form("cancel", &no));
    view! {
        {unpaid.then(|| view! {
            <ActionForm action=paid attr:class="inline">
                <input type="hidden" name="no" value=no_paid.clone() />
                <button type="submit" class="button small">{locale.t("intake.mark_paid")}</button>
            </ActionForm>
        })}
        {open.then(|| {
            let options = eligible.clone();
            let current = current.clone();
            view! {
                <ActionForm action=dispatch attr:class="inline dispatch">
                    <input type="hidden" name="no" value=no_dispatch.clone() />
                    <select name="provider_id" aria-label=locale.t("intake.provider")>
                        {options.into_iter().map(|(id, name)| {
                            let selected = current.as_deref() == Some(name.as_str());
                            view! { <option value=id.to_string() selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button small primary">{locale.t("intake.dispatch")}</button>
                </ActionForm>
            }
        })}
        {declined.then(|| if eligible.is_empty() {
            view! { <span class="muted small">{locale.t("intake.no_other_provider")}</span> }.into_any()
        } else {
            let options = eligible.clone();
            view! {
                <ActionForm action=redispatch attr:class="inline dispatch"
                    attr:data-form=redispatch_form.clone()>
                    <input type="hidden" name="no" value=no_redispatch.clone() />
                    <select name="provider_id" aria-label=format!("{} · {}", locale.t("intake.redispatch"), locale.t("intake.provider"))>
                        {options.into_iter().map(|(id, name)| view! {
                            <option value=id.to_string()>{name}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button small primary" disabled=move || redispatch.pending().get()>
                        {locale.t("intake.redispatch")}
                    </button>
                    <FormMessage feedback=redispatch_fb />
                    <FieldMessage feedback=redispatch_fb field="provider_id" />
                </ActionForm>
            }.into_any()
        })}
        {r.status.cancellable().then(|| view! {
            <details class="inline-details in-row" open=cancel_open>
                <summary class="button small danger">{locale.t("intake.cancel")}</summary>
                <ActionForm action=cancel attr:class="form card confirm"
                    attr:data-form=cancel_form.clone()>
                    <FormMessage feedback=cancel_fb />
                    <p>{locale.t("intake.cancel_explain")}</p>
                    <input type="hidden" name="no" value=no_cancel.clone() />
                    <label class="field">
                        <span>{locale.t("wo.cancel_reason")} " *"</span>
                        <textarea name="reason" rows="3" maxlength="2000"
                            inner_html=move || crate::kit::forms::text_html(&cancel_fb.with(|f| f.value("reason")))></textarea>
                        <FieldMessage feedback=cancel_fb field="reason" />
                    </label>
                    <button type="submit" class="button small danger" disabled=move || cancel.pending().get()>
                        {locale.t("intake.cancel_confirm")}
                    </button>
                </ActionForm>
            </details>
        })}
    }
}

/// 工单详情 for the platform: any work order, its provider, its stages (their evidence, and
/// 代客户验收 for one awaiting the customer) and its whole history. Its moves (派单, 重新派单,
/// 取消工单) stay on the list, one link away.
#[component]
pub fn PlatformWorkOrderPage() -> impl IntoView {
    let locale = use_locale();
    let no = crate::kit::params::path_text("no");
    let detail = crate::kit::request_cache::page_resource(no, platform_work_order);
    view! {
        <section class="page">
            <p class="breadcrumb">
                <A href="/platform/orders">{locale.t("nav.platform.orders")}</A> " / " {no}
            </p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <PlatformDetail d /> }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PlatformDetail(d: WorkOrderDetail) -> impl IntoView {
    let locale = use_locale();
    let no = d.work_order_no.clone();
    let in_list = format!(
        "/platform/orders?q={}",
        crate::kit::forms::encode_query(&no)
    );
    view! {
        <crate::kit::title::PageTitle text=format!("{} {}", locale.t("wo.detail"), no) />
        <div class="detail-head">
            <h1>{locale.t("wo.detail")} " " <span class="mono">{no.clone()}</span></h1>
            <span data-testid="work-order-status">{status_badge(locale, d.status)}</span>
        </div>
        {notices(locale, &d)}
        <p><A href=in_list attr:class="button small">{locale.t("pwo.in_list")}</A></p>
        <h2>{locale.t("wo.section.order")}</h2>
        <dl class="facts" data-testid="platform-work-order">
            <dt>{locale.t("wo.column.no")}</dt><dd class="mono">{no.clone()}</dd>
            <dt>{locale.t("wo.order_no")}</dt><dd class="mono">{d.order_no.clone()}</dd>
            <dt>{locale.t("wo.column.created")}</dt><dd>{d.created.clone()}</dd>
            <dt>{locale.t("intake.provider")}</dt><dd data-testid="work-order-provider">{dash(d.provider.clone())}</dd>
            <dt>{locale.t("wo.buyer")}</dt><dd>{dash(d.buyer_company.clone())}</dd>
            <dt>{locale.t("wo.contact")}</dt><dd>{dash(d.contact.clone())}</dd>
            <dt>{locale.t("wo.solution")}</dt><dd>{d.solution_name.clone()} " × " {d.solution_quantity}</dd>
        </dl>
        {item_table(locale, &d)}
        <h2>{locale.t("ms.title")}</h2>
        <Stages milestones=d.milestones.clone() />
        <h2>{locale.t("wo.history")}</h2>
        <History events=d.history.clone() evidence_base="/platform/acceptance-files".to_owned() />
    }
}

/// The stages as the provider planned them, read-only: the platform's one move on a stage is
/// 代客户验收, while it awaits the customer.
#[component]
fn Stages(milestones: Vec<MilestoneView>) -> impl IntoView {
    let locale = use_locale();
    if milestones.is_empty() {
        return view! { <div class="empty-state"><p>{locale.t("ms.empty")}</p></div> }.into_any();
    }
    view! {
        <table class="table" data-testid="milestones">
            {stage_head(locale)}
            <tbody>
                {milestones.into_iter().map(|m| view! {
                    <tr data-stage=m.position.to_string()>
                        <td>{m.position}</td>
                        <td>{m.period.clone()}</td>
                        <td>
                            {m.standard.clone()}
                            {(!m.files.is_empty()).then(|| view! {
                                <ul class="files">
                                    {m.files.iter().map(|f| view! {
                                        <li>
                                            <a rel="external" download href=format!("/platform/stage-files/{}", f.id)>{f.name.clone()}</a>
                                            " " <span class="muted">{f.size.clone()}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                        </td>
                        <td>{stage_remarks(locale, &m)}</td>
                        <td>{stage_status(locale, &m)}</td>
                        <td class="row-actions">
                            {if m.status == MilestoneStatus::AwaitingAcceptance {
                                view! {
                                    <a class="button small" href=format!("/platform/stages/{}/accept", m.id)>
                                        {locale.t("behalf.action")}
                                    </a>
                                }.into_any()
                            } else {
                                view! { <span class="muted">{locale.t("common.none")}</span> }.into_any()
                            }}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
