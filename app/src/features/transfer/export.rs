//! Taking everything out again: a cell's (or a ward's) members, households, assignments with
//! their history, visits, and concerns with their steps, as one Excel workbook (one sheet
//! each, Vietnamese headers, dates as real dates) or as CSV (UTF-8 with BOM, so Excel
//! shows the diacritics). Plain GET links, so downloads work without the page's script.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::model::*;
use super::repo;
use crate::error::AppError;
use crate::features::org::model::{Gender, HouseholdTag, MemberKind, MemberStatus};
use crate::server::auth::AuthSession;
use crate::server::db::Pool;
use crate::server::scope::Caller;
use crate::ui::format::vn_date;

/// One value of an exported cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
    Date(NaiveDate),
    Empty,
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        if s.is_empty() {
            Value::Empty
        } else {
            Value::Text(s)
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::from(s.to_string())
    }
}

impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Self {
        s.map_or(Value::Empty, Value::from)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<Option<i32>> for Value {
    fn from(n: Option<i32>) -> Self {
        n.map_or(Value::Empty, |n| Value::Int(i64::from(n)))
    }
}

impl From<Option<NaiveDate>> for Value {
    fn from(d: Option<NaiveDate>) -> Self {
        d.map_or(Value::Empty, Value::Date)
    }
}

/// One sheet: its name (at most 31 characters), its headers and its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub title: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

pub(crate) fn status_vi(code: &str) -> String {
    MemberStatus::parse(code)
        .map(super::values::status_vi)
        .unwrap_or(code)
        .to_string()
}

fn gender_vi(code: &str) -> String {
    match Gender::parse(code) {
        Some(Gender::Other) | None => String::new(),
        Some(g) => super::values::gender_vi(g).to_string(),
    }
}

fn tags_vi(stored: &str) -> String {
    HouseholdTag::parse_list(stored)
        .into_iter()
        .map(super::values::tag_vi)
        .collect::<Vec<_>>()
        .join(", ")
}

fn address(house_no: &str, lane: &str, alley: &str) -> String {
    crate::features::org::model::Address {
        area: String::new(),
        alley: alley.to_string(),
        lane: lane.to_string(),
        house_no: house_no.to_string(),
    }
    .short()
}

pub(crate) fn concern_state_vi(code: &str) -> String {
    match code {
        "raised" => "Mới ghi nhận",
        "reported" => "Đã báo cáo chi bộ",
        "answered_by_cell" => "Chi bộ đã trả lời",
        "referred_to_committee" => "Đã chuyển Đảng ủy",
        "answered_in_writing" => "Đảng ủy đã trả lời bằng văn bản",
        "referred_outside" => "Đã chuyển cơ quan, đoàn thể",
        "household_informed" => "Đã thông báo cho hộ",
        "closed" => "Đã kết thúc",
        other => other,
    }
    .to_string()
}

fn category_vi(code: &str) -> String {
    match code {
        "infrastructure" => "Hạ tầng, đường ngõ",
        "environment" => "Môi trường",
        "security" => "An ninh, trật tự",
        "social_policy" => "Chính sách xã hội",
        "land_construction" => "Đất đai, xây dựng",
        "health_education" => "Y tế, giáo dục",
        other => other,
    }
    .to_string()
}

fn step_vi(code: &str) -> String {
    match code {
        "raise" => "Ghi nhận",
        "report" => "Báo cáo chi bộ",
        "answer" => "Chi bộ trả lời",
        "refer" => "Chuyển Đảng ủy",
        "answer_in_writing" => "Trả lời bằng văn bản",
        "refer_outside" => "Chuyển cơ quan, đoàn thể",
        "inform" => "Thông báo cho hộ",
        "close" => "Kết thúc",
        other => other,
    }
    .to_string()
}

fn visit_kind_vi(code: &str) -> String {
    match code {
        "home" => "Đến nhà",
        "phone" => "Gọi điện",
        "elsewhere" => "Gặp nơi khác",
        other => other,
    }
    .to_string()
}

fn topics_vi(stored: &str) -> String {
    stored
        .split(',')
        .filter(|t| !t.is_empty())
        .map(|t| match t {
            "cultured_family" => "Gia đình văn hóa",
            "crime_prevention" => "Phòng chống tội phạm",
            "civilised_urban" => "Văn minh đô thị",
            "new_rural" => "Nông thôn mới",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn yes(b: bool) -> Value {
    if b { "Có".into() } else { Value::Empty }
}

/// Reads every sheet for the given cells of a ward.
pub async fn tables(
    pool: &Pool,
    ward: i64,
    cells: &[i64],
    only: Option<ExportSheet>,
) -> sqlx::Result<Vec<Table>> {
    let mut out = Vec::new();
    let want = |s: ExportSheet| only.is_none_or(|o| o == s);
    if want(ExportSheet::Members) {
        let rows = repo::export_members(pool, ward, cells).await?;
        out.push(Table {
            title: ExportSheet::Members.title_vi(),
            headers: vec![
                "Chi bộ",
                "Họ và tên",
                "Năm sinh",
                "Giới tính",
                "Điện thoại",
                "Số nhà",
                "Ngách",
                "Ngõ",
                "Tổ dân phố",
                "Tình trạng",
                "Loại đảng viên",
                "Nơi công tác",
                "Cấp ủy nơi công tác",
                "Số hộ có thể phụ trách",
                "Số hộ đang phụ trách",
                "Ghi chú",
            ],
            rows: rows
                .into_iter()
                .map(|m| {
                    vec![
                        m.cell_name.into(),
                        m.full_name.into(),
                        m.birth_year.into(),
                        gender_vi(&m.gender).into(),
                        m.phone.into(),
                        m.home_house_no.into(),
                        m.home_lane.into(),
                        m.home_alley.into(),
                        m.home_area.into(),
                        status_vi(&m.status).into(),
                        if MemberKind::parse(&m.kind) == Some(MemberKind::Dv213) {
                            "ĐV 213"
                        } else {
                            "Thường trú"
                        }
                        .into(),
                        m.workplace.into(),
                        m.workplace_committee.into(),
                        m.capacity.into(),
                        m.load.into(),
                        m.notes.into(),
                    ]
                })
                .collect(),
        });
    }
    if want(ExportSheet::Households) {
        let rows = repo::export_households(pool, ward, cells).await?;
        out.push(Table {
            title: ExportSheet::Households.title_vi(),
            headers: vec![
                "Chi bộ",
                "Chủ hộ",
                "Số nhà",
                "Ngách",
                "Ngõ",
                "Tổ dân phố",
                "Nhân khẩu",
                "Điện thoại",
                "Diện",
                "Điểm nóng",
                "Tổ tự quản",
                "Đảng viên phụ trách",
                "Năm sinh đảng viên",
                "Phụ trách từ ngày",
                "Ghi chú",
            ],
            rows: rows
                .into_iter()
                .map(|h| {
                    vec![
                        h.cell_name.into(),
                        h.head_name.into(),
                        h.house_no.into(),
                        h.lane.into(),
                        h.alley.into(),
                        h.area.into(),
                        h.size.into(),
                        h.phone.into(),
                        tags_vi(&h.tags).into(),
                        if h.hot_spot > 0 {
                            Value::Int(h.hot_spot)
                        } else {
                            Value::Empty
                        },
                        h.group_name.into(),
                        h.member_name.into(),
                        h.member_birth_year.into(),
                        h.since.map(vn_date).into(),
                        h.notes.into(),
                    ]
                })
                .collect(),
        });
    }
    if want(ExportSheet::Assignments) {
        let rows = repo::export_assignments(pool, ward, cells).await?;
        out.push(Table {
            title: ExportSheet::Assignments.title_vi(),
            headers: vec![
                "Chi bộ",
                "Chủ hộ",
                "Địa chỉ",
                "Tổ tự quản",
                "Đảng viên phụ trách",
                "Năm sinh đảng viên",
                "Hình thức",
                "Từ ngày",
                "Đến ngày",
                "Lý do phân công",
                "Lý do kết thúc",
            ],
            rows: rows
                .into_iter()
                .map(|a| {
                    vec![
                        a.cell_name.into(),
                        a.head_name.into(),
                        address(
                            a.house_no.as_deref().unwrap_or(""),
                            a.lane.as_deref().unwrap_or(""),
                            a.alley.as_deref().unwrap_or(""),
                        )
                        .into(),
                        a.group_name.into(),
                        a.member_name.into(),
                        a.member_birth_year.into(),
                        if a.mode == "non_regular" {
                            "Không thường xuyên"
                        } else {
                            "Thường xuyên"
                        }
                        .into(),
                        Value::Date(vn_date(a.started_at)),
                        a.ended_at.map(vn_date).into(),
                        a.reason.into(),
                        a.end_reason.into(),
                    ]
                })
                .collect(),
        });
    }
    if want(ExportSheet::Visits) {
        let rows = repo::export_visits(pool, ward, cells).await?;
        out.push(Table {
            title: ExportSheet::Visits.title_vi(),
            headers: vec![
                "Chi bộ",
                "Ngày thăm",
                "Chủ hộ",
                "Địa chỉ",
                "Đảng viên",
                "Hình thức",
                "Nội dung tuyên truyền",
                "Ghi chép",
                "Hòa giải",
                "Điểm nóng",
                "Ý kiến của hộ",
                "Hộ đánh giá (1–5)",
            ],
            rows: rows
                .into_iter()
                .map(|v| {
                    vec![
                        v.cell_name.into(),
                        Value::Date(v.visited_on),
                        v.head_name.into(),
                        address(&v.house_no, &v.lane, &v.alley).into(),
                        v.member_name.into(),
                        visit_kind_vi(&v.kind).into(),
                        topics_vi(&v.topics).into(),
                        v.note.into(),
                        yes(v.mediation),
                        if v.hot_spot > 0 {
                            Value::Int(v.hot_spot)
                        } else {
                            Value::Empty
                        },
                        v.feedback.into(),
                        v.feedback_rating.map_or(Value::Empty, Value::Int),
                    ]
                })
                .collect(),
        });
    }
    if want(ExportSheet::Concerns) {
        let rows = repo::export_concerns(pool, ward, cells).await?;
        out.push(Table {
            title: ExportSheet::Concerns.title_vi(),
            headers: vec![
                "Mã",
                "Chi bộ",
                "Ngày ghi nhận",
                "Chủ hộ",
                "Địa chỉ",
                "Đảng viên ghi nhận",
                "Lĩnh vực",
                "Nội dung",
                "Khẩn",
                "Tình trạng",
                "Hạn trả lời",
                "Số bước",
                "Bước gần nhất",
            ],
            rows: rows
                .into_iter()
                .map(|k| {
                    vec![
                        k.id.into(),
                        k.cell_name.into(),
                        Value::Date(k.raised_on),
                        k.head_name.into(),
                        address(
                            k.house_no.as_deref().unwrap_or(""),
                            "",
                            k.alley.as_deref().unwrap_or(""),
                        )
                        .into(),
                        k.member_name.into(),
                        category_vi(&k.category).into(),
                        k.body.into(),
                        yes(k.urgency == "urgent"),
                        concern_state_vi(&k.state).into(),
                        k.due_on.into(),
                        k.steps.into(),
                        k.last_step_at.map(vn_date).into(),
                    ]
                })
                .collect(),
        });
    }
    if want(ExportSheet::ConcernSteps) {
        let rows = repo::export_steps(pool, ward, cells).await?;
        out.push(Table {
            title: ExportSheet::ConcernSteps.title_vi(),
            headers: vec![
                "Mã kiến nghị",
                "Chi bộ",
                "Chủ hộ",
                "Ngày",
                "Bước",
                "Từ tình trạng",
                "Sang tình trạng",
                "Người thực hiện",
                "Nội dung",
            ],
            rows: rows
                .into_iter()
                .map(|e| {
                    vec![
                        e.concern_id.into(),
                        e.cell_name.into(),
                        e.head_name.into(),
                        Value::Date(vn_date(e.at)),
                        step_vi(&e.step).into(),
                        e.from_state.map(|s| concern_state_vi(&s)).into(),
                        concern_state_vi(&e.to_state).into(),
                        e.actor.into(),
                        e.body.into(),
                    ]
                })
                .collect(),
        });
    }
    Ok(out)
}

/// The workbook: one sheet per table, bold frozen headers with filters, dates as dates.
pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(0x00F6_E7E4)
        .set_border_bottom(FormatBorder::Thin);
    let day = Format::new().set_num_format("dd/mm/yyyy");
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.title)?;
        let mut widths: Vec<usize> = t.headers.iter().map(|h| h.chars().count().max(8)).collect();
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &head)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let col = c as u16;
                match v {
                    Value::Text(s) => {
                        ws.write_string(r, col, s)?;
                        if let Some(w) = widths.get_mut(c) {
                            *w = (*w).max(s.chars().count().min(60));
                        }
                    }
                    Value::Int(n) => {
                        ws.write_number(r, col, *n as f64)?;
                    }
                    Value::Date(d) => {
                        use chrono::Datelike;
                        let dt = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        ws.write_datetime_with_format(r, col, &dt, &day)?;
                        if let Some(w) = widths.get_mut(c) {
                            *w = (*w).max(11);
                        }
                    }
                    Value::Empty => {}
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w as f64 + 2.0).min(62.0))?;
        }
        ws.set_freeze_panes(1, 0)?;
        if !t.headers.is_empty() {
            ws.autofilter(0, 0, t.rows.len() as u32, t.headers.len() as u16 - 1)?;
        }
    }
    wb.save_to_buffer()
}

