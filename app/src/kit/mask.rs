//! How a bank account number is shown once kept: its last four digits. The provider's
//! 企业信息, the platform's provider page, mails and bills all show it this way.

/// `account_no` as lists, mails and bills show it: "•••• " and the last four characters
/// (empty stays empty).
pub fn account_no(account_no: &str) -> String {
    if account_no.is_empty() {
        return String::new();
    }
    let tail: Vec<char> = account_no.chars().rev().take(4).collect();
    format!("•••• {}", tail.into_iter().rev().collect::<String>())
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_account_number_shows_its_last_four_digits() {
        assert_eq!(super::account_no("6225881234567890"), "•••• 7890");
        assert_eq!(super::account_no("123"), "•••• 123");
        assert_eq!(super::account_no(""), "");
    }
}
