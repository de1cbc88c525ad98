//! The rules of signing in, as plain functions: the password policy (OWASP ASVS L2) and the
//! brute-force backoff. No database, no clock of their own: callers pass `now`.

use zxcvbn::Score;

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks a new password; the error is the translation key shown next to the field.
/// Length counts characters, not bytes (ASVS 2.1.1–2.1.2); common and easily guessed
/// passwords, and ones built from the user's own email or name, are refused (2.1.7).
pub fn check_password(password: &str, user_inputs: &[&str]) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err("password.too_short");
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err("password.too_long");
    }
    let mut inputs: Vec<&str> = user_inputs
        .iter()
        .copied()
        .filter(|s| !s.is_empty())
        .collect();
    inputs.extend(["provider", "center", "providercenter"]);
    if zxcvbn::zxcvbn(password, &inputs).score() < Score::Three {
        return Err("password.weak");
    }
    Ok(())
}

/// Checks a new password typed into `field` and its confirmation (absent: not typed); the
/// error is (field, translation key): the policy's refusal first, then a mismatch.
pub fn check_new_password(
    field: &'static str,
    password: &str,
    confirm: Option<&str>,
    user_inputs: &[&str],
) -> Result<(), (&'static str, &'static str)> {
    check_password(password, user_inputs).map_err(|code| (field, code))?;
    if confirm != Some(password) {
        return Err(("confirm_password", "password.mismatch"));
    }
    Ok(())
}

/// Failures an account may have in the window before each further attempt waits.
const FREE_ACCOUNT_FAILURES: usize = 5;
/// Failures from one address in the window before it waits (shared offices: generous).
const FREE_IP_FAILURES: usize = 30;
/// The window failures are counted in.
pub const WINDOW_SECS: i64 = 3600;

/// How long before the next sign-in attempt may be tried, given the times of the failures
/// in the last hour (any order). After the free attempts the wait doubles from one minute
/// per failure up to an hour, which keeps an account far below ASVS 2.2.1's limit of 100
/// failed attempts an hour (see the test that attacks as fast as allowed).
pub fn wait_secs(failures: &[i64], free: usize, now: i64) -> i64 {
    let recent: Vec<i64> = failures
        .iter()
        .copied()
        .filter(|&at| now - at < WINDOW_SECS)
        .collect();
    if recent.len() < free {
        return 0;
    }
    let latest = recent.iter().copied().max().unwrap_or(now);
    let over = (recent.len() - free).min(6) as u32;
    let backoff = (60_i64 << over).min(WINDOW_SECS);
    (latest + backoff - now).max(0)
}

/// The wait for an attempt on `account_failures` from an address with `ip_failures`.
pub fn sign_in_wait(account_failures: &[i64], ip_failures: &[i64], now: i64) -> i64 {
    wait_secs(account_failures, FREE_ACCOUNT_FAILURES, now).max(wait_secs(
        ip_failures,
        FREE_IP_FAILURES,
        now,
    ))
}

/// Wrong second-factor codes in a row that are free; each one after doubles the wait.
pub const FREE_SECOND_FACTOR_FAILURES: i64 = 5;
/// The longest wait between second-factor tries: a day, so that guessing a six-digit code
/// takes years, not hours.
const MAX_SECOND_FACTOR_WAIT: i64 = 24 * 3600;

/// How long before the next second-factor code may be tried, after `failures` wrong codes in
/// a row (counted per account across sign-ins), the last at `last_at`.
pub fn second_factor_wait(failures: i64, last_at: i64, now: i64) -> i64 {
    if failures < FREE_SECOND_FACTOR_FAILURES {
        return 0;
    }
    let over = (failures - FREE_SECOND_FACTOR_FAILURES).min(20) as u32;
    let backoff = (60_i64 << over).min(MAX_SECOND_FACTOR_WAIT);
    (last_at + backoff - now).max(0)
}

/// Whole minutes to tell the user, never 0.
pub fn minutes(wait_secs: i64) -> i64 {
    ((wait_secs + 59) / 60).max(1)
}

/// A provider admin may require a second factor of every member only once they have one
/// themselves: otherwise the click would lock them out of the provider.
pub fn may_require_two_factor(required: bool, own_enrolled: bool) -> Result<(), &'static str> {
    if required && !own_enrolled {
        return Err("two_factor.rule.yourself_first");
    }
    Ok(())
}

