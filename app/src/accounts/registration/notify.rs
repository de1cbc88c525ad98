//! Who is told what about a registration: every operator of a new application to review,
//! the applicant's admin address of a rejection (an approval's mail is the invitation, in
//! activation).

use crate::kit::mail::Letter;

/// To an operator: `company` applied (application `id`); the link opens it under
/// `public_url`.
pub fn submitted(public_url: &str, id: i64, company: &str) -> Letter {
    Letter::new("mail.registration.submitted.subject")
        .paragraph("mail.registration.submitted.body")
        .arg("company", company)
        .button(
            "mail.registration.button",
            format!("{public_url}/platform/registrations/{id}"),
        )
}

/// To the applicant's admin address: the application of `company` was rejected for
/// `reason`.
pub fn rejected(company: &str, reason: &str) -> Letter {
    Letter::new("mail.registration.rejected.subject")
        .paragraph("mail.registration.rejected.body")
        .paragraph("mail.registration.rejected.reason")
        .paragraph("mail.registration.rejected.again")
        .arg("company", company)
        .arg("reason", reason)
}
