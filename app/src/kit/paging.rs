//! Page numbers from a query string. A list has at most `MAX_PAGE` pages of any size; a
//! number beyond is refused (422) before it reaches SQL, where `(page - 1) * size` would
//! overflow 64 bits and PostgreSQL would answer with an error. Sortable column headers,
//! whose order is kept in the URL like the page.

use crate::kit::error::AppError;

/// The highest page number any list accepts.
pub const MAX_PAGE: i64 = 100_000;

/// The page asked for: empty or not a number is the first page; zero or less the first;
/// more than `MAX_PAGE` is refused.
pub fn page_number(raw: &str) -> Result<i64, AppError> {
    match raw.trim().parse::<i64>() {
        Ok(page) if page > MAX_PAGE => Err(AppError::invalid(&[("page", "form.invalid_value")])),
        Ok(page) => Ok(page.max(1)),
        // Digits too many for i64 are just as far past the end.
        Err(_) if !raw.trim().is_empty() && raw.trim().bytes().all(|b| b.is_ascii_digit()) => {
            Err(AppError::invalid(&[("page", "form.invalid_value")]))
        }
        Err(_) => Ok(1),
    }
}

/// The rows to skip before `page` of `per_page` rows.
pub fn offset(page: i64, per_page: i64) -> i64 {
    (page.clamp(1, MAX_PAGE) - 1).saturating_mul(per_page)
}

/// A place in a list ordered newest first by (time, id), as a query carries it: `time.id`.
/// Keyset paging: the next page starts after this row however deep it is, where an OFFSET
/// would read and drop every row before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: i64,
}

impl Cursor {
    /// Empty is no cursor; anything but two integers is refused (422), never a server error.
    pub fn parse(raw: &str, field: &str) -> Result<Option<Cursor>, AppError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let parsed = raw.split_once('.').and_then(|(at, id)| {
            Some(Cursor {
                at: at.parse().ok()?,
                id: id.parse().ok()?,
            })
        });
        match parsed {
            Some(cursor) => Ok(Some(cursor)),
            None => Err(AppError::invalid(&[(field, "form.invalid_value")])),
        }
    }

    pub fn encode(self) -> String {
        format!("{}.{}", self.at, self.id)
    }
}

/// A sortable column: the list's `sort` values for this column descending and ascending
/// (`""` is the list's default order; either is absent when the column sorts one way only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SortColumn {
    pub desc: Option<&'static str>,
    pub asc: Option<&'static str>,
}

impl SortColumn {
    /// The column's `aria-sort` under the list's current `sort` value, and the value its
    /// header links to: the other direction when sorted by it, else its first direction.
    pub fn state(self, active: &str) -> (&'static str, &'static str) {
        let first = self.desc.or(self.asc).unwrap_or_default();
        match (self.desc, self.asc) {
            (Some(desc), asc) if desc == active => ("descending", asc.unwrap_or(desc)),
            (desc, Some(asc)) if asc == active => ("ascending", desc.unwrap_or(asc)),
            _ => ("none", first),
        }
    }
}

/// The current path and query with each of `set` put in (a blank value drops its key) and
/// the page or cursor dropped, as a new sort or filter starts from the first page.
pub fn href_with<'a>(
    path: &str,
    query: impl IntoIterator<Item = (&'a str, &'a str)>,
    set: &[(&str, &str)],
) -> String {
    let pair = |(k, v): (&str, &str)| format!("{k}={}", crate::kit::forms::encode_query(v));
    let kept = query.into_iter().filter(|(k, v)| {
        !matches!(*k, "after" | "before" | "page")
            && !set.iter().any(|(key, _)| key == k)
            && !v.is_empty()
    });
    let pairs: Vec<String> = kept
        .map(pair)
        .chain(set.iter().copied().filter(|(_, v)| !v.is_empty()).map(pair))
        .collect();
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

/// The current path and query with `sort` set to `value` (dropped when empty), from the
/// first page.
pub fn sorted_href<'a>(
    path: &str,
    query: impl IntoIterator<Item = (&'a str, &'a str)>,
    value: &str,
) -> String {
    href_with(path, query, &[("sort", value)])
}

