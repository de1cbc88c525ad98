//! 后台首页's components.

use super::api::get_home;
use super::{HomeData, MonthFigures};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let data =
        crate::kit::request_cache::page_resource(move || query.read().get("month"), get_home);
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.home") />
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
                    <caption class="sr-only">{locale.t("home.activity")}</caption>
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
