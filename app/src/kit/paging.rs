//! Page numbers from a query string. A list has at most `MAX_PAGE` pages of any size; a
//! number beyond is refused (422) before it reaches SQL, where `(page - 1) * size` would
//! overflow 64 bits and PostgreSQL would answer with an error.

use crate::kit::error::AppError;

/// The highest page number any list accepts.
pub const MAX_PAGE: i64 = 100_000;

/// The page asked for: empty or not a number is the first page; zero or less the first;
/// more than `MAX_PAGE` is refused.
pub fn page_number(raw: &str) -> Result<i64, AppError> {
    match raw.trim().parse::<i64>() {
        Ok(page) if page > MAX_PAGE => Err(AppError::invalid(&[("page", "form.invalid_value")])),
        Ok(page) => Ok(page.max(1)),
        // Digits too many for i64 are just as far past the end.
        Err(_) if !raw.trim().is_empty() && raw.trim().bytes().all(|b| b.is_ascii_digit()) => {
            Err(AppError::invalid(&[("page", "form.invalid_value")]))
        }
        Err(_) => Ok(1),
    }
}

/// The rows to skip before `page` of `per_page` rows.
pub fn offset(page: i64, per_page: i64) -> i64 {
    (page.clamp(1, MAX_PAGE) - 1).saturating_mul(per_page)
}

/// A place in a list ordered newest first by (time, id), as a query carries it: `time.id`.
/// Keyset paging: the next page starts after this row however deep it is, where an OFFSET
/// would read and drop every row before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: i64,
}

impl Cursor {
    /// Empty is no cursor; anything but two integers is refused (422), never a server error.
    pub fn parse(raw: &str, field: &str) -> Result<Option<Cursor>, AppError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let parsed = raw.split_once('.').and_then(|(at, id)| {
            Some(Cursor {
                at: at.parse().ok()?,
                id: id.parse().ok()?,
            })
        });
        match parsed {
            Some(cursor) => Ok(Some(cursor)),
            None => Err(AppError::invalid(&[(field, "form.invalid_value")])),
        }
    }

    pub fn encode(self) -> String {
        format!("{}.{}", self.at, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let c = Cursor {
            at: 1_700_000_000,
            id: 42,
        };
        assert_eq!(Cursor::parse(&c.encode(), "before"), Ok(Some(c)));
        assert_eq!(Cursor::parse(" ", "before"), Ok(None));
        assert_eq!(
            Cursor::parse("-5.-7", "before"),
            Ok(Some(Cursor { at: -5, id: -7 }))
        );
        for bad in ["7", "a.b", "1.2.3", "99999999999999999999.1", "1.", ".1"] {
            assert!(Cursor::parse(bad, "before").is_err(), "{bad}");
        }
    }

    #[test]
    fn page_numbers_are_bounded() {
        assert_eq!(page_number(""), Ok(1));
        assert_eq!(page_number("abc"), Ok(1));
        assert_eq!(page_number("-3"), Ok(1));
        assert_eq!(page_number("7"), Ok(7));
        assert!(page_number("100001").is_err());
        assert!(page_number("9223372036854775807").is_err());
        assert!(page_number("99999999999999999999999").is_err());
        assert_eq!(offset(3, 50), 100);
        assert_eq!(offset(i64::MAX, 50), (MAX_PAGE - 1) * 50);
    }
}
