//! 平台 › 运营人员: the operators, an invitation by address, 停用 and 恢复.

use super::api::{platform_operators, DisableOperator, InviteOperator, ReinstateOperator};
use super::model::OperatorState;
use crate::kit::code::Code;
use crate::kit::forms::{feedback, refetch_on_success, ConfirmSubmit, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PlatformOperatorsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let invite = ServerAction::<InviteOperator>::new();
    let disable = ServerAction::<DisableOperator>::new();
    let reinstate = ServerAction::<ReinstateOperator>::new();
    let invite_fb = feedback("operator", invite.value());
    let state_fb = feedback("operator-state", disable.value());
    let reinstate_fb = feedback("operator-reinstate", reinstate.value());
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let rows = crate::kit::request_cache::page_resource(
        move || (param("q"), param("page"), param("per")),
        |(q, page, per)| platform_operators(q, page, (!per.is_empty()).then_some(per)),
    );
    refetch_on_success(invite, rows);
    refetch_on_success(disable, rows);
    refetch_on_success(reinstate, rows);
    // Without JavaScript the server sends the browser back here with `?done=…`.
    let done = move || {
        let invited = matches!(invite.value().get(), Some(Ok(())))
            || query.with(|q| q.get_str("done") == Some("invited"));
        invited.then(
            || view! { <p class="notice ok" role="status">{locale.t("operators.invited")}</p> },
        )
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.operators") />
        <section class="page">
            <h1>{locale.t("nav.platform.operators")}</h1>
            <p class="muted">{locale.t("operators.lead")}</p>
            <div class="toolbar">
                <details class="inline-details" open=move || invite_fb.with(|f| !f.errors.is_empty() || f.general.is_some())>
                    <summary class="button primary">{locale.t("operators.invite")}</summary>
                    <ActionForm action=invite attr:class="form card">
                        <h2>{locale.t("operators.invite")}</h2>
                        <FormMessage feedback=invite_fb />
                        <label class="field">
                            <span>{locale.t("login.email")}</span>
                            <input type="email" name="email" required autocomplete="off" value=move || invite_fb.with(|f| f.value("email")) />
                            <FieldMessage feedback=invite_fb field="email" />
                        </label>
                        <p class="muted">{locale.t("operators.invite_hint")}</p>
                        <button type="submit" class="button primary" disabled=move || invite.pending().get()>{locale.t("users.send_invitation")}</button>
                    </ActionForm>
                </details>
            </div>
            <form method="get" action="/platform/operators" class="filters" autocomplete="off" role="search">
                <label class="field grow">
                    <span>{locale.t("operators.search")}</span>
                    <input type="search" name="q" value=move || param("q") maxlength="100" placeholder=locale.t("operators.search_hint") />
                </label>
                <input type="hidden" name="per" value=move || param("per") />
                <button type="submit" class="button primary">{locale.t("common.search")}</button>
                <a class="button" href="/platform/operators">{locale.t("common.clear")}</a>
            </form>
            {done}
            <FormMessage feedback=state_fb />
            <FormMessage feedback=reinstate_fb />
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(list) if list.rows.is_empty() => {
                            let empty = if param("q").is_empty() && list.count == 0 { "operators.empty" } else { "operators.none_found" };
                            view! {
                                <div class="empty-state"><p>{locale.t(empty)}</p></div>
                                // Past the last page: the way back.
                                {(list.count > 0).then(|| operator_pager(&list, param("q"), param("per")))}
                            }.into_any()
                        }
                        Ok(list) => {
                            let pager = operator_pager(&list, param("q"), param("per"));
                            view! {
                            <div class="table-wrap">
                                <table class="table" data-testid="operators">
                                    <caption class="sr-only">{locale.t("nav.platform.operators")}</caption>
                                    <thead><tr>
                                        <th>{locale.t("login.email")}</th>
                                        <th>{locale.t("users.name")}</th>
                                        <th>{locale.t("wo.column.status")}</th>
                                        <th>{locale.t("users.last_login")}</th>
                                        <th>{locale.t("common.actions")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.rows.into_iter().map(|row| {
                                            let id = row.id.to_string();
                                            let action = match (row.state, row.is_self) {
                                                (_, true) => view! { <span class="muted">{locale.t("operators.you")}</span> }.into_any(),
                                                (OperatorState::Disabled, _) => view! {
                                                    <ActionForm action=reinstate attr:class="inline-form">
                                                        <input type="hidden" name="user_id" value=id />
                                                        <button type="submit" class="button small">{locale.t("operators.reinstate")}</button>
                                                    </ActionForm>
                                                }.into_any(),
                                                _ => view! {
                                                    <ActionForm action=disable attr:class="inline-form">
                                                        <input type="hidden" name="user_id" value=id />
                                                        <ConfirmSubmit label="operators.disable" question="operators.disable_question" confirm="operators.disable_confirm" small=true />
                                                    </ActionForm>
                                                }.into_any(),
                                            };
                                            view! {
                                                <tr>
                                                    <td>{row.email}</td>
                                                    <td>{row.name}</td>
                                                    <td><span class=format!("status status-{}", row.state.as_db())>{locale.t(row.state.label_key())}</span></td>
                                                    <td>{row.last_login}</td>
                                                    <td>{action}</td>
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

/// The operators' pager, keeping the search and the size.
fn operator_pager(list: &super::OperatorList, q: String, per: String) -> impl IntoView {
    view! {
        <crate::kit::pager::Pager path="/platform/operators" params=vec![("q", q), ("per", per)] page=list.page
            pages=list.pages per_page=list.per_page sizes=&crate::kit::pager::SIZES total=list.count />
    }
}
