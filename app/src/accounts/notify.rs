//! What an account's owner is told about its security, whichever way it changed: a new
//! password, a linked identity provider, wrong second-factor codes.

use crate::kit::mail::{render, Mail};

/// An identity provider's account was linked: it now signs in without the password.
pub fn oidc_linked(to: &str) -> Mail {
    render(
        to,
        "已关联 AAD 身份 · An AAD identity was linked",
        &[
            "您的服务提供商中心账号刚刚关联了一个 AAD 身份，今后可用它快捷登录。".into(),
            "如果这不是您本人的操作，请立即在“账号安全”中解除关联、修改密码并联系平台。".into(),
            "An Azure AD identity was just linked to your Provider Center account and can \
             now sign in to it. If this was not you, unlink it under Account security, \
             change your password and contact the platform."
                .into(),
        ],
        None,
    )
}

/// Wrong second-factor codes started to wait: someone who knows the password may be
/// guessing the code.
pub fn second_factor_alert(to: &str) -> Mail {
    render(
        to,
        "多次输入错误的验证码 · Several wrong verification codes",
        &[
            "有人用正确的密码登录了您的服务提供商中心账号，但多次输入了错误的两步验证码。此后每次尝试都需要等待更久。".into(),
            "如果这不是您本人，请立即修改密码并联系平台。".into(),
            "Someone signed in to your Provider Center account with the right password but \
             typed several wrong verification codes; each further try now waits longer. If \
             this was not you, change your password now and contact the platform."
                .into(),
        ],
        None,
    )
}

pub fn password_changed(to: &str) -> Mail {
    render(
        to,
        "您的密码已修改 · Your password was changed",
        &[
            "您服务提供商中心账号的密码刚刚被修改，其他设备上的登录已退出。".into(),
            "如果这不是您本人的操作，请立即通过“忘记密码”重置密码并联系平台。".into(),
            "The password of your Provider Center account was just changed and your other \
             sessions were signed out. If this was not you, reset your password now with \
             “Forgot password” and contact the platform."
                .into(),
        ],
        None,
    )
}
