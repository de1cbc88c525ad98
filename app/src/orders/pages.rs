//! 服务工单 list and detail pages. Filters are a GET form and links, actions are ActionForms:
//! all of it works without JavaScript.

use super::api::*;
use super::model::{MilestoneAction, MilestoneStatus, WorkOrderStatus};
use super::*;
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::{use_locale, Locale};
use crate::kit::paging::{SortColumn, SortHeader};
use crate::shell::{dash, ErrorPage};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

pub(super) fn status_badge(locale: Locale, status: WorkOrderStatus) -> impl IntoView {
    view! {
        <span class=format!("status status-{}", status.as_db())>{locale.t(status.label_key())}</span>
    }
}

/// The list's query string with `key` set to `value` (and the page cursor dropped).
fn with_param(current: &[(String, String)], key: &str, value: &str) -> String {
    let mut pairs: Vec<String> = current
        .iter()
        .filter(|(k, v)| k != key && k != "after" && !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::kit::forms::encode_query(v)))
        .collect();
    if !value.is_empty() {
        pairs.push(format!("{key}={}", crate::kit::forms::encode_query(value)));
    }
    if pairs.is_empty() {
        "/orders".into()
    } else {
        format!("/orders?{}", pairs.join("&"))
    }
}

/// The work-order lists' sortable columns, the provider's and the platform's (newest first
/// when the URL names no order).
pub const BY_CREATED: SortColumn = SortColumn {
    desc: Some("created_desc"),
    asc: Some("created_asc"),
};
pub const BY_TOTAL: SortColumn = SortColumn {
    desc: Some("total_desc"),
    asc: Some("total_asc"),
};

