//! The mailed links: the invitation that activates a membership (manual §5.1.3) and the
//! password reset. Each carries its link as a secret, kept out of the mail log.

use crate::kit::mail::{render, Mail};

/// Who invites when the platform does (an approved registration, a link sent again).
pub const PLATFORM_INVITER: &str = "服务提供商中心 Provider Center";

/// The invitation of manual §5.1.3: "… 邀请您成为服务提供商 (X) 用户 · 激活您的账号 · 点击此处".
pub fn invitation(public_url: &str, to: &str, provider: &str, inviter: &str, token: &str) -> Mail {
    let url = format!("{public_url}/activate/{token}");
    render(
        to,
        &format!("邀请您成为服务提供商（{provider}）用户 · Invitation to {provider}"),
        &[
            format!("您好！{inviter} 邀请您成为服务提供商（{provider}）用户。"),
            "激活您的账号：请点击下方按钮，设置姓名、电话和密码。链接 3 天内有效，仅可使用一次。"
                .into(),
            format!(
                "Hello, {inviter} invites you to join the provider {provider} on Provider Center. \
                 Activate your account with the button below; the link works once, within 3 days."
            ),
        ],
        Some(("点击此处激活 / Activate your account", &url)),
    )
    .secret(url.clone())
}

pub fn reset(public_url: &str, to: &str, token: &str) -> Mail {
    let url = format!("{public_url}/reset/{token}");
    render(
        to,
        "重置密码 · Reset your password",
        &[
            "我们收到了重置您服务提供商中心账号密码的请求。请在 1 小时内点击下方按钮设置新密码；链接仅可使用一次。".into(),
            "如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。".into(),
            "We received a request to reset the password of your Provider Center account. \
             Set a new one within an hour with the button below; the link works once. \
             If this was not you, ignore this message: your password stays as it is."
                .into(),
        ],
        Some(("重置密码 / Reset password", &url)),
    )
    .secret(url.clone())
}
