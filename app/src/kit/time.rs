//! Dates as the portal shows them. Formatting happens on the server only, so the hydrating
//! browser renders the same string. Times are shown in China Standard Time (UTC+8), the
//! marketplace's business time zone.

use time::macros::{format_description, offset};
use time::OffsetDateTime;

pub fn format_datetime(unix_seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|t| {
            t.to_offset(offset!(+8))
                .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
                .ok()
        })
        .unwrap_or_default()
}

/// With seconds, as the bill's 交易时间 column shows it.
pub fn format_datetime_seconds(unix_seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|t| {
            t.to_offset(offset!(+8))
                .format(format_description!(
                    "[year]-[month]-[day] [hour]:[minute]:[second]"
                ))
                .ok()
        })
        .unwrap_or_default()
}

/// The first second of an ISO date (`2019-10-01`) in UTC+8.
pub fn day_start(date: &str) -> Option<i64> {
    let day = time::Date::parse(date.trim(), format_description!("[year]-[month]-[day]")).ok()?;
    Some(day.midnight().assume_offset(offset!(+8)).unix_timestamp())
}

/// Today in UTC+8, as an ISO date.
pub fn today() -> String {
    OffsetDateTime::now_utc()
        .to_offset(offset!(+8))
        .date()
        .format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn shows_china_standard_time() {
        // 2019-12-06 03:02:52 UTC is 11:02 in Shanghai, as work order 20191206030252180 shows.
        assert_eq!(super::format_datetime(1_575_601_372), "2019-12-06 11:02");
        assert_eq!(
            super::format_datetime_seconds(1_575_601_372),
            "2019-12-06 11:02:52"
        );
    }

    #[test]
    fn days_start_at_midnight_in_shanghai() {
        assert_eq!(super::day_start("2019-12-06"), Some(1_575_561_600));
        assert_eq!(super::day_start("2019-13-06"), None);
    }
}
