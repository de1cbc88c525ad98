//! The rules of a password sign-in: the slider's answer, the second step's limits, who may
//! sign in at all and where they land, and the way back to the form with what went wrong.
//! Plain Rust, unit-tested (the throttling's arithmetic is `accounts::security::model`'s).

use crate::accounts::{home_path, safe_next};
use crate::kit::forms::encode_query;

/// The cookie that carries a sign-in between the password and the second factor.
pub const PENDING_COOKIE: &str = "pc_pending";
/// Seconds a slider challenge stays good.
pub const CHALLENGE_SECS: i64 = 300;
/// Time for the second factor after the password.
pub const PENDING_SECS: i64 = 300;
/// Wrong codes before the second step starts over from the password.
pub const PENDING_ATTEMPTS: i64 = 5;
/// A recovery code, normalized, has this many characters; anything else is no code.
pub const RECOVERY_CODE_CHARS: usize = 8;

/// Why a verified identity still may not sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NoProvider,
    /// Every provider of the account is suspended by the platform (暂停).
    ProviderSuspended,
    /// An operator whose access was taken away (停用), with no provider to go to.
    OperatorDisabled,
}

impl Refused {
    /// The code the sign-in page names it by (`login.error.<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            Refused::NoProvider => "no_provider",
            Refused::ProviderSuspended => "provider_suspended",
            Refused::OperatorDisabled => "operator_disabled",
        }
    }
}

/// The slider was dragged to its end, on a challenge that was still good.
pub fn slider_passed(challenge_ok: bool, slider: Option<&str>) -> bool {
    challenge_ok && slider == Some("100")
}

/// What an account holds when its identity is proven: usable memberships, memberships with
/// a suspended provider, and its platform role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub memberships: usize,
    pub suspended_memberships: usize,
    pub operator: bool,
    /// An operator whose access was taken away (停用).
    pub disabled_operator: bool,
}

/// Who may sign in: a member of a provider that is not suspended, or an active platform
/// operator. Anyone else is told why: every provider suspended, operator access taken away,
/// or no provider at all.
pub fn may_sign_in(standing: Standing) -> Result<(), Refused> {
    if standing.memberships > 0 || standing.operator {
        Ok(())
    } else if standing.suspended_memberships > 0 {
        Err(Refused::ProviderSuspended)
    } else if standing.disabled_operator {
        Err(Refused::OperatorDisabled)
    } else {
        Err(Refused::NoProvider)
    }
}

/// Where a completed sign-in goes: the page it was asked from when that is this site's,
/// else home.
pub fn landing(next: Option<&str>, is_operator: bool, has_provider: bool) -> String {
    safe_next(next)
        .map(str::to_owned)
        .unwrap_or_else(|| home_path(is_operator, has_provider).to_owned())
}

/// Back to the login form with error `code` (and `extra` query), the typed address kept,
/// and the page asked for when it is this site's.
pub fn back_to_form(code: &str, email: &str, extra: &str, next: Option<&str>) -> String {
    let mut url = format!("/login?error={code}&email={}{extra}", encode_query(email));
    if let Some(next) = safe_next(next) {
        url.push_str(&format!("&next={}", encode_query(next)));
    }
    url
}

/// After a wrong code: whether the pending sign-in's own tries are used up (`attempts` is
/// the count after this try, none when no try was left), so it starts over from the
/// password.
pub fn pending_used_up(attempts: Option<i64>) -> bool {
    attempts.is_none_or(|n| n >= PENDING_ATTEMPTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slider_counts_only_at_its_end_on_a_live_challenge() {
        assert!(slider_passed(true, Some("100")));
        assert!(!slider_passed(true, Some("99")));
        assert!(!slider_passed(true, None));
        assert!(!slider_passed(false, Some("100")));
    }

    #[test]
    fn members_and_operators_sign_in_nobody_else() {
        let member = Standing {
            memberships: 1,
            ..Standing::default()
        };
        assert_eq!(may_sign_in(member), Ok(()));
        let operator = Standing {
            operator: true,
            ..Standing::default()
        };
        assert_eq!(may_sign_in(operator), Ok(()));
        assert_eq!(may_sign_in(Standing::default()), Err(Refused::NoProvider));
        // A suspended provider's member is told why; one with another provider goes there.
        let suspended = Standing {
            suspended_memberships: 1,
            ..Standing::default()
        };
        assert_eq!(may_sign_in(suspended), Err(Refused::ProviderSuspended));
        assert_eq!(
            may_sign_in(Standing {
                memberships: 1,
                ..suspended
            }),
            Ok(())
        );
        // A disabled operator hears that, not "no provider".
        let disabled = Standing {
            disabled_operator: true,
            ..Standing::default()
        };
        assert_eq!(may_sign_in(disabled), Err(Refused::OperatorDisabled));
        assert_eq!(
            may_sign_in(Standing {
                memberships: 1,
                ..disabled
            }),
            Ok(())
        );
        assert_eq!(Refused::ProviderSuspended.code(), "provider_suspended");
    }

    #[test]
    fn a_sign_in_lands_on_the_page_asked_for_or_home() {
        assert_eq!(landing(Some("/bills?page=2"), false, true), "/bills?page=2");
        assert_eq!(landing(Some("//evil.example"), false, true), "/");
        assert_eq!(landing(None, true, false), "/platform");
        assert_eq!(landing(None, true, true), "/");
    }

    #[test]
    fn the_way_back_keeps_the_address_and_a_safe_next() {
        assert_eq!(
            back_to_form("credentials", "li+x@example.com", "", Some("/bills")),
            "/login?error=credentials&email=li%2Bx%40example.com&next=%2Fbills"
        );
        assert_eq!(
            back_to_form("throttled", "a@b.c", "&minutes=3", Some("//evil.example")),
            "/login?error=throttled&email=a%40b.c&minutes=3"
        );
    }

    #[test]
    fn the_second_step_starts_over_after_its_tries() {
        assert!(!pending_used_up(Some(1)));
        assert!(!pending_used_up(Some(PENDING_ATTEMPTS - 1)));
        assert!(pending_used_up(Some(PENDING_ATTEMPTS)));
        assert!(pending_used_up(None));
    }
}
