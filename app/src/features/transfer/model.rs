//! Bringing a cell in from its spreadsheets, and taking everything out again: the types the
//! page and the server share, and the small rules about them (compiled for the browser too).

use serde::{Deserialize, Serialize};

/// The largest file accepted, in megabytes.
pub const MAX_FILE_MB: u32 = 50;
/// The most data rows one file may hold.
pub const MAX_ROWS: u32 = 200_000;
/// The most columns read from a sheet; further columns are ignored.
pub const MAX_COLUMNS: usize = 60;
/// The most cells one sheet may hold: each row's cells up to its last non-empty one,
/// counted after the columns past [`MAX_COLUMNS`] are dropped.
pub const MAX_CELLS: u32 = 2_000_000;
/// The most cells of an XLS workbook, all its sheets together (the old format is read whole,
/// every sheet at once, as a full grid of rows × columns).
pub const MAX_XLS_CELLS: u32 = 500_000;
/// The longest text of one cell, in characters (Excel's own limit).
pub const MAX_CELL_CHARS: u32 = 32_767;
/// The most text one sheet may hold, in megabytes (an XLS workbook: all its sheets).
pub const MAX_TEXT_MB: u32 = 64;
/// The most text of an XLS workbook, all sheets and their shared texts, in megabytes.
pub const MAX_XLS_TEXT_MB: u32 = 48;
/// The longest line of a CSV file, in kilobytes.
pub const MAX_LINE_KB: u32 = 1_024;
/// The most a workbook (XLSX, ODS) may unpack to, all its parts together, in megabytes.
pub const MAX_UNPACKED_MB: u32 = 512;
/// The most an XLSX part read whole may unpack to (the shared texts), in megabytes.
pub const MAX_SHARED_STRINGS_MB: u32 = 64;
/// The most an XLSX part other than its sheets and shared texts may unpack to, in megabytes.
pub const MAX_PART_MB: u32 = 16;
/// The most different texts an XLSX workbook may share between its cells.
pub const MAX_SHARED_STRINGS: u32 = 1_000_000;
/// The longest one reading of a file may take, in seconds.
pub const MAX_READ_SECONDS: u32 = 60;
/// How long a look at a file waits for a free reader before the server turns it away.
pub const READER_WAIT_SECONDS: u32 = 20;
/// The most row errors kept for one file (the count goes on past it).
pub const MAX_ERRORS_KEPT: usize = 2_000;
/// The rows shown in the preview.
pub const PREVIEW_ROWS: usize = 20;
/// The rows shown under the headers when mapping columns.
pub const SAMPLE_ROWS: usize = 5;

/// What a sheet holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImportKind {
    Members,
    Households,
    Assignments,
}

impl ImportKind {
    pub const ALL: [ImportKind; 3] = [
        ImportKind::Members,
        ImportKind::Households,
        ImportKind::Assignments,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Members => "members",
            ImportKind::Households => "households",
            ImportKind::Assignments => "assignments",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The columns a sheet of this kind may have, in the order they are offered.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            ImportKind::Members => &[
                FullName, BirthYear, Gender, Phone, Address, Area, Alley, Lane, HouseNo, Status,
                MemberKind, Workplace, Capacity, Notes,
            ],
            ImportKind::Households => &[
                HeadName,
                Address,
                Area,
                Alley,
                Lane,
                HouseNo,
                Size,
                Phone,
                Tags,
                Notes,
                Member,
                MemberBirthYear,
                Since,
            ],
            ImportKind::Assignments => &[
                HeadName,
                Address,
                Area,
                Alley,
                Lane,
                HouseNo,
                Member,
                MemberBirthYear,
                Since,
                Notes,
            ],
        }
    }

    /// The columns without which a row means nothing.
    pub fn required(self) -> &'static [Field] {
        match self {
            ImportKind::Members => &[Field::FullName],
            ImportKind::Households => &[Field::HeadName],
            ImportKind::Assignments => &[Field::HeadName, Field::Member],
        }
    }
}

