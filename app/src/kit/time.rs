//! Dates as the portal shows them. Formatting happens on the server only, so the hydrating
//! browser renders the same string.
//!
//! Two clocks: the marketplace's business time zone, China Standard Time, fixes what the
//! rules count by day (a bill's month, a ticket number's date); every time a person reads is
//! shown in their own time zone (偏好设置, stored on the user), the business zone until they
//! choose one. Pages read the viewer's zone from the request; exports and mails, built away
//! from it, are handed a zone.

use jiff::tz::{Offset, TimeZone};
use jiff::{civil::Date, Timestamp};

/// The marketplace's business time zone.
pub const BUSINESS_ZONE: &str = "Asia/Shanghai";

/// The zones 偏好设置 offers, with the locale key of their places; west to east of UTC.
pub const ZONES: &[(&str, &str)] = &[
    ("America/Los_Angeles", "zone.los_angeles"),
    ("America/Denver", "zone.denver"),
    ("America/Chicago", "zone.chicago"),
    ("America/New_York", "zone.new_york"),
    ("America/Sao_Paulo", "zone.sao_paulo"),
    ("UTC", "zone.utc"),
    ("Europe/London", "zone.london"),
    ("Europe/Paris", "zone.paris"),
    ("Europe/Berlin", "zone.berlin"),
    ("Europe/Moscow", "zone.moscow"),
    ("Asia/Dubai", "zone.dubai"),
    ("Asia/Kolkata", "zone.kolkata"),
    ("Asia/Bangkok", "zone.bangkok"),
    ("Asia/Singapore", "zone.singapore"),
    ("Asia/Shanghai", "zone.shanghai"),
    ("Asia/Hong_Kong", "zone.hong_kong"),
    ("Asia/Taipei", "zone.taipei"),
    ("Asia/Seoul", "zone.seoul"),
    ("Asia/Tokyo", "zone.tokyo"),
    ("Australia/Sydney", "zone.sydney"),
    ("Pacific/Auckland", "zone.auckland"),
];

tokio::task_local! {
    static VIEWER: Zone;
}

/// A time zone of the IANA database, by its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    name: &'static str,
    /// The locale key of its places.
    key: &'static str,
    tz: TimeZone,
}

/// The business zone, looked up once: it is the zone of most requests.
static BUSINESS: std::sync::LazyLock<Zone> = std::sync::LazyLock::new(|| {
    Zone::named(BUSINESS_ZONE).unwrap_or_else(|| Zone {
        name: BUSINESS_ZONE,
        key: "zone.shanghai",
        tz: TimeZone::fixed(Offset::constant(8)),
    })
});

impl Zone {
    /// China Standard Time. Its rules have not changed since 1991, so where no database can
    /// be read at all it is the fixed offset +8.
    pub fn business() -> Zone {
        BUSINESS.clone()
    }

    /// One of the zones 偏好设置 offers; anything else is none.
    pub fn named(name: &str) -> Option<Zone> {
        let (name, key) = ZONES.iter().find(|(zone, _)| *zone == name)?;
        let tz = jiff::tz::db().get(name).ok()?;
        Some(Zone { name, key, tz })
    }

    /// A stored setting: the zone it names, the business zone when it names none.
    pub fn of_setting(setting: Option<&str>) -> Zone {
        setting.and_then(Zone::named).unwrap_or_else(Zone::business)
    }

    /// The zone of the request's signed-in user (the business zone for anyone else): the
    /// server's middleware puts it in the request beside the user, and work for the request
    /// carries it (`for_viewer`).
    pub fn viewer() -> Zone {
        VIEWER
            .try_with(Zone::clone)
            .ok()
            .or_else(|| {
                leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
                    parts.extensions.get::<Zone>().cloned()
                })
                .flatten()
            })
            .unwrap_or_else(Zone::business)
    }

    /// `work` with this zone as the viewer's on every poll, whichever task polls it. A page's
    /// data is fetched once per request and shared between its renders: the render that
    /// started the fetch may be gone, with its context, before the rows are formatted.
    pub fn for_viewer<F: std::future::Future>(
        self,
        work: F,
    ) -> impl std::future::Future<Output = F::Output> {
        VIEWER.scope(self, work)
    }

    /// The IANA name (`Asia/Shanghai`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The locale key of the zone's places.
    pub fn label_key(&self) -> &'static str {
        self.key
    }

    /// A column title of times in this zone, the zone named: `交易时间 (Asia/Shanghai)`.
    pub fn titled(&self, title: &str) -> String {
        format!("{title} ({})", self.name)
    }

    fn at(&self, unix_seconds: i64) -> Option<jiff::ZonedDateTime> {
        Timestamp::from_second(unix_seconds)
            .ok()
            .map(|t| t.to_zoned_datetime(self.tz.clone()))
    }

    pub fn datetime(&self, unix_seconds: i64) -> String {
        self.at(unix_seconds)
            .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    }

    /// With seconds, as the bill's 交易时间 column shows it.
    pub fn datetime_seconds(&self, unix_seconds: i64) -> String {
        self.at(unix_seconds)
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default()
    }

    /// The zone's offset from UTC at an instant, as `UTC+08:00` (`UTC` itself when none).
    pub fn offset_label(&self, unix_seconds: i64) -> String {
        offset_text(self.at(unix_seconds).map_or(0, |t| t.offset().seconds()))
    }

    /// A time that someone must act by, with the zone it is read in named.
    pub fn deadline(&self, unix_seconds: i64) -> String {
        self.at(unix_seconds)
            .map(|t| {
                let offset = offset_text(t.offset().seconds());
                format!("{} ({offset})", t.strftime("%Y-%m-%d %H:%M"))
            })
            .unwrap_or_default()
    }

    /// The first second of an ISO date (`2019-10-01`) in this zone.
    pub fn day_start(&self, date: &str) -> Option<i64> {
        let day: Date = date.trim().parse().ok()?;
        day.to_zoned_datetime(self.tz.clone())
            .ok()
            .map(|t| t.timestamp().as_second())
    }

    /// The first second after that day: a day is not always 24 hours long.
    pub fn day_end(&self, date: &str) -> Option<i64> {
        let day: Date = date.trim().parse().ok()?;
        day.tomorrow()
            .ok()?
            .to_zoned_datetime(self.tz.clone())
            .ok()
            .map(|t| t.timestamp().as_second())
    }

    /// Today in this zone, as an ISO date.
    pub fn today(&self) -> String {
        Timestamp::now()
            .to_zoned_datetime(self.tz.clone())
            .date()
            .to_string()
    }
}

