//! The reviews as Excel workbooks: a cell's or the ward's report (summary, month by month,
//! concerns, and per member or per cell), and the ĐV213 roster with its comments.
//! Plain GET links checked against the caller's scope like every other door.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::model::*;
use crate::core::clock::Clock;
use crate::error::AppError;
use crate::features::concerns::model::AgeBucket;
use crate::features::transfer::export::{
    Table, Value, concern_state_vi, content_disposition, refuse, status_vi, xlsx,
};
use crate::server::auth::AuthSession;
use crate::server::db::Pool;
use crate::server::scope::Caller;

fn age_vi(b: AgeBucket) -> &'static str {
    match b {
        AgeBucket::Week => "Trong 7 ngày",
        AgeBucket::Month => "8–30 ngày",
        AgeBucket::Quarter => "31–90 ngày",
        AgeBucket::Older => "Trên 90 ngày",
    }
}

fn pct(p: i64) -> Value {
    Value::Text(format!("{p}%"))
}

/// The report's tables: key figures, month by month, concerns, and its members or cells.
pub fn report_tables(r: &Report) -> Vec<Table> {
    let scope = r.cell.as_ref().map_or_else(
        || r.ward_name.clone(),
        |(_, name)| format!("{name} – {}", r.ward_name),
    );
    let c = &r.coverage;
    let k = &r.concerns;
    let summary = Table {
        title: "Tổng hợp",
        headers: vec!["Chỉ tiêu", "Số liệu"],
        rows: vec![
            vec!["Đơn vị".into(), scope.into()],
            vec!["Kỳ báo cáo".into(), r.period.title_vi().into()],
            vec!["Số liệu tính đến ngày".into(), Value::Date(r.until)],
            vec!["Số đảng viên".into(), r.members.into()],
            vec![
                "Đảng viên có thể phân công".into(),
                r.assignable_members.into(),
            ],
            vec!["Hộ đang được phụ trách".into(), c.households.into()],
            vec!["Hộ được phụ trách trong kỳ".into(), c.looked_after.into()],
            vec!["Hộ được thăm ít nhất một lần".into(), c.reached.into()],
            vec!["Lượt thăm hộ".into(), c.visits.into()],
            vec!["Hộ-tháng cần thăm".into(), c.due.into()],
            vec!["Hộ-tháng đã thăm".into(), c.visited.into()],
            vec!["Tỷ lệ thăm hằng tháng".into(), pct(c.rate())],
            vec!["Kiến nghị mới trong kỳ".into(), k.raised.into()],
            vec![
                "Kiến nghị đã giải quyết, báo lại cho hộ".into(),
                k.settled().into(),
            ],
            vec!["Kiến nghị chưa xong".into(), k.open().into()],
            vec!["Kiến nghị quá hạn".into(), k.overdue.into()],
            vec!["Bước xử lý đúng hạn".into(), k.on_time.on_time.into()],
            vec!["Bước xử lý trễ hạn".into(), k.on_time.late.into()],
            vec![
                "Tỷ lệ đúng hạn".into(),
                k.on_time.percent().map_or(Value::Empty, pct),
            ],
            vec!["Buổi sinh hoạt chi bộ".into(), r.meetings.into()],
        ],
    };
    let months = Table {
        title: "Theo tháng",
        headers: vec![
            "Tháng",
            "Hộ cần thăm",
            "Hộ đã thăm",
            "Tỷ lệ",
            "Lượt thăm",
            "Kiến nghị mới",
        ],
        rows: r
            .months
            .iter()
            .map(|m| {
                vec![
                    format!("{:02}/{}", m.month, m.year).into(),
                    m.due.into(),
                    m.visited.into(),
                    pct(crate::features::org::model::percent(m.visited, m.due)),
                    m.visits.into(),
                    m.concerns.into(),
                ]
            })
            .collect(),
    };
    let mut concern_rows: Vec<Vec<Value>> = k
        .by_state
        .iter()
        .map(|(s, n)| {
            vec![
                "Trạng thái hiện nay (kiến nghị trong kỳ)".into(),
                concern_state_vi(s.code()).into(),
                (*n).into(),
            ]
        })
        .collect();
    concern_rows.extend(k.open_by_age.iter().map(|(b, n)| {
        vec![
            "Chưa xong, theo thời gian chờ".into(),
            age_vi(*b).into(),
            (*n).into(),
        ]
    }));
    let concerns = Table {
        title: "Kiến nghị",
        headers: vec!["Nhóm", "Mục", "Số kiến nghị"],
        rows: concern_rows,
    };
    let mut out = vec![summary, months, concerns];
    if r.cell.is_some() {
        out.push(Table {
            title: "Minh chứng đảng viên",
            headers: vec![
                "Họ và tên",
                "Năm sinh",
                "Tình trạng",
                "Hộ đang phụ trách",
                "Hộ-tháng cần thăm",
                "Hộ-tháng đã thăm",
                "Tỷ lệ",
                "Lượt thăm",
                "Kiến nghị đã phản ánh",
                "Kiến nghị đã theo đến cùng",
                "Lượt hộ đánh giá",
                "Điểm hộ đánh giá (1–5)",
                "Dự sinh hoạt chi bộ",
                "Ý kiến của hộ",
            ],
            rows: r
                .evidence
                .iter()
                .map(|e| {
                    vec![
                        e.full_name.clone().into(),
                        e.birth_year.into(),
                        status_vi(e.status.code()).into(),
                        e.households.into(),
                        e.expected.into(),
                        e.done.into(),
                        pct(e.rate()),
                        e.visits.into(),
                        e.concerns_raised.into(),
                        e.concerns_followed.into(),
                        e.ratings.into(),
                        e.rating_text().into(),
                        format!("{}/{}", e.meetings_present, e.meetings_held).into(),
                        e.feedback
                            .iter()
                            .map(|(d, t)| format!("{}: {t}", d.format("%d/%m/%Y")))
                            .collect::<Vec<_>>()
                            .join("; ")
                            .into(),
                    ]
                })
                .collect(),
        });
    } else {
        out.push(Table {
            title: "Theo chi bộ",
            headers: vec![
                "Chi bộ",
                "Đảng viên",
                "Hộ đang phụ trách",
                "Hộ-tháng cần thăm",
                "Hộ-tháng đã thăm",
                "Tỷ lệ thăm",
                "Lượt thăm",
                "Kiến nghị mới",
                "Kiến nghị chưa xong",
                "Quá hạn",
                "Tỷ lệ đúng hạn",
                "Buổi sinh hoạt",
            ],
            rows: r
                .cells
                .iter()
                .map(|l| {
                    vec![
                        l.name.clone().into(),
                        l.members.into(),
                        l.coverage.households.into(),
                        l.coverage.due.into(),
                        l.coverage.visited.into(),
                        pct(l.coverage.rate()),
                        l.coverage.visits.into(),
                        l.concerns.raised.into(),
                        l.concerns.open().into(),
                        l.concerns.overdue.into(),
                        l.concerns.on_time.percent().map_or(Value::Empty, pct),
                        l.meetings.into(),
                    ]
                })
                .collect(),
        });
    }
    out
}

