//! Exact money: a decimal amount with its currency. Stored as integer minor units (fen, cents),
//! computed as `rust_decimal`, formatted on the server; never a float anywhere.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Currency {
    Cny,
    Usd,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Cny => "¥",
            Currency::Usd => "$",
        }
    }

    pub fn from_code(code: &str) -> Option<Currency> {
        match code {
            "CNY" => Some(Currency::Cny),
            "USD" => Some(Currency::Usd),
            _ => None,
        }
    }
}

/// Both currencies have two decimal places.
const MINOR_SCALE: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("more than two decimal places")]
    TooPrecise,
    #[error("amount out of range")]
    OutOfRange,
}

impl Money {
    /// The amount as plain decimal text with two places (`1234567.00`): for exports, APIs and
    /// form fields, which machines and people type back; `Display` is for reading.
    pub fn plain(self) -> String {
        format!("{:.2}", self.amount)
    }

    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// From the stored integer minor units.
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Money::new(Decimal::new(minor, MINOR_SCALE), currency)
    }

    /// To integer minor units for storage; refuses to round silently.
    pub fn to_minor(self) -> Result<i64, MoneyError> {
        let normalized = self.amount.normalize();
        if normalized.scale() > MINOR_SCALE {
            return Err(MoneyError::TooPrecise);
        }
        let mut minor = normalized;
        minor.set_scale(0).map_err(|_| MoneyError::OutOfRange)?;
        let factor = Decimal::from(10_i64.pow(MINOR_SCALE - normalized.scale()));
        let minor = minor.checked_mul(factor).ok_or(MoneyError::OutOfRange)?;
        i64::try_from(minor).map_err(|_| MoneyError::OutOfRange)
    }
}

impl fmt::Display for Money {
    /// `¥1,234,567.00`: always two places, thousands grouped, wherever an amount is shown.
    /// Exports write the plain decimal (`{:.2}` of the amount) for machines to read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rounded = self
            .amount
            .round_dp_with_strategy(MINOR_SCALE, RoundingStrategy::MidpointAwayFromZero);
        let plain = format!("{:.2}", rounded.abs());
        let (whole, cents) = plain.split_once('.').unwrap_or((&plain, "00"));
        let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
            "-"
        } else {
            ""
        };
        write!(
            f,
            "{sign}{}{}.{cents}",
            self.currency.symbol(),
            grouped(whole)
        )
    }
}

/// `1234567` → `1,234,567`: a comma before every third digit from the right.
fn grouped(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The amount as a spreadsheet number (a double), when a spreadsheet shows it exactly: at most
/// 15 significant digits, Excel's precision. A longer amount has no such number; it goes as text.
#[cfg(feature = "ssr")]
pub fn spreadsheet_number(amount: Decimal) -> Option<f64> {
    use rust_decimal::prelude::ToPrimitive;
    let digits = amount
        .normalize()
        .mantissa()
        .unsigned_abs()
        .checked_ilog10()
        .unwrap_or(0)
        + 1;
    if digits > 15 {
        return None;
    }
    amount.to_f64()
}

/// Tax-inclusive price = price × (1 + tax rate), rounded half-up to 0.01 (domain.md);
/// `None` where the product leaves the decimal range.
pub fn tax_inclusive(price: Decimal, tax_rate: Decimal) -> Option<Decimal> {
    price
        .checked_mul(Decimal::ONE.checked_add(tax_rate)?)
        .map(|p| p.round_dp_with_strategy(MINOR_SCALE, RoundingStrategy::MidpointAwayFromZero))
}

/// Sums amounts per currency; a bill or list shows one total per currency, never a mix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals(BTreeMap<Currency, Decimal>);

impl Totals {
    pub fn add(&mut self, money: Money) {
        *self.0.entry(money.currency).or_default() += money.amount;
    }

    pub fn get(&self, currency: Currency) -> Decimal {
        self.0.get(&currency).copied().unwrap_or_default()
    }

    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.0.iter().map(|(c, a)| Money::new(*a, *c))
    }
}

