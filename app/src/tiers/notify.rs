//! Who is told what about tier applications: the applicant's contact hears the platform's
//! decision.

use crate::kit::mail::{render, Mail};
use crate::kit::request::Settings;

/// The decision on an application for `tier`, to the application's contact email `to`.
pub fn decided(settings: &Settings, to: &str, tier: &str, approve: bool, reason: &str) -> Mail {
    let (subject, zh, en) = if approve {
        (
            format!("等级申请已通过：{tier} · Tier application approved"),
            format!("您申请的「{tier}」等级已通过平台审核，新的等级权益即刻生效。"),
            format!("Your application for the {tier} tier was approved; its benefits apply now."),
        )
    } else {
        (
            format!("等级申请未通过：{tier} · Tier application rejected"),
            format!("您申请的「{tier}」等级未通过平台审核，原因：{reason}。"),
            format!("Your application for the {tier} tier was rejected: {reason}."),
        )
    };
    let link = format!("{}/tiers", settings.public_url);
    render(
        to,
        &subject,
        &[zh, en],
        Some(("查看等级权益 / View tiers", &link)),
    )
}
