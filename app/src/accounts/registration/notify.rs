//! Who is told what about a registration: every operator of a new application to review,
//! the applicant's admin address of a rejection (an approval's mail is the invitation, in
//! activation).

use crate::kit::mail::{render, Mail};

/// To operator `to`: `company` applied (application `id`); the link opens it under
/// `public_url`.
pub fn submitted(public_url: &str, to: &str, id: i64, company: &str) -> Mail {
    let url = format!("{public_url}/platform/registrations/{id}");
    render(
        to,
        &format!("新的注册申请：{company} · New registration"),
        &[
            format!("{company} 提交了服务提供商注册申请，请审核资质文件后通过或驳回。"),
            format!(
                "{company} applied to become a provider; please review its qualification files."
            ),
        ],
        Some(("审核 / Review", &url)),
    )
}

/// To the applicant's admin address `to`: the application of `company` was rejected for
/// `reason`.
pub fn rejected(to: &str, company: &str, reason: &str) -> Mail {
    render(
        to,
        &format!("注册申请未通过：{company} · Registration not approved"),
        &[
            format!("您好！您为 {company} 提交的服务提供商注册申请未通过平台审核。"),
            format!("原因：{reason}"),
            "您可以根据原因准备材料后重新注册。".into(),
            format!("The registration of {company} as a provider was not approved. Reason: {reason}. You may register again with updated documents."),
        ],
        None,
    )
}