fn attended_vi(a: Option<bool>) -> Value {
    match a {
        Some(true) => "Có mặt".into(),
        Some(false) => "Vắng".into(),
        None => Value::Empty,
    }
}

/// The ĐV213 roster with attendance and the comment sheets, one row per member.
pub fn dv213_tables(s: &Dv213Sheet) -> Vec<Table> {
    let mut rows = Vec::new();
    for (group, members) in s.groups() {
        for m in members {
            rows.push(vec![
                group.clone().into(),
                if m.group_leader { "Tổ trưởng" } else { "" }.into(),
                m.full_name.clone().into(),
                m.birth_year.into(),
                m.phone.clone().into(),
                m.address.clone().into(),
                m.workplace.clone().into(),
                m.workplace_committee.clone().into(),
                attended_vi(m.attended[0]),
                attended_vi(m.attended[1]),
                m.comment.contact.clone().into(),
                m.comment.civic.clone().into(),
                m.comment.comment.clone().into(),
            ]);
        }
    }
    vec![Table {
        title: "Đảng viên 213",
        headers: vec![
            "Tổ",
            "Vai trò",
            "Họ và tên",
            "Năm sinh",
            "Điện thoại",
            "Nơi cư trú",
            "Nơi công tác",
            "Cấp ủy nơi công tác",
            "Gặp mặt 6 tháng đầu năm",
            "Gặp mặt 6 tháng cuối năm",
            "Giữ mối liên hệ với nơi cư trú",
            "Thực hiện nghĩa vụ công dân",
            "Nhận xét, đề nghị",
        ],
        rows,
    }]
}

async fn send(tables: Vec<Table>, name: String) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(move || xlsx(&tables))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "cannot write a workbook");
            AppError::Internal
        })?;
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, content_disposition(&name)),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// The period a workbook's name asks for; an unknown one, or one not begun, is not there.
fn asked_period(stem: &str, today: chrono::NaiveDate) -> Result<Period, AppError> {
    Period::parse("period", stem)
        .ok()
        .filter(|p| p.has_begun(today))
        .ok_or(AppError::NotFound)
}

async fn send_report(report: &Report, unit: &str) -> Result<Response, AppError> {
    send(
        report_tables(report),
        format!(
            "Gắn Bó - {unit} - Báo cáo {}.xlsx",
            report.period.title_vi()
        ),
    )
    .await
}

/// `GET /export/reports/cells/{cell}/{<period>.xlsx | dv213-<year>.xlsx}`: the cell's readers.
pub async fn cell_report_export(
    State(pool): State<Pool>,
    State(clock): State<Clock>,
    session: AuthSession,
    Path((cell, file)): Path<(i64, String)>,
) -> Response {
    let run = async {
        let caller = Caller::from_session(session)?;
        let scope = caller.read_cell(&pool, cell).await?;
        let today = clock.today();
        let stem = file.strip_suffix(".xlsx").ok_or(AppError::NotFound)?;
        if let Some(year) = stem.strip_prefix("dv213-") {
            let year = super::api::year_or_current(year, today).map_err(|_| AppError::NotFound)?;
            let sheet = super::repo::dv213_sheet(&pool, &scope, year, today).await?;
            return send(
                dv213_tables(&sheet),
                format!("Gắn Bó - {} - Đảng viên 213 - {year}.xlsx", scope.name),
            )
            .await;
        }
        let period = asked_period(stem, today)?;
        let report = super::repo::cell_report(&pool, &scope, period, today).await?;
        send_report(&report, &scope.name).await
    };
    run.await.unwrap_or_else(refuse)
}

/// `GET /export/reports/wards/{ward}/{<period>.xlsx}`: whoever reads the whole ward.
pub async fn ward_report_export(
    State(pool): State<Pool>,
    State(clock): State<Clock>,
    session: AuthSession,
    Path((ward, file)): Path<(i64, String)>,
) -> Response {
    let run = async {
        let caller = Caller::from_session(session)?;
        let scope = caller.read_ward(&pool, ward).await?;
        let today = clock.today();
        let stem = file.strip_suffix(".xlsx").ok_or(AppError::NotFound)?;
        let period = asked_period(stem, today)?;
        let report =
            super::repo::ward_report(&pool, scope.ward_id, &scope.name, period, today).await?;
        send_report(&report, &scope.name).await
    };
    run.await.unwrap_or_else(refuse)
}