/// A column of an import, as it will be stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    FullName,
    BirthYear,
    Gender,
    Phone,
    /// A whole address in one cell ("Số 12, Ngách 3, Ngõ 45 Trần Phú"), split into its parts.
    Address,
    Area,
    Alley,
    Lane,
    HouseNo,
    Status,
    MemberKind,
    Workplace,
    Capacity,
    Notes,
    HeadName,
    Size,
    Tags,
    /// The member who looks after the household ("Nguyễn Văn An" or "Nguyễn Văn An (1968)").
    Member,
    MemberBirthYear,
    /// Since when the member looks after the household.
    Since,
}

impl Field {
    pub const ALL: [Field; 20] = [
        Field::FullName,
        Field::BirthYear,
        Field::Gender,
        Field::Phone,
        Field::Address,
        Field::Area,
        Field::Alley,
        Field::Lane,
        Field::HouseNo,
        Field::Status,
        Field::MemberKind,
        Field::Workplace,
        Field::Capacity,
        Field::Notes,
        Field::HeadName,
        Field::Size,
        Field::Tags,
        Field::Member,
        Field::MemberBirthYear,
        Field::Since,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Field::FullName => "full_name",
            Field::BirthYear => "birth_year",
            Field::Gender => "gender",
            Field::Phone => "phone",
            Field::Address => "address",
            Field::Area => "area",
            Field::Alley => "alley",
            Field::Lane => "lane",
            Field::HouseNo => "house_no",
            Field::Status => "status",
            Field::MemberKind => "member_kind",
            Field::Workplace => "workplace",
            Field::Capacity => "capacity",
            Field::Notes => "notes",
            Field::HeadName => "head_name",
            Field::Size => "size",
            Field::Tags => "tags",
            Field::Member => "member",
            Field::MemberBirthYear => "member_birth_year",
            Field::Since => "since",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    /// The Vietnamese header, as the export writes it and as messages name it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Field::FullName => "Họ và tên",
            Field::BirthYear => "Năm sinh",
            Field::Gender => "Giới tính",
            Field::Phone => "Điện thoại",
            Field::Address => "Địa chỉ",
            Field::Area => "Tổ dân phố",
            Field::Alley => "Ngõ",
            Field::Lane => "Ngách",
            Field::HouseNo => "Số nhà",
            Field::Status => "Tình trạng",
            Field::MemberKind => "Loại đảng viên",
            Field::Workplace => "Nơi công tác",
            Field::Capacity => "Số hộ có thể phụ trách",
            Field::Notes => "Ghi chú",
            Field::HeadName => "Chủ hộ",
            Field::Size => "Nhân khẩu",
            Field::Tags => "Diện",
            Field::Member => "Đảng viên phụ trách",
            Field::MemberBirthYear => "Năm sinh đảng viên",
            Field::Since => "Phụ trách từ ngày",
        }
    }
}

/// Where an import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobState {
    /// The file is stored; columns not yet confirmed.
    Uploaded,
    /// Every row is being read and checked.
    Checking,
    /// The check found problems; nothing was written.
    Invalid,
    /// The check passed; waiting for the person to confirm.
    Ready,
    /// Being written, in one transaction.
    Committing,
    Done,
    /// The file could not be read, or the server stopped while working on it.
    Failed,
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 8] = [
        JobState::Uploaded,
        JobState::Checking,
        JobState::Invalid,
        JobState::Ready,
        JobState::Committing,
        JobState::Done,
        JobState::Failed,
        JobState::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            JobState::Uploaded => "uploaded",
            JobState::Checking => "checking",
            JobState::Invalid => "invalid",
            JobState::Ready => "ready",
            JobState::Committing => "committing",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Work is going on in the background: the page keeps asking for progress.
    pub fn running(self) -> bool {
        matches!(self, JobState::Checking | JobState::Committing)
    }

    /// Nothing more will happen to this job.
    pub fn finished(self) -> bool {
        matches!(
            self,
            JobState::Done | JobState::Failed | JobState::Cancelled
        )
    }
}

