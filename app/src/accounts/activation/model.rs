//! The mailed links' rules: how long each kind works, how often one is sent again, what a
//! link's row says about it, and the checks of what an activation and a reset ask for.
//! Plain Rust, unit-tested.

use serde::{Deserialize, Serialize};

pub const ACTIVATION_SECS: i64 = 3 * 24 * 3600;
pub const RESET_SECS: i64 = 3600;
/// A new link for the same person at most this often (mail flooding).
pub const RESEND_GAP_SECS: i64 = 60;
/// The longest name and phone number an activation takes.
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_PHONE_CHARS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Valid,
    Used,
    Expired,
    Unknown,
}

impl LinkState {
    /// A link's state from its row, (used at, expires at), at `now`; no row: unknown.
    pub fn of(row: Option<(Option<i64>, i64)>, now: i64) -> Self {
        match row {
            None => LinkState::Unknown,
            Some((Some(_), _)) => LinkState::Used,
            Some((None, expires_at)) if expires_at <= now => LinkState::Expired,
            Some(_) => LinkState::Valid,
        }
    }
}

/// An address as typed into a form, as accounts are keyed: trimmed and lowercased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The address a reset link is asked for (normalized): required and with an @; the error
/// is the code shown next to the field.
pub fn check_reset_email(email: &str) -> Result<(), &'static str> {
    if email.is_empty() {
        Err("form.required")
    } else if !email.contains('@') {
        Err("form.email_invalid")
    } else {
        Ok(())
    }
}

/// The name and phone an activation sets, trimmed: a name is required, and neither may be
/// longer than its limit. The error is (field, code).
pub fn check_profile(
    name: &str,
    phone: &str,
) -> Result<(String, String), (&'static str, &'static str)> {
    let (name, phone) = (name.trim(), phone.trim());
    if name.is_empty() {
        return Err(("name", "form.required"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(("name", "form.too_long"));
    }
    if phone.chars().count() > MAX_PHONE_CHARS {
        return Err(("phone", "form.too_long"));
    }
    Ok((name.to_owned(), phone.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_valid_until_used_or_expired() {
        let now = 1_000;
        assert_eq!(LinkState::of(None, now), LinkState::Unknown);
        assert_eq!(LinkState::of(Some((None, now + 1)), now), LinkState::Valid);
        assert_eq!(LinkState::of(Some((None, now)), now), LinkState::Expired);
        assert_eq!(
            LinkState::of(Some((Some(10), now + 1)), now),
            LinkState::Used
        );
        // Used says more than expired: it was used before it ran out.
        assert_eq!(
            LinkState::of(Some((Some(10), now - 1)), now),
            LinkState::Used
        );
    }

    #[test]
    fn addresses_are_trimmed_and_lowercased() {
        assert_eq!(
            normalize_email("  Li.Lei@Example.COM "),
            "li.lei@example.com"
        );
        assert_eq!(check_reset_email(""), Err("form.required"));
        assert_eq!(check_reset_email("li.lei"), Err("form.email_invalid"));
        assert_eq!(check_reset_email("li@example.com"), Ok(()));
    }

    #[test]
    fn an_activation_needs_a_name_and_bounded_fields() {
        assert_eq!(
            check_profile(" 李雷 ", " 123 "),
            Ok(("李雷".to_owned(), "123".to_owned()))
        );
        assert_eq!(check_profile("  ", "123"), Err(("name", "form.required")));
        assert_eq!(
            check_profile(&"名".repeat(101), &"1".repeat(41)),
            Err(("name", "form.too_long"))
        );
        assert_eq!(
            check_profile("李雷", &"1".repeat(41)),
            Err(("phone", "form.too_long"))
        );
        assert!(check_profile(&"名".repeat(100), &"1".repeat(40)).is_ok());
        assert!(check_profile("李雷", "").is_ok());
    }
}