impl FromIterator<Money> for Totals {
    fn from_iter<I: IntoIterator<Item = Money>>(iter: I) -> Self {
        let mut totals = Totals::default();
        for money in iter {
            totals.add(money);
        }
        totals
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "ssr")]
    #[test]
    fn amounts_go_to_spreadsheets_as_numbers_only_when_exact() {
        let d = |s: &str| Decimal::from_str_exact(s).unwrap();
        assert_eq!(spreadsheet_number(d("800.00")), Some(800.0));
        assert_eq!(spreadsheet_number(d("0.10")), Some(0.1));
        assert_eq!(
            spreadsheet_number(d("9999999999999.99")),
            Some(9_999_999_999_999.99)
        );
        // 16 digits: Excel would show ...888.8; it stays exact text.
        assert_eq!(spreadsheet_number(d("48888888888888.89")), None);
        assert_eq!(spreadsheet_number(d("4888888888888889.00")), None);
    }

    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn minor_units_round_trip_exactly_even_for_the_manuals_huge_order() {
        let huge = Money::new(d("4888888888888889.00"), Currency::Cny);
        let minor = huge.to_minor().unwrap();
        assert_eq!(minor, 488_888_888_888_888_900);
        assert_eq!(Money::from_minor(minor, Currency::Cny), huge);
        assert_eq!(huge.to_string(), "¥4,888,888,888,888,889.00");
        assert_eq!(Money::new(d("0.1"), Currency::Usd).to_minor(), Ok(10));
    }

    #[test]
    fn amounts_show_with_thousands_grouped_and_two_places() {
        let cny = |s: &str| Money::new(d(s), Currency::Cny).to_string();
        assert_eq!(cny("0"), "¥0.00");
        assert_eq!(cny("5"), "¥5.00");
        assert_eq!(cny("999.995"), "¥1,000.00");
        assert_eq!(cny("2181"), "¥2,181.00");
        assert_eq!(cny("123456.7"), "¥123,456.70");
        assert_eq!(cny("1234567"), "¥1,234,567.00");
        assert_eq!(cny("-1234.5"), "-¥1,234.50");
        assert_eq!(cny("-0.001"), "¥0.00");
        assert_eq!(Money::new(d("100"), Currency::Usd).to_string(), "$100.00");
    }

    #[test]
    fn refuses_sub_cent_amounts_and_overflow() {
        assert_eq!(
            Money::new(d("1.005"), Currency::Cny).to_minor(),
            Err(MoneyError::TooPrecise)
        );
        assert_eq!(
            Money::new(d("100000000000000000000"), Currency::Cny).to_minor(),
            Err(MoneyError::OutOfRange)
        );
    }

    #[test]
    fn tax_inclusive_rounds_half_up() {
        assert_eq!(tax_inclusive(d("300.00"), d("0")), Some(d("300.00")));
        assert_eq!(tax_inclusive(d("100.00"), d("0.06")), Some(d("106.00")));
        // 0.25 × 1.06 = 0.265 → 0.27 (half-up), where banker's rounding would give 0.26.
        assert_eq!(tax_inclusive(d("0.25"), d("0.06")), Some(d("0.27")));
        assert_eq!(tax_inclusive(d("0.1"), d("0.13")), Some(d("0.11")));
        assert_eq!(tax_inclusive(Decimal::MAX, d("0.5")), None);
    }

    #[test]
    fn totals_are_kept_per_currency() {
        // Two lines in yuan and one in dollars, as in bill 201911010001 of the manual.
        let totals: Totals = [
            Money::new(d("200.00"), Currency::Cny),
            Money::new(d("400.00"), Currency::Cny),
            Money::new(d("100.00"), Currency::Usd),
        ]
        .into_iter()
        .collect();
        assert_eq!(totals.get(Currency::Cny), d("600.00"));
        assert_eq!(totals.get(Currency::Usd), d("100.00"));
        let shown: Vec<String> = totals.iter().map(|m| m.to_string()).collect();
        assert_eq!(shown, ["¥600.00", "$100.00"]);
        // 0.1 + 0.2 is exactly 0.3, unlike with floats.
        let exact: Totals = [d("0.1"), d("0.2")]
            .into_iter()
            .map(|a| Money::new(a, Currency::Cny))
            .collect();
        assert_eq!(exact.get(Currency::Cny), d("0.3"));
    }
}
