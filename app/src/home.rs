//! 后台首页: what needs the provider's attention now, each a link to the list it counts, the
//! month's headline figures with the six months before as a small chart, and recent activity.

use crate::kit::audit::ActivityView;
use crate::kit::error::AppError;
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// One thing waiting for the provider: a translation key, how many, and the filtered list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attention {
    pub key: String,
    pub count: i64,
    pub href: String,
}

/// A month of sales: work orders sold (paid, not declined) and their amounts per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// 2019-12
    pub month: String,
    pub orders: i64,
    pub sales: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub user_name: String,
    pub provider_name: String,
    pub role_key: String,
    pub active_members: i64,
    pub attention: Vec<Attention>,
    /// The chosen month (the current one unless asked) and the five before it, oldest first.
    pub months: Vec<MonthFigures>,
    pub activity: Vec<ActivityView>,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::kit::db::Db;
    use crate::kit::money::{Currency, Money};
    use crate::kit::request::ProviderScope;
    use sqlx::Row;

    /// (year, month) of `2019-12`.
    pub fn parse_month(text: &str) -> Option<(i32, u8)> {
        let (y, m) = text.trim().split_once('-')?;
        let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u8>().ok()?);
        ((2000..=2100).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
    }

    /// The month `back` months before (y, m).
    pub fn months_before((y, m): (i32, u8), back: i32) -> (i32, u8) {
        let index = y * 12 + i32::from(m) - 1 - back;
        (index.div_euclid(12), (index.rem_euclid(12) + 1) as u8)
    }

    /// What needs attention: a translation key, the count's query (an index on (provider,
    /// status), or the few rows in a waiting state, so the page stays quick at a million work
    /// orders) and the filtered list.
    const ITEMS: [(&str, &str, &str); 8] = [
        // The work-order counters the triggers keep (migration 0016).
        (
            "home.attention.to_accept",
            "SELECT COALESCE(MAX(n), 0) AS n FROM work_order_counts
             WHERE provider_id = $1 AND bucket = 'awaiting_acceptance'",
            "/orders?status=awaiting_acceptance",
        ),
        (
            "home.attention.stages",
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM work_order_counts
             WHERE provider_id = $1 AND bucket LIKE 'stage:%'",
            "/orders?stage=awaiting_acceptance",
        ),
        (
            "home.attention.bills_confirming",
            "SELECT COUNT(*) AS n FROM bills WHERE provider_id = $1 AND status = 'confirming'",
            "/bills?status=confirming",
        ),
        (
            "home.attention.bills_disputed",
            "SELECT COUNT(*) AS n FROM bills WHERE provider_id = $1 AND status = 'disputed'",
            "/bills?status=disputed",
        ),
        (
            "home.attention.services_pending",
            "SELECT COUNT(*) AS n FROM service_items WHERE provider_id = $1 AND status = 'pending_review'",
            "/services?status=pending_review",
        ),
        (
            "home.attention.services_rejected",
            "SELECT COUNT(*) AS n FROM service_items WHERE provider_id = $1 AND status = 'rejected'",
            "/services?status=rejected",
        ),
        (
            "home.attention.services_delisting",
            "SELECT COUNT(*) AS n FROM service_items WHERE provider_id = $1 AND status = 'delist_requested'",
            "/services?status=delist_requested",
        ),
        (
            "home.attention.tickets",
            "SELECT COUNT(*) AS n FROM tickets WHERE provider_id = $1 AND unread > 0 AND status <> 'closed'",
            "/tickets?tab=history&unread=1",
        ),
    ];

    /// Every count in one statement (one round trip instead of eight).
    pub async fn attention(db: &Db, scope: &ProviderScope) -> Result<Vec<Attention>, sqlx::Error> {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let counts: Vec<String> = ITEMS
                .iter()
                .enumerate()
                .map(|(i, (_, sql, _))| format!("({sql}) AS n{i}"))
                .collect();
            format!("SELECT {}", counts.join(", "))
        });
        let row = sqlx::query(SQL.as_str())
            .bind(scope.provider_id)
            .fetch_one(db.pool())
            .await?;
        ITEMS
            .iter()
            .enumerate()
            .map(|(i, (key, _, href))| {
                Ok(Attention {
                    key: (*key).to_owned(),
                    count: row.try_get(format!("n{i}").as_str())?,
                    href: (*href).to_owned(),
                })
            })
            .collect()
    }

    /// Orders sold in each of the `count` months up to `last` (paid: neither 待付款 nor
    /// declined) and their totals, oldest first, a month with none included; one range of the
    /// monthly figures the work orders' triggers keep (migration 0016).
    pub async fn months(
        db: &Db,
        scope: &ProviderScope,
        last: (i32, u8),
        count: i32,
    ) -> Result<Vec<MonthFigures>, sqlx::Error> {
        let label = |(y, m): (i32, u8)| format!("{y:04}-{m:02}");
        let mut months: Vec<MonthFigures> = (0..count)
            .rev()
            .map(|back| MonthFigures {
                month: label(months_before(last, back)),
                orders: 0,
                sales: Vec::new(),
            })
            .collect();
        let rows = sqlx::query(
            "SELECT month, currency, orders AS n, total_minor AS total FROM work_order_months
             WHERE provider_id = $1 AND month >= $2 AND month <= $3 AND orders > 0
             ORDER BY month, currency",
        )
        .bind(scope.provider_id)
        .bind(label(months_before(last, count - 1)))
        .bind(label(last))
        .fetch_all(db.pool())
        .await?;
        for row in rows {
            let month: String = row.try_get("month")?;
            let Some(figures) = months.iter_mut().find(|m| m.month == month) else {
                continue;
            };
            figures.orders += row.try_get::<i64, _>("n")?;
            let code: String = row.try_get("currency")?;
            let currency = Currency::from_code(&code)
                .ok_or_else(|| sqlx::Error::Decode(format!("currency {code}").into()))?;
            figures
                .sales
                .push(Money::from_minor(row.try_get("total")?, currency).to_string());
        }
        Ok(months)
    }
}

