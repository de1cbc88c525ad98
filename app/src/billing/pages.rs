//! 分账管理 pages: the list with its summary cards (§6.1.1) and the bill (§6.1.2–6.1.3), for
//! the provider, and the parts the platform's pages share (`platform_pages`). Filters are GET forms, moves are ActionForms, exports and
//! the document are plain downloads: all of it works without JavaScript.

use super::api::*;
use super::model::BillStatus;
use super::*;
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::{use_locale, Locale};
use crate::shell::{dash, href, ErrorPage};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

pub(super) fn status_badge(locale: Locale, status: BillStatus) -> impl IntoView {
    view! {
        <span class=format!("status bill-{}", status.as_db())>{locale.t(status.label_key())}</span>
    }
}

/// Amounts one per line, as the manual's cards show ¥ and $ apart.
fn amounts(values: Vec<String>) -> impl IntoView {
    if values.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    values
        .into_iter()
        .map(|v| view! { <span class="amount">{v}</span> })
        .collect_view()
        .into_any()
}

#[component]
fn SummaryCards(summary: TotalsView) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="cards" data-testid="bill-summary">
            <div class="card"><p class="card-label">{locale.t("bill.card.orders")}</p>
                <p class="card-value">{summary.orders} " " {locale.t("bill.unit.orders")}</p></div>
            <div class="card"><p class="card-label">{locale.t("bill.card.units")}</p>
                <p class="card-value">{summary.units} " " {locale.t("bill.unit.orders")}</p></div>
            <div class="card"><p class="card-label">{locale.t("bill.card.sales")}</p>
                <p class="card-value amounts">{amounts(summary.order_total)}</p></div>
            <div class="card"><p class="card-label">{locale.t("bill.card.paid")}</p>
                <p class="card-value amounts" data-testid="summary-paid">{amounts(summary.paid)}</p></div>
        </div>
    }
}

