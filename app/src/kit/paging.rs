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

#[cfg(test)]
mod tests {
    use super::*;

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
