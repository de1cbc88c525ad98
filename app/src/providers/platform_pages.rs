//! 平台 › 服务提供商: the list (search by name, state, pages) and one provider's page with
//! 暂停 / 恢复.

use super::api::{
    platform_provider, platform_provider_list, DecideCompanyRename, ReinstateProvider,
    SuspendProvider,
};
use super::model::ProviderState;
use crate::kit::code::Code;
use crate::kit::forms::{feedback, refetch_on_success, ConfirmSubmit, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::kit::pager::{page_count, SIZES};
use crate::shell::ErrorPage;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const LIST: &str = "/platform/providers";

#[component]
pub fn PlatformProvidersPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |k: &str| query.read().get(k).unwrap_or_default();
    let list = crate::kit::request_cache::page_resource(
        move || (param("q"), param("state"), param("page"), param("per")),
        |(q, state, page, per)| platform_provider_list(q, state, page, per),
    );
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.providers") />
        <section class="page">
            <h1>{locale.t("nav.platform.providers")}</h1>
            {move || view! {
                <form method="get" action=LIST class="filters" autocomplete="off" role="search">
                    <label class="field grow">
                        <span>{locale.t("providers.search")}</span>
                        <input type="search" name="q" value=param("q") maxlength="100" placeholder=locale.t("providers.search_hint") />
                    </label>
                    <label class="field">
                        <span>{locale.t("providers.state")}</span>
                        <select name="state">
                            <option value="">{locale.t("common.all")}</option>
                            {ProviderState::all().map(|s| view! {
                                <option value=s.as_db() selected=param("state") == s.as_db()>{locale.t(s.label_key())}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <input type="hidden" name="per" value=param("per") />
                    <button type="submit" class="button primary">{locale.t("common.search")}</button>
                    <a class="button" href=LIST>{locale.t("common.clear")}</a>
                </form>
            }}
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(data) if data.rows.is_empty() => view! {
                            <PendingRenames renames=data.renames />
                            <div class="empty-state"><p>{locale.t("platform.providers.empty")}</p></div>
                        }.into_any(),
                        Ok(data) => {
                            let pages = page_count(data.total, data.per_page);
                            let kept = vec![("q", param("q")), ("state", param("state")), ("per", param("per"))];
                            view! {
                                <PendingRenames renames=data.renames />
                                <div class="table-wrap">
                                    <table class="table" data-testid="providers">
                                        <caption class="sr-only">{locale.t("nav.platform.providers")}</caption>
                                        <thead><tr>
                                            <th>{locale.t("platform.provider.name")}</th>
                                            <th>{locale.t("providers.responsible")}</th>
                                            <th>{locale.t("providers.tier")}</th>
                                            <th>{locale.t("home.members")}</th>
                                            <th>{locale.t("providers.state")}</th>
                                            <th>{locale.t("platform.provider.created")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {data.rows.into_iter().map(|row| view! {
                                                <tr>
                                                    <td><a href=format!("{LIST}/{}", row.id)>{row.name}</a></td>
                                                    <td>{row.responsible_person}</td>
                                                    <td>{row.tier}</td>
                                                    <td>{row.active_members}</td>
                                                    <td><span class=format!("status status-{}", row.state.as_db())>{locale.t(row.state.label_key())}</span></td>
                                                    <td>{row.created}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <crate::kit::pager::Pager path=LIST params=kept page=data.page pages per_page=data.per_page sizes=&SIZES total=data.total />
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// 待审核的名称变更: the providers waiting for a new name, each a link to its page.
#[component]
fn PendingRenames(renames: Vec<super::RenameView>) -> impl IntoView {
    let locale = use_locale();
    (!renames.is_empty()).then(|| {
        view! {
            <section class="card" data-testid="pending-renames">
                <h2>{locale.t("company.rename.pending_title")}</h2>
                <ul class="plain-list">
                    {renames.into_iter().map(|r| view! {
                        <li>
                            <a href=format!("{LIST}/{}#rename", r.provider_id)>{r.old_name}</a>
                            " → " {r.new_name} " · " <span class="muted small">{r.requested}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// A provider's name change: waiting, with 通过 and 驳回 (a reason required); or how the
/// last one was decided.
#[component]
fn RenameReview(
    rename: super::RenameView,
    decide: ServerAction<DecideCompanyRename>,
) -> impl IntoView {
    use super::company::RenameStatus;
    let locale = use_locale();
    let fb = feedback("rename_decision", decide.value());
    let change_id = rename.id;
    let facts = locale.tf(
        "company.rename.asked",
        &[
            ("old", &rename.old_name),
            ("new", &rename.new_name),
            ("at", &rename.requested),
            ("by", &rename.requested_by),
        ],
    );
    view! {
        <section class="card" id="rename" data-testid="rename-review">
            <h2>{locale.t("company.rename.title")}</h2>
            <p>{facts}</p>
            {match rename.status {
                RenameStatus::Pending => view! {
                        <FormMessage feedback=fb />
                        <ActionForm action=decide attr:class="inline-form" attr:data-testid="approve-rename">
                            <input type="hidden" name="change_id" value=change_id />
                            <input type="hidden" name="decision" value="approve" />
                            <input type="hidden" name="reason" value="" />
                            <button type="submit" class="button primary">{locale.t("company.rename.approve")}</button>
                        </ActionForm>
                        <ActionForm action=decide attr:class="form narrow-form" attr:data-testid="reject-rename">
                            <input type="hidden" name="change_id" value=change_id />
                            <input type="hidden" name="decision" value="reject" />
                            <label class="field"><span>{locale.t("company.rename.reject_reason")} " *"</span>
                                <textarea name="reason" rows="2" maxlength="500" inner_html=move || crate::kit::forms::text_html(&fb.with(|f| f.value("reason")))></textarea>
                                <FieldMessage feedback=fb field="reason" /></label>
                            <button type="submit" class="button">{locale.t("company.rename.reject")}</button>
                        </ActionForm>
                }.into_any(),
                status => view! {
                    <p data-testid="rename-status">
                        <span class=format!("status status-{}", status.as_db())>{locale.t(status.label_key())}</span>
                        " " {rename.decided.clone()} " " <span class="prewrap">{rename.reason.clone()}</span>
                    </p>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
pub fn PlatformProviderPage() -> impl IntoView {
    let locale = use_locale();
    let id = crate::kit::params::path_id("id");
    let data = crate::kit::request_cache::page_resource(id, platform_provider);
    let suspend = ServerAction::<SuspendProvider>::new();
    let reinstate = ServerAction::<ReinstateProvider>::new();
    let decide = ServerAction::<DecideCompanyRename>::new();
    refetch_on_success(decide, data);
    refetch_on_success(suspend, data);
    refetch_on_success(reinstate, data);
    let suspend_fb = feedback("suspend", suspend.value());
    let reinstate_fb = feedback("reinstate", reinstate.value());
    view! {
        <section class="page">
            <p class="breadcrumb"><a href=LIST>{locale.t("nav.platform.providers")}</a> " / " {move || id().to_string()}</p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(p) => {
                            let provider_id = p.id.to_string();
                            let standing = match p.state {
                                ProviderState::Active => view! {
                                    <ActionForm action=suspend attr:class="form card narrow-form" attr:data-testid="suspend-provider">
                                        <h2>{locale.t("providers.suspend")}</h2>
                                        <p class="muted">{locale.t("providers.suspend_hint")}</p>
                                        <FormMessage feedback=suspend_fb />
                                        <input type="hidden" name="provider_id" value=provider_id.clone() />
                                        <label class="field"><span>{locale.t("providers.reason")} " *"</span>
                                            <textarea name="reason" rows="3" maxlength="500" inner_html=move || crate::kit::forms::text_html(&suspend_fb.with(|f| f.value("reason")))></textarea>
                                            <FieldMessage feedback=suspend_fb field="reason" /></label>
                                        <ConfirmSubmit label="providers.suspend" question="providers.suspend_question" confirm="providers.suspend_confirm" />
                                    </ActionForm>
                                }.into_any(),
                                ProviderState::Suspended => view! {
                                    <div class="notice warn" data-testid="suspended">
                                        <p>{locale.tf("providers.suspended_since", &[("at", &p.suspended)])}</p>
                                        <p class="prewrap">{p.suspension_reason.clone()}</p>
                                    </div>
                                    <ActionForm action=reinstate attr:class="inline-form" attr:data-testid="reinstate-provider">
                                        <FormMessage feedback=reinstate_fb />
                                        <input type="hidden" name="provider_id" value=provider_id.clone() />
                                        <button type="submit" class="button primary">{locale.t("providers.reinstate")}</button>
                                    </ActionForm>
                                }.into_any(),
                            };
                            view! {
                                <crate::kit::title::PageTitle text=format!("{} · {}", locale.t("nav.platform.providers"), p.name) />
                                <div class="detail-head">
                                    <h1>{p.name.clone()}</h1>
                                    <span class=format!("status status-{}", p.state.as_db()) data-testid="provider-state">{locale.t(p.state.label_key())}</span>
                                </div>
                                <dl class="facts two">
                                    <dt>{locale.t("providers.responsible")}</dt><dd>{p.responsible_person.clone()}</dd>
                                    <dt>{locale.t("providers.address")}</dt><dd>{p.address.clone()}</dd>
                                    <dt>{locale.t("providers.tier")}</dt><dd>{p.tier.clone()}</dd>
                                    <dt>{locale.t("platform.provider.created")}</dt><dd>{p.created.clone()}</dd>
                                    <dt>{locale.t("company.contact_name")}</dt><dd>{p.company.contact_name.clone()} " " {p.company.contact_phone.clone()} " " {p.company.contact_email.clone()}</dd>
                                    <dt>{locale.t("company.bank_account_no")}</dt><dd data-testid="provider-account">{p.company.bank_name.clone()} " " {p.company.bank_account_no.clone()}</dd>
                                    <dt>{locale.t("company.invoice_title")}</dt><dd>{p.company.invoice_title.clone()} " " {p.company.tax_number.clone()}</dd>
                                </dl>
                                {standing}
                                {p.rename.clone().map(|rename| view! { <RenameReview rename decide /> })}
                                <h2>{locale.t("providers.members")}</h2>
                                <div class="table-wrap">
                                    <table class="table" data-testid="provider-members">
                                        <caption class="sr-only">{locale.t("providers.members")}</caption>
                                        <thead><tr>
                                            <th>{locale.t("login.email")}</th><th>{locale.t("users.name")}</th>
                                            <th>{locale.t("users.role")}</th><th>{locale.t("users.state")}</th>
                                            <th>{locale.t("users.last_login")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {p.members.into_iter().map(|m| view! {
                                                <tr>
                                                    <td>{m.email}</td><td>{m.name}</td>
                                                    <td>{locale.t(m.role.label_key())}</td>
                                                    <td>{locale.t_dyn(&m.state_key)}</td>
                                                    <td>{m.last_login}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <h2>{locale.t("nav.platform.orders")}</h2>
                                <dl class="facts two" data-testid="provider-work-orders">
                                    {p.work_orders.into_iter().map(|(key, n)| view! {
                                        <dt>{locale.t_dyn(&key)}</dt><dd>{n}</dd>
                                    }).collect_view()}
                                </dl>
                                <p><a href=format!("/platform/orders?provider={}", p.id)>{locale.t("providers.all_work_orders")}</a></p>
                                <h2>{locale.t("nav.platform.bills")}</h2>
                                {if p.bills.is_empty() {
                                    view! { <p class="muted">{locale.t("providers.no_bills")}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="plain-list" data-testid="provider-bills">
                                            {p.bills.into_iter().map(|b| view! {
                                                <li>
                                                    <a class="mono" href=format!("/platform/bills/{}", b.no)>{b.no.clone()}</a>
                                                    " " {b.period} " · " {locale.t_dyn(&b.status_key)}
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                <p><a href=format!("/platform/bills?provider={}", p.id)>{locale.t("providers.all_bills")}</a></p>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
