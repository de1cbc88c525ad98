//! 修改密码 and 账号安全: the forms of the signed-in user's own security.

use super::api::{
    get_security_status, ChangePassword, ConfirmTwoFactor, DisableTwoFactor, RequireTwoFactor,
    StartTwoFactor, UnlinkOidc,
};
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// 修改密码 (user menu).
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let changed = move || query.with(|q| q.get_str("changed") == Some("1"));
    let change = ServerAction::<ChangePassword>::new();
    let fb = feedback("password", change.value());
    let field = move |name: &'static str, label: &'static str, autocomplete: &'static str| {
        view! {
            <label class="field">
                <span>{locale.t(label)}</span>
                <input type="password" name=name autocomplete=autocomplete required />
                <FieldMessage feedback=fb field=name />
            </label>
        }
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("menu.change_password") />
        <section class="page narrow">
            <h1>{locale.t("menu.change_password")}</h1>
            {move || changed().then(|| view! { <p class="notice ok" role="status">{locale.t("password.changed")}</p> })}
            <ActionForm action=change attr:class="form card">
                <FormMessage feedback=fb />
                {field("current_password", "password.current", "current-password")}
                {field("new_password", "password.new", "new-password")}
                {field("confirm_password", "password.confirm", "new-password")}
                <p class="muted">{locale.t("password.policy")}</p>
                <button type="submit" class="button primary" disabled=move || change.pending().get()>{locale.t("common.save")}</button>
            </ActionForm>
        </section>
    }
}