/// Why a whole file could not be used (as opposed to a problem in one of its rows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileProblem {
    TooLarge {
        max_mb: u32,
    },
    TooManyRows {
        max: u32,
    },
    /// A workbook whose parts, unpacked, are larger than this (a zip bomb).
    UnpackedTooLarge {
        max_mb: u32,
    },
    /// One part of a workbook, unpacked, is larger than this.
    PartTooLarge {
        max_mb: u32,
    },
    TooManyCells {
        max: u32,
    },
    /// More text than this in the sheet (or the XLS workbook).
    TooMuchText {
        max_mb: u32,
    },
    CellTooLong {
        max: u32,
    },
    /// A CSV line longer than this: no line breaks, or a field without its closing quote.
    LineTooLong {
        max_kb: u32,
    },
    /// More shared texts than this in an XLSX workbook.
    TooManyStrings {
        max: u32,
    },
    /// Reading took longer than this and was stopped.
    TooSlow {
        max_seconds: u32,
    },
    /// Every reader of the server is busy; the file was not looked at.
    Busy,
    /// The files waiting to be imported already take this much room on the server.
    UploadsFull {
        max_mb: u32,
    },
    /// Not a spreadsheet this product reads (or a damaged one).
    Unreadable,
    UnknownFormat,
    EmptySheet,
    NoSuchSheet,
    NoHeader,
    /// A column the kind needs is not mapped.
    MissingColumn {
        field: Field,
    },
    /// Two columns are mapped to the same field.
    MappedTwice {
        field: Field,
    },
    /// The server stopped while the file was being worked on.
    Interrupted,
    Internal,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileProblem::TooLarge { max_mb } => {
                write!(f, "Tệp lớn quá {max_mb} MB.")
            }
            FileProblem::TooManyRows { max } => {
                write!(f, "Tệp có nhiều hơn {max} dòng dữ liệu.")
            }
            FileProblem::UnpackedTooLarge { max_mb } => {
                write!(f, "Tệp quá {max_mb} MB khi giải nén.")
            }
            FileProblem::PartTooLarge { max_mb } => {
                write!(f, "Một phần của tệp quá {max_mb} MB khi giải nén.")
            }
            FileProblem::TooManyCells { max } => {
                write!(f, "Tệp có quá nhiều ô: tối đa {} ô.", group(*max))
            }
            FileProblem::TooMuchText { max_mb } => {
                write!(f, "Tệp có quá nhiều chữ: tối đa {max_mb} MB chữ.")
            }
            FileProblem::CellTooLong { max } => {
                write!(f, "Có ô dài quá {} ký tự.", group(*max))
            }
            FileProblem::LineTooLong { max_kb } => write!(
                f,
                "Có dòng dài quá {} KB: tệp CSV không xuống dòng, hoặc có ô mở ngoặc kép mà không đóng.",
                group(*max_kb)
            ),
            FileProblem::TooManyStrings { max } => {
                write!(
                    f,
                    "Tệp có quá nhiều chuỗi chữ khác nhau: tối đa {}.",
                    group(*max)
                )
            }
            FileProblem::TooSlow { max_seconds } => write!(
                f,
                "Đọc tệp quá {max_seconds} giây nên đã dừng; chưa có gì được ghi. Hãy chia tệp thành nhiều tệp nhỏ hơn."
            ),
            FileProblem::Busy => write!(
                f,
                "Máy chủ đang đọc nhiều tệp khác. Vui lòng thử lại sau ít phút."
            ),
            FileProblem::UploadsFull { max_mb } => write!(
                f,
                "Máy chủ đang giữ nhiều tệp chờ nhập (tối đa {max_mb} MB). Hãy hoàn tất hoặc hủy các lần nhập đang dở, hoặc thử lại sau."
            ),
            FileProblem::Unreadable => write!(
                f,
                "Không đọc được tệp: tệp hỏng hoặc không phải bảng tính Excel (XLSX, XLS, ODS) hay CSV."
            ),
            FileProblem::UnknownFormat => write!(
                f,
                "Chỉ nhận tệp Excel (.xlsx, .xls), OpenDocument (.ods) hoặc CSV (.csv)."
            ),
            FileProblem::EmptySheet => write!(f, "Trang tính này không có dữ liệu."),
            FileProblem::NoSuchSheet => write!(f, "Không có trang tính này trong tệp."),
            FileProblem::NoHeader => write!(
                f,
                "Không tìm thấy dòng tiêu đề (ví dụ: \"Họ và tên\", \"Chủ hộ\", \"Địa chỉ\")."
            ),
            FileProblem::MissingColumn { field } => {
                write!(f, "Chưa chọn cột cho \"{}\".", field.label_vi())
            }
            FileProblem::MappedTwice { field } => {
                write!(f, "Hai cột cùng được gán cho \"{}\".", field.label_vi())
            }
            FileProblem::Interrupted => write!(
                f,
                "Máy chủ dừng khi đang xử lý tệp; chưa có gì được ghi. Vui lòng tải tệp lên lại."
            ),
            FileProblem::Internal => {
                write!(f, "Máy chủ gặp lỗi khi xử lý tệp; chưa có gì được ghi.")
            }
        }
    }
}

