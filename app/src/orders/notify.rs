//! Who is told what about work orders: the buyer's contact is asked to accept a delivered
//! stage (and reminded before the deadline).

use crate::kit::mail::{render, Mail};
use crate::kit::time::format_datetime;

/// What the acceptance mail says about a stage.
pub struct Stage {
    pub contact_email: String,
    pub provider: String,
    pub work_order_no: String,
    pub position: i64,
    pub standard: String,
}

/// The acceptance request (or its reminder) with the live link `url`, answered by `due`.
pub fn acceptance_request(stage: &Stage, due: i64, url: &str, reminder: bool) -> Mail {
    let Stage {
        provider,
        work_order_no: no,
        position,
        standard,
        ..
    } = stage;
    let subject = if reminder {
        format!("提醒：请验收服务工单 {no} 第 {position} 阶段 · Reminder: acceptance of stage {position}")
    } else {
        format!("请验收服务工单 {no} 第 {position} 阶段 · Please review stage {position}")
    };
    render(
        &stage.contact_email,
        &subject,
        &[
            format!("您好！{provider} 已完成服务工单 {no} 第 {position} 阶段的交付，请您验收。"),
            format!("交付标准：{standard}"),
            format!(
                "请在 {} 前答复：验收通过，或说明原因后驳回。",
                format_datetime(due)
            ),
            format!(
                "Hello, {provider} has delivered stage {position} of work order {no}. \
                 Please accept it, or reject it with a reason, by {} (UTC+8).",
                format_datetime(due)
            ),
        ],
        Some(("验收 / Review", url)),
    )
    .secret(url.to_owned())
}
