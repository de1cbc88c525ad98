//! 登录 (§2.2): the password tab with its slider, the AAD tab, and the second step.

use super::api::{aad_enabled, login_challenge, LoginVerify};
use crate::kit::forms::encode_query;
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The slider (滑块): drag to the right end. A native range input, so it works without
/// JavaScript; with it, letting go before the end springs back, as the manual's does.
#[component]
fn Slider(challenge: String) -> impl IntoView {
    let locale = use_locale();
    let position = RwSignal::new(0_u32);
    let done = move || position.get() >= 100;
    // The fill follows the thumb through the CSSOM, never a style attribute, which the
    // page's Content-Security-Policy (no inline styles) would refuse.
    let slider = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let pos = format!("{}%", position.get());
        #[cfg(feature = "hydrate")]
        if let Some(div) = slider.get() {
            let _ = web_sys::HtmlElement::style(&div).set_property("--pos", &pos);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (pos, slider);
    });
    view! {
        <div class="slider" class:done=done node_ref=slider>
            <input type="hidden" name="challenge" value=challenge />
            <input
                type="range" name="slider" min="0" max="100" step="1" value="0"
                class="slider-range" data-testid="slider"
                aria-label=locale.t("login.slider")
                prop:value=move || position.get().to_string()
                on:input=move |ev| position.set(event_target_value(&ev).parse().unwrap_or(0))
                on:change=move |ev| {
                    let value: u32 = event_target_value(&ev).parse().unwrap_or(0);
                    position.set(if value >= 100 { 100 } else { 0 });
                }
            />
            <span class="slider-label" aria-hidden="true">
                {move || if done() { locale.t("login.slider.done") } else { locale.t("login.slider") }}
            </span>
        </div>
    }
}

/// 登录 (§2.2): 密码登录 and AAD 快捷登录 tabs.
#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let get = move |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let error = get("error");
    let email = get("email");
    let next = get("next");
    let aad = get("tab") == "aad";
    let minutes = get("minutes");
    let error_text = match error.as_str() {
        "" => None,
        "throttled" => Some(locale.tf("login.error.throttled", &[("minutes", &minutes)])),
        code if code.starts_with("oidc_") => Some(locale.t_dyn(&format!("login.error.{code}"))),
        "credentials" | "required" | "no_provider" | "provider_suspended" | "operator_disabled"
        | "slider" | "pending_expired" => Some(locale.t_dyn(&format!("login.error.{error}"))),
        _ => Some(locale.t("error.internal").to_owned()),
    };
    let notice = match get("notice").as_str() {
        "activated" => Some(locale.t("login.notice.activated")),
        "reset" => Some(locale.t("login.notice.reset")),
        "password_changed" => Some(locale.t("login.notice.password_changed")),
        _ => None,
    };
    let tab_class = move |active: bool| if active { "tab active" } else { "tab" };
    let challenge = crate::kit::request_cache::page_resource(|| (), |_| login_challenge());
    let aad_on = crate::kit::request_cache::page_resource(|| (), |_| aad_enabled());
    let aad_href = if next.is_empty() {
        "/auth/oidc/start".to_owned()
    } else {
        format!("/auth/oidc/start?next={}", encode_query(&next))
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("login.title") />
        <div class="login-page">
            <div class="login-card">
                <div class="login-brand">
                    <span class="logo-mark">"PC"</span>
                    <span>{locale.t("app.name")}</span>
                </div>
                <nav class="tabs" aria-label=locale.t("login.title")>
                    <a class=tab_class(!aad) href="/login">{locale.t("login.tab.password")}</a>
                    <a class=tab_class(aad) href="/login?tab=aad">{locale.t("login.tab.aad")}</a>
                </nav>
                {notice.map(|text| view! { <p class="notice ok" role="status">{text}</p> })}
                {error_text.map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
                {if aad {
                    view! {
                        <Suspense fallback=|| ()>
                            {move || Suspend::new({
                                let aad_href = aad_href.clone();
                                async move {
                                    if aad_on.await.unwrap_or(false) {
                                        view! {
                                            <p class="muted">{locale.t("login.aad.hint")}</p>
                                            <a rel="external" class="button primary wide" href=aad_href data-testid="aad-login">
                                                {locale.t("login.aad.submit")}
                                            </a>
                                        }.into_any()
                                    } else {
                                        view! { <p class="notice">{locale.t("login.aad.unavailable")}</p> }.into_any()
                                    }
                                }
                            })}
                        </Suspense>
                    }.into_any()
                } else {
                    view! {
                        <form method="post" action="/api/login" class="form" novalidate>
                            <input type="hidden" name="next" value=next />
                            <label class="field">
                                <span>{locale.t("login.email")}</span>
                                <input type="email" name="email" value=email autocomplete="username" required />
                            </label>
                            <label class="field">
                                <span>{locale.t("login.password")}</span>
                                <input type="password" name="password" autocomplete="current-password" required />
                            </label>
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    challenge.await.ok().map(|challenge| view! { <Slider challenge /> })
                                })}
                            </Suspense>
                            <button type="submit" class="button primary wide">{locale.t("login.submit")}</button>
                        </form>
                        <p class="login-links">
                            <a href="/forgot">{locale.t("login.forgot")}</a>
                            <a href="/register">{locale.t("login.register")}</a>
                        </p>
                    }
                    .into_any()
                }}
                <p class="login-lang">
                    <a rel="external" href=format!("/lang/{}", locale.other().tag())>
                        {locale.t("lang.switch")}
                    </a>
                </p>
            </div>
        </div>
    }
}

/// The second step of a password sign-in with two-factor authentication.
#[component]
pub fn VerifyPage() -> impl IntoView {
    use crate::kit::forms::{feedback, FieldMessage, FormMessage};
    let locale = use_locale();
    let verify = ServerAction::<LoginVerify>::new();
    let fb = feedback("verify", verify.value());
    view! {
        <crate::kit::title::PageTitle text=locale.t("login.verify.title") />
        <div class="login-page">
            <div class="login-card">
                <div class="login-brand">
                    <span class="logo-mark">"PC"</span>
                    <span>{locale.t("app.name")}</span>
                </div>
                <h1 class="login-heading">{locale.t("login.verify.title")}</h1>
                <p class="muted">{locale.t("login.verify.hint")}</p>
                <ActionForm action=verify attr:class="form">
                    <FormMessage feedback=fb />
                    <label class="field">
                        <span>{locale.t("login.verify.code")}</span>
                        <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" autofocus required />
                        <FieldMessage feedback=fb field="code" />
                    </label>
                    <button type="submit" class="button primary wide">{locale.t("login.verify.submit")}</button>
                </ActionForm>
                <p class="login-links"><a href="/login">{locale.t("login.verify.restart")}</a></p>
            </div>
        </div>
    }
}