/// A text cell that a spreadsheet would take for a formula gets a leading apostrophe.
fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = match s.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !s[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '.'),
        _ => false,
    };
    if risky {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// One table as CSV: UTF-8 with a BOM, dates as dd/mm/yyyy.
pub fn csv(t: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new().from_writer(&mut out);
        w.write_record(&t.headers)?;
        for row in &t.rows {
            w.write_record(row.iter().map(|v| match v {
                Value::Text(s) => csv_safe(s).into_owned(),
                Value::Int(n) => n.to_string(),
                Value::Date(d) => d.format("%d/%m/%Y").to_string(),
                Value::Empty => String::new(),
            }))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// ASCII letters, digits and dashes for the plain `filename=`; the Vietnamese name goes
/// in `filename*` (RFC 5987).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = deunicode::deunicode(name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(b) {
            encoded.push(*b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub(crate) fn refuse(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        e.to_string(),
    )
        .into_response()
}

/// What the last path segment asks for: `all.xlsx` or `<sheet>.csv`.
fn parse_file(file: &str) -> Result<Option<ExportSheet>, AppError> {
    if file == "all.xlsx" {
        return Ok(None);
    }
    file.strip_suffix(".csv")
        .and_then(ExportSheet::parse)
        .map(Some)
        .ok_or(AppError::NotFound)
}

async fn download(
    pool: &Pool,
    ward: i64,
    cells: Vec<i64>,
    sheet: Option<ExportSheet>,
    title: &str,
    today: chrono::NaiveDate,
) -> Result<Response, AppError> {
    let tables = tables(pool, ward, &cells, sheet).await?;
    let day = today.format("%Y-%m-%d");
    let (bytes, mime, name) = tokio::task::spawn_blocking({
        let title = title.to_string();
        move || match sheet {
            None => xlsx(&tables)
                .map(|b| {
                    (
                        b,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        format!("Gắn Bó - {title} - {day}.xlsx"),
                    )
                })
                .map_err(|e| {
                    tracing::error!(error = %e, "cannot write a workbook");
                    AppError::Internal
                }),
            Some(s) => tables
                .first()
                .ok_or(AppError::Internal)
                .and_then(|t| {
                    csv(t).map_err(|e| {
                        tracing::error!(error = %e, "cannot write a CSV");
                        AppError::Internal
                    })
                })
                .map(|b| {
                    (
                        b,
                        "text/csv; charset=utf-8",
                        format!("Gắn Bó - {title} - {} - {day}.csv", s.title_vi()),
                    )
                }),
        }
    })
    .await
    .map_err(|_| AppError::Internal)??;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, content_disposition(&name)),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /export/cells/{cell}/{all.xlsx | <sheet>.csv}`: whoever may read the cell.
pub async fn cell_export(
    State(pool): State<Pool>,
    State(clock): State<crate::core::clock::Clock>,
    session: AuthSession,
    Path((cell, file)): Path<(i64, String)>,
) -> Response {
    let run = async {
        let caller = Caller::from_session(session)?;
        let scope = caller.read_cell(&pool, cell).await?;
        let sheet = parse_file(&file)?;
        download(
            &pool,
            scope.ward_id,
            vec![scope.cell_id],
            sheet,
            &scope.name,
            clock.today(),
        )
        .await
    };
    run.await.unwrap_or_else(refuse)
}

/// `GET /export/wards/{ward}/{all.xlsx | <sheet>.csv}`: whoever reads the whole ward
/// (the committee, or a viewer of the ward).
pub async fn ward_export(
    State(pool): State<Pool>,
    State(clock): State<crate::core::clock::Clock>,
    session: AuthSession,
    Path((ward, file)): Path<(i64, String)>,
) -> Response {
    let run = async {
        let caller = Caller::from_session(session)?;
        let (name, cells) = caller.read_ward_cells(&pool, ward).await?;
        let sheet = parse_file(&file)?;
        download(&pool, ward, cells, sheet, &name, clock.today()).await
    };
    run.await.unwrap_or_else(refuse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_vietnamese_with_an_ascii_fallback() {
        let h = content_disposition("Gắn Bó - Chi bộ số 1.xlsx");
        assert!(
            h.starts_with("attachment; filename=\"Gan-Bo---Chi-bo-so-1.xlsx\""),
            "{h}"
        );
        assert!(h.contains("filename*=UTF-8''G%E1%BA%AFn%20B%C3%B3%20-%20Chi%20b%E1%BB%99%20s%E1%BB%91%201.xlsx"), "{h}");
    }

    #[test]
    fn csv_has_a_bom_and_day_first_dates_and_no_formulas() {
        let t = Table {
            title: ExportSheet::Visits.title_vi(),
            headers: vec!["Ngày", "Ghi chép", "Điện thoại"],
            rows: vec![vec![
                Value::Date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()),
                "=HYPERLINK(\"x\")".into(),
                "+84912345678".into(),
            ]],
        };
        let bytes = csv(&t).unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "Ngày,Ghi chép,Điện thoại\n05/03/2026,\"'=HYPERLINK(\"\"x\"\")\",+84912345678\n"
        );
    }

    #[test]
    fn the_workbook_reads_back_with_dates_as_dates() {
        use calamine::{Data, Reader, Xlsx};
        let t = Table {
            title: ExportSheet::Members.title_vi(),
            headers: vec!["Họ và tên", "Năm sinh", "Ngày"],
            rows: vec![vec![
                "Nguyễn Văn Đức".into(),
                Value::Int(1965),
                Value::Date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()),
            ]],
        };
        let bytes = xlsx(&[t]).unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), vec!["Đảng viên"]);
        let r = wb.worksheet_range("Đảng viên").unwrap();
        assert_eq!(
            r.get_value((1, 0)),
            Some(&Data::String("Nguyễn Văn Đức".into()))
        );
        assert!(matches!(r.get_value((1, 2)), Some(Data::DateTime(_))));
    }

    #[test]
    fn only_known_files_are_served() {
        assert_eq!(parse_file("all.xlsx"), Ok(None));
        assert_eq!(parse_file("visits.csv"), Ok(Some(ExportSheet::Visits)));
        assert_eq!(parse_file("passwords.csv"), Err(AppError::NotFound));
        assert_eq!(parse_file("all.xls"), Err(AppError::NotFound));
    }
}
