//! Who is told what about the team: when the admin role changes hands, the new admin and the
//! old one are both mailed. (Invitation mails are the activation links' own, in accounts.)

use crate::kit::mail::Letter;

/// The two letters of 转移管理员 at `provider`: to the new admin, and to the old one, who is
/// 协同管理员 from now on.
pub fn admin_transferred(provider: &str, old_admin: &str, new_admin: &str) -> [Letter; 2] {
    ["mail.admin_transfer.to_new", "mail.admin_transfer.to_old"].map(|lead| {
        Letter::new("mail.admin_transfer.subject")
            .paragraph(lead)
            .arg("provider", provider)
            .arg("old_admin", old_admin)
            .arg("new_admin", new_admin)
    })
}