/// A number with Vietnamese thousands separators (2.000.000).
fn group(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// What is wrong with one cell of one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowProblem {
    Required,
    TooLong {
        max: u32,
    },
    NotANumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    BadDate,
    BadPhone,
    /// A value that is not one of the known choices (status, gender, tag…).
    UnknownValue {
        value: String,
    },
    /// The cell holds a formula error such as `#REF!`.
    FormulaError {
        code: String,
    },
    /// The cell holds a formula without a computed value.
    FormulaWithoutValue,
    /// The same household (or member) is already on an earlier row of the file.
    DuplicateOf {
        row: u32,
    },
    MemberNotFound {
        name: String,
    },
    /// Several members of the cell share the name: the birth year tells them apart.
    MemberAmbiguous {
        name: String,
    },
    /// The member may not be given households (exempt, elderly or ill, transferred).
    MemberNotAssignable {
        name: String,
    },
    HouseholdNotFound,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowProblem::Required => write!(f, "cần nhập"),
            RowProblem::TooLong { max } => write!(f, "dài quá {max} ký tự"),
            RowProblem::NotANumber => write!(f, "không phải là số"),
            RowProblem::OutOfRange { min, max } => write!(f, "phải từ {min} đến {max}"),
            RowProblem::BadDate => write!(f, "ngày không hợp lệ (ghi theo dạng ngày/tháng/năm)"),
            RowProblem::BadPhone => write!(f, "số điện thoại không hợp lệ"),
            RowProblem::UnknownValue { value } => write!(f, "không hiểu giá trị \"{value}\""),
            RowProblem::FormulaError { code } => write!(f, "ô có lỗi công thức {code}"),
            RowProblem::FormulaWithoutValue => {
                write!(
                    f,
                    "ô chứa công thức chưa có giá trị (hãy lưu lại tệp bằng Excel)"
                )
            }
            RowProblem::DuplicateOf { row } => write!(f, "trùng với dòng {row}"),
            RowProblem::MemberNotFound { name } => {
                write!(f, "không có đảng viên \"{name}\" trong chi bộ")
            }
            RowProblem::MemberAmbiguous { name } => write!(
                f,
                "chi bộ có nhiều đảng viên tên \"{name}\": ghi thêm năm sinh, ví dụ \"{name} (1968)\""
            ),
            RowProblem::MemberNotAssignable { name } => write!(
                f,
                "đảng viên \"{name}\" đang miễn sinh hoạt, già yếu hoặc đã chuyển đi, không phân công được"
            ),
            RowProblem::HouseholdNotFound => {
                write!(f, "không có hộ này trong chi bộ (nhập danh sách hộ trước)")
            }
        }
    }
}

/// One problem, where it is: the row number as the spreadsheet shows it, and the column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: u32,
    /// The column's header in the file ("Năm sinh"), or its letter when it has none.
    pub column: String,
    pub problem: RowProblem,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Dòng {}, cột \"{}\": {}.",
            self.row, self.column, self.problem
        )
    }
}

/// What the import does with a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowAction {
    New,
    Update,
    Unchanged,
}

