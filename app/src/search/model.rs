//! 基础搜索's rules: what a keyword is, which kinds are searched and how many hits each shows.

use crate::kit::code::Code;
use serde::{Deserialize, Serialize};

/// The most hits a kind shows; the rest are one link away (its list, filtered).
pub const HITS_PER_KIND: usize = 5;

/// The longest keyword taken, in characters (as the lists' search boxes).
pub const MAX_KEYWORD: usize = 100;

/// The kinds of record the search finds, in the order the results show them.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    WorkOrders,
    Orders,
    ServiceItems,
    Bills,
    Members,
    Tickets,
}

impl Code for Kind {
    const LABELS: Option<&'static str> = Some("search.kind");
}

/// Why a keyword was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordError {
    TooLong,
}

/// The keyword as it is searched, as 服务工单's own search reads it (trimmed, without control
/// characters, A–Z lower-cased: the same match on both databases); `Ok(None)` when nothing is
/// left to search for.
pub fn keyword(typed: &str) -> Result<Option<String>, KeywordError> {
    if typed.chars().count() > MAX_KEYWORD {
        return Err(KeywordError::TooLong);
    }
    Ok(crate::orders::model::search_keyword(typed))
}

/// Whether `text` holds `keyword` (as `keyword` returns it), under the same case rule as the
/// database's match: A–Z folded, everything else as typed.
pub fn contains(text: &str, keyword: &str) -> bool {
    text.to_ascii_lowercase().contains(keyword)
}

/// The hits to show of those found (`HITS_PER_KIND + 1` asked, so one more tells there are
/// more) and whether there were more.
pub fn shown<T>(mut found: Vec<T>) -> (Vec<T>, bool) {
    let more = found.len() > HITS_PER_KIND;
    found.truncate(HITS_PER_KIND);
    (found, more)
}

/// The orders among the work orders found: each order once, in the work orders' order, and
/// only those whose number holds the keyword (a work order found by its service item does not
/// make its order a hit). Items are (order number, buyer company).
pub fn orders_of<'a>(
    work_orders: impl IntoIterator<Item = (&'a str, &'a str)>,
    keyword: &str,
) -> Vec<(String, String)> {
    let mut orders: Vec<(String, String)> = Vec::new();
    for (order_no, buyer) in work_orders {
        if contains(order_no, keyword) && !orders.iter().any(|(no, _)| no == order_no) {
            orders.push((order_no.to_owned(), buyer.to_owned()));
        }
    }
    orders
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::code::missing_labels;

    #[test]
    fn a_keyword_is_trimmed_folded_for_a_to_z_only_and_bounded() {
        assert_eq!(keyword("  Azure 迁移 \n"), Ok(Some("azure 迁移".into())));
        assert_eq!(keyword("ÉCOLE"), Ok(Some("École".into())));
        assert_eq!(keyword(" \t "), Ok(None));
        assert_eq!(keyword(""), Ok(None));
        assert_eq!(
            keyword(&"x".repeat(MAX_KEYWORD)).map(|k| k.map(|k| k.len())),
            Ok(Some(MAX_KEYWORD))
        );
        assert_eq!(
            keyword(&"x".repeat(MAX_KEYWORD + 1)),
            Err(KeywordError::TooLong)
        );
        // Counted in characters, not bytes.
        assert!(keyword(&"迁".repeat(MAX_KEYWORD)).is_ok());
    }

    #[test]
    fn containment_folds_a_to_z_only() {
        assert!(contains("Azure Migration", "migration"));
        assert!(contains("数据库备份", "备份"));
        assert!(!contains("ÉCOLE", "école"));
    }

    #[test]
    fn one_more_than_shown_tells_there_are_more() {
        assert_eq!(shown(vec![1, 2, 3]), (vec![1, 2, 3], false));
        assert_eq!(
            shown((0..HITS_PER_KIND).collect()),
            ((0..HITS_PER_KIND).collect(), false)
        );
        assert_eq!(
            shown((0..=HITS_PER_KIND).collect()),
            ((0..HITS_PER_KIND).collect(), true)
        );
    }

    #[test]
    fn orders_are_the_found_work_orders_orders_whose_number_matches_each_once() {
        let found = [
            ("201912050713251962".to_owned(), "蓝云".to_owned()),
            ("201912050713251962".to_owned(), "蓝云".to_owned()),
            ("201906260331433001".to_owned(), "Contoso".to_owned()),
            ("201701010000000000".to_owned(), "Other".to_owned()),
        ];
        assert_eq!(
            orders_of(
                found
                    .iter()
                    .map(|(no, buyer)| (no.as_str(), buyer.as_str())),
                "2019"
            ),
            vec![
                ("201912050713251962".to_owned(), "蓝云".to_owned()),
                ("201906260331433001".to_owned(), "Contoso".to_owned()),
            ]
        );
        assert!(orders_of(
            found
                .iter()
                .map(|(no, buyer)| (no.as_str(), buyer.as_str())),
            "contoso"
        )
        .is_empty());
    }

    #[test]
    fn every_kind_has_its_label() {
        assert_eq!(missing_labels::<Kind>(), Vec::<String>::new());
    }
}
