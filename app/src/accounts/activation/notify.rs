//! The mailed links: the invitation that activates a membership (manual §5.1.3) and the
//! password reset. Each carries its link as a secret, kept out of the mail log.

use crate::kit::mail::Letter;

/// The invitation of manual §5.1.3: "… 邀请您成为服务提供商 (X) 用户 · 激活您的账号 · 点击此处",
/// from member `inviter`, or from the platform (an approved registration, a link sent again).
pub fn invitation(public_url: &str, provider: &str, inviter: Option<&str>, token: &str) -> Letter {
    let url = format!("{public_url}/activate/{token}");
    let letter = Letter::new("mail.invitation.subject");
    let letter = match inviter {
        Some(inviter) => letter
            .paragraph("mail.invitation.lead")
            .arg("inviter", inviter),
        None => letter.paragraph("mail.invitation.lead_platform"),
    };
    letter
        .arg("provider", provider)
        .paragraph("mail.invitation.body")
        .button("mail.invitation.button", url.clone())
        .secret(url)
}

pub fn reset(public_url: &str, token: &str) -> Letter {
    let url = format!("{public_url}/reset/{token}");
    Letter::new("mail.reset.subject")
        .paragraph("mail.reset.body")
        .paragraph("mail.reset.ignore")
        .button("mail.reset.button", url.clone())
        .secret(url)
}
