//! The rules of the platform's providers: whether one runs or is suspended, the only moves
//! between the two, what a suspension needs, and how 服务提供商 is filtered and paged. Plain
//! Rust, unit-tested.

use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::pager::{size_of, SIZES};
use serde::{Deserialize, Serialize};

/// A provider as the platform sees it.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderState {
    Active,
    /// 已暂停: its members reach none of its data; everything is kept.
    Suspended,
}

/// Labels: 正常, 已暂停.
impl Code for ProviderState {
    const LABELS: Option<&'static str> = Some("providers.state");
}

/// What the platform does to a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderMove {
    /// 暂停, with a reason the provider's admins are told.
    Suspend,
    /// 恢复.
    Reinstate,
}

impl ProviderState {
    pub fn of(suspended: bool) -> ProviderState {
        if suspended {
            ProviderState::Suspended
        } else {
            ProviderState::Active
        }
    }

    /// The state after `action`, or the key of why it is refused.
    pub fn apply(self, action: ProviderMove) -> Result<ProviderState, &'static str> {
        match (self, action) {
            (ProviderState::Active, ProviderMove::Suspend) => Ok(ProviderState::Suspended),
            (ProviderState::Suspended, ProviderMove::Reinstate) => Ok(ProviderState::Active),
            (ProviderState::Suspended, ProviderMove::Suspend) => {
                Err("providers.error.suspended_already")
            }
            (ProviderState::Active, ProviderMove::Reinstate) => {
                Err("providers.error.active_already")
            }
        }
    }
}

/// The longest reason kept, in characters.
pub const REASON_CHARS: usize = 500;

/// A suspension's reason as it is kept and mailed: trimmed, required, at most
/// `REASON_CHARS` characters.
pub fn suspension_reason(typed: &str) -> Result<String, &'static str> {
    let reason = typed.trim();
    if reason.is_empty() {
        Err("form.required")
    } else if reason.chars().count() > REASON_CHARS {
        Err("form.too_long_short")
    } else {
        Ok(reason.to_owned())
    }
}

/// 服务提供商's filter, as its query string carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderFilter {
    /// A part of the company name, or empty for all.
    pub q: String,
    pub state: Option<ProviderState>,
    pub page: i64,
    pub per_page: i64,
}

impl ProviderFilter {
    /// Unknown states read as all; a page number past any list is refused (422).
    pub fn parse(q: &str, state: &str, page: &str, per: &str) -> Result<ProviderFilter, AppError> {
        Ok(ProviderFilter {
            q: crate::kit::search::filter_keyword(q),
            state: ProviderState::from_db(state.trim()),
            page: crate::kit::paging::page_number(page)?,
            per_page: size_of(per).unwrap_or(SIZES[0]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_moves_are_exactly_those_of_the_state_machine() {
        use ProviderMove as M;
        use ProviderState as S;
        for from in S::all() {
            for action in [M::Suspend, M::Reinstate] {
                let expected = match (from, action) {
                    (S::Active, M::Suspend) => Ok(S::Suspended),
                    (S::Suspended, M::Reinstate) => Ok(S::Active),
                    (S::Suspended, M::Suspend) => Err("providers.error.suspended_already"),
                    (S::Active, M::Reinstate) => Err("providers.error.active_already"),
                };
                assert_eq!(from.apply(action), expected, "{from:?} {action:?}");
            }
        }
    }

    #[test]
    fn a_suspension_needs_a_reason_of_reasonable_length() {
        assert_eq!(suspension_reason("  "), Err("form.required"));
        assert_eq!(suspension_reason(" 欠费 "), Ok("欠费".to_owned()));
        assert_eq!(
            suspension_reason(&"因".repeat(REASON_CHARS)).map(|r| r.chars().count()),
            Ok(REASON_CHARS)
        );
        assert_eq!(
            suspension_reason(&"因".repeat(REASON_CHARS + 1)),
            Err("form.too_long_short")
        );
    }

    #[test]
    fn the_filter_reads_what_the_query_says_and_nothing_else() {
        let f = ProviderFilter::parse(" 蓝\n云 ", "suspended", "3", "30").unwrap();
        assert_eq!(f.q, "蓝云");
        assert_eq!(f.state, Some(ProviderState::Suspended));
        assert_eq!((f.page, f.per_page), (3, 30));
        let f = ProviderFilter::parse("", "deleted", "", "7").unwrap();
        assert_eq!((f.state, f.page, f.per_page), (None, 1, 15));
        assert!(ProviderFilter::parse("", "", "99999999999999999999", "").is_err());
    }

    #[test]
    fn pages_cover_the_rows() {
        use crate::kit::pager::page_count;
        assert_eq!(page_count(0, 15), 1);
        assert_eq!(page_count(15, 15), 1);
        assert_eq!(page_count(16, 15), 2);
    }

    #[test]
    fn states_have_labels() {
        assert!(crate::kit::code::missing_labels::<ProviderState>().is_empty());
    }
}
