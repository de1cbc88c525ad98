//! The public account pages: the card they sit in, 用户激活, 忘记密码 and the reset link's
//! page, and what a dead link says.

use super::api::{
    get_activation_info, reset_state, Activate, RequestReset, ResendActivation, ResetPassword,
};
use super::LinkState;
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The card public account pages sit in, like the login page.
#[component]
pub fn PublicCard(title: &'static str, children: Children) -> impl IntoView {
    let locale = use_locale();
    view! {
        <crate::kit::title::PageTitle text=locale.t(title) />
        <div class="login-page">
            <div class="login-card wide">
                <a class="login-brand" href="/login">
                    <span class="logo-mark">"PC"</span>
                    <span>{locale.t("app.name")}</span>
                </a>
                <h1 class="login-heading">{locale.t(title)}</h1>
                {children()}
                <p class="login-lang">
                    <a rel="external" href=format!("/lang/{}", locale.other().tag())>{locale.t("lang.switch")}</a>
                </p>
            </div>
        </div>
    }
}

/// A dead link: says why and offers a new one.
#[component]
fn DeadLink(state: LinkState, resend_activation: bool) -> impl IntoView {
    let locale = use_locale();
    let resend = ServerAction::<ResendActivation>::new();
    let fb = feedback("resend", resend.value());
    let text = match state {
        LinkState::Used => locale.t("link.used"),
        LinkState::Expired => locale.t("link.expired"),
        _ => locale.t("link.unknown"),
    };
    view! {
        <p class="form-error" role="alert" data-testid="dead-link">{text}</p>
        {if resend_activation {
            view! {
                <ActionForm action=resend attr:class="form">
                    <FormMessage feedback=fb />
                    <label class="field">
                        <span>{locale.t("login.email")}</span>
                        <input type="email" name="email" autocomplete="email" required />
                        <FieldMessage feedback=fb field="email" />
                    </label>
                    <button type="submit" class="button primary wide">{locale.t("activate.resend")}</button>
                </ActionForm>
            }.into_any()
        } else {
            view! { <a class="button primary wide" href="/forgot">{locale.t("reset.again")}</a> }.into_any()
        }}
    }
}

/// 用户激活 (§5.1.3's link): 公司 and 邮箱 read-only; 名称, 电话, 密码, 确认密码.
#[component]
pub fn ActivatePage() -> impl IntoView {
    let locale = use_locale();
    let token = crate::kit::params::path_text("token");
    let info = crate::kit::request_cache::page_resource(token, get_activation_info);
    let action = ServerAction::<Activate>::new();
    let fb = feedback("activate", action.value());
    view! {
        <PublicCard title="activate.title">
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) if info.state == LinkState::Valid => {
                            let typed = move |field: &'static str, initial: String| {
                                move || {
                                    let value = fb.with(|f| f.value(field));
                                    if value.is_empty() { initial.clone() } else { value }
                                }
                            };
                            view! {
                                <ActionForm action attr:class="form">
                                    <FormMessage feedback=fb />
                                    <input type="hidden" name="token" value=token() />
                                    <label class="field">
                                        <span>{locale.t("activate.company")}</span>
                                        <input type="text" value=info.company readonly />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("login.email")}</span>
                                        <input type="email" value=info.email readonly data-testid="activate-email" />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("activate.name")}</span>
                                        <input type="text" name="name" value=typed("name", info.name) required maxlength="100" />
                                        <FieldMessage feedback=fb field="name" />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("activate.phone")}</span>
                                        <input type="tel" name="phone" value=typed("phone", info.phone) maxlength="40" />
                                        <FieldMessage feedback=fb field="phone" />
                                    </label>
                                    {if info.existing_account {
                                        view! {
                                            <p class="muted">{locale.t("activate.existing")}</p>
                                            <label class="field">
                                                <span>{locale.t("login.password")}</span>
                                                <input type="password" name="password" autocomplete="current-password" required />
                                                <FieldMessage feedback=fb field="password" />
                                            </label>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <label class="field">
                                                <span>{locale.t("login.password")}</span>
                                                <input type="password" name="password" autocomplete="new-password" required />
                                                <FieldMessage feedback=fb field="password" />
                                            </label>
                                            <label class="field">
                                                <span>{locale.t("password.confirm")}</span>
                                                <input type="password" name="confirm_password" autocomplete="new-password" required />
                                                <FieldMessage feedback=fb field="confirm_password" />
                                            </label>
                                            <p class="muted">{locale.t("password.policy")}</p>
                                        }.into_any()
                                    }}
                                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>{locale.t("activate.submit")}</button>
                                </ActionForm>
                            }.into_any()
                        }
                        Ok(info) => view! { <DeadLink state=info.state resend_activation=true /> }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicCard>
    }
}

/// 忘记密码？: the address to send a reset link to.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let sent = move || query.with(|q| q.get("sent"));
    let action = ServerAction::<RequestReset>::new();
    let fb = feedback("forgot", action.value());
    view! {
        <PublicCard title="forgot.title">
            {move || match sent().as_deref() {
                Some("reset") => Some(view! { <p class="notice ok" role="status" data-testid="sent">{locale.t("forgot.sent")}</p> }),
                Some("activation") => Some(view! { <p class="notice ok" role="status" data-testid="sent">{locale.t("activate.sent")}</p> }),
                _ => None,
            }}
            <ActionForm action attr:class="form">
                <FormMessage feedback=fb />
                <label class="field">
                    <span>{locale.t("login.email")}</span>
                    <input type="email" name="email" autocomplete="email" required value=move || fb.with(|f| f.value("email")) />
                    <FieldMessage feedback=fb field="email" />
                </label>
                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>{locale.t("forgot.submit")}</button>
            </ActionForm>
            <p class="login-links"><a href="/login">{locale.t("forgot.back")}</a></p>
        </PublicCard>
    }
}

/// The reset link's page: the new password twice.
#[component]
pub fn ResetPage() -> impl IntoView {
    let locale = use_locale();
    let token = crate::kit::params::path_text("token");
    let state = crate::kit::request_cache::page_resource(token, reset_state);
    let action = ServerAction::<ResetPassword>::new();
    let fb = feedback("reset", action.value());
    view! {
        <PublicCard title="reset.title">
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(LinkState::Valid) => view! {
                            <ActionForm action attr:class="form">
                                <FormMessage feedback=fb />
                                <input type="hidden" name="token" value=token() />
                                <label class="field">
                                    <span>{locale.t("password.new")}</span>
                                    <input type="password" name="new_password" autocomplete="new-password" required />
                                    <FieldMessage feedback=fb field="new_password" />
                                </label>
                                <label class="field">
                                    <span>{locale.t("password.confirm")}</span>
                                    <input type="password" name="confirm_password" autocomplete="new-password" required />
                                    <FieldMessage feedback=fb field="confirm_password" />
                                </label>
                                <p class="muted">{locale.t("password.policy")}</p>
                                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>{locale.t("reset.submit")}</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(state) => view! { <DeadLink state resend_activation=false /> }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicCard>
    }
}
