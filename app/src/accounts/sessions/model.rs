//! The session's rules: its cookie, how long it lives, where a signed-in user lands and
//! which paths may follow a sign-in.

pub const SESSION_COOKIE: &str = "pc_session";
/// Signed out after this long without a request…
pub const IDLE_TIMEOUT_SECS: i64 = 8 * 3600;
/// …and after this long in any case.
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 7 * 24 * 3600;

/// An HttpOnly, same-site cookie for the whole site (`Secure` under HTTPS).
pub fn cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn set_cookie(token: &str, secure: bool) -> String {
    cookie(SESSION_COOKIE, token, ABSOLUTE_TIMEOUT_SECS, secure)
}

pub fn clear_cookie(secure: bool) -> String {
    cookie(SESSION_COOKIE, "", 0, secure)
}

/// Where a signed-in user lands: their provider's home, or the platform's.
pub fn home_path(is_operator: bool, has_provider: bool) -> &'static str {
    if has_provider || !is_operator {
        "/"
    } else {
        "/platform"
    }
}

/// Only paths of this site are followed after sign-in: one leading slash, then no second
/// slash or backslash, and nothing a browser drops or rewrites (tabs, newlines, spaces,
/// backslashes, other control characters), so `/\t/evil.example` cannot become
/// `//evil.example`.
pub fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        let mut chars = n.chars();
        chars.next() == Some('/')
            && !matches!(chars.next(), Some('/' | '\\'))
            && n.len() <= 2000
            && n.chars()
                .all(|c| !c.is_control() && !c.is_whitespace() && c != '\\')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/bills?page=2")), Some("/bills?page=2"));
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(None), None);
        for hostile in [
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/\u{0b}/evil.example",
            "/x\\evil",
            "\\\\evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/\u{3000}/evil.example",
        ] {
            assert_eq!(safe_next(Some(hostile)), None, "{hostile:?}");
        }
        assert_eq!(safe_next(Some("/%2F/evil")), Some("/%2F/evil"));
        assert_eq!(safe_next(Some("/")), Some("/"));
    }
}