/// Home page data, scoped to the session's current provider; `month` as 2019-12.
#[server(endpoint = "home")]
pub async fn get_home(month: Option<String>) -> Result<HomeData, AppError> {
    use crate::kit::code::Code;
    use crate::kit::request::{db, provider_scope};
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
        let chosen = month
            .as_deref()
            .and_then(ssr::parse_month)
            .or_else(|| ssr::parse_month(&crate::kit::time::today()[..7]))
            .unwrap_or((2019, 12));
        let months = ssr::months(&db, &scope, chosen, 6).await?;
        Ok(HomeData {
            user_name: if auth.name.is_empty() {
                auth.email
            } else {
                auth.name
            },
            provider_name: row.try_get("name")?,
            role_key: scope.role.label_key().to_owned(),
            active_members: row.try_get("members")?,
            attention: ssr::attention(&db, &scope).await?,
            months,
            activity: crate::kit::audit::recent(&db, &scope, 10).await?,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let data =
        crate::kit::request_cache::page_resource(move || query.read().get("month"), get_home);
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

/// Orders per month as bars: counts only (the amounts are listed beside), so no money is
/// ever scaled.
#[component]
fn MonthChart(months: Vec<MonthFigures>) -> impl IntoView {
    let locale = use_locale();
    let highest = months.iter().map(|m| m.orders).max().unwrap_or(0).max(1);
    let (width, height, bar) = (300_i64, 100_i64, 36_i64);
    view! {
        <svg class="chart" viewBox=format!("0 0 {width} {}", height + 20) role="img"
            aria-label=locale.t("home.chart") data-testid="month-chart">
            {months.iter().enumerate().map(|(i, m)| {
                let h = m.orders * height / highest;
                let x = i as i64 * (width / 6) + 7;
                view! {
                    <g>
                        <title>{format!("{}: {}", m.month, m.orders)}</title>
                        <rect x=x y=height - h width=bar height=h class=if i == 5 { "bar current" } else { "bar" } />
                        <text x=x + bar / 2 y=height + 14 text-anchor="middle">{m.month[5..].to_owned()}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

#[component]
fn HomeBody(home: HomeData) -> impl IntoView {
    let locale = use_locale();
    let empty = home.activity.is_empty();
    let current = home.months.last().cloned();
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
        <h2>{locale.t("home.attention")}</h2>
        <ul class="attention" data-testid="attention">
            {home.attention.into_iter().map(|a| view! {
                <li class:quiet=a.count == 0>
                    <a href=a.href.clone() data-key=a.key.clone()>
                        <span class="attention-count">{a.count}</span>
                        <span>{locale.t_dyn(&a.key)}</span>
                    </a>
                </li>
            }).collect_view()}
        </ul>
        {current.map(|now| view! {
            <div class="detail-head">
                <h2>{locale.tf("home.month_title", &[("month", &now.month)])}</h2>
                <span class="spacer"></span>
                <form method="get" action="/" class="inline-form">
                    <label class="field inline">
                        <span class="sr-only">{locale.t("home.month")}</span>
                        <input type="month" name="month" value=now.month.clone() />
                    </label>
                    <button type="submit" class="button small">{locale.t("common.search")}</button>
                </form>
            </div>
            <div class="cards">
                <div class="card">
                    <span class="card-label">{locale.t("home.month_orders")}</span>
                    <strong class="card-value" data-testid="month-orders">{now.orders}</strong>
                </div>
                <div class="card">
                    <span class="card-label">{locale.t("home.month_sales")}</span>
                    <strong class="card-value amounts" data-testid="month-sales">
                        {if now.sales.is_empty() {
                            view! { <span>"—"</span> }.into_any()
                        } else {
                            now.sales.iter().map(|s| view! { <span class="amount">{s.clone()}</span> }).collect_view().into_any()
                        }}
                    </strong>
                </div>
                <div class="card chart-card">
                    <span class="card-label">{locale.t("home.chart")}</span>
                    <MonthChart months=home.months.clone() />
                </div>
            </div>
        })}
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
                                <td>{crate::users::action_label(locale, &entry.action)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::ssr::{months_before, parse_month};

    #[test]
    fn months_step_across_years() {
        assert_eq!(parse_month("2019-12"), Some((2019, 12)));
        assert_eq!(parse_month("2019-13"), None);
        assert_eq!(parse_month("x"), None);
        assert_eq!(months_before((2019, 2), 5), (2018, 9));
        assert_eq!(months_before((2019, 12), -1), (2020, 1));
        assert_eq!(months_before((2019, 1), 0), (2019, 1));
    }
}
