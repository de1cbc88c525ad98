//! Who is told what about the team: when the admin role changes hands, the new admin and the
//! old one are both mailed. (Invitation mails are the activation links' own, in accounts.)

use crate::kit::mail::{both, paragraphs, render, Mail};

/// The two mails of 转移管理员 at `provider`: to the new admin (`new_email`) and to the old one
/// (`old_email`), who is 协同管理员 from now on.
pub fn admin_transferred(
    provider: &str,
    old_admin: &str,
    new_admin: &str,
    new_email: &str,
    old_email: &str,
) -> Vec<Mail> {
    let args = [
        ("provider", provider),
        ("old_admin", old_admin),
        ("new_admin", new_admin),
    ];
    let subject = both("mail.admin_transfer.subject", &args, " · ");
    [
        (new_email, "mail.admin_transfer.to_new"),
        (old_email, "mail.admin_transfer.to_old"),
    ]
    .into_iter()
    .map(|(to, lead)| render(to, &subject, &paragraphs(&[lead], &args), None))
    .collect()
}
