//! What the top bar's search (the `search` area) finds, and for whom. Each area answers for
//! its own records with these (its store's `search_hits`); the search area only gathers them.

use serde::{Deserialize, Serialize};

/// One record found: what it is called, a line about it, its state and its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub title: String,
    pub detail: String,
    /// The label key of its state, if it has one.
    pub status_key: Option<String>,
    /// None where the searcher has no page for it (an operator and a provider's member).
    pub href: Option<String>,
}

/// Whose records are searched: one provider's, or every provider's (an operator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Searcher {
    Provider(i64),
    Operator,
}

impl Searcher {
    /// The page of a record in this searcher's realm: `/path`, or `/platform/path`.
    pub fn page(self, path: &str) -> String {
        match self {
            Searcher::Provider(_) => path.to_owned(),
            Searcher::Operator => format!("/platform{path}"),
        }
    }

    /// The line under a hit: its parts, blank ones left out, and the provider's name (the
    /// last part) only for an operator, who searches across providers.
    pub fn detail(self, parts: &[&str]) -> String {
        let parts = match self {
            Searcher::Provider(_) => &parts[..parts.len().saturating_sub(1)],
            Searcher::Operator => parts,
        };
        parts
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// A search as each area's `search_hits` takes it: for whom, the keyword (as the search area
/// reads it: trimmed, A–Z lower-cased) and how many hits at most.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub searcher: Searcher,
    pub keyword: &'a str,
    pub limit: i64,
}

/// A list's keyword filter as typed: trimmed, without control characters, at most 100
/// characters (the fields' `maxlength`), so a crafted URL is cut rather than refused.
pub fn filter_keyword(q: &str) -> String {
    q.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect()
}

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::Searcher;
    use crate::kit::db::Db;
    use sqlx::any::AnyRow;

    /// `$1` (a `kit::db::contains_pattern`) anywhere in any of `columns`, A–Z folded as the
    /// keyword is.
    pub fn like(db: &Db, columns: &[&str]) -> String {
        columns
            .iter()
            .map(|column| format!("{} LIKE $1 ESCAPE '\\'", db.backend().fold_ascii(column)))
            .collect::<Vec<_>>()
            .join(" OR ")
    }

    /// The condition and `$1` of a search for a numbered record (a bill, a ticket): any part
    /// of its number, or of `texts`, among one provider's own rows; its whole number across
    /// providers, which its unique index answers.
    pub fn numbered(
        db: &Db,
        query: super::Query<'_>,
        number: &str,
        texts: &[&str],
    ) -> (String, String) {
        match query.searcher {
            Searcher::Provider(_) => {
                let columns: Vec<&str> = std::iter::once(number)
                    .chain(texts.iter().copied())
                    .collect();
                (
                    like(db, &columns),
                    crate::kit::db::contains_pattern(query.keyword),
                )
            }
            Searcher::Operator => (format!("{number} = $1"), query.keyword.to_owned()),
        }
    }

    /// The `WHERE` of a search: `condition` over one provider's rows (`column` naming the
    /// provider, bound as `$2`) or every provider's.
    pub fn scoped(searcher: Searcher, column: &str, condition: &str) -> String {
        match searcher {
            Searcher::Provider(_) => format!("WHERE {column} = $2 AND ({condition})"),
            Searcher::Operator => format!("WHERE ({condition})"),
        }
    }

    /// Runs a search statement built with `scoped`: `$1` the keyword's bind, `$2` the provider.
    pub async fn rows(
        db: &Db,
        sql: &str,
        searcher: Searcher,
        first: String,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        let query = sqlx::query(sql).bind(first);
        let query = match searcher {
            Searcher::Provider(id) => query.bind(id),
            Searcher::Operator => query,
        };
        query.fetch_all(db.pool()).await
    }

    /// The label key of the state stored as `code`, where `T` knows it.
    pub fn status_key<T: crate::kit::code::Code>(code: &str) -> Option<String> {
        T::from_db(code).map(|value| value.label_key().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_keyword_is_trimmed_cleaned_and_cut() {
        assert_eq!(filter_keyword("  蓝云 \t"), "蓝云");
        assert_eq!(filter_keyword("a\u{0}b\nc"), "abc");
        assert_eq!(filter_keyword(&"字".repeat(150)).chars().count(), 100);
    }

    #[test]
    fn an_operator_sees_whose_a_record_is_and_pages_of_the_platform() {
        let provider = Searcher::Provider(7);
        assert_eq!(provider.detail(&["迁移", "", "蓝云"]), "迁移");
        assert_eq!(
            Searcher::Operator.detail(&["迁移", "", "蓝云"]),
            "迁移 · 蓝云"
        );
        assert_eq!(provider.page("/bills/1"), "/bills/1");
        assert_eq!(Searcher::Operator.page("/bills/1"), "/platform/bills/1");
    }
}