/// 账号安全: two-factor sign-in.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let required = query.read_untracked().get("required").is_some();
    // The answer of a linking round trip to the identity provider.
    let oidc_notice = query
        .read_untracked()
        .get("oidc")
        .and_then(|v| match v.as_str() {
            "linked" => Some(("notice ok", "oidc.link.done")),
            "taken" => Some(("notice warn", "oidc.link.taken")),
            "password" => Some(("notice warn", "password.wrong_current")),
            _ => None,
        });

    let start = ServerAction::<StartTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let rule = ServerAction::<RequireTwoFactor>::new();
    let status = Resource::new(|| (), |_| get_security_status());
    crate::kit::forms::refetch_on_success(start, status);
    crate::kit::forms::refetch_on_success(confirm, status);
    crate::kit::forms::refetch_on_success(disable, status);
    crate::kit::forms::refetch_on_success(rule, status);
    let unlink = ServerAction::<UnlinkOidc>::new();
    crate::kit::forms::refetch_on_success(unlink, status);
    let unlink_fb = feedback("oidc-unlink", unlink.value());
    let confirm_fb = feedback("two-factor", confirm.value());
    let disable_fb = feedback("two-factor-off", disable.value());
    let rule_fb = feedback("two-factor-rule", rule.value());
    view! {
        <crate::kit::title::PageTitle text=locale.t("menu.security") />
        <section class="page narrow">
            <h1>{locale.t("menu.security")}</h1>
            {required.then(|| view! { <p class="notice" role="alert">{locale.t("two_factor.required_notice")}</p> })}
            {oidc_notice.map(|(class, key)| view! { <p class=class role="status" data-testid="oidc-notice">{locale.t(key)}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(status) => {
                            let state = if status.enabled {
                                view! {
                                    <div class="card" data-testid="two-factor">
                                        <h2>{locale.t("two_factor.title")}</h2>
                                        <p><span class="status status-completed">{locale.t("two_factor.on")}</span></p>
                                        <p class="muted">{locale.tf("two_factor.codes_left", &[("count", &status.recovery_codes_left.to_string())])}</p>
                                        <ActionForm action=disable attr:class="form">
                                            <FormMessage feedback=disable_fb />
                                            <label class="field">
                                                <span>{locale.t("login.password")}</span>
                                                <input type="password" name="password" autocomplete="current-password" required />
                                                <FieldMessage feedback=disable_fb field="password" />
                                            </label>
                                            <button type="submit" class="button danger">{locale.t("two_factor.disable")}</button>
                                        </ActionForm>
                                    </div>
                                }.into_any()
                            } else if let Some(pending) = status.pending {
                                view! {
                                    <div class="card" data-testid="two-factor">
                                        <h2>{locale.t("two_factor.title")}</h2>
                                        <ol class="steps-text">
                                            <li>{locale.t("two_factor.step.scan")}</li>
                                        </ol>
                                        <div class="qr" inner_html=pending.qr_svg></div>
                                        <p class="muted">{locale.t("two_factor.secret")}" "<code data-testid="totp-secret">{pending.secret}</code></p>
                                        <ol class="steps-text" start="2">
                                            <li>{locale.t("two_factor.step.codes")}</li>
                                        </ol>
                                        <ul class="recovery-codes" data-testid="recovery-codes">
                                            {pending.recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                                        </ul>
                                        <ol class="steps-text" start="3">
                                            <li>{locale.t("two_factor.step.confirm")}</li>
                                        </ol>
                                        <ActionForm action=confirm attr:class="form">
                                            <FormMessage feedback=confirm_fb />
                                            <label class="field">
                                                <span>{locale.t("login.verify.code")}</span>
                                                <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required />
                                                <FieldMessage feedback=confirm_fb field="code" />
                                            </label>
                                            <button type="submit" class="button primary">{locale.t("two_factor.confirm")}</button>
                                        </ActionForm>
                                    </div>
                                }.into_any()
                            } else {
                                view! {
                                    <div class="card" data-testid="two-factor">
                                        <h2>{locale.t("two_factor.title")}</h2>
                                        <p><span class="status status-pending">{locale.t("two_factor.off")}</span></p>
                                        <p class="muted">{locale.t("two_factor.explain")}</p>
                                        <ActionForm action=start attr:class="form">
                                            <button type="submit" class="button primary">{locale.t("two_factor.enable")}</button>
                                        </ActionForm>
                                    </div>
                                }.into_any()
                            };
                            let admin = status.is_admin.then(|| view! {
                                <div class="card">
                                    <h2>{locale.t("two_factor.rule.title")}</h2>
                                    <ActionForm action=rule attr:class="form">
                                        <FormMessage feedback=rule_fb />
                                        <label class="check">
                                            <input type="checkbox" name="required" value="on" checked=status.provider_requires />
                                            " "{locale.t("two_factor.rule.label")}
                                        </label>
                                        <button type="submit" class="button">{locale.t("common.save")}</button>
                                    </ActionForm>
                                </div>
                            });
                            // An identity provider signs in only an account linked to it, or one
                            // whose address it verified; anyone else links it here, signed in.
                            let aad = status.oidc_enabled.then(|| view! {
                                <div class="card" data-testid="oidc-link">
                                    <h2>{locale.t("oidc.link.title")}</h2>
                                    {if status.oidc_linked {
                                        view! {
                                            <p><span class="status status-completed">{locale.t("oidc.link.linked")}</span></p>
                                            <ActionForm action=unlink attr:class="form">
                                                <FormMessage feedback=unlink_fb />
                                                <label class="field">
                                                    <span>{locale.t("login.password")}</span>
                                                    <input type="password" name="password" autocomplete="current-password" required />
                                                    <FieldMessage feedback=unlink_fb field="password" />
                                                </label>
                                                <button type="submit" class="button danger">{locale.t("oidc.link.remove")}</button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        // A plain form to a plain route: it leaves for the identity provider.
                                        view! {
                                            <p class="muted">{locale.t("oidc.link.explain")}</p>
                                            <form method="post" action="/auth/oidc/link" class="form">
                                                <label class="field">
                                                    <span>{locale.t("login.password")}</span>
                                                    <input type="password" name="password" autocomplete="current-password" required />
                                                </label>
                                                <button type="submit" class="button">{locale.t("oidc.link.action")}</button>
                                            </form>
                                        }.into_any()
                                    }}
                                </div>
                            });
                            view! { {state} {admin} {aad} }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