/// How many rows became what.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub rows: u64,
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Assignments opened (a household given to a member).
    pub assigned: u64,
    /// Assignments ended because the file gives the household to someone else.
    pub reassigned: u64,
}

/// A row as it will be stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub row: u32,
    pub action: RowAction,
    pub cells: Vec<String>,
}

/// The first rows as they will be stored, under the stored fields' names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub fields: Vec<Field>,
    pub rows: Vec<PreviewRow>,
}

/// The encodings a CSV file may be read in.
pub const ENCODINGS: &[(&str, &str)] = &[
    ("utf-8", "UTF-8"),
    ("utf-16le", "UTF-16 LE"),
    ("utf-16be", "UTF-16 BE"),
    ("windows-1258", "Windows-1258 (Tiếng Việt)"),
    ("windows-1252", "Windows-1252"),
];

/// What the page needs to let the person pick the sheet and map the columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    pub job: i64,
    pub file_name: String,
    /// "xlsx", "xls", "ods" or "csv".
    pub format: String,
    /// For CSV: the encoding read ("utf-8", "windows-1258"…); empty for spreadsheets.
    pub encoding: String,
    pub sheets: Vec<String>,
    pub sheet: String,
    pub kind: ImportKind,
    /// The row number (as the spreadsheet shows it) of the last header row.
    pub header_row: u32,
    pub headers: Vec<String>,
    /// The field each column goes to, `None` for a column that is not imported.
    pub mapping: Vec<Option<Field>>,
    /// Whether the mapping came from an earlier import of this cell.
    pub remembered: bool,
    pub sample: Vec<Vec<String>>,
}

/// An import as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub id: i64,
    pub cell_id: i64,
    pub file_name: String,
    pub kind: Option<ImportKind>,
    pub state: JobState,
    /// Rows worked through so far, and of how many (0 while unknown).
    pub done: u64,
    pub total: u64,
    pub counts: Counts,
    pub errors_total: u64,
    pub errors: Vec<RowError>,
    pub preview: Preview,
    pub failure: Option<FileProblem>,
    /// For the server's pages only: the browser's wizard never shows it, so it does not
    /// travel (and the browser bundle carries no date parsing for it).
    #[serde(skip)]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl JobView {
    /// Progress in whole percent, for the bar.
    pub fn percent(&self) -> u64 {
        if self.state == JobState::Done || self.state == JobState::Ready {
            return 100;
        }
        (self.done.min(self.total) * 100)
            .checked_div(self.total)
            .unwrap_or(0)
    }
}

/// What can be exported, one sheet each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportSheet {
    Members,
    Households,
    Assignments,
    Visits,
    Concerns,
    ConcernSteps,
}

impl ExportSheet {
    pub const ALL: [ExportSheet; 6] = [
        ExportSheet::Members,
        ExportSheet::Households,
        ExportSheet::Assignments,
        ExportSheet::Visits,
        ExportSheet::Concerns,
        ExportSheet::ConcernSteps,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ExportSheet::Members => "members",
            ExportSheet::Households => "households",
            ExportSheet::Assignments => "assignments",
            ExportSheet::Visits => "visits",
            ExportSheet::Concerns => "concerns",
            ExportSheet::ConcernSteps => "concern_steps",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The sheet's name in the workbook.
    pub fn title_vi(self) -> &'static str {
        match self {
            ExportSheet::Members => "Đảng viên",
            ExportSheet::Households => "Hộ gia đình",
            ExportSheet::Assignments => "Phân công",
            ExportSheet::Visits => "Lần thăm",
            ExportSheet::Concerns => "Kiến nghị",
            ExportSheet::ConcernSteps => "Các bước xử lý kiến nghị",
        }
    }
}

/// The link that downloads a cell's data (`sheet` only for CSV, one sheet per file).
pub fn cell_export_href(cell: i64, csv_sheet: Option<ExportSheet>) -> String {
    match csv_sheet {
        None => format!("/export/cells/{cell}/all.xlsx"),
        Some(s) => format!("/export/cells/{cell}/{}.csv", s.code()),
    }
}

