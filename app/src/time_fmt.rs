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

#[cfg(test)]
mod tests {
    #[test]
    fn shows_china_standard_time() {
        // 2019-12-06 03:02:52 UTC is 11:02 in Shanghai, as work order 20191206030252180 shows.
        assert_eq!(super::format_datetime(1_575_601_372), "2019-12-06 11:02");
    }
}
