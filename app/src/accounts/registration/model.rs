//! The registration's rules: its statuses, the limits of the qualification files, and the
//! checks of each step's fields and of a rejection's reason. Plain Rust, unit-tested.

use crate::kit::code::Code;
use serde::{Deserialize, Serialize};

/// Qualification files: at most this many, each at most `MAX_FILE_BYTES`.
pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The whole step-1 request (files and fields).
pub const UPLOAD_LIMIT: usize = MAX_FILES * MAX_FILE_BYTES + 64 * 1024;
/// The longest reason a rejection gives.
pub const MAX_REASON_CHARS: usize = 500;
/// The kinds a qualification file may be, as `kit::files::sniff` names them.
pub const FILE_TYPES: &[&str] = &["application/pdf", "image/png", "image/jpeg"];

#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegistrationStatus {
    Draft,
    Pending,
    Approved,
    Rejected,
}

impl Code for RegistrationStatus {
    const LABELS: Option<&'static str> = Some("registration.status");
}

impl RegistrationStatus {
    /// The queue the platform asked for: a decided or pending status, 待审核 otherwise (a
    /// draft is the applicant's, never the platform's).
    pub fn queue(asked: Option<&str>) -> Self {
        asked
            .and_then(Self::from_db)
            .filter(|s| *s != Self::Draft)
            .unwrap_or(Self::Pending)
    }

    /// Pending applications oldest first (the next to review on top), decided ones newest.
    pub fn oldest_first(self) -> bool {
        self == Self::Pending
    }
}

/// Trimmed text fields of step 1, checked; errors are (field, code).
pub fn check_company(
    company_name: &str,
    responsible_person: &str,
) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    for (field, value, max) in [
        ("company_name", company_name, 100),
        ("responsible_person", responsible_person, 50),
    ] {
        if value.trim().is_empty() {
            errors.push((field, "form.required"));
        } else if value.trim().chars().count() > max {
            errors.push((field, "form.too_long_short"));
        }
    }
    errors
}

/// Step 1's files, given each one's size and sniffed kind (empty ones already left out):
/// the kind of each as registration keeps it, or the code of what is wrong with them.
pub fn check_files(
    files: &[(usize, Option<&'static str>)],
) -> Result<Vec<&'static str>, &'static str> {
    if files.is_empty() {
        return Err("registration.error.files_required");
    }
    if files.len() > MAX_FILES {
        return Err("registration.error.too_many_files");
    }
    if files.iter().any(|(size, _)| *size > MAX_FILE_BYTES) {
        return Err("registration.error.file_size");
    }
    files
        .iter()
        .map(|(_, kind)| {
            kind.filter(|k| FILE_TYPES.contains(k))
                .ok_or("registration.error.file_type")
        })
        .collect()
}

/// Step 2's admin, trimmed (the address lowercased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
}

impl AdminInput {
    /// Checks step 2's fields; errors are (field, code).
    pub fn parse(
        name: &str,
        email: &str,
        phone: &str,
        address: &str,
    ) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let email = email.trim().to_lowercase();
        let mut errors = Vec::new();
        for (field, value, max) in [
            ("admin_name", name.trim(), 50),
            ("admin_phone", phone.trim(), 40),
            ("admin_address", address.trim(), 200),
        ] {
            if value.is_empty() {
                errors.push((field, "form.required"));
            } else if value.chars().count() > max {
                errors.push((field, "form.too_long_short"));
            }
        }
        if email.is_empty() {
            errors.push(("admin_email", "form.required"));
        } else if !plausible_email(&email) {
            errors.push(("admin_email", "form.email_invalid"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AdminInput {
            name: name.trim().to_owned(),
            email,
            phone: phone.trim().to_owned(),
            address: address.trim().to_owned(),
        })
    }
}

/// A rejection's reason, trimmed: required, at most `MAX_REASON_CHARS`; the error is the
/// code shown next to the field.
pub fn check_reason(reason: &str) -> Result<String, &'static str> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err("form.required")
    } else if reason.chars().count() > MAX_REASON_CHARS {
        Err("form.too_long_short")
    } else {
        Ok(reason.to_owned())
    }
}