/// Filters, cards, table and pager; `base` is `/bills` or `/platform/bills`.
#[component]
pub(super) fn BillList(
    base: &'static str,
    page: BillListPage,
    providers: Option<Vec<(i64, String)>>,
) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let filters = move || {
        vec![
            ("provider", param("provider")),
            ("status", param("status")),
            ("from", param("from")),
            ("to", param("to")),
        ]
    };
    let export_pairs = filters();
    // The pager's links keep the filters and the size chosen.
    let mut kept = filters();
    kept.push(("per", param("per")));
    let status = param("status");
    view! {
        <SummaryCards summary=page.summary.clone() />
        <form method="get" action=base class="filters" autocomplete="off" role="search">
            {providers.map(|providers| {
                let chosen = param("provider");
                view! {
                    <label class="field">
                        <span>{locale.t("bill.provider")}</span>
                        <select name="provider">
                            <option value="">{locale.t("common.all")}</option>
                            {providers.into_iter().map(|(id, name)| {
                                let selected = chosen == id.to_string();
                                view! { <option value=id.to_string() selected=selected>{name}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }
            })}
            <label class="field">
                <span>{locale.t("bill.filter.from")}</span>
                <input type="date" name="from" value=param("from") />
            </label>
            <label class="field">
                <span>{locale.t("bill.filter.to")}</span>
                <input type="date" name="to" value=param("to") />
            </label>
            <crate::kit::dates::QuickRanges />
            <label class="field">
                <span>{locale.t("bill.column.status")}</span>
                <select name="status">
                    <option value="">{locale.t("common.all")}</option>
                    {BillStatus::all().map(|s| {
                        let selected = status == s.as_db();
                        view! { <option value=s.as_db() selected=selected>{locale.t(s.label_key())}</option> }
                    }).collect_view()}
                </select>
            </label>
            <input type="hidden" name="per" value=param("per") />
            <button type="submit" class="button primary">{locale.t("common.search")}</button>
            <a class="button" href=base>{locale.t("common.clear")}</a>
            <span class="spacer"></span>
            <a class="button" rel="external" download href=href(&format!("{base}/export.csv"), &export_pairs)>
                {locale.t("bill.export_csv")}
            </a>
            <a class="button" rel="external" download href=href(&format!("{base}/export.xlsx"), &export_pairs)>
                {locale.t("bill.export_xlsx")}
            </a>
        </form>
        {if page.rows.is_empty() {
            view! { <div class="empty-state"><p>{locale.t("bill.empty")}</p></div> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="table" data-testid="bills">
                        <caption class="sr-only">{locale.t("bill.title")}</caption>
                        <thead><tr>
                            <th>{locale.t("bill.column.company")}</th>
                            <th>{locale.t("bill.column.no")}</th>
                            <th>{locale.t("bill.column.period")}</th>
                            <th class="num">{locale.t("bill.column.orders")}</th>
                            <th class="num">{locale.t("bill.column.total")}</th>
                            <th class="num">{locale.t("bill.column.paid")}</th>
                            <th>{locale.t("bill.column.status")}</th>
                            <th>{locale.t("common.actions")}</th>
                        </tr></thead>
                        <tbody>
                            {page.rows.into_iter().map(|row| {
                                let detail = format!("{base}/{}", row.bill_no);
                                let pdf = format!("{base}/{}/bill.pdf", row.bill_no);
                                view! {
                                    <tr data-bill=row.bill_no.clone()>
                                        <td>{row.provider}</td>
                                        <td class="mono">{row.bill_no.clone()}</td>
                                        <td class="nowrap">{row.period}</td>
                                        <td class="num">{row.orders}</td>
                                        <td class="num nowrap" data-testid="row-total">{row.order_total}</td>
                                        <td class="num nowrap" data-testid="row-paid">{row.paid}</td>
                                        <td>{status_badge(locale, row.status)}</td>
                                        <td class="nowrap">
                                            <A href=detail>{locale.t("bill.view")}</A>
                                            " · "
                                            <a href=pdf rel="external" download>{locale.t("bill.download")}</a>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {(page.count > 0).then(|| view! {
            <crate::kit::pager::Pager path=base params=kept page=page.page pages=page.pages
                per_page=page.per_page sizes=&crate::kit::pager::SIZES total=page.count />
        })}
    }
}

/// The provider's 分账管理 list.
#[component]
pub fn BillListPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let data = crate::kit::request_cache::page_resource(
        move || {
            (
                param("status"),
                param("from"),
                param("to"),
                param("page"),
                param("per"),
            )
        },
        |(status, from, to, page, per)| {
            list_bills(status, from, to, page, (!per.is_empty()).then_some(per))
        },
    );
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.bills") />
        <section class="page">
            <h1>{locale.t("bill.title")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <BillList base="/bills" page providers=None /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn BillDetailPage() -> impl IntoView {
    detail_page(false, None)
}

/// The moves a realm offers above the bill (the platform's), drawn from the bill on show.
pub(super) type Actions = fn(BillDetail, Resource<Result<BillDetail, AppError>>) -> AnyView;

/// The bill's page, the platform's (`platform`) or the provider's, with `actions` if any.
pub(super) fn detail_page(platform: bool, actions: Option<Actions>) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let no = crate::kit::params::path_text("no");
    let key = move || {
        let query = query.read();
        (
            platform,
            no(),
            query.get("page").unwrap_or_default(),
            query.get("line").unwrap_or_default(),
        )
    };
    let detail =
        crate::kit::request_cache::page_resource(key, |(platform, no, page, line)| async move {
            if platform {
                get_platform_bill(no, page, line).await
            } else {
                get_bill(no, page, line).await
            }
        });
    let base = if platform {
        "/platform/bills"
    } else {
        "/bills"
    };
    let list_title = if platform {
        "nav.platform.bills"
    } else {
        "nav.bills"
    };
    view! {
        <section class="page">
            <p class="breadcrumb"><A href=base>{locale.t(list_title)}</A> " / " {no}</p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <Bill d detail actions base /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Bill(
    d: BillDetail,
    detail: Resource<Result<BillDetail, AppError>>,
    actions: Option<Actions>,
    base: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    let no = d.bill_no.clone();
    let exports = format!("{base}/{no}");
    view! {
        <crate::kit::title::PageTitle text=format!("{} {}", locale.t("bill.detail"), d.bill_no) />
        <div class="detail-head">
            <h1>{locale.t("bill.detail")}</h1>
            <span data-testid="bill-status">{status_badge(locale, d.status)}</span>
            <span class="spacer"></span>
            <a class="button" rel="external" download href=format!("{exports}/export.csv")>{locale.t("bill.export_csv")}</a>
            <a class="button" rel="external" download href=format!("{exports}/export.xlsx")>{locale.t("bill.export_xlsx")}</a>
            <a class="button" rel="external" download href=format!("{exports}/bill.pdf")>{locale.t("bill.download")}</a>
        </div>
        <Progress steps=d.steps.clone() status=d.status />
        {d.dispute.clone().map(|dispute| view! {
            <div class="notice warn" data-testid="bill-dispute">
                <strong>{locale.t("bill.dispute")}</strong> " · " {dispute.actor} " · " {dispute.at}
                <p>{dispute.reason}</p>
                {(!dispute.lines.is_empty()).then(|| view! {
                    <p class="small">{locale.t("bill.disputed_lines")} ": " <span class="mono">{dispute.lines.join(", ")}</span></p>
                })}
            </div>
        })}
        {d.payout.clone().map(|payout| view! {
            <div class="notice ok" data-testid="bill-payout">
                {locale.t("bill.payout_done")} ": " {payout.amounts.join(" / ")} " · "
                {locale.t("bill.payout_reference")} " " <span class="mono">{payout.reference}</span> " · " {payout.date}
            </div>
        })}
        {d.can_answer.then(|| view! { <AnswerActions d=d.clone() detail /> })}
        {actions.map(|actions| actions(d.clone(), detail))}
        <article class="bill-document">
            <header class="bill-head">
                <div>
                    <p class="bill-brand">{locale.t("bill.document_title")}</p>
                    <p class="muted small">{locale.t("bill.printed_at")} ": " {d.printed_at.clone()}</p>
                    <p class="muted small" data-testid="bill-zone">{locale.tf("bill.zone_note", &[("zone", &locale.t_dyn(&d.time_zone_key))])}</p>
                    <p>{locale.t("bill.column.no")} ": " <span class="mono" data-testid="bill-no">{d.bill_no.clone()}</span>
                        {(d.version > 1).then(|| view! { <span class="muted small">" · v" {d.version}</span> })}</p>
                </div>
                <div class="bill-amounts" data-testid="bill-amounts">{amounts(d.totals.paid.clone())}</div>
            </header>
            <p class="small">
                {locale.t("bill.receiver")} ": " {d.provider.clone()} "　"
                {locale.t("bill.payer")} ": " <span data-testid="bill-payer">{dash(d.payer_name.clone())}</span> "　"
                {locale.t("bill.contact")} ": " {dash(d.payer_contact.clone())}
            </p>
            <h2>{locale.t("bill.statistics")}</h2>
            <dl class="facts two">
                <dt>{locale.t("bill.provider")}</dt><dd>{d.provider.clone()}</dd>
                <dt>{locale.t("bill.column.period")}</dt><dd>{d.period.clone()}</dd>
                <dt>{locale.t("bill.admin")}</dt><dd>{dash(d.admin_name.clone())}</dd>
                <dt>{locale.t("bill.amount")}</dt><dd>{amounts(d.totals.paid.clone())}</dd>
                <dt>{locale.t("bill.tier")}</dt><dd data-testid="bill-tier">{dash(d.tier.clone())}</dd>
                <dt>{locale.t("bill.card.orders")}</dt><dd>{d.totals.orders}</dd>
                <dt>{locale.t("bill.business_owner")}</dt><dd>{dash(d.business_owner.clone())}</dd>
                <dt>{locale.t("bill.units")}</dt><dd>{d.totals.units}</dd>
                <dt>{locale.t("bill.address")}</dt><dd>{dash(d.provider_address.clone())}</dd>
                <dt>{locale.t("bill.card.sales")}</dt><dd>{amounts(d.totals.order_total.clone())}</dd>
            </dl>
            <ReceiverDetails receiver=d.receiver.clone() />
            <h2 id="lines">{locale.t("bill.lines")}</h2>
            <LineSearch d=d.clone() base />
            <LineTable d=d.clone() />
            <LinePager d=d.clone() base />
        </article>
        {(!d.revisions.is_empty()).then(|| view! { <Revisions revisions=d.revisions.clone() /> })}
        <h2>{locale.t("bill.history")}</h2>
        <History events=d.history.clone() />
    }
}

/// 收款信息: the payee's contact, payout account (masked) and invoice details as they were
/// when the bill was generated.
#[component]
fn ReceiverDetails(receiver: crate::billing::Receiver) -> impl IntoView {
    let locale = use_locale();
    let dash = crate::shell::dash;
    let contact = receiver.contact_line();
    view! {
        <h2>{locale.t("bill.receiver_details")}</h2>
        <p class="muted small">{locale.t("bill.receiver_snapshot")}</p>
        <dl class="facts two" data-testid="bill-receiver">
            <dt>{locale.t("company.contact_name")}</dt><dd>{dash(contact)}</dd>
            <dt>{locale.t("company.bank_name")}</dt><dd>{dash(receiver.bank_name)}</dd>
            <dt>{locale.t("company.bank_account_name")}</dt><dd>{dash(receiver.account_name)}</dd>
            <dt>{locale.t("company.bank_account_no")}</dt>
            <dd class="mono" data-testid="bill-account">{dash(receiver.account_masked)}</dd>
            <dt>{locale.t("company.invoice_title")}</dt><dd>{dash(receiver.invoice_title)}</dd>
            <dt>{locale.t("company.tax_number")}</dt><dd class="mono">{dash(receiver.tax_number)}</dd>
        </dl>
    }
}

/// Finds a line by its 订单编号 (a GET form: works without JavaScript).
#[component]
fn LineSearch(d: BillDetail, base: &'static str) -> impl IntoView {
    let locale = use_locale();
    let action = format!("{base}/{}", d.bill_no);
    let clear = action.clone();
    let searched = !d.line_filter.is_empty();
    view! {
        <form method="get" action=action class="filters" autocomplete="off" role="search">
            <label class="field">
                <span>{locale.t("bill.line.search")}</span>
                <input type="search" name="line" maxlength="100" value=d.line_filter.clone()
                    class="mono" />
            </label>
            <button type="submit" class="button">{locale.t("common.search")}</button>
            {searched.then(move || view! { <a class="button" href=clear>{locale.t("common.clear")}</a> })}
        </form>
    }
}

/// Where the page of lines sits in the bill, and the way to the pages around it.
#[component]
fn LinePager(d: BillDetail, base: &'static str) -> impl IntoView {
    let locale = use_locale();
    let path = format!("{base}/{}", d.bill_no);
    let link = move |page: i64| href(&path, &[("page", page.to_string())]);
    if !d.line_filter.is_empty() {
        let text = if d.lines_found == 0 {
            locale.t("bill.line.none").to_owned()
        } else {
            locale.tf(
                "bill.line.found",
                &[
                    ("no", &d.line_filter),
                    ("count", &d.lines_found.to_string()),
                ],
            )
        };
        return view! { <p class="muted" data-testid="line-pager">{text}</p> }.into_any();
    }
    let from = (d.line_page - 1) * LINES_PER_PAGE + 1;
    let to = (from + d.lines.len() as i64 - 1).max(0);
    let summary = locale.tf(
        "bill.line.pager",
        &[
            ("from", &from.min(d.lines_found).to_string()),
            ("to", &to.to_string()),
            ("count", &d.lines_found.to_string()),
        ],
    );
    view! {
        <nav class="pager" aria-label=locale.t("common.pages") data-testid="line-pager">
            <span class="muted">{summary}</span>
            {(d.line_page > 1).then(|| view! {
                <a class="button" href=link(d.line_page - 1) rel="prev">{locale.t("common.prev_page")}</a>
            })}
            <span>{format!("{} / {}", d.line_page, d.line_pages)}</span>
            {(d.line_page < d.line_pages).then(|| view! {
                <a class="button" href=link(d.line_page + 1) rel="next">{locale.t("common.next_page")}</a>
            })}
        </nav>
    }
    .into_any()
}

#[component]
fn LineTable(d: BillDetail) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="bill-lines">
                <caption class="sr-only">{locale.t("bill.lines")}</caption>
                <thead><tr>
                    <th>{locale.t("bill.line.order_no")}</th>
                    <th>{locale.t("bill.line.order_status")}</th>
                    <th class="num">{locale.t("bill.line.order_total")}</th>
                    <th>{locale.t("bill.line.product")}</th>
                    <th class="num">{locale.t("bill.line.quantity")}</th>
                    <th>{locale.t("bill.line.traded_at")}</th>
                    <th class="num">{locale.t("bill.line.paid")}</th>
                </tr></thead>
                <tbody>
                    {d.lines.into_iter().map(|line| view! {
                        <tr class:disputed=line.disputed>
                            <td class="mono">{line.order_no}</td>
                            <td>{line.order_status.map(|s| locale.t(s.label_key())).unwrap_or("—")}</td>
                            <td class="num nowrap">{line.order_total}</td>
                            <td>{line.product}</td>
                            <td class="num">{line.quantity}</td>
                            <td class="nowrap">{line.traded_at}</td>
                            <td class="num nowrap">{line.paid}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th colspan="2">{locale.t("bill.line.totals")}</th>
                        <th class="num nowrap" data-testid="total-order">{amounts(d.totals.order_total)}</th>
                        <th></th>
                        <th class="num">{d.totals.units}</th>
                        <th></th>
                        <th class="num nowrap" data-testid="total-paid">{amounts(d.totals.paid)}</th>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

/// 未分账 → 确认中 → 待打款 → 已完成, each step with who and when.
#[component]
fn Progress(steps: Vec<StepView>, status: BillStatus) -> impl IntoView {
    let locale = use_locale();
    let current = status.progress_step();
    view! {
        <ol class="progress" data-testid="bill-progress">
            {steps.into_iter().enumerate().map(|(i, step)| {
                let label = if i == 1 && status == BillStatus::Disputed {
                    locale.t(BillStatus::Disputed.label_key())
                } else {
                    locale.t(step.status.label_key())
                };
                view! {
                    <li class:done=i < current || (i == current && status == BillStatus::Completed)
                        class:current=i == current
                        class:disputed=i == 1 && status == BillStatus::Disputed>
                        <span class="step-label">{label}</span>
                        <span class="step-meta">{step.actor} " " {step.at}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn Revisions(revisions: Vec<RevisionView>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <h2>{locale.t("bill.revisions")}</h2>
        <div data-testid="bill-revisions">
            {revisions.into_iter().map(|r| {
                let shown = r.changes.len() as i64;
                view! {
                <section class="card revision">
                    <p><strong>"v" {r.version}</strong> " · " {r.actor} " · " {r.at}</p>
                    {(!r.note.is_empty()).then(|| view! { <p>{r.note.clone()}</p> })}
                    {if r.changes.is_empty() {
                        view! { <p class="muted">{locale.t("bill.change.none")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="changes">
                                {r.changes.into_iter().map(|c| view! {
                                    <li>
                                        {locale.t_dyn(&c.kind)} " " <span class="mono">{c.order_no}</span> " "
                                        {(!c.before.is_empty()).then(|| view! { <del>{c.before.clone()}</del> })}
                                        {(!c.before.is_empty() && !c.after.is_empty()).then_some(" → ")}
                                        {(!c.after.is_empty()).then(|| view! { <ins>{c.after.clone()}</ins> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                            {(r.changes_total > shown).then(|| view! {
                                <p class="muted small">{locale.tf("bill.change.more", &[("count", &(r.changes_total - shown).to_string())])}</p>
                            })}
                        }.into_any()
                    }}
                </section>
            }}).collect_view()}
        </div>
    }
}

#[component]
fn History(events: Vec<BillEventView>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="bill-history">
                <caption class="sr-only">{locale.t("bill.history")}</caption>
                <thead><tr>
                    <th>{locale.t("home.activity.at")}</th><th>{locale.t("home.activity.actor")}</th>
                    <th>{locale.t("home.activity.action")}</th><th>{locale.t("bill.version")}</th>
                    <th>{locale.t("wo.history.reason")}</th>
                </tr></thead>
                <tbody>
                    {events.into_iter().map(|e| view! {
                        <tr>
                            <td class="nowrap">{e.at}</td>
                            <td>{e.actor}</td>
                            <td>{locale.t_dyn(&e.action)}</td>
                            <td>"v" {e.version}</td>
                            <td>{e.reason}
                                {(!e.disputed_lines.is_empty()).then(|| view! {
                                    <span class="muted small">" (" <span class="mono">{e.disputed_lines.clone()}</span> ")"</span>
                                })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// 确认账单, or 驳回 with a reason and the lines in dispute.
#[component]
fn AnswerActions(d: BillDetail, detail: Resource<Result<BillDetail, AppError>>) -> impl IntoView {
    let locale = use_locale();
    let confirm = ServerAction::<ConfirmBill>::new();
    let reject = ServerAction::<RejectBill>::new();
    refetch_on_success(confirm, detail);
    refetch_on_success(reject, detail);
    let confirm_feedback = feedback("confirm-bill", confirm.value());
    let reject_feedback = feedback("reject-bill", reject.value());
    let open = move || {
        reject_feedback.with(|f| f.error("reason").is_some() || f.error("disputed_nos").is_some())
    };
    let no = d.bill_no.clone();
    let no_for_reject = d.bill_no.clone();
    // Ticked before a refusal without JavaScript (with it, the boxes keep their state).
    let ticked = reject_feedback.with_untracked(|f| f.value("disputed"));
    let choices = d
        .lines
        .iter()
        .map(|line| {
            let checked = ticked.split(',').any(|no| no == line.order_no);
            view! {
                <label class="check">
                    <input type="checkbox" name=format!("disputed[o{}]", line.order_no) value="on" checked=checked />
                    <span class="mono">{line.order_no.clone()}</span> " " {line.paid.clone()}
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="actions-bar">
            <FormMessage feedback=confirm_feedback />
            <ActionForm action=confirm attr:class="inline">
                <input type="hidden" name="no" value=no />
                <button type="submit" class="button primary" disabled=move || confirm.pending().get()>
                    {locale.t("bill.confirm")}
                </button>
            </ActionForm>
            <details class="inline-details" open=open>
                <summary class="button danger">{locale.t("bill.reject")}</summary>
                <ActionForm action=reject attr:class="form card">
                    <FormMessage feedback=reject_feedback />
                    <input type="hidden" name="no" value=no_for_reject />
                    <label class="field">
                        <span>{locale.t("bill.reject_reason")} " *"</span>
                        <textarea name="reason" rows="3" maxlength="2000" inner_html=move || crate::kit::forms::text_html(&reject_feedback.with(|f| f.value("reason")))></textarea>
                        <FieldMessage feedback=reject_feedback field="reason" />
                    </label>
                    <fieldset class="field">
                        <legend class="muted small">{locale.t("bill.disputed_lines_hint")}</legend>
                        {(d.line_pages > 1).then(|| view! { <p class="muted small">{locale.t("bill.disputed_page_hint")}</p> })}
                        {choices}
                    </fieldset>
                    <label class="field">
                        <span>{locale.t("bill.disputed_nos")}</span>
                        <textarea name="disputed_nos" rows="2" class="mono" inner_html=move || crate::kit::forms::text_html(&reject_feedback.with(|f| f.value("disputed_nos")))></textarea>
                        <FieldMessage feedback=reject_feedback field="disputed_nos" />
                    </label>
                    <button type="submit" class="button danger" disabled=move || reject.pending().get()>
                        {locale.t("bill.reject_confirm")}
                    </button>
                </ActionForm>
            </details>
        </div>
    }
}