/// The recovery codes of an enrolment in progress, as stored (space-separated).
pub fn pending_codes(stored: Option<&str>) -> Vec<String> {
    stored
        .unwrap_or_default()
        .split(' ')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admin_requires_a_second_factor_only_with_one_of_their_own() {
        assert_eq!(
            may_require_two_factor(true, false),
            Err("two_factor.rule.yourself_first")
        );
        assert_eq!(may_require_two_factor(true, true), Ok(()));
        assert_eq!(may_require_two_factor(false, false), Ok(()));
    }

    #[test]
    fn pending_codes_are_read_back_as_stored() {
        assert_eq!(pending_codes(Some("ab12 cd34")), vec!["ab12", "cd34"]);
        assert!(pending_codes(Some("")).is_empty());
        assert!(pending_codes(None).is_empty());
    }

    #[test]
    fn second_factor_guessing_slows_to_one_try_a_day() {
        assert_eq!(second_factor_wait(4, 1000, 1000), 0);
        assert_eq!(second_factor_wait(5, 1000, 1000), 60);
        assert_eq!(second_factor_wait(6, 1000, 1000), 120);
        assert_eq!(second_factor_wait(6, 1000, 1120), 0);
        assert_eq!(second_factor_wait(40, 1000, 1000), 24 * 3600);
        // An attacker trying as fast as allowed gets at most this many codes in 30 days.
        let (mut failures, mut now, mut tries) = (0, 0_i64, 0);
        while now < 30 * 24 * 3600 {
            now += second_factor_wait(failures, now, now).max(1);
            failures += 1;
            tries += 1;
        }
        assert!(tries < 50, "{tries}");
    }

    #[test]
    fn short_long_and_common_passwords_are_refused() {
        assert_eq!(
            check_password("Ab1!Ab1!Ab1", &[]),
            Err("password.too_short")
        );
        assert_eq!(
            check_password(&"x".repeat(129), &[]),
            Err("password.too_long")
        );
        assert_eq!(check_password("password1234", &[]), Err("password.weak"));
        assert_eq!(check_password("123456789012", &[]), Err("password.weak"));
        assert_eq!(check_password("qwertyuiopasdf", &[]), Err("password.weak"));
        assert_eq!(
            check_password("zhangwei@example.com", &["zhangwei@example.com"]),
            Err("password.weak")
        );
        assert!(check_password("Kx9#mPq2vL!w7Rt", &[]).is_ok());
        assert!(check_password("蓝色 云朵 飘过 山顶 的 早晨", &[]).is_ok());
        // 12 characters, not 12 bytes: four Chinese characters are 12 bytes but too short.
        assert_eq!(check_password("蓝云服务", &[]), Err("password.too_short"));
    }

    #[test]
    fn a_new_password_passes_the_policy_then_matches_its_confirmation() {
        let good = "Kx9#mPq2vL!w7Rt";
        assert_eq!(
            check_new_password("new_password", good, Some(good), &[]),
            Ok(())
        );
        assert_eq!(
            check_new_password("password", "short", Some("short"), &[]),
            Err(("password", "password.too_short"))
        );
        assert_eq!(
            check_new_password("new_password", good, Some("Kx9#mPq2vL!w7Rx"), &[]),
            Err(("confirm_password", "password.mismatch"))
        );
        assert_eq!(
            check_new_password("password", good, None, &[]),
            Err(("confirm_password", "password.mismatch"))
        );
        // The policy speaks first, even when the confirmation differs too.
        assert_eq!(
            check_new_password("password", "password1234", None, &[]),
            Err(("password", "password.weak"))
        );
    }

    #[test]
    fn five_failures_are_free_then_the_wait_doubles() {
        let now = 10_000;
        assert_eq!(wait_secs(&[now - 10; 4], 5, now), 0);
        assert_eq!(wait_secs(&[now - 10; 5], 5, now), 50);
        assert_eq!(wait_secs(&[now - 10; 6], 5, now), 110);
        assert_eq!(wait_secs(&[now - 10; 7], 5, now), 230);
        assert_eq!(wait_secs(&[now; 30], 5, now), 3600);
        // Failures older than the window no longer count.
        assert_eq!(wait_secs(&[now - 3600; 50], 5, now), 0);
    }

    #[test]
    fn an_attacker_as_fast_as_allowed_stays_far_below_a_hundred_failures_an_hour() {
        let mut failures: Vec<i64> = Vec::new();
        let mut now = 0;
        while now < 4 * WINDOW_SECS {
            let wait = wait_secs(&failures, FREE_ACCOUNT_FAILURES, now);
            now += wait.max(1);
            failures.push(now);
        }
        let worst_hour = failures
            .iter()
            .map(|&start| {
                failures
                    .iter()
                    .filter(|&&t| t >= start && t < start + WINDOW_SECS)
                    .count()
            })
            .max()
            .unwrap_or(0);
        assert!(worst_hour <= 12, "{worst_hour} failures in one hour");
        assert!(worst_hour > FREE_ACCOUNT_FAILURES);
    }

    #[test]
    fn the_address_limit_is_separate_and_higher() {
        let now = 5_000;
        assert_eq!(sign_in_wait(&[], &[now - 5; 29], now), 0);
        assert!(sign_in_wait(&[], &[now - 5; 30], now) > 0);
        assert!(sign_in_wait(&[now - 5; 5], &[], now) > 0);
        assert_eq!(minutes(1), 1);
        assert_eq!(minutes(60), 1);
        assert_eq!(minutes(61), 2);
    }
}
