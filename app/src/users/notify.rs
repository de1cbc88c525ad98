//! Who is told what about the team: when the admin role changes hands, the new admin and the
//! old one are both mailed. (Invitation mails are the activation links' own, in accounts.)

use crate::kit::mail::{render, Mail};

/// The two mails of 转移管理员 at `provider`: to the new admin (`new_email`) and to the old one
/// (`old_email`), who is 协同管理员 from now on.
pub fn admin_transferred(
    provider: &str,
    old_admin: &str,
    new_admin: &str,
    new_email: &str,
    old_email: &str,
) -> Vec<Mail> {
    [
        (
            new_email,
            format!("{old_admin} 已将服务提供商（{provider}）的管理员转移给您。"),
        ),
        (
            old_email,
            format!(
                "您已将服务提供商（{provider}）的管理员转移给 {new_admin}，您现在是协同管理员。"
            ),
        ),
    ]
    .into_iter()
    .map(|(to, text)| {
        render(
            to,
            &format!("管理员已转移 · Administrator of {provider} changed"),
            &[
                text,
                format!("The administrator role of {provider} on Provider Center passed from {old_admin} to {new_admin}."),
            ],
            None,
        )
    })
    .collect()
}