/// An offset from UTC in seconds as `UTC+08:00`, `UTC` itself when none.
fn offset_text(seconds: i32) -> String {
    if seconds == 0 {
        return "UTC".to_owned();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A moment for machines (APIs): RFC 3339 in UTC, `2019-11-01T08:00:00Z`.
pub fn rfc3339(unix_seconds: i64) -> String {
    Timestamp::from_second(unix_seconds)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// A time as the request's viewer reads it.
pub fn format_datetime(unix_seconds: i64) -> String {
    Zone::viewer().datetime(unix_seconds)
}

/// With seconds, in the viewer's zone.
pub fn format_datetime_seconds(unix_seconds: i64) -> String {
    Zone::viewer().datetime_seconds(unix_seconds)
}

/// A deadline in the viewer's zone, the zone named.
pub fn format_deadline(unix_seconds: i64) -> String {
    Zone::viewer().deadline(unix_seconds)
}

/// The first second of an ISO date in the business zone, as the rules count days.
pub fn day_start(date: &str) -> Option<i64> {
    Zone::business().day_start(date)
}

/// Today in the business zone, as an ISO date.
pub fn today() -> String {
    Zone::business().today()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_china_standard_time_by_default() {
        // 2019-12-06 03:02:52 UTC is 11:02 in Shanghai, as work order 20191206030252180 shows.
        assert_eq!(format_datetime(1_575_601_372), "2019-12-06 11:02");
        assert_eq!(
            format_datetime_seconds(1_575_601_372),
            "2019-12-06 11:02:52"
        );
        assert_eq!(
            format_deadline(1_575_601_372),
            "2019-12-06 11:02 (UTC+08:00)"
        );
    }

    #[test]
    fn days_start_at_midnight_in_shanghai() {
        assert_eq!(day_start("2019-12-06"), Some(1_575_561_600));
        assert_eq!(day_start("2019-13-06"), None);
        assert_eq!(day_start(""), None);
    }

    #[test]
    fn other_zones_show_their_own_clock_and_offset() {
        let new_york = Zone::named("America/New_York").unwrap();
        // Winter: five hours behind UTC.
        assert_eq!(new_york.datetime(1_575_601_372), "2019-12-05 22:02");
        assert_eq!(new_york.offset_label(1_575_601_372), "UTC-05:00");
        // Summer time: four.
        assert_eq!(
            new_york.deadline(1_561_000_000),
            "2019-06-19 23:06 (UTC-04:00)"
        );
        let kolkata = Zone::named("Asia/Kolkata").unwrap();
        assert_eq!(kolkata.offset_label(1_575_601_372), "UTC+05:30");
        assert_eq!(Zone::named("UTC").unwrap().offset_label(0), "UTC");
    }

    #[test]
    fn a_day_changing_the_clock_is_not_24_hours() {
        let new_york = Zone::named("America/New_York").unwrap();
        // 2019-03-10: the clocks went forward, the day had 23 hours.
        let start = new_york.day_start("2019-03-10").unwrap();
        assert_eq!(new_york.day_end("2019-03-10").unwrap() - start, 23 * 3600);
        assert_eq!(new_york.datetime(start), "2019-03-10 00:00");
    }

    #[test]
    fn only_offered_zones_are_settings() {
        assert!(Zone::named("Asia/Tokyo").is_some());
        assert_eq!(Zone::named("Mars/Olympus"), None);
        assert_eq!(Zone::named("../../etc/passwd"), None);
        assert_eq!(Zone::of_setting(Some("Nowhere")).name(), BUSINESS_ZONE);
        assert_eq!(Zone::of_setting(None), Zone::business());
        // Every offered zone is in the database.
        for (name, _) in ZONES {
            assert!(jiff::tz::db().get(name).is_ok(), "{name}");
        }
    }
}
