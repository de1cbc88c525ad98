//! One pager for the lists: 首页 / 上一页 / page numbers / 下一页 / 末页, 跳至 a page and the
//! page size, all plain links and GET forms that keep the list's other query parameters, so
//! they work the same without JavaScript.

use crate::kit::forms::encode_query;
use crate::kit::i18n::use_locale;
use leptos::prelude::*;

/// The page sizes a list offers.
pub const SIZES: [i64; 4] = [15, 30, 50, 100];

/// A page of a list: its number (from 1) and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    /// The rows before this page.
    pub fn offset(self) -> i64 {
        crate::kit::paging::offset(self.page, self.per_page)
    }
}

/// `per` as one of `SIZES`, if it is one.
pub fn size_of(per: &str) -> Option<i64> {
    per.trim().parse::<i64>().ok().filter(|p| SIZES.contains(p))
}

/// How many pages `total` rows fill, at least one (an empty list is one empty page).
pub fn page_count(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page.max(1)).max(1)
}

/// The page size of a list for the signed-in user: `per` when it names one of `SIZES` (and
/// then remembered for them, on every device and every list, with JavaScript or without),
/// else the size they chose last, else the first size.
#[cfg(feature = "ssr")]
pub async fn remembered_size(per: Option<&str>) -> i64 {
    let auth = crate::kit::request::auth().ok();
    let remembered = auth
        .as_ref()
        .and_then(|a| a.list_page_size)
        .filter(|n| SIZES.contains(n));
    let Some(size) = per.and_then(size_of) else {
        return remembered.unwrap_or(SIZES[0]);
    };
    if let (Some(auth), true) = (auth, remembered != Some(size)) {
        // Not remembering is no reason to fail the list: it opens in the size asked for.
        let saved = match crate::kit::request::db() {
            Ok(db) => sqlx::query("UPDATE users SET list_page_size = $1 WHERE id = $2")
                .bind(size)
                .bind(auth.user_id)
                .execute(db.pool())
                .await
                .map(|_| ()),
            Err(_) => Ok(()),
        };
        if let Err(error) = saved {
            tracing::warn!(%error, "the page size was not remembered");
        }
    }
    size
}

/// The page asked for (`page`, from 1; past `MAX_PAGE` refused) in the size asked for
/// (`per`, one of the offered sizes), else the size the user chose last.
#[cfg(feature = "ssr")]
pub async fn paging(
    page: Option<&str>,
    per: Option<&str>,
) -> Result<Paging, crate::kit::error::AppError> {
    Ok(Paging {
        page: crate::kit::paging::page_number(page.unwrap_or_default())?,
        per_page: remembered_size(per).await,
    })
}

/// The page numbers shown around `page` of `pages`: the first, the last, and two either side.
pub fn window(page: i64, pages: i64) -> Vec<i64> {
    let mut shown: Vec<i64> = (page - 2..=page + 2)
        .filter(|p| (1..=pages).contains(p))
        .collect();
    if !shown.contains(&1) {
        shown.insert(0, 1);
    }
    if pages > 1 && !shown.contains(&pages) {
        shown.push(pages);
    }
    shown
}

/// `path` with the kept query `params` (blank ones left out) and `page` when past the first.
pub fn href(path: &str, params: &[(&'static str, String)], page: i64) -> String {
    let mut pairs: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode_query(v)))
        .collect();
    if page > 1 {
        pairs.push(format!("page={page}"));
    }
    if pairs.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

/// The pager under a list of `total` rows, on `page` of `pages`, `per_page` a page. `params`
/// are the list's other query parameters (filters, sort, and `per`), kept by every link.
#[component]
pub fn Pager(
    path: &'static str,
    params: Vec<(&'static str, String)>,
    page: i64,
    pages: i64,
    per_page: i64,
    sizes: &'static [i64],
    total: i64,
) -> impl IntoView {
    let locale = use_locale();
    let link = {
        let params = params.clone();
        move |p: i64| href(path, &params, p)
    };
    let hidden = |skip: &'static str| {
        params
            .iter()
            .filter(|(k, _)| *k != skip)
            .map(|(k, v)| view! { <input type="hidden" name=*k value=v.clone() /> })
            .collect_view()
    };
    // Past the last page (a list that shrank, a typed URL) 上一页 and 跳至 start from the last.
    let back = page.min(pages + 1) - 1;
    let shown = page.min(pages);
    let numbers = window(page, pages);
    let mut last_shown = 0;
    view! {
        <nav class="pager" aria-label=locale.t("common.pages")>
            <span class="muted">{locale.tf("common.total", &[("count", &total.to_string())])}</span>
            {(page > 1).then(|| view! {
                <a class="button" href=link(1)>{locale.t("common.first_page")}</a>
                <a class="button" rel="prev" href=link(back)>{locale.t("common.prev_page")}</a>
            })}
            {numbers.into_iter().map(|n| {
                let gap = n > last_shown + 1;
                last_shown = n;
                view! {
                    {gap.then(|| view! { <span class="muted">"…"</span> })}
                    {if n == page {
                        view! { <span class="button current" aria-current="page">{n}</span> }.into_any()
                    } else {
                        view! { <a class="button" href=link(n)>{n}</a> }.into_any()
                    }}
                }
            }).collect_view()}
            {(page < pages).then(|| view! {
                <a class="button" rel="next" href=link(page + 1)>{locale.t("common.next_page")}</a>
                <a class="button" href=link(pages)>{locale.t("common.last_page")}</a>
            })}
            <form method="get" action=path class="inline">
                {hidden("page")}
                <label>
                    <span>{locale.t("common.jump_to")}</span>
                    <input type="number" name="page" min="1" max=pages.to_string() value=shown.to_string() class="narrow" />
                </label>
                <button type="submit" class="button small">{locale.t("common.go")}</button>
            </form>
            <form method="get" action=path class="inline">
                {hidden("per")}
                <select name="per" aria-label=locale.t("users.per_page")>
                    {sizes.iter().map(|n| view! {
                        <option value=n.to_string() selected=*n == per_page>{locale.tf("users.per_page_n", &[("n", &n.to_string())])}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="button small">{locale.t("users.apply")}</button>
            </form>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_shows_the_ends_and_the_neighbours() {
        assert_eq!(window(1, 1), vec![1]);
        assert_eq!(window(1, 3), vec![1, 2, 3]);
        assert_eq!(window(10, 20), vec![1, 8, 9, 10, 11, 12, 20]);
        assert_eq!(window(20, 20), vec![1, 18, 19, 20]);
    }

    #[test]
    fn links_keep_the_filters_and_drop_blanks() {
        let params = vec![("q", "蓝 云".to_owned()), ("state", String::new())];
        assert_eq!(
            href("/platform/providers", &params, 1),
            format!("/platform/providers?q={}", encode_query("蓝 云"))
        );
        assert!(href("/platform/providers", &params, 3).ends_with("&page=3"));
        assert_eq!(href("/x", &[], 1), "/x");
    }

    #[test]
    fn sizes_are_the_offered_ones() {
        assert_eq!(size_of("30"), Some(30));
        assert_eq!(size_of(" 100 "), Some(100));
        assert_eq!(size_of("7"), None);
        assert_eq!(size_of(""), None);
        assert_eq!(page_count(0, 15), 1);
        assert_eq!(page_count(31, 15), 3);
        assert_eq!(
            Paging {
                page: 3,
                per_page: 30
            }
            .offset(),
            60
        );
    }
}