#[component]
pub fn WorkOrderListPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let page = crate::kit::request_cache::page_resource(
        move || {
            (
                param("status"),
                param("from"),
                param("to"),
                param("q"),
                param("sort"),
                param("after"),
                param("stage"),
                param("buyer"),
                param("page"),
                param("per"),
            )
        },
        |(status, from, to, q, sort, after, stage, buyer, page, per)| {
            let (page, per) = (Some(page), (!per.is_empty()).then_some(per));
            list_work_orders(
                status,
                from,
                to,
                q,
                sort,
                after,
                Some(stage),
                Some(buyer),
                page,
                per,
            )
        },
    );
    let current = move || {
        ["status", "from", "to", "q", "buyer", "sort", "stage", "per"]
            .iter()
            .map(|k| (k.to_string(), param(k)))
            .collect::<Vec<_>>()
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.work_orders") />
        <section class="page">
            <h1>{locale.t("nav.work_orders")}</h1>
            // Rendered again as the query changes (status tabs, sort headers, back), so the fields
            // show the filters of the list below them, not those of the page first loaded.
            {move || view! {
                <form method="get" action="/orders" class="filters" autocomplete="off" role="search">
                    <input type="hidden" name="status" value=param("status") />
                    <input type="hidden" name="stage" value=param("stage") />
                    <label class="field">
                        <span>{locale.t("wo.filter.from")}</span>
                        <input type="date" name="from" value=param("from") />
                    </label>
                    <label class="field">
                        <span>{locale.t("wo.filter.to")}</span>
                        <input type="date" name="to" value=param("to") />
                    </label>
                    <crate::kit::dates::QuickRanges />
                    <label class="field grow">
                        <span>{locale.t("wo.filter.keyword")}</span>
                        <input type="search" name="q" value=param("q") maxlength="100"
                            placeholder=locale.t("wo.filter.keyword_hint") />
                    </label>
                    <label class="field">
                        <span>{locale.t("wo.filter.buyer")}</span>
                        <input type="search" name="buyer" value=param("buyer") maxlength="200"
                            placeholder=locale.t("wo.filter.buyer_hint") />
                    </label>
                    <input type="hidden" name="sort" value=param("sort") />
                    <input type="hidden" name="per" value=param("per") />
                    <button type="submit" class="button primary">{locale.t("common.search")}</button>
                    <a class="button" href="/orders">{locale.t("common.clear")}</a>
                </form>
            }}
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let current = current();
                            let status = param("status");
                            let all: i64 = page.counts.iter().map(|(_, n)| n).sum();
                            let staged = param("stage") == "awaiting_acceptance";
                            view! {
                                {staged.then(|| view! {
                                    <p class="notice" data-testid="stage-filter">{locale.t("wo.filter.awaiting_stage")} " · "
                                        <a href=with_param(&current, "stage", "")>{locale.t("common.clear")}</a></p>
                                })}
                                <nav class="status-tabs" aria-label=locale.t("wo.column.status")>
                                    <a href=with_param(&current, "status", "") class:active=status.is_empty()>
                                        {locale.t("common.all")} " " <span class="count">{all}</span>
                                    </a>
                                    {page.counts.iter().map(|(s, n)| view! {
                                        <a href=with_param(&current, "status", s.as_db()) class:active=status == s.as_db()>
                                            {locale.t(s.label_key())} " " <span class="count">{*n}</span>
                                        </a>
                                    }).collect_view()}
                                </nav>
                                <WorkOrderTable rows=page.rows.clone() />
                                <p class="actions-bar">
                                    // The same filters, every page; downloads, so no client routing.
                                    <a class="button" rel="external" download data-testid="export-csv"
                                        href=with_param(&current, "after", "").replacen("/orders", "/orders/export.csv", 1)>
                                        {locale.t("wo.export_csv")}
                                    </a>
                                    <a class="button" rel="external" download data-testid="export-xlsx"
                                        href=with_param(&current, "after", "").replacen("/orders", "/orders/export.xlsx", 1)>
                                        {locale.t("wo.export_xlsx")}
                                    </a>
                                </p>
                                {(page.total > 0).then(|| {
                                    let pages = crate::kit::pager::page_count(page.total, page.per_page);
                                    let kept: Vec<(&'static str, String)> = ["status", "from", "to", "q", "buyer", "sort", "stage", "per"]
                                        .into_iter()
                                        .map(|k| (k, param(k)))
                                        .collect();
                                    view! {
                                        <crate::kit::pager::Pager path="/orders" params=kept page=page.page pages
                                            per_page=page.per_page sizes=&crate::kit::pager::SIZES total=page.total />
                                    }
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn WorkOrderTable(rows: Vec<WorkOrderRow>) -> impl IntoView {
    let locale = use_locale();
    if rows.is_empty() {
        return view! {
            <div class="empty-state"><p>{locale.t("wo.empty")}</p></div>
        }
        .into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="work-orders">
                <caption class="sr-only">{locale.t("nav.work_orders")}</caption>
                <thead>
                    <tr>
                        <th>{locale.t("wo.column.no")}</th>
                        <th>{locale.t("wo.column.item")}</th>
                        <th>{locale.t("wo.column.implementation")}</th>
                        <th class="num">{locale.t("wo.column.unit_price")}</th>
                        <th class="num">{locale.t("wo.column.quantity")}</th>
                        <SortHeader label="wo.column.total" column=BY_TOTAL default="created_desc" num=true />
                        <SortHeader label="wo.column.created" column=BY_CREATED default="created_desc" />
                        <th>{locale.t("wo.column.status")}</th>
                        <th>{locale.t("common.actions")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let href = format!("/orders/{}", row.work_order_no);
                        view! {
                            <tr>
                                <td class="mono">{row.work_order_no.clone()}</td>
                                <td>{dash(row.service_item_name)}</td>
                                <td>{dash(row.implementation)}</td>
                                <td class="num">{row.unit_price_incl}</td>
                                <td class="num">{row.quantity}</td>
                                <td class="num">{row.total_incl}</td>
                                <td class="nowrap">{row.created}</td>
                                <td>{status_badge(locale, row.status)}</td>
                                <td><A href=href>{locale.t("common.details")}</A></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn WorkOrderDetailPage() -> impl IntoView {
    let locale = use_locale();
    let no = crate::kit::params::path_text("no");
    let detail = crate::kit::request_cache::page_resource(no, get_work_order);
    view! {
        <section class="page">
            <p class="breadcrumb"><A href="/orders">{locale.t("nav.work_orders")}</A> " / " {no}</p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <Detail d detail /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Detail(
    d: WorkOrderDetail,
    detail: Resource<Result<WorkOrderDetail, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let no = d.work_order_no.clone();
    let can_answer = d.status == WorkOrderStatus::AwaitingAcceptance;
    let editable = d.status.milestones_editable();
    view! {
        <crate::kit::title::PageTitle text=format!("{} {}", locale.t("wo.detail"), d.work_order_no) />
        <div class="detail-head">
            <h1>{locale.t("wo.detail")} " " <span class="mono">{d.work_order_no.clone()}</span></h1>
            <span data-testid="work-order-status">{status_badge(locale, d.status)}</span>
        </div>
        {can_answer.then(|| view! { <AnswerActions no=no.clone() detail /> })}
        {notices(locale, &d)}
        <h2>{locale.t("wo.section.order")}</h2>
        <dl class="facts">
            <dt>{locale.t("wo.column.no")}</dt><dd class="mono">{d.work_order_no.clone()}</dd>
            <dt>{locale.t("wo.order_no")}</dt><dd class="mono">{d.order_no.clone()}</dd>
            <dt>{locale.t("wo.column.created")}</dt><dd>{d.created.clone()}</dd>
        </dl>
        <h2>{locale.t("wo.section.solution")}</h2>
        <table class="table">
            <caption class="sr-only">{locale.t("wo.section.solution")}</caption>
            <thead><tr>
                <th>{locale.t("wo.picture")}</th><th>{locale.t("wo.solution")}</th>
                <th class="num">{locale.t("wo.solution_quantity")}</th><th>{locale.t("wo.contact")}</th>
                <th>{locale.t("wo.buyer")}</th>
            </tr></thead>
            <tbody><tr>
                <td>{if d.picture_url.is_empty() {
                    view! { <span class="muted">"—"</span> }.into_any()
                } else {
                    view! { <img class="thumb" src=d.picture_url.clone() alt=d.solution_name.clone() /> }.into_any()
                }}</td>
                <td>{d.solution_name.clone()}</td>
                <td class="num">{d.solution_quantity}</td>
                <td>{d.contact.clone()}</td>
                <td>{d.buyer_company.clone()}</td>
            </tr></tbody>
        </table>
        {editable.then(|| view! {
            <ContactForm no=no.clone() name=d.contact_name.clone() email=d.contact_email.clone() detail />
        })}
        {item_table(locale, &d)}
        <h2>{locale.t("ms.title")}</h2>
        <Milestones no=no.clone() milestones=d.milestones.clone() editable detail />
        <h2>{locale.t("wo.history")}</h2>
        <History events=d.history.clone() evidence_base=format!("/orders/{no}/acceptance-files") />
    }
}

/// A declined or cancelled work order's why (and when): nothing on the page moves a
/// cancelled one any more.
pub(super) fn notices(locale: Locale, d: &WorkOrderDetail) -> impl IntoView {
    view! {
        {(!d.decline_reason.is_empty()).then(|| view! {
            <p class="notice">{locale.t("wo.decline_reason")} ": " {d.decline_reason.clone()}</p>
        })}
        {(d.status == WorkOrderStatus::Cancelled).then(|| view! {
            <div class="notice warn" data-testid="cancelled">
                <p>{locale.t("wo.cancelled")} " (" {d.cancelled.clone()} ")"</p>
                <p>{locale.t("wo.cancel_reason")} ": " {d.cancel_reason.clone()}</p>
            </div>
        })}
    }
}

/// 服务项: the item, its price and total, as the provider and the platform see it.
pub(super) fn item_table(locale: Locale, d: &WorkOrderDetail) -> impl IntoView {
    view! {
        <h2>{locale.t("wo.section.item")}</h2>
        <table class="table">
            <caption class="sr-only">{locale.t("wo.section.item")}</caption>
            <thead><tr>
                <th>{locale.t("wo.item")}</th><th>{locale.t("wo.implementer")}</th>
                <th class="num">{locale.t("wo.price")}</th><th class="num">{locale.t("wo.tax_rate")}</th>
                <th class="num">{locale.t("wo.price_incl")}</th><th class="num">{locale.t("wo.column.quantity")}</th>
                <th class="num">{locale.t("wo.column.total")}</th><th>{locale.t("wo.status")}</th>
            </tr></thead>
            <tbody><tr>
                <td>
                    {dash(d.service_item_name.clone())}
                    {d.sold_from.map(|(item, version)| view! {
                        <br /><small class="muted" data-testid="sold-from">{locale.tf(
                            "wo.sold_from",
                            &[("item", &item.to_string()), ("version", &version.to_string())],
                        )}</small>
                    })}
                </td>
                <td>{dash(d.implementer.clone())}</td>
                <td class="num">{d.unit_price.clone()}</td>
                <td class="num">{d.tax_rate.clone()}</td>
                <td class="num">{d.unit_price_incl.clone()}</td>
                <td class="num">{d.quantity}</td>
                <td class="num" data-testid="work-order-total">{d.total_incl.clone()}</td>
                <td>{status_badge(locale, d.status)}</td>
            </tr></tbody>
        </table>
    }
}

/// The stage table's caption and columns, the provider's and the platform's.
pub(super) fn stage_head(locale: Locale) -> impl IntoView {
    view! {
        <caption class="sr-only">{locale.t("ms.title")}</caption>
        <thead><tr>
            <th>{locale.t("ms.stage")}</th><th>{locale.t("ms.period")}</th>
            <th>{locale.t("ms.standard")}</th><th>{locale.t("ms.remarks")}</th>
            <th>{locale.t("ms.status")}</th><th>{locale.t("common.actions")}</th>
        </tr></thead>
    }
}

/// A stage's status, with its answer deadline while the customer has it.
pub(super) fn stage_status(locale: Locale, m: &MilestoneView) -> impl IntoView {
    view! {
        <span class=format!("status ms-{}", m.status.as_db())>{locale.t(m.status.label_key())}</span>
        {m.seconds_left.map(|left| view! {
            <p class="muted small" data-testid="stage-deadline">
                {locale.t("acc.deadline")} " " {m.due.clone()} " · " {super::acceptance_pages::remaining(locale, left)}
            </p>
        })}
    }
}

/// A stage's remarks, and why the customer rejected it last.
pub(super) fn stage_remarks(locale: Locale, m: &MilestoneView) -> impl IntoView {
    view! {
        {m.remarks.clone()}
        {(!m.reject_reason.is_empty()).then(|| view! {
            <p class="field-error">{locale.t("ms.rejected_because")} ": " {m.reject_reason.clone()}</p>
        })}
    }
}

/// 接单, or decline with a reason.
#[component]
fn AnswerActions(no: String, detail: Resource<Result<WorkOrderDetail, AppError>>) -> impl IntoView {
    let locale = use_locale();
    let accept = ServerAction::<AcceptWorkOrder>::new();
    let decline = ServerAction::<DeclineWorkOrder>::new();
    refetch_on_success(accept, detail);
    refetch_on_success(decline, detail);
    let accept_feedback = feedback("accept", accept.value());
    let decline_feedback = feedback("decline", decline.value());
    let open = move || decline_feedback.with(|f| f.error("reason").is_some());
    let no_for_decline = no.clone();
    view! {
        <div class="actions-bar">
            <FormMessage feedback=accept_feedback />
            <ActionForm action=accept attr:class="inline">
                <input type="hidden" name="no" value=no />
                <button type="submit" class="button primary" disabled=move || accept.pending().get()>
                    {locale.t("wo.accept")}
                </button>
            </ActionForm>
            <details class="inline-details" open=open>
                <summary class="button danger">{locale.t("wo.decline")}</summary>
                <ActionForm action=decline attr:class="form card">
                    <FormMessage feedback=decline_feedback />
                    <input type="hidden" name="no" value=no_for_decline />
                    <label class="field">
                        <span>{locale.t("wo.decline_reason")} " *"</span>
                        <textarea name="reason" rows="3" maxlength="2000" inner_html=move || crate::kit::forms::text_html(&decline_feedback.with(|f| f.value("reason")))></textarea>
                        <FieldMessage feedback=decline_feedback field="reason" />
                    </label>
                    <button type="submit" class="button danger" disabled=move || decline.pending().get()>
                        {locale.t("wo.decline_confirm")}
                    </button>
                </ActionForm>
            </details>
        </div>
    }
}

/// Whether the page was reloaded to show `form`'s errors, so its folded editor opens.
fn reopened(form: String) -> bool {
    use_query_map().read_untracked().get("form") == Some(form)
}

/// 更改验收联系人: who answers the acceptance links; a stage awaiting an answer is sent
/// again to the new contact.
#[component]
fn ContactForm(
    no: String,
    name: String,
    email: String,
    detail: Resource<Result<WorkOrderDetail, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let change = ServerAction::<ChangeAcceptanceContact>::new();
    refetch_on_success(change, detail);
    let fb = feedback("contact", change.value());
    let reloaded = move || fb.with(|f| !f.values.is_empty());
    let initial = move |field: &str, current: &str| {
        if reloaded() {
            fb.with(|f| f.value(field))
        } else {
            current.to_owned()
        }
    };
    view! {
        <details class="editor" open=reopened("contact".to_owned())>
            <summary class="button small">{locale.t("wo.contact_change")}</summary>
            <ActionForm action=change attr:class="form card" attr:data-form="contact">
                <FormMessage feedback=fb />
                <p class="muted">{locale.t("wo.contact_change_lead")}</p>
                <input type="hidden" name="no" value=no />
                <label class="field">
                    <span>{locale.t("wo.contact_name")}</span>
                    <input type="text" name="name" maxlength="100" value=initial("name", &name) />
                    <FieldMessage feedback=fb field="name" />
                </label>
                <label class="field">
                    <span>{locale.t("wo.contact_email")} " *"</span>
                    <input type="email" name="email" maxlength="254" value=initial("email", &email) />
                    <FieldMessage feedback=fb field="email" />
                </label>
                <button type="submit" class="button primary" disabled=move || change.pending().get()>
                    {locale.t("common.save")}
                </button>
            </ActionForm>
        </details>
    }
}

/// 交付里程碑: the stages, their moves, and the editor (§3.1.3).
#[component]
fn Milestones(
    no: String,
    milestones: Vec<MilestoneView>,
    editable: bool,
    detail: Resource<Result<WorkOrderDetail, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let command = ServerAction::<RunMilestoneCommand>::new();
    refetch_on_success(command, detail);
    let command_feedback = feedback("milestones", command.value());
    let count = milestones.len() as i64;
    view! {
        <FormMessage feedback=command_feedback />
        {if milestones.is_empty() {
            view! { <div class="empty-state"><p>{locale.t("ms.empty")}</p></div> }.into_any()
        } else {
            view! {
                <table class="table" data-testid="milestones">
                    {stage_head(locale)}
                    <tbody>
                        {milestones.into_iter().map(|m| view! {
                            <MilestoneRow no=no.clone() m editable last=count command detail />
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {editable.then(|| view! {
            <details class="editor" open=reopened("milestone-new".to_owned())>
                <summary class="button">{locale.t("ms.add")}</summary>
                <MilestoneForm no=no.clone() m=None detail />
            </details>
        })}
    }
}

#[component]
fn MilestoneRow(
    no: String,
    m: MilestoneView,
    editable: bool,
    last: i64,
    command: ServerAction<RunMilestoneCommand>,
    detail: Resource<Result<WorkOrderDetail, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let can_edit = editable && m.status.editable();
    let next = match m.status {
        MilestoneStatus::NotStarted => Some("ms.start"),
        MilestoneStatus::InProgress => Some("ms.submit"),
        _ => None,
    };
    let resendable = m.status.apply(MilestoneAction::Resend).is_ok();
    let no_for_form = no.clone();
    let button = move |cmd: &'static str, label: &'static str, class: &'static str| {
        let no = no.clone();
        view! {
            <ActionForm action=command attr:class="inline">
                <input type="hidden" name="no" value=no />
                <input type="hidden" name="id" value=m.id.to_string() />
                <input type="hidden" name="command" value=cmd />
                <button type="submit" class=class disabled=move || command.pending().get()>{locale.t(label)}</button>
            </ActionForm>
        }
    };
    view! {
        <tr data-stage=m.position.to_string()>
            <td>{m.position}</td>
            <td>{m.period.clone()}</td>
            <td>
                {m.standard.clone()}
                <Evidence no=no_for_form.clone() m=m.clone() can_edit />
            </td>
            <td>{stage_remarks(locale, &m)}</td>
            <td>{stage_status(locale, &m)}</td>
            <td class="row-actions">
                {if editable && (next.is_some() || can_edit || resendable) {
                    view! {
                        {next.map(|label| button("Advance", label, "button small primary"))}
                        {resendable.then(|| button("Resend", "ms.resend", "button small"))}
                        {(can_edit && m.position > 1).then(|| button("Up", "ms.up", "button small"))}
                        {(can_edit && m.position < last).then(|| button("Down", "ms.down", "button small"))}
                        {can_edit.then(|| view! {
                            <details class="inline-details" open=reopened(format!("milestone-{}", m.id))>
                                <summary class="button small">{locale.t("common.edit")}</summary>
                                <MilestoneForm no=no_for_form.clone() m=Some(m.clone()) detail />
                            </details>
                            <details class="inline-details">
                                <summary class="button small danger">{locale.t("common.delete")}</summary>
                                <div class="card confirm">
                                    <p>{locale.t("ms.delete_confirm")}</p>
                                    {button("Delete", "common.delete_confirm", "button small danger")}
                                </div>
                            </details>
                        })}
                    }.into_any()
                } else {
                    view! { <span class="muted">{locale.t("common.none")}</span> }.into_any()
                }}
            </td>
        </tr>
    }
}

/// A stage's evidence files, and (while it is open) a plain multipart form to add one.
#[component]
fn Evidence(no: String, m: MilestoneView, can_edit: bool) -> impl IntoView {
    let locale = use_locale();
    let form = format!("evidence-{}", m.id);
    let query = use_query_map();
    let error = query.with_untracked(|q| {
        (q.get_str("form") == Some(form.as_str()))
            .then(|| q.get("e.file"))
            .flatten()
    });
    let files = m.files.clone();
    view! {
        {(!files.is_empty()).then(|| view! {
            <ul class="files">
                {files.into_iter().map(|f| view! {
                    <li>
                        <a rel="external" download href=format!("/orders/{no}/files/{}", f.id)>{f.name}</a>
                        " " <span class="muted">{f.size}</span>
                    </li>
                }).collect_view()}
            </ul>
        })}
        {can_edit.then(|| view! {
            <details class="inline-details" open=error.is_some()>
                <summary class="button small">{locale.t("ev.upload")}</summary>
                <form class="form card" method="post" enctype="multipart/form-data"
                    action=format!("/orders/{no}/milestones/{}/files", m.id)>
                    <label class="field">
                        <span>{locale.t("ev.file")}</span>
                        <input type="file" name="file" accept=".pdf,.png,.jpg,.jpeg,.zip,.docx,.xlsx,.pptx" />
                        {error.clone().map(|code| view! { <span class="field-error" role="alert">{locale.t_dyn(&code)}</span> })}
                    </label>
                    <crate::kit::forms::UploadProgress />
                    <button type="submit" class="button small primary">{locale.t("ev.upload")}</button>
                </form>
            </details>
        })}
    }
}

/// Adds a stage (`m` = None) or edits one; field errors next to the fields, input kept.
#[component]
fn MilestoneForm(
    no: String,
    m: Option<MilestoneView>,
    detail: Resource<Result<WorkOrderDetail, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let save = ServerAction::<SaveMilestone>::new();
    refetch_on_success(save, detail);
    let id = m.as_ref().map(|m| m.id).unwrap_or(0);
    let form = if id > 0 {
        format!("milestone-{id}")
    } else {
        "milestone-new".to_owned()
    };
    let fb = feedback(form.clone(), save.value());
    let reloaded = move || fb.with(|f| !f.values.is_empty());
    let initial = move |field: &str, current: &str| {
        if reloaded() {
            fb.with(|f| f.value(field))
        } else {
            current.to_owned()
        }
    };
    let m = m.unwrap_or(MilestoneView {
        id: 0,
        position: 0,
        period: String::new(),
        period_start: String::new(),
        period_end: String::new(),
        standard: String::new(),
        remarks: String::new(),
        status: MilestoneStatus::NotStarted,
        reject_reason: String::new(),
        due: String::new(),
        seconds_left: None,
        files: Vec::new(),
    });
    view! {
        <ActionForm action=save attr:class="form card milestone-form" attr:data-form=form>
            <FormMessage feedback=fb />
            <input type="hidden" name="no" value=no />
            <input type="hidden" name="id" value=id.to_string() />
            <div class="row">
                <label class="field">
                    <span>{locale.t("ms.period_start")} " *"</span>
                    <input type="date" name="period_start" value=initial("period_start", &m.period_start) />
                    <FieldMessage feedback=fb field="period_start" />
                </label>
                <label class="field">
                    <span>{locale.t("ms.period_end")}</span>
                    <input type="date" name="period_end" value=initial("period_end", &m.period_end) />
                    <FieldMessage feedback=fb field="period_end" />
                </label>
            </div>
            <label class="field">
                <span>{locale.t("ms.standard")} " *"</span>
                <textarea name="standard" rows="2" maxlength="2000" inner_html=crate::kit::forms::text_html(&initial("standard", &m.standard))></textarea>
                <FieldMessage feedback=fb field="standard" />
            </label>
            <label class="field">
                <span>{locale.t("ms.remarks")}</span>
                <textarea name="remarks" rows="2" maxlength="2000" inner_html=crate::kit::forms::text_html(&initial("remarks", &m.remarks))></textarea>
                <FieldMessage feedback=fb field="remarks" />
            </label>
            <button type="submit" class="button primary" disabled=move || save.pending().get()>
                {locale.t("common.save")}
            </button>
        </ActionForm>
    }
}

/// The work order's history; a 代客户验收's evidence downloads from `evidence_base`/<id>
/// (the provider's route or the platform's).
#[component]
pub(super) fn History(events: Vec<EventView>, evidence_base: String) -> impl IntoView {
    let locale = use_locale();
    if events.is_empty() {
        return view! { <div class="empty-state"><p>{locale.t("wo.history.empty")}</p></div> }
            .into_any();
    }
    let status_text = move |value: &str| {
        WorkOrderStatus::from_db(value)
            .map(|s| locale.t(s.label_key()))
            .or_else(|| MilestoneStatus::from_db(value).map(|s| locale.t(s.label_key())))
            .unwrap_or("")
    };
    view! {
        <table class="table" data-testid="history">
            <caption class="sr-only">{locale.t("wo.history")}</caption>
            <thead><tr>
                <th>{locale.t("home.activity.at")}</th><th>{locale.t("home.activity.actor")}</th>
                <th>{locale.t("home.activity.action")}</th><th>{locale.t("ms.stage")}</th>
                <th>{locale.t("wo.history.change")}</th><th>{locale.t("wo.history.reason")}</th>
            </tr></thead>
            <tbody>
                {events.into_iter().map(|e| {
                    let change = if e.from_status.is_empty() && e.to_status.is_empty() {
                        String::new()
                    } else {
                        format!("{} → {}", status_text(&e.from_status), status_text(&e.to_status))
                    };
                    view! {
                        <tr>
                            <td>{e.at}</td>
                            <td>{if e.other_provider {
                                locale.t("wo.history.other_provider").to_owned()
                            } else if e.actor.is_empty() {
                                // Nobody's move: the system's (自动验收).
                                locale.t("wo.history.system").to_owned()
                            } else {
                                e.actor
                            }}</td>
                            <td>{locale.t_dyn(&format!("wo.event.{}", e.action))}</td>
                            <td>{e.milestone_no.map(|n| n.to_string()).unwrap_or_default()}</td>
                            <td>{change}</td>
                            <td>
                                {if e.action == "auto_accept" {
                                    locale.t("wo.history.auto_reason").to_owned()
                                } else {
                                    e.reason
                                }}
                                {e.file.map(|f| view! {
                                    <br />
                                    <a rel="external" download data-testid="acceptance-evidence"
                                        href=format!("{evidence_base}/{}", f.id)>{f.name}</a>
                                    " " <span class="muted">{f.size}</span>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
