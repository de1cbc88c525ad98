//! CSV lines as spreadsheets read them (RFC 4180, CRLF), safe from formula injection.

/// Digits Excel and WPS keep as a number only up to 11 (then 2.01911E+11) and exactly only
/// up to 15: a longer run of digits (bill, order and work-order numbers) is an identifier.
const LONGEST_PLAIN_NUMBER: usize = 11;

/// A CSV field: quoted when it must be, never read as a formula by a spreadsheet, and long
/// numbers kept whole as text.
fn csv_field(out: &mut String, value: &str) {
    if value.len() > LONGEST_PLAIN_NUMBER && value.bytes().all(|b| b.is_ascii_digit()) {
        // ="201911010001": the one spelling both read as the text it holds. Only digits
        // inside, so nothing but this constant can be a formula.
        out.push_str("\"=\"\"");
        out.push_str(value);
        out.push_str("\"\"\"");
        return;
    }
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&value);
    }
}

/// One CSV line (CRLF), fields escaped as `csv_field` does.
pub fn csv_record(out: &mut String, fields: &[impl AsRef<str>]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, field.as_ref());
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(fields: &[&str]) -> String {
        let mut out = String::new();
        csv_record(&mut out, fields);
        out
    }

    #[test]
    fn long_numbers_stay_whole_and_formulas_stay_text() {
        assert_eq!(
            line(&["201911010001", "20190927070759188", "12345678901", "800.00"]),
            "\"=\"\"201911010001\"\"\",\"=\"\"20190927070759188\"\"\",12345678901,800.00\r\n"
        );
        assert_eq!(
            line(&["=1+1", "-2", "a,b", "say \"hi\""]),
            "'=1+1,'-2,\"a,b\",\"say \"\"hi\"\"\"\r\n"
        );
        // Not only digits: no formula spelling, whatever its length.
        assert_eq!(line(&["2019110100011x"]), "2019110100011x\r\n");
    }
}