/// The link that downloads a whole ward's data.
pub fn ward_export_href(ward: i64, csv_sheet: Option<ExportSheet>) -> String {
    match csv_sheet {
        None => format!("/export/wards/{ward}/all.xlsx"),
        Some(s) => format!("/export/wards/{ward}/{}.csv", s.code()),
    }
}

/// A column's letter as spreadsheets show it: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Checks a mapping against a kind: every required field mapped, none mapped twice, and
/// only fields of this kind. Returns the first problem.
pub fn check_mapping(kind: ImportKind, mapping: &[Option<Field>]) -> Result<(), FileProblem> {
    let mut seen: Vec<Field> = Vec::new();
    for f in mapping.iter().flatten() {
        if seen.contains(f) {
            return Err(FileProblem::MappedTwice { field: *f });
        }
        seen.push(*f);
    }
    for f in kind.required() {
        if !seen.contains(f) {
            return Err(FileProblem::MissingColumn { field: *f });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in ImportKind::ALL {
            assert_eq!(ImportKind::parse(k.code()), Some(k));
        }
        for f in Field::ALL {
            assert_eq!(Field::parse(f.code()), Some(f));
        }
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.code()), Some(s));
        }
        for s in ExportSheet::ALL {
            assert_eq!(ExportSheet::parse(s.code()), Some(s));
        }
        assert_eq!(Field::parse("nope"), None);
    }

    #[test]
    fn every_kind_offers_its_required_fields() {
        for k in ImportKind::ALL {
            for f in k.required() {
                assert!(k.fields().contains(f), "{k:?} {f:?}");
            }
        }
    }

    #[test]
    fn column_letters_run_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn a_mapping_needs_its_required_columns_once() {
        use Field::*;
        assert_eq!(
            check_mapping(ImportKind::Households, &[None, Some(Address)]),
            Err(FileProblem::MissingColumn { field: HeadName })
        );
        assert_eq!(
            check_mapping(
                ImportKind::Households,
                &[Some(HeadName), Some(Phone), Some(Phone)]
            ),
            Err(FileProblem::MappedTwice { field: Phone })
        );
        assert_eq!(
            check_mapping(ImportKind::Assignments, &[Some(HeadName)]),
            Err(FileProblem::MissingColumn { field: Member })
        );
        assert!(check_mapping(ImportKind::Members, &[None, Some(FullName)]).is_ok());
    }

    #[test]
    fn errors_read_in_vietnamese_with_row_and_column() {
        let e = RowError {
            row: 7,
            column: "Năm sinh".into(),
            problem: RowProblem::OutOfRange {
                min: 1900,
                max: 2026,
            },
        };
        assert_eq!(
            e.to_string(),
            "Dòng 7, cột \"Năm sinh\": phải từ 1900 đến 2026."
        );
        let e = RowError {
            row: 12,
            column: "Chủ hộ".into(),
            problem: RowProblem::DuplicateOf { row: 4 },
        };
        assert_eq!(e.to_string(), "Dòng 12, cột \"Chủ hộ\": trùng với dòng 4.");
    }

    #[test]
    fn progress_is_a_whole_percent() {
        let mut j = JobView {
            id: 1,
            cell_id: 1,
            file_name: "a.xlsx".into(),
            kind: None,
            state: JobState::Checking,
            done: 50,
            total: 200,
            counts: Counts::default(),
            errors_total: 0,
            errors: vec![],
            preview: Preview::default(),
            failure: None,
            created_at: chrono::DateTime::<chrono::Utc>::default(),
        };
        assert_eq!(j.percent(), 25);
        j.total = 0;
        assert_eq!(j.percent(), 0);
        j.state = JobState::Done;
        assert_eq!(j.percent(), 100);
    }

    #[test]
    fn export_links_name_the_cell_and_sheet() {
        assert_eq!(cell_export_href(4, None), "/export/cells/4/all.xlsx");
        assert_eq!(
            cell_export_href(4, Some(ExportSheet::Concerns)),
            "/export/cells/4/concerns.csv"
        );
        assert_eq!(ward_export_href(2, None), "/export/wards/2/all.xlsx");
    }
}