/// A column header that sorts its list by a link (no JavaScript needed), with `aria-sort`
/// and an arrow showing the current order. `default` is the list's order when the URL names
/// none (a link to it names none either). The lists render their tables afresh for every URL,
/// so the header reads the router's location once rather than owning a memo of its own, which
/// a navigation would dispose while the old table's attributes still read it.
#[leptos::component]
pub fn SortHeader(
    label: &'static str,
    column: SortColumn,
    #[prop(optional)] default: &'static str,
    #[prop(optional)] num: bool,
) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let locale = crate::kit::i18n::use_locale();
    let location = leptos_router::hooks::use_location();
    let query = location.query.get_untracked();
    let active = query.get("sort").filter(|s| !s.is_empty());
    let (aria_sort, next) = column.state(active.as_deref().unwrap_or(default));
    let next = if next == default { "" } else { next };
    let pairs = (&query).into_iter().map(|(k, v)| (k.as_ref(), v));
    let href = sorted_href(&location.pathname.get_untracked(), pairs, next);
    let arrow = match aria_sort {
        "descending" => "▼",
        "ascending" => "▲",
        _ => "↕",
    };
    view! {
        <th class=if num { "sortable num" } else { "sortable" } aria-sort=aria_sort>
            <a href=href>{locale.t(label)} <span class="sort-arrow" aria-hidden="true">{arrow}</span></a>
        </th>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_sorts_by_its_column_and_turns_the_order_round() {
        let created = SortColumn {
            desc: Some(""),
            asc: Some("created_asc"),
        };
        assert_eq!(created.state(""), ("descending", "created_asc"));
        assert_eq!(created.state("created_asc"), ("ascending", ""));
        assert_eq!(created.state("name"), ("none", ""));
        let name = SortColumn {
            desc: None,
            asc: Some("name"),
        };
        assert_eq!(name.state(""), ("none", "name"));
        assert_eq!(name.state("name"), ("ascending", "name"));
        let total = SortColumn {
            desc: Some("total_desc"),
            asc: Some("total_asc"),
        };
        assert_eq!(total.state("total_desc"), ("descending", "total_asc"));
        assert_eq!(total.state("created_desc"), ("none", "total_desc"));
    }

    #[test]
    fn a_sort_link_keeps_the_filters_and_starts_from_the_first_page() {
        let query = [
            ("q", "云 服务"),
            ("sort", "name"),
            ("after", "x"),
            ("page", "3"),
            ("status", ""),
        ];
        assert_eq!(
            sorted_href("/users", query, "email"),
            "/users?q=%E4%BA%91%20%E6%9C%8D%E5%8A%A1&sort=email"
        );
        assert_eq!(
            sorted_href("/users", query, ""),
            "/users?q=%E4%BA%91%20%E6%9C%8D%E5%8A%A1"
        );
        assert_eq!(sorted_href("/orders", [], ""), "/orders");
    }

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let c = Cursor {
            at: 1_700_000_000,
            id: 42,
        };
        assert_eq!(Cursor::parse(&c.encode(), "before"), Ok(Some(c)));
        assert_eq!(Cursor::parse(" ", "before"), Ok(None));
        assert_eq!(
            Cursor::parse("-5.-7", "before"),
            Ok(Some(Cursor { at: -5, id: -7 }))
        );
        for bad in ["7", "a.b", "1.2.3", "99999999999999999999.1", "1.", ".1"] {
            assert!(Cursor::parse(bad, "before").is_err(), "{bad}");
        }
    }

    #[test]
    fn page_numbers_are_bounded() {
        assert_eq!(page_number(""), Ok(1));
        assert_eq!(page_number("abc"), Ok(1));
        assert_eq!(page_number("-3"), Ok(1));
        assert_eq!(page_number("7"), Ok(7));
        assert!(page_number("100001").is_err());
        assert!(page_number("9223372036854775807").is_err());
        assert!(page_number("99999999999999999999999").is_err());
        assert_eq!(offset(3, 50), 100);
        assert_eq!(offset(i64::MAX, 50), (MAX_PAGE - 1) * 50);
    }
}
