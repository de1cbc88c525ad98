//! 平台设置's rules: plain Rust, shared by both sides and unit-tested.

/// The auto-acceptance period's bounds, in days.
pub const AUTO_ACCEPT_DAYS: std::ops::RangeInclusive<i64> = 1..=90;

/// 自动验收 as the settings form sends it: `enabled` (the checkbox, `on` when ticked) and
/// the days. Off needs no days (whatever is typed is ignored); on needs a whole number in
/// `AUTO_ACCEPT_DAYS`. `Ok(None)`: off. Otherwise the error's translation key.
pub fn auto_accept_days(enabled: &str, days: &str) -> Result<Option<i64>, &'static str> {
    if enabled.trim().is_empty() {
        return Ok(None);
    }
    let days = days.trim();
    if days.is_empty() {
        return Err("form.required");
    }
    match days.parse::<i64>() {
        Ok(n) if AUTO_ACCEPT_DAYS.contains(&n) => Ok(Some(n)),
        _ => Err("settings.error.auto_accept_days"),
    }
}

/// The longest payer name and contact kept, in characters.
pub const PAYER_CHARS: usize = 200;

/// 付款方 as the settings form sends it: the payer's name and a contact (an address or a
/// phone), both required, trimmed, at most `PAYER_CHARS`. Otherwise each bad field with the
/// key of its message.
pub fn payer(
    name: &str,
    contact: &str,
) -> Result<(String, String), Vec<(&'static str, &'static str)>> {
    let clean = |s: &str| -> String { s.trim().chars().filter(|c| !c.is_control()).collect() };
    let (name, contact) = (clean(name), clean(contact));
    let mut errors = Vec::new();
    for (field, value) in [("payer_name", &name), ("payer_contact", &contact)] {
        if value.is_empty() {
            errors.push((field, "form.required"));
        } else if value.chars().count() > PAYER_CHARS {
            errors.push((field, "form.too_long_short"));
        }
    }
    if errors.is_empty() {
        Ok((name, contact))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_acceptance_is_off_or_one_to_ninety_days() {
        assert_eq!(auto_accept_days("", "abc"), Ok(None));
        assert_eq!(auto_accept_days("on", "14"), Ok(Some(14)));
        assert_eq!(auto_accept_days("on", " 1 "), Ok(Some(1)));
        assert_eq!(auto_accept_days("on", "90"), Ok(Some(90)));
        assert_eq!(auto_accept_days("on", ""), Err("form.required"));
        for bad in ["0", "91", "-3", "7.5", "x", "1e2"] {
            assert_eq!(
                auto_accept_days("on", bad),
                Err("settings.error.auto_accept_days"),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_payer_needs_a_name_and_a_contact() {
        assert_eq!(
            payer(" 上海蓝云网络科技有限公司 ", "billing@example.com\n"),
            Ok((
                "上海蓝云网络科技有限公司".into(),
                "billing@example.com".into()
            ))
        );
        assert_eq!(
            payer(" ", ""),
            Err(vec![
                ("payer_name", "form.required"),
                ("payer_contact", "form.required")
            ])
        );
        assert_eq!(
            payer(&"名".repeat(201), "x"),
            Err(vec![("payer_name", "form.too_long_short")])
        );
    }
}