/// A plausible email address: one @, something on both sides, a dot in the domain, no
/// spaces or control characters (lettre parses it again before any mail is sent).
pub fn plausible_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && value.len() <= 254
        && !value.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::code::{codes, missing_labels};

    /// The stored codes must never change with a renamed variant.
    #[test]
    fn registration_statuses_keep_their_codes_and_labels() {
        assert_eq!(
            codes::<RegistrationStatus>(),
            ["draft", "pending", "approved", "rejected"]
        );
        assert_eq!(RegistrationStatus::from_db("submitted"), None);
        assert_eq!(
            RegistrationStatus::Pending.label_key(),
            "registration.status.pending"
        );
        let missing = missing_labels::<RegistrationStatus>();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn the_platform_sees_pending_by_default_and_never_drafts() {
        use RegistrationStatus::*;
        assert_eq!(RegistrationStatus::queue(None), Pending);
        assert_eq!(RegistrationStatus::queue(Some("draft")), Pending);
        assert_eq!(RegistrationStatus::queue(Some("nonsense")), Pending);
        assert_eq!(RegistrationStatus::queue(Some("approved")), Approved);
        assert_eq!(RegistrationStatus::queue(Some("rejected")), Rejected);
        assert!(Pending.oldest_first());
        assert!(!Approved.oldest_first() && !Rejected.oldest_first());
    }

    #[test]
    fn step_one_needs_a_company_and_a_person_within_bounds() {
        assert!(check_company(" ACME ", "Li Lei").is_empty());
        assert_eq!(
            check_company("  ", ""),
            [
                ("company_name", "form.required"),
                ("responsible_person", "form.required")
            ]
        );
        assert_eq!(
            check_company(&"x".repeat(101), &"中".repeat(50)),
            [("company_name", "form.too_long_short")]
        );
        assert_eq!(
            check_company("ACME", &"中".repeat(51)),
            [("responsible_person", "form.too_long_short")]
        );
    }

    #[test]
    fn qualification_files_are_a_few_small_pdfs_or_images() {
        let pdf = Some("application/pdf");
        assert_eq!(check_files(&[]), Err("registration.error.files_required"));
        assert_eq!(
            check_files(&[(10, pdf), (20, Some("image/png")), (30, Some("image/jpeg"))]),
            Ok(vec!["application/pdf", "image/png", "image/jpeg"])
        );
        assert_eq!(
            check_files(&[(1, pdf); MAX_FILES + 1]),
            Err("registration.error.too_many_files")
        );
        assert_eq!(
            check_files(&[(1, pdf); MAX_FILES]).map(|t| t.len()),
            Ok(MAX_FILES)
        );
        assert_eq!(
            check_files(&[(1, None), (MAX_FILE_BYTES + 1, pdf)]),
            Err("registration.error.file_size")
        );
        assert_eq!(
            check_files(&[(MAX_FILE_BYTES, pdf)]).map(|t| t.len()),
            Ok(1)
        );
        assert_eq!(
            check_files(&[(1, pdf), (1, Some("image/gif"))]),
            Err("registration.error.file_type")
        );
        assert_eq!(
            check_files(&[(1, None)]),
            Err("registration.error.file_type")
        );
    }

    #[test]
    fn step_two_checks_the_admin_and_lowercases_the_address() {
        let admin =
            AdminInput::parse(" Han Meimei ", " Admin@ACME.example ", " 123 ", " Road 1 ").unwrap();
        assert_eq!(
            admin,
            AdminInput {
                name: "Han Meimei".into(),
                email: "admin@acme.example".into(),
                phone: "123".into(),
                address: "Road 1".into(),
            }
        );
        assert_eq!(
            AdminInput::parse("", "", "", ""),
            Err(vec![
                ("admin_name", "form.required"),
                ("admin_phone", "form.required"),
                ("admin_address", "form.required"),
                ("admin_email", "form.required"),
            ])
        );
        assert_eq!(
            AdminInput::parse(
                &"n".repeat(51),
                "not-an-address",
                &"1".repeat(41),
                &"a".repeat(201)
            ),
            Err(vec![
                ("admin_name", "form.too_long_short"),
                ("admin_phone", "form.too_long_short"),
                ("admin_address", "form.too_long_short"),
                ("admin_email", "form.email_invalid"),
            ])
        );
    }

    #[test]
    fn a_rejection_gives_a_reason_of_bounded_length() {
        assert_eq!(check_reason("  资质不全 "), Ok("资质不全".into()));
        assert_eq!(check_reason("   "), Err("form.required"));
        assert_eq!(
            check_reason(&"因".repeat(500)).map(|r| r.chars().count()),
            Ok(500)
        );
        assert_eq!(check_reason(&"因".repeat(501)), Err("form.too_long_short"));
    }

    #[test]
    fn plausible_addresses_have_a_local_part_and_a_dotted_domain() {
        assert!(plausible_email("a@b.example"));
        for bad in [
            "",
            "a",
            "@b.example",
            "a@b",
            "a@.b",
            "a@b.",
            "a@b@c.d",
            "a b@c.d",
            "a@c.d>",
        ] {
            assert!(!plausible_email(bad), "{bad:?}");
        }
    }
}
