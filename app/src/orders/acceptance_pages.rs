//! The customer's acceptance page (验收), /accept/<token>: a stage submitted for acceptance
//! emails the buyer's contact a link to this public page, where they accept it or reject it
//! with a reason — no account needed. The link expires with the answer deadline and takes
//! one answer.

use super::api::{get_acceptance, AnswerAcceptance};
use super::{AcceptanceView, LinkState};
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::{use_locale, Locale};
use leptos::prelude::*;

/// "剩余 2 天 3 小时": the time left to answer, or that the deadline has passed.
pub fn remaining(locale: Locale, seconds: i64) -> String {
    if seconds <= 0 {
        return locale.t("acc.overdue").to_owned();
    }
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    let amount = if days > 0 {
        locale.tf(
            "acc.days_hours",
            &[("d", &days.to_string()), ("h", &hours.to_string())],
        )
    } else if hours > 0 {
        locale.tf(
            "acc.hours_minutes",
            &[("h", &hours.to_string()), ("m", &minutes.to_string())],
        )
    } else {
        locale.tf("acc.minutes", &[("m", &minutes.max(1).to_string())])
    };
    locale.tf("acc.remaining", &[("time", &amount)])
}

/// The public acceptance page, /accept/<token>.
#[component]
pub fn AcceptancePage() -> impl IntoView {
    let locale = use_locale();
    let token = crate::kit::params::path_text("token");
    let view_data = crate::kit::request_cache::page_resource(token, get_acceptance);
    let answer = ServerAction::<AnswerAcceptance>::new();
    refetch_on_success(answer, view_data);
    view! {
        <crate::kit::title::PageTitle text=locale.t("acc.title") />
        <div class="public-page">
            <div class="public-card">
                <div class="login-brand">
                    <span class="logo-mark">"PC"</span>
                    <span>{locale.t("app.name")}</span>
                    <span class="spacer"></span>
                    <a class="lang-switch" rel="external" href=format!("/lang/{}", locale.other().tag())>{locale.t("lang.switch")}</a>
                </div>
                <h1>{locale.t("acc.title")}</h1>
                <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                    {move || Suspend::new(async move {
                        match view_data.await {
                            Ok(v) => view! { <AcceptanceBody v token=token() answer /> }.into_any(),
                            Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </div>
    }
}

#[component]
fn AcceptanceBody(
    v: AcceptanceView,
    token: String,
    answer: ServerAction<AnswerAcceptance>,
) -> impl IntoView {
    let locale = use_locale();
    let accept_feedback = feedback("accept", answer.value());
    let reject_feedback = feedback("reject", answer.value());
    let reject_token = token.clone();
    let state = match v.state {
        LinkState::Open => None,
        LinkState::Accepted => Some(("notice ok", "acc.state.accepted")),
        LinkState::Rejected => Some(("notice", "acc.state.rejected")),
        LinkState::Expired => Some(("form-error", "acc.state.expired")),
        LinkState::Replaced => Some(("form-error", "acc.state.replaced")),
        LinkState::AcceptedOnBehalf => Some(("notice ok", "acc.state.on_behalf")),
        LinkState::AutoAccepted => Some(("notice ok", "acc.state.auto")),
    };
    let auto_accept = v.auto_accept.clone();
    view! {
        <p class="lead">{locale.tf("acc.intro", &[("provider", &v.provider_name), ("buyer", &v.buyer_company)])}</p>
        <dl class="facts">
            <dt>{locale.t("wo.column.no")}</dt><dd class="mono">{v.work_order_no.clone()}</dd>
            <dt>{locale.t("wo.order_no")}</dt><dd class="mono">{v.order_no.clone()}</dd>
            <dt>{locale.t("wo.solution")}</dt><dd>{v.solution_name.clone()}</dd>
            <dt>{locale.t("wo.item")}</dt><dd>{v.service_item_name.clone()}</dd>
            <dt>{locale.t("ms.stage")}</dt><dd data-testid="acceptance-stage">{v.position}</dd>
            <dt>{locale.t("ms.period")}</dt><dd>{v.period.clone()}</dd>
            <dt>{locale.t("ms.standard")}</dt><dd>{v.standard.clone()}</dd>
            <dt>{locale.t("ms.remarks")}</dt><dd>{v.remarks.clone()}</dd>
            <dt>{locale.t("ev.files")}</dt>
            <dd>
                {if v.files.is_empty() {
                    view! { <span class="muted">{locale.t("common.none")}</span> }.into_any()
                } else {
                    let token = token.clone();
                    view! {
                        <ul class="files">
                            {v.files.iter().map(|f| view! {
                                <li><a rel="external" download href=format!("/accept/{token}/files/{}", f.id)>{f.name.clone()}</a>
                                    " " <span class="muted">{f.size.clone()}</span></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </dd>
            <dt>{locale.t("acc.deadline")}</dt>
            <dd>{v.due.clone()} " · " <strong data-testid="acceptance-remaining">{remaining(locale, v.seconds_left)}</strong></dd>
        </dl>
        {auto_accept.map(|at| view! {
            <p class="notice" data-testid="acceptance-auto">{locale.tf("acc.auto_accept", &[("at", &at)])}</p>
        })}
        {match state {
            Some((class, key)) => view! { <p class=class role="status" data-testid="acceptance-state">{locale.t(key)}</p> }.into_any(),
            None => view! {
                <div class="acceptance-actions">
                    <ActionForm action=answer attr:class="form">
                        <FormMessage feedback=accept_feedback />
                        <input type="hidden" name="token" value=token />
                        <input type="hidden" name="decision" value="accept" />
                        <input type="hidden" name="reason" value="" />
                        <button type="submit" class="button primary wide" disabled=move || answer.pending().get()>
                            {locale.t("acc.accept")}
                        </button>
                    </ActionForm>
                    <ActionForm action=answer attr:class="form card">
                        <FormMessage feedback=reject_feedback />
                        <input type="hidden" name="token" value=reject_token />
                        <input type="hidden" name="decision" value="reject" />
                        <label class="field">
                            <span>{locale.t("acc.reject_reason")} " *"</span>
                            <textarea name="reason" rows="3" maxlength="2000" inner_html=move || crate::kit::forms::text_html(&reject_feedback.with(|f| f.value("reason")))></textarea>
                            <FieldMessage feedback=reject_feedback field="reason" />
                        </label>
                        <button type="submit" class="button danger wide" disabled=move || answer.pending().get()>
                            {locale.t("acc.reject")}
                        </button>
                    </ActionForm>
                </div>
            }.into_any(),
        }}
    }
}
