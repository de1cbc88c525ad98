//! 后台首页: the provider's home. Until the modules that feed it exist, it shows the current
//! provider, the user's role and the provider's recent activity.

use crate::audit::ActivityView;
use crate::error::AppError;
use crate::i18n::use_locale;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub user_name: String,
    pub provider_name: String,
    pub role_key: String,
    pub active_members: i64,
    pub activity: Vec<ActivityView>,
}

/// Home page data, scoped to the session's current provider.
#[server(endpoint = "home")]
pub async fn get_home() -> Result<HomeData, AppError> {
    use crate::scope::{db, provider_scope};
    use sqlx::Row;

    let result = async {
        let db = db()?;
        let (auth, scope) = provider_scope()?;
        let row = sqlx::query(
            "SELECT p.name,
                    (SELECT COUNT(*) FROM memberships m
                      WHERE m.provider_id = p.id AND m.status = 'active') AS members
             FROM providers p WHERE p.id = $1",
        )
        .bind(scope.provider_id)
        .fetch_one(db.pool())
        .await?;
        Ok(HomeData {
            user_name: if auth.name.is_empty() {
                auth.email
            } else {
                auth.name
            },
            provider_name: row.try_get("name")?,
            role_key: scope.role.label_key().to_owned(),
            active_members: row.try_get("members")?,
            activity: crate::audit::recent(&db, &scope, 10).await?,
        })
    }
    .await;
    crate::forms::finish("", result)
}

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let data = Resource::new_blocking(|| (), |_| get_home());
    view! {
        <leptos_meta::Title text=locale.t("nav.home") />
        <section class="page">
            <h1>{locale.t("nav.home")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(home) => view! { <HomeBody home /> }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn HomeBody(home: HomeData) -> impl IntoView {
    let locale = use_locale();
    let empty = home.activity.is_empty();
    view! {
        <p class="lead">{locale.tf("home.welcome", &[("name", &home.user_name)])}</p>
        <div class="cards">
            <div class="card">
                <span class="card-label">{locale.t("home.provider")}</span>
                <strong class="card-value" data-testid="home-provider">{home.provider_name.clone()}</strong>
            </div>
            <div class="card">
                <span class="card-label">{locale.t("home.role")}</span>
                <strong class="card-value">{locale.t_dyn(&home.role_key)}</strong>
            </div>
            <div class="card">
                <span class="card-label">{locale.t("home.members")}</span>
                <strong class="card-value">{home.active_members}</strong>
            </div>
        </div>
        <h2>{locale.t("home.activity")}</h2>
        {if empty {
            view! { <div class="empty-state"><p>{locale.t("home.activity.empty")}</p></div> }.into_any()
        } else {
            view! {
                <table class="table">
                    <thead>
                        <tr>
                            <th>{locale.t("home.activity.at")}</th>
                            <th>{locale.t("home.activity.actor")}</th>
                            <th>{locale.t("home.activity.action")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {home.activity.into_iter().map(|entry| view! {
                            <tr>
                                <td>{entry.at}</td>
                                <td>{entry.actor}</td>
                                <td>{locale.t_dyn(&format!("audit.{}", entry.action))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
    }
}
