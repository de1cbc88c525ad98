//! The tutorial rules: the upload limits, the manual's topics and the durations as typed
//! and shown.

pub const MAX_VIDEO_BYTES: usize = 200 * 1024 * 1024;
pub const MAX_POSTER_BYTES: usize = 2 * 1024 * 1024;
pub const UPLOAD_LIMIT: usize = MAX_VIDEO_BYTES + MAX_POSTER_BYTES + 64 * 1024;

/// The manual's four topics (§9.1): 服务上下架, 注册激活, 订单管理, MSP 分账.
pub const TOPICS: &[(&str, &str)] = &[
    ("services", "tutorial.topic.services"),
    ("onboarding", "tutorial.topic.onboarding"),
    ("orders", "tutorial.topic.orders"),
    ("settlement", "tutorial.topic.settlement"),
];

/// `mm:ss` or `h:mm:ss` of a number of seconds.
pub fn duration_text(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Seconds of `mm:ss`, `h:mm:ss` or plain seconds, as typed.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return Some(0);
    }
    let parts: Vec<i64> = text
        .split(':')
        .map(|p| p.parse::<i64>().ok().filter(|n| *n >= 0))
        .collect::<Option<Vec<_>>>()?;
    let seconds = match parts.as_slice() {
        [s] => *s,
        [m, s] if *s < 60 => m * 60 + s,
        [h, m, s] if *m < 60 && *s < 60 => h * 3600 + m * 60 + s,
        _ => return None,
    };
    (seconds <= 24 * 3600).then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_and_print() {
        assert_eq!(parse_duration("3:25"), Some(205));
        assert_eq!(parse_duration("1:02:03"), Some(3723));
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration(""), Some(0));
        assert_eq!(parse_duration("3:75"), None);
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(parse_duration("a:b"), None);
        assert_eq!(duration_text(205), "3:25");
        assert_eq!(duration_text(3723), "1:02:03");
    }
}
