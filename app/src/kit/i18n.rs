//! UI text. Strings live in `app/locales/*.txt` (`key = value` lines), zh-CN first; this module
//! only loads them and picks the locale. The locale is resolved on the server (cookie, then
//! Accept-Language) and written to `<html lang>`, which the browser reads back on hydration,
//! so both sides render the same text.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

pub const LOCALE_COOKIE: &str = "pc_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Locale::ZhCn)
        } else if tag.starts_with("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// The other language, offered by the switch in the header.
    pub fn other(self) -> Locale {
        match self {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }

    /// Picks the locale for a request: the cookie set by the language switch wins, then the
    /// highest-weighted language of Accept-Language we speak, then Chinese.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
        if let Some(locale) = cookie.and_then(Locale::from_tag) {
            return locale;
        }
        let mut best: Option<(f32, Locale)> = None;
        for part in accept_language.unwrap_or_default().split(',') {
            let mut pieces = part.split(';');
            let Some(locale) = pieces.next().and_then(Locale::from_tag) else {
                continue;
            };
            let weight = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, locale));
            }
        }
        best.map(|(_, locale)| locale).unwrap_or_default()
    }

    fn table(self) -> &'static HashMap<&'static str, &'static str> {
        static ZH: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
        static EN: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
        match self {
            Locale::ZhCn => ZH.get_or_init(|| parse(include_str!("../../locales/zh-CN.txt"))),
            Locale::En => EN.get_or_init(|| parse(include_str!("../../locales/en.txt"))),
        }
    }

    /// The text for `key`; a missing key shows itself, so the gap is visible on the page.
    pub fn t(self, key: &'static str) -> &'static str {
        self.table().get(key).copied().unwrap_or(key)
    }

    /// Whether this locale has a text for `key`.
    pub fn defines(self, key: &str) -> bool {
        self.table().contains_key(key)
    }

    /// `t` for a key that is only known at run time (an error code from the server).
    pub fn t_dyn(self, key: &str) -> String {
        self.table().get(key).copied().unwrap_or(key).to_owned()
    }

    /// `t` with `{name}` placeholders filled in.
    pub fn tf(self, key: &'static str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

/// The key `<prefix>.<code>` as the `&'static str` that `Locale::t` takes: the locales'
/// own copy of it (both define the same keys), or the bare `code` where it is missing, so the
/// gap shows on the page. Nothing is leaked; only the looked-up string is formatted.
pub fn static_key(prefix: &str, code: &'static str) -> &'static str {
    Locale::ZhCn
        .table()
        .get_key_value(format!("{prefix}.{code}").as_str())
        .map(|(key, _)| *key)
        .unwrap_or(code)
}

fn parse(source: &'static str) -> HashMap<&'static str, &'static str> {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim(), value.trim()))
        .collect()
}

/// Makes the request's locale available to every component below the root.
pub fn provide_locale() -> Locale {
    let locale = request_locale();
    provide_context(locale);
    locale
}

pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn request_locale() -> Locale {
    use_context::<http::request::Parts>()
        .map(|parts| locale_of_headers(&parts.headers))
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
pub fn locale_of_headers(headers: &http::HeaderMap) -> Locale {
    let cookie = crate::kit::cookie::cookie_value(headers, LOCALE_COOKIE);
    let accept = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Locale::negotiate(cookie.as_deref(), accept)
}

#[cfg(not(feature = "ssr"))]
fn request_locale() -> Locale {
    document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|tag| Locale::from_tag(&tag))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_locales_define_the_same_keys() {
        let zh = Locale::ZhCn.table();
        let en = Locale::En.table();
        let mut missing: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        missing.extend(en.keys().filter(|k| !zh.contains_key(*k)));
        assert!(missing.is_empty(), "keys in one locale only: {missing:?}");
        assert!(zh.len() > 20);
    }

    /// String literals of the code (app and server), comments left out.
    fn literals() -> Vec<(String, String, bool)> {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [manifest.join("src"), manifest.join("../server/src")] {
            crate::kit::source::collect(&dir, &mut files);
        }
        let mut out = Vec::new();
        for path in files {
            // Quote characters are no strings.
            let text = std::fs::read_to_string(&path)
                .unwrap()
                .replace("'\\\"'", "' '")
                .replace("'\"'", "' '");
            let code = crate::kit::source::strip_comments(&text);
            let mut rest = code.as_str();
            while let Some(open) = rest.find('"') {
                let before = rest[..open].trim_end();
                let called = before.ends_with(".t(") || before.ends_with(".tf(");
                let body = &rest[open + 1..];
                // The closing quote: the first one not escaped.
                let mut close = None;
                let mut escaped = false;
                for (at, c) in body.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            close = Some(at);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                let Some(close) = close else { break };
                out.push((path.display().to_string(), body[..close].to_owned(), called));
                rest = &body[close + 1..];
            }
        }
        out
    }

    /// Every key the code names — in `t("…")`/`tf("…")`, or as a literal shaped like a key
    /// of a known namespace (notices) — is in both locales. A literal that is no key but the
    /// prefix of some (a `Code::LABELS`) passes; the areas' tests check those labels.
    #[test]
    fn every_key_the_code_names_exists_in_both_locales() {
        // Literals shaped like keys that are not: SQL columns of a sortable list.
        const NOT_KEYS: &[&str] = &["wo.created_at", "wo.total_incl_minor", "wo.provider_id"];
        let zh = Locale::ZhCn.table();
        let en = Locale::En.table();
        let namespaces: std::collections::HashSet<&str> =
            zh.keys().filter_map(|k| k.split('.').next()).collect();
        let key_shaped = |s: &str| {
            s.contains('.')
                && s.split('.').all(|part| {
                    !part.is_empty()
                        && part
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                })
                && namespaces.contains(s.split('.').next().unwrap())
        };
        let mut missing = Vec::new();
        let mut checked = 0;
        for (file, literal, called) in literals() {
            if !(called || key_shaped(&literal)) || NOT_KEYS.contains(&literal.as_str()) {
                continue;
            }
            checked += 1;
            let prefix = format!("{literal}.");
            for (tag, table) in [("zh-CN", zh), ("en", en)] {
                let label_prefix = !called && table.keys().any(|k| k.starts_with(&prefix));
                if !table.contains_key(literal.as_str()) && !label_prefix {
                    missing.push(format!("{file}: {literal} (not in {tag})"));
                }
            }
        }
        assert!(
            checked > 500,
            "only {checked} keys found: the scan is broken"
        );
        assert!(
            missing.is_empty(),
            "keys missing from the locales:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn negotiation_prefers_cookie_then_weighted_header_then_chinese() {
        assert_eq!(Locale::negotiate(Some("en"), Some("zh-CN")), Locale::En);
        assert_eq!(
            Locale::negotiate(None, Some("fr;q=1, en-US;q=0.8, zh;q=0.5")),
            Locale::En
        );
        assert_eq!(
            Locale::negotiate(None, Some("en;q=0.3, zh-TW;q=0.9")),
            Locale::ZhCn
        );
        assert_eq!(Locale::negotiate(Some("de"), Some("fr")), Locale::ZhCn);
        assert_eq!(Locale::negotiate(None, None), Locale::ZhCn);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            Locale::En.tf("home.welcome", &[("name", "AKU")]),
            "Welcome, AKU"
        );
    }
}
