//! The platform realm (/platform): the marketplace operator's side. Its home lists the
//! providers; the review queues arrive with the modules that feed them.

use crate::error::AppError;
use crate::i18n::use_locale;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRow {
    pub id: i64,
    pub name: String,
    pub active_members: i64,
    pub created: String,
}

#[server(endpoint = "platform_providers")]
pub async fn platform_providers() -> Result<Vec<ProviderRow>, AppError> {
    use crate::scope::{db, operator};
    use crate::time_fmt::format_datetime;
    use sqlx::Row;

    let result = async {
        let db = db()?;
        operator()?;
        let rows = sqlx::query(
            "SELECT p.id, p.name, p.created_at,
                    (SELECT COUNT(*) FROM memberships m
                      WHERE m.provider_id = p.id AND m.status = 'active') AS members
             FROM providers p ORDER BY p.name",
        )
        .fetch_all(db.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ProviderRow {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    active_members: row.try_get("members")?,
                    created: format_datetime(row.try_get("created_at")?),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(AppError::from)
    }
    .await;
    crate::forms::finish("", result)
}

#[component]
pub fn PlatformHomePage() -> impl IntoView {
    let locale = use_locale();
    let providers = Resource::new_blocking(|| (), |_| platform_providers());
    view! {
        <leptos_meta::Title text=locale.t("nav.platform.home") />
        <section class="page">
            <h1>{locale.t("platform.providers")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match providers.await {
                        Ok(rows) if rows.is_empty() => view! {
                            <div class="empty-state"><p>{locale.t("platform.providers.empty")}</p></div>
                        }.into_any(),
                        Ok(rows) => view! {
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th>{locale.t("platform.provider.name")}</th>
                                        <th>{locale.t("home.members")}</th>
                                        <th>{locale.t("platform.provider.created")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|row| view! {
                                        <tr>
                                            <td>{row.name}</td>
                                            <td>{row.active_members}</td>
                                            <td>{row.created}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
