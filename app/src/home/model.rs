//! 后台首页's rules: which months a request asks for and the months before it.

/// (year, month) of `2019-12`.
pub fn parse_month(text: &str) -> Option<(i32, u8)> {
    let (y, m) = text.trim().split_once('-')?;
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u8>().ok()?);
    ((2000..=2100).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

/// The month `back` months before (y, m).
pub fn months_before((y, m): (i32, u8), back: i32) -> (i32, u8) {
    let index = y * 12 + i32::from(m) - 1 - back;
    (index.div_euclid(12), (index.rem_euclid(12) + 1) as u8)
}

/// `2019-12` of (year, month).
pub fn month_label((y, m): (i32, u8)) -> String {
    format!("{y:04}-{m:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_step_across_years() {
        assert_eq!(parse_month("2019-12"), Some((2019, 12)));
        assert_eq!(parse_month("2019-13"), None);
        assert_eq!(parse_month("x"), None);
        assert_eq!(months_before((2019, 2), 5), (2018, 9));
        assert_eq!(months_before((2019, 12), -1), (2020, 1));
        assert_eq!(months_before((2019, 1), 0), (2019, 1));
        assert_eq!(month_label((2019, 3)), "2019-03");
    }
}
