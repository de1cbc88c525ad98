//! The platform's 分账管理 pages: every provider's bills with the form that generates one, and
//! the bill with the platform's moves (send, revise after a 驳回, record the payout).

use super::api::*;
use super::model::BillStatus;
use super::pages::{detail_page, BillList};
use super::*;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::shell::ErrorPage;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The platform's bills, with the form that generates one.
#[component]
pub fn PlatformBillListPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let generate = ServerAction::<GenerateBill>::new();
    let data = crate::kit::request_cache::page_resource(
        move || {
            (
                param("provider"),
                param("status"),
                param("from"),
                param("to"),
                param("page"),
                param("per"),
                generate.version().get(),
            )
        },
        |(provider, status, from, to, page, per, _)| {
            let per = (!per.is_empty()).then_some(per);
            list_platform_bills(provider, status, from, to, page, per)
        },
    );
    let generated = feedback("generate-bill", generate.value());
    // With JavaScript, go straight to the new bill.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(no)) = generate.value().get() {
            navigate(&format!("/platform/bills/{no}"), Default::default());
        }
    });
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.bills") />
        <section class="page">
            <h1>{locale.t("nav.platform.bills")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => {
                            let providers = list.providers.clone();
                            view! {
                                <ActionForm action=generate attr:class="filters" attr:data-testid="generate-bill">
                                    <FormMessage feedback=generated />
                                    <label class="field">
                                        <span>{locale.t("bill.provider")} " *"</span>
                                        <select name="provider_id" required>
                                            <option value="">{locale.t("bill.choose_provider")}</option>
                                            {providers.iter().map(|(id, name)| {
                                                let id = id.to_string();
                                                let selected = generated.with_untracked(|f| f.value("provider_id")) == id;
                                                view! { <option value=id selected=selected>{name.clone()}</option> }
                                            }).collect_view()}
                                        </select>
                                        <FieldMessage feedback=generated field="provider_id" />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("bill.month")} " *"</span>
                                        <input type="month" name="month" required placeholder="2019-10"
                                            value=move || generated.with(|f| f.value("month")) />
                                        <FieldMessage feedback=generated field="month" />
                                    </label>
                                    <button type="submit" class="button primary" disabled=move || generate.pending().get()>
                                        {locale.t("bill.generate")}
                                    </button>
                                    <span class="muted small">{locale.t("bill.generate_hint")}</span>
                                </ActionForm>
                                <BillList base="/platform/bills" page=list.page providers=Some(list.providers) />
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
pub fn PlatformBillDetailPage() -> impl IntoView {
    detail_page(
        true,
        Some(|d, detail| view! { <PlatformActions d detail /> }.into_any()),
    )
}

/// The platform's moves: send, revise after a 驳回, record the payout.
#[component]
fn PlatformActions(d: BillDetail, detail: Resource<Result<BillDetail, AppError>>) -> impl IntoView {
    let locale = use_locale();
    let send = ServerAction::<SendBill>::new();
    let revise = ServerAction::<ReviseBill>::new();
    let payout = ServerAction::<RecordPayout>::new();
    refetch_on_success(send, detail);
    refetch_on_success(revise, detail);
    refetch_on_success(payout, detail);
    let send_feedback = feedback("send-bill", send.value());
    let revise_feedback = feedback("revise-bill", revise.value());
    let payout_feedback = feedback("record-payout", payout.value());
    let no = d.bill_no.clone();
    match d.status {
        BillStatus::Unsettled => view! {
            <div class="actions-bar">
                <FormMessage feedback=send_feedback />
                <ActionForm action=send attr:class="inline">
                    <input type="hidden" name="no" value=no />
                    <button type="submit" class="button primary" disabled=move || send.pending().get()>
                        {locale.t("bill.send")}
                    </button>
                </ActionForm>
            </div>
        }
        .into_any(),
        BillStatus::Disputed => view! {
            <ActionForm action=revise attr:class="form card" attr:data-testid="revise-bill">
                <h2>{locale.t("bill.revise")}</h2>
                <FormMessage feedback=revise_feedback />
                <input type="hidden" name="no" value=no />
                <table class="table">
                    <caption class="sr-only">{locale.t("bill.revise")}</caption>
                    <thead><tr>
                        <th>{locale.t("bill.line.order_no")}</th>
                        <th class="num">{locale.t("bill.line.paid")}</th>
                        <th>{locale.t("bill.revise_amount")}</th>
                        <th>{locale.t("bill.revise_remove")}</th>
                    </tr></thead>
                    <tbody>
                        {d.lines.iter().map(|line| {
                            let field = format!("amount_{}", line.id);
                            let typed = revise_feedback.with_untracked(|f| f.value(&field));
                            let current = line.paid_amount.clone();
                            let value = if typed.is_empty() { current } else { typed };
                            view! {
                                <tr class:disputed=line.disputed>
                                    <td class="mono">{line.order_no.clone()}</td>
                                    <td class="num nowrap">{line.paid.clone()}</td>
                                    <td>
                                        <input type="text" inputmode="decimal" name=format!("amount[l{}]", line.id)
                                            value=value aria-label=format!("{} {}", locale.t("bill.revise_amount"), line.order_no) />
                                        <FieldMessage feedback=revise_feedback field=field />
                                    </td>
                                    <td><input type="checkbox" name=format!("remove[l{}]", line.id) value="on"
                                        aria-label=format!("{} {}", locale.t("bill.revise_remove"), line.order_no) /></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <label class="field">
                    <span>{locale.t("bill.revise_note")} " *"</span>
                    <textarea name="reason" rows="2" maxlength="2000" inner_html=move || crate::kit::forms::text_html(&revise_feedback.with(|f| f.value("reason")))></textarea>
                    <FieldMessage feedback=revise_feedback field="reason" />
                </label>
                <button type="submit" class="button primary" disabled=move || revise.pending().get()>
                    {locale.t("bill.revise_send")}
                </button>
            </ActionForm>
        }
        .into_any(),
        BillStatus::AwaitingPayout => {
            let due = d.payout_due.clone();
            view! {
                <ActionForm action=payout attr:class="form card grid-form" attr:data-testid="record-payout">
                    <h2>{locale.t("bill.record_payout")}</h2>
                    <FormMessage feedback=payout_feedback />
                    <input type="hidden" name="no" value=no />
                    <label class="field">
                        <span>{locale.t("bill.payout_reference")} " *"</span>
                        <input type="text" name="payout_reference" maxlength="100"
                            value=move || payout_feedback.with(|f| f.value("payout_reference")) />
                        <FieldMessage feedback=payout_feedback field="payout_reference" />
                    </label>
                    <label class="field">
                        <span>{locale.t("bill.payout_date")} " *"</span>
                        <input type="date" name="payout_date"
                            value=move || payout_feedback.with(|f| f.value("payout_date")) />
                        <FieldMessage feedback=payout_feedback field="payout_date" />
                    </label>
                    {due.into_iter().map(|(code, amount)| {
                        let field: &'static str = if code == "USD" { "payout_usd" } else { "payout_cny" };
                        let typed = payout_feedback.with_untracked(|f| f.value(field));
                        let value = if typed.is_empty() { amount } else { typed };
                        view! {
                            <label class="field">
                                <span>{locale.t("bill.payout_amount")} " (" {code} ") *"</span>
                                <input type="text" inputmode="decimal" name=field value=value />
                                <FieldMessage feedback=payout_feedback field=field />
                            </label>
                        }
                    }).collect_view()}
                    <button type="submit" class="button primary" disabled=move || payout.pending().get()>
                        {locale.t("bill.record_payout")}
                    </button>
                </ActionForm>
            }
            .into_any()
        }
        _ => ().into_any(),
    }
}
