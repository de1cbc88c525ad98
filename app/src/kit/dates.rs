//! Calendar dates as the date filters send them (YYYY-MM-DD), and the quick ranges offered
//! beside every pair of date fields (今天, 近7天, 本月, 上月, 本年). Plain arithmetic on days, so
//! the browser computes the same links as the server without a date library.

use leptos::prelude::*;

/// Today's date in the viewer's time zone (偏好设置; the date filters count the viewer's
/// days), as the server saw it when the frame was rendered; the shell provides it, so server
/// and browser agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Today(pub String);

/// (year, month, day) of `2019-12-05`; None for anything that is not a real date.
pub fn parse(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.trim().split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// `2019-12-05` of (year, month, day).
pub fn format((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// The date `days` after (before, when negative) `date`.
pub fn add_days((y, m, d): (i32, u32, u32), days: i64) -> (i32, u32, u32) {
    // To a day count and back (H. Hinnant's civil calendar algorithms).
    let (y0, m0) = if m <= 2 {
        (i64::from(y) - 1, m + 9)
    } else {
        (i64::from(y), m - 3)
    };
    let era = y0.div_euclid(400);
    let yoe = y0 - era * 400;
    let doy = (153 * i64::from(m0) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    // Days since 0000-03-01, moved by `days`.
    let z = era * 146_097 + doe + days;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// The quick ranges from `today`: a label key and the first and last day, both inclusive.
pub fn quick_ranges(today: (i32, u32, u32)) -> [(&'static str, String, String); 5] {
    let (y, m, _) = today;
    let month_start = (y, m, 1);
    let last_month_end = add_days(month_start, -1);
    let last_month_start = (last_month_end.0, last_month_end.1, 1);
    [
        ("dates.today", format(today), format(today)),
        (
            "dates.last_7_days",
            format(add_days(today, -6)),
            format(today),
        ),
        ("dates.this_month", format(month_start), format(today)),
        (
            "dates.last_month",
            format(last_month_start),
            format(last_month_end),
        ),
        ("dates.this_year", format((y, 1, 1)), format(today)),
    ]
}

/// The current path and query with `from` and `to` set, from the first page.
fn ranged_href<'a>(
    path: &str,
    query: impl IntoIterator<Item = (&'a str, &'a str)>,
    from: &str,
    to: &str,
) -> String {
    crate::kit::paging::href_with(path, query, &[("from", from), ("to", to)])
}

/// Links beside a list's date fields that set both to a common range, keeping the other
/// filters; the range in force is marked. Nothing where the frame gave no date. The links
/// follow the URL (a filter form outside the list's Suspense is not rendered again), reading
/// only the router's own signals, which no navigation disposes.
#[component]
pub fn QuickRanges() -> impl IntoView {
    let locale = crate::kit::i18n::use_locale();
    let today = use_context::<Today>().and_then(|today| parse(&today.0));
    let location = leptos_router::hooks::use_location();
    today.map(|today| {
        let links = quick_ranges(today)
            .into_iter()
            .map(|(key, start, end)| {
                let (from, to) = (start.clone(), end.clone());
                let href = move || {
                    let query = location.query.get();
                    let pairs = (&query).into_iter().map(|(k, v)| (k.as_ref(), v));
                    ranged_href(&location.pathname.get(), pairs, &from, &to)
                };
                let current = move || {
                    let query = location.query.get();
                    (query.get_str("from") == Some(start.as_str())
                        && query.get_str("to") == Some(end.as_str()))
                    .then_some("true")
                };
                // A whole page load: the date fields beside are rendered with the new range.
                view! { <a href=href rel="external" aria-current=current>{locale.t(key)}</a> }
            })
            .collect_view();
        view! {
            <p class="quick-ranges" role="group" aria-label=locale.t("dates.quick")>
                <span class="muted">{locale.t("dates.quick")}</span>
                {links}
            </p>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_strictly() {
        assert_eq!(parse("2019-12-05"), Some((2019, 12, 5)));
        assert_eq!(parse("2020-02-29"), Some((2020, 2, 29)));
        assert_eq!(parse("2019-02-29"), None);
        assert_eq!(parse("1900-02-29"), None);
        assert_eq!(parse("2000-02-29"), Some((2000, 2, 29)));
        assert_eq!(parse("2019-13-01"), None);
        assert_eq!(parse("2019-12"), None);
        assert_eq!(parse("x"), None);
    }

    #[test]
    fn days_step_across_months_years_and_leap_days() {
        assert_eq!(add_days((2019, 12, 31), 1), (2020, 1, 1));
        assert_eq!(add_days((2020, 3, 1), -1), (2020, 2, 29));
        assert_eq!(add_days((2019, 3, 1), -1), (2019, 2, 28));
        assert_eq!(add_days((2019, 12, 5), -6), (2019, 11, 29));
        assert_eq!(add_days((1970, 1, 1), 0), (1970, 1, 1));
        assert_eq!(add_days((2000, 1, 1), 366), (2001, 1, 1));
        // Every day of four years, one at a time, is the next calendar day.
        let mut day = (2019, 1, 1);
        for _ in 0..1461 {
            let next = add_days(day, 1);
            let expected = if parse(&format((day.0, day.1, day.2 + 1))).is_some() {
                (day.0, day.1, day.2 + 1)
            } else if day.1 < 12 {
                (day.0, day.1 + 1, 1)
            } else {
                (day.0 + 1, 1, 1)
            };
            assert_eq!(next, expected, "after {day:?}");
            assert_eq!(add_days(next, -1), day);
            day = next;
        }
    }

    #[test]
    fn quick_ranges_end_today_except_last_month() {
        let ranges = quick_ranges((2020, 3, 5));
        let dates: Vec<(&str, &str)> = ranges
            .iter()
            .map(|(_, a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            dates,
            vec![
                ("2020-03-05", "2020-03-05"),
                ("2020-02-28", "2020-03-05"),
                ("2020-03-01", "2020-03-05"),
                ("2020-02-01", "2020-02-29"),
                ("2020-01-01", "2020-03-05"),
            ]
        );
        // January's last month is the December before.
        assert_eq!(quick_ranges((2020, 1, 15))[3].1, "2019-12-01");
        assert_eq!(quick_ranges((2020, 1, 15))[3].2, "2019-12-31");
    }

    #[test]
    fn a_range_link_keeps_the_other_filters_and_starts_from_the_first_page() {
        let query = [
            ("status", "completed"),
            ("from", "2019-01-01"),
            ("after", "5_6"),
            ("q", "迁移"),
        ];
        assert_eq!(
            ranged_href("/orders", query, "2019-12-01", "2019-12-05"),
            format!(
                "/orders?status=completed&q={}&from=2019-12-01&to=2019-12-05",
                crate::kit::forms::encode_query("迁移")
            )
        );
    }
}
