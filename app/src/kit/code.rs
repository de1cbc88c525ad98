//! States and kinds stored as text: each enum derives its codes with strum
//! (`IntoStaticStr`, `EnumString`, `VariantArray`, `serialize_all = "snake_case"`) and names
//! the locale prefix of its labels here, instead of matching every variant by hand.

use crate::kit::i18n::static_key;
#[cfg(test)]
use crate::kit::i18n::Locale;

/// A state or kind stored as its snake_case code and shown through the locale key
/// `<LABELS>.<code>`.
pub trait Code:
    Copy + Into<&'static str> + std::str::FromStr + strum::VariantArray + 'static
{
    /// The locale key prefix of the labels; None where the enum is never shown.
    const LABELS: Option<&'static str>;

    /// The code stored in the database (and sent in forms and query strings).
    fn as_db(self) -> &'static str {
        self.into()
    }

    /// The variant a stored code names; None for anything else.
    fn from_db(value: &str) -> Option<Self> {
        value.parse().ok()
    }

    /// Every variant, in declaration order (the order of lists and filters).
    fn all() -> impl Iterator<Item = Self> {
        Self::VARIANTS.iter().copied()
    }

    /// The translation key of the label, `<LABELS>.<code>`; a missing key (or an enum
    /// without labels) gives the bare code, so the gap shows on the page.
    fn label_key(self) -> &'static str {
        match Self::LABELS {
            Some(prefix) => static_key(prefix, self.as_db()),
            None => self.as_db(),
        }
    }
}

/// The label keys of `T` missing from either locale, as `<key> (not in <tag>)`; every code
/// when `T` has no labels at all. Tests of the areas assert this is empty.
#[cfg(test)]
pub fn missing_labels<T: Code>() -> Vec<String> {
    let Some(prefix) = T::LABELS else {
        return T::all()
            .map(|v| format!("{} (no labels)", v.as_db()))
            .collect();
    };
    let mut missing = Vec::new();
    for variant in T::all() {
        let key = format!("{prefix}.{}", variant.as_db());
        for locale in [Locale::ZhCn, Locale::En] {
            if !locale.defines(&key) {
                missing.push(format!("{key} (not in {})", locale.tag()));
            }
        }
    }
    missing
}

/// The codes of `T` in declaration order, after checking each reads back as its variant:
/// tests pin them against the strings already stored.
#[cfg(test)]
pub fn codes<T: Code + PartialEq + std::fmt::Debug>() -> Vec<&'static str> {
    T::all()
        .map(|variant| {
            let code = variant.as_db();
            assert_eq!(T::from_db(code), Some(variant), "{code} does not read back");
            code
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
    #[strum(serialize_all = "snake_case")]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Sample {
        Plain,
        TwoWords,
        #[strum(serialize = "renamed")]
        Other,
    }

    impl Code for Sample {
        const LABELS: Option<&'static str> = Some("common");
    }

    #[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
    #[strum(serialize_all = "snake_case")]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Unlabelled {
        Only,
    }

    impl Code for Unlabelled {
        const LABELS: Option<&'static str> = None;
    }

    #[test]
    fn codes_are_snake_case_unless_renamed_and_read_back_exactly() {
        assert_eq!(codes::<Sample>(), ["plain", "two_words", "renamed"]);
        assert_eq!(Sample::from_db("other"), None);
        assert_eq!(Sample::from_db("TwoWords"), None);
        assert_eq!(Sample::from_db("Plain"), None);
        assert_eq!(Sample::from_db(""), None);
    }

    #[test]
    fn a_missing_label_shows_the_code_and_is_reported() {
        assert_eq!(Sample::Plain.label_key(), "plain");
        assert_eq!(
            missing_labels::<Sample>().first().map(String::as_str),
            Some("common.plain (not in zh-CN)")
        );
        assert_eq!(Unlabelled::Only.label_key(), "only");
        assert_eq!(missing_labels::<Unlabelled>(), ["only (no labels)"]);
    }
}
