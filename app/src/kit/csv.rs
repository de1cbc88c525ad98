//! CSV lines as spreadsheets read them (RFC 4180, CRLF), safe from formula injection.

/// A CSV field: quoted when it must be, and never read as a formula by a spreadsheet.
fn csv_field(out: &mut String, value: &str) {
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
