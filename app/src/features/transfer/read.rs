//! Reading a spreadsheet the way people keep them: XLSX, XLS, ODS or CSV (in UTF-8 with or
//! without BOM, UTF-16, or Windows-1258), a title above the headers, headers over two rows
//! under merged cells, formulas. Hostile files end in a [`FileProblem`], never a panic and
//! never an unbounded allocation: rows, columns and the unpacked size are capped.

use std::io::{Cursor, Read, Seek};

use calamine::{Data, DataRef, Dimensions, Reader, Xlsx};
use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use super::model::*;
use crate::features::org::model::fold;

/// The largest unpacked size of a workbook's parts (XML inside the zip), against zip bombs.
const MAX_UNPACKED_BYTES: u64 = 1_500_000_000;
/// Header rows are looked for among this many first rows.
const HEADER_SCAN_ROWS: usize = 20;

/// A file format this product reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Format::Xlsx, Format::Xls, Format::Ods, Format::Csv]
            .into_iter()
            .find(|f| f.code() == code)
    }
}

/// Tells the format from the file's first bytes and its name. A name that promises a
/// spreadsheet over bytes that are not one is a damaged file.
pub fn detect_format(file_name: &str, head: &[u8]) -> Result<Format, FileProblem> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let zip = head.starts_with(b"PK\x03\x04");
    let ole = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    match ext.as_str() {
        "xlsx" | "xlsm" => zip.then_some(Format::Xlsx).ok_or(FileProblem::Unreadable),
        "ods" => zip.then_some(Format::Ods).ok_or(FileProblem::Unreadable),
        "xls" => {
            if ole {
                Ok(Format::Xls)
            } else if zip {
                Ok(Format::Xlsx)
            } else {
                Err(FileProblem::Unreadable)
            }
        }
        "csv" | "txt" | "tsv" => {
            if zip || ole {
                Err(FileProblem::Unreadable)
            } else {
                Ok(Format::Csv)
            }
        }
        _ => Err(FileProblem::UnknownFormat),
    }
}

/// One cell's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(Box<str>),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// A formula error such as `#REF!`.
    Error(Box<str>),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way the spreadsheet shows it (whole numbers without ".0",
    /// dates as dd/mm/yyyy).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => number_text(*n),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Error(e) => e.to_string(),
        }
    }
}

pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Text as stored: trimmed, in composed Unicode (Windows-1258 and some Mac files write
/// Vietnamese tone marks as separate combining characters).
pub fn clean_text(s: &str) -> Box<str> {
    let t = s.trim();
    if t.is_ascii() {
        t.into()
    } else {
        t.nfc().collect::<String>().into()
    }
}

/// A sheet read into rows, with where each row was in the file.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    /// (row number as the spreadsheet shows it, cells)
    pub rows: Vec<(u32, Vec<Cell>)>,
    /// Merged ranges (first row, first column, last row, last column), 0-based like `rows`' index - 1.
    pub merged: Vec<(u32, u32, u32, u32)>,
    /// The reading stopped at the row limit given (inspection reads only the first rows).
    pub truncated: bool,
}

/// A file, opened: the bytes, and for CSV the text it decodes to.
pub struct Opened {
    pub format: Format,
    pub encoding: String,
    pub sheets: Vec<String>,
    bytes: Vec<u8>,
    text: Option<String>,
}

/// Decodes CSV bytes: a BOM decides; else valid UTF-8 is UTF-8; else zero bytes in every
/// other place mean UTF-16; else Windows-1258, the usual Vietnamese Excel export. `wanted`
/// (the person's choice) overrides all of this.
pub fn decode(bytes: &[u8], wanted: Option<&str>) -> (String, &'static str) {
    let enc = match wanted.and_then(|w| encoding_rs::Encoding::for_label(w.as_bytes())) {
        Some(e) => e,
        None => sniff(bytes),
    };
    let (text, _had_errors) = enc.decode_with_bom_removal(bytes);
    let text = if text.is_ascii() {
        text.into_owned()
    } else {
        text.nfc().collect()
    };
    (text, encoding_code(enc))
}

fn encoding_code(enc: &'static encoding_rs::Encoding) -> &'static str {
    if enc == encoding_rs::UTF_8 {
        "utf-8"
    } else if enc == encoding_rs::UTF_16LE {
        "utf-16le"
    } else if enc == encoding_rs::UTF_16BE {
        "utf-16be"
    } else if enc == encoding_rs::WINDOWS_1258 {
        "windows-1258"
    } else if enc == encoding_rs::WINDOWS_1252 {
        "windows-1252"
    } else {
        "other"
    }
}

fn sniff(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc;
    }
    let head = &bytes[..bytes.len().min(4096)];
    let zeros_even = head.iter().step_by(2).filter(|b| **b == 0).count();
    let zeros_odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let half = head.len() / 2;
    if half > 0 && zeros_odd * 3 > half {
        return encoding_rs::UTF_16LE;
    }
    if half > 0 && zeros_even * 3 > half {
        return encoding_rs::UTF_16BE;
    }
    if std::str::from_utf8(bytes).is_ok() {
        encoding_rs::UTF_8
    } else {
        encoding_rs::WINDOWS_1258
    }
}

/// The CSV separator: the one of `,` `;` tab that splits the first lines most evenly.
fn delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text.lines().take(10).collect();
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| l.bytes().filter(|b| *b == d).count())
            .collect();
        let min = counts.iter().copied().filter(|c| *c > 0).min().unwrap_or(0);
        let score = min * counts.iter().filter(|c| **c > 0).count();
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// Checks the declared unpacked size of a zip-based workbook before anything is unpacked.
fn check_zip(bytes: &[u8]) -> Result<(), FileProblem> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileProblem::Unreadable)?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        // Only the central directory is read here; nothing is unpacked.
        let size = archive
            .by_index_raw(i)
            .map_err(|_| FileProblem::Unreadable)?
            .size();
        total = total.saturating_add(size);
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(FileProblem::TooLarge {
            max_mb: MAX_FILE_MB,
        });
    }
    Ok(())
}

/// Opens a file for reading: checks it and lists its sheets.
pub fn open(
    bytes: Vec<u8>,
    file_name: &str,
    wanted_encoding: Option<&str>,
) -> Result<Opened, FileProblem> {
    if bytes.len() as u64 > u64::from(MAX_FILE_MB) * 1024 * 1024 {
        return Err(FileProblem::TooLarge {
            max_mb: MAX_FILE_MB,
        });
    }
    let format = detect_format(file_name, &bytes[..bytes.len().min(8)])?;
    match format {
        Format::Csv => {
            let (text, enc) = decode(&bytes, wanted_encoding.filter(|w| !w.is_empty()));
            let stem = file_name
                .rsplit_once('.')
                .map_or(file_name, |(s, _)| s)
                .to_string();
            Ok(Opened {
                format,
                encoding: enc.to_string(),
                sheets: vec![stem],
                bytes: Vec::new(),
                text: Some(text),
            })
        }
        Format::Xlsx | Format::Ods => {
            check_zip(&bytes)?;
            let sheets = guard(|| sheet_names(format, &bytes))?;
            Ok(Opened {
                format,
                encoding: String::new(),
                sheets,
                bytes,
                text: None,
            })
        }
        Format::Xls => {
            let sheets = guard(|| sheet_names(format, &bytes))?;
            Ok(Opened {
                format,
                encoding: String::new(),
                sheets,
                bytes,
                text: None,
            })
        }
    }
}

/// Runs a reader over untrusted bytes; a panic inside a parser becomes an unreadable file.
fn guard<T>(f: impl FnOnce() -> Result<T, FileProblem>) -> Result<T, FileProblem> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        tracing::warn!("a spreadsheet parser panicked on an uploaded file");
        Err(FileProblem::Unreadable)
    })
}

fn sheet_names(format: Format, bytes: &[u8]) -> Result<Vec<String>, FileProblem> {
    let names = match format {
        Format::Xlsx => {
            let wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
            visible_sheets(&wb)
        }
        _ => {
            let wb =
                calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
            visible_sheets(&wb)
        }
    };
    if names.is_empty() {
        return Err(FileProblem::EmptySheet);
    }
    Ok(names)
}

fn visible_sheets<RS: Read + Seek, R: Reader<RS>>(wb: &R) -> Vec<String> {
    let visible: Vec<String> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible == calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    if visible.is_empty() {
        wb.sheet_names()
    } else {
        visible
    }
}

fn unreadable<E: std::fmt::Display>(e: E) -> FileProblem {
    tracing::info!(error = %e, "unreadable spreadsheet");
    FileProblem::Unreadable
}

impl Opened {
    /// Reads a sheet's rows (at most `limit` rows when given, for a quick look).
    /// `progress` counts rows read.
    pub fn read_sheet(
        &self,
        sheet: &str,
        limit: Option<usize>,
        progress: &dyn Fn(u64),
    ) -> Result<Sheet, FileProblem> {
        if !self.sheets.iter().any(|s| s == sheet) {
            return Err(FileProblem::NoSuchSheet);
        }
        let max = limit.unwrap_or(MAX_ROWS as usize + HEADER_SCAN_ROWS);
        let sheet = match self.format {
            Format::Csv => read_csv(self.text.as_deref().unwrap_or(""), max, progress)?,
            Format::Xlsx => guard(|| read_xlsx(&self.bytes, sheet, max, progress))?,
            Format::Xls | Format::Ods => guard(|| read_other(&self.bytes, sheet, max))?,
        };
        if limit.is_none() && sheet.truncated {
            return Err(FileProblem::TooManyRows { max: MAX_ROWS });
        }
        Ok(sheet)
    }
}

fn push_row(sheet: &mut Sheet, number: u32, mut cells: Vec<Cell>) {
    while cells.last().is_some_and(Cell::is_empty) {
        cells.pop();
    }
    if !cells.is_empty() {
        sheet.rows.push((number, cells));
    }
}

fn read_csv(text: &str, max: usize, progress: &dyn Fn(u64)) -> Result<Sheet, FileProblem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut sheet = Sheet::default();
    let mut record = csv::StringRecord::new();
    let mut n: u64 = 0;
    let (mut line, mut seen_byte) = (1u32, 0usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                tracing::info!(error = %e, "unreadable CSV");
                return Err(FileProblem::Unreadable);
            }
        }
        n += 1;
        if n as usize > max {
            sheet.truncated = true;
            break;
        }
        // The line as an editor shows it (the reader does not count skipped blank lines).
        let mut byte = record.position().map_or(seen_byte, |p| p.byte() as usize);
        while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        if let Some(skipped) = text.as_bytes().get(seen_byte..byte) {
            line += skipped.iter().filter(|b| **b == b'\n').count() as u32;
            seen_byte = byte;
        }
        let cells = record
            .iter()
            .take(MAX_COLUMNS)
            .map(csv_cell)
            .collect::<Vec<_>>();
        push_row(&mut sheet, line, cells);
        if n.is_multiple_of(1024) {
            progress(n);
        }
    }
    progress(n);
    Ok(sheet)
}

fn csv_cell(s: &str) -> Cell {
    let t = s.trim();
    if t.is_empty() {
        Cell::Empty
    } else if t.starts_with('#') && is_error_code(t) {
        Cell::Error(t.into())
    } else {
        Cell::Text(clean_text(t))
    }
}

fn is_error_code(s: &str) -> bool {
    matches!(
        s,
        "#DIV/0!" | "#N/A" | "#NAME?" | "#NULL!" | "#NUM!" | "#REF!" | "#VALUE!" | "#GETTING_DATA"
    )
}

fn excel_date(dt: &calamine::ExcelDateTime) -> Cell {
    if dt.is_duration() {
        return Cell::Number(dt.as_f64());
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
        .map_or(Cell::Number(dt.as_f64()), Cell::Date)
}

fn iso_date(s: &str) -> Cell {
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
        .map_or_else(|_| Cell::Text(clean_text(s)), Cell::Date)
}

fn cell_of_ref(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => text_cell(s),
        DataRef::SharedString(s) => text_cell(s),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => excel_date(dt),
        DataRef::DateTimeIso(s) => iso_date(s),
        DataRef::DurationIso(s) => Cell::Text(clean_text(s)),
        DataRef::Error(e) => Cell::Error(e.to_string().into()),
    }
}

fn cell_of_data(v: &Data) -> Cell {
    match v {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => text_cell(s),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => excel_date(dt),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => Cell::Text(clean_text(s)),
        Data::Error(e) => Cell::Error(e.to_string().into()),
    }
}

fn text_cell(s: &str) -> Cell {
    if s.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(clean_text(s))
    }
}

fn read_xlsx(
    bytes: &[u8],
    name: &str,
    max: usize,
    progress: &dyn Fn(u64),
) -> Result<Sheet, FileProblem> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let merged = wb
        .merge_cells_by_sheet_name(name)
        .unwrap_or_default()
        .into_iter()
        .map(dims)
        .collect();
    let mut reader = wb.worksheet_cells_reader(name).map_err(unreadable)?;
    let mut sheet = Sheet {
        merged,
        ..Sheet::default()
    };
    let mut current: Option<(u32, Vec<Cell>)> = None;
    let mut n: u64 = 0;
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        let c = c as usize;
        if c >= MAX_COLUMNS {
            continue;
        }
        if current.as_ref().is_none_or(|(row, _)| *row != r) {
            if let Some((row, cells)) = current.take() {
                push_row(&mut sheet, row + 1, cells);
                n += 1;
                if n.is_multiple_of(1024) {
                    progress(n);
                }
            }
            if sheet.rows.len() >= max {
                sheet.truncated = true;
                return Ok(sheet);
            }
            current = Some((r, Vec::new()));
        }
        let value = cell_of_ref(cell.get_value());
        if let Some((_, cells)) = current.as_mut() {
            if cells.len() <= c {
                cells.resize(c + 1, Cell::Empty);
            }
            cells[c] = value;
        }
    }
    if let Some((row, cells)) = current.take() {
        push_row(&mut sheet, row + 1, cells);
    }
    progress(sheet.rows.len() as u64);
    Ok(sheet)
}

fn dims(d: Dimensions) -> (u32, u32, u32, u32) {
    (d.start.0, d.start.1, d.end.0, d.end.1)
}

fn read_other(bytes: &[u8], name: &str, max: usize) -> Result<Sheet, FileProblem> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let merged = match &mut wb {
        calamine::Sheets::Xls(x) => x
            .merge_cells_by_sheet_name(name)
            .unwrap_or_default()
            .into_iter()
            .map(dims)
            .collect(),
        _ => Vec::new(),
    };
    let range = wb.worksheet_range(name).map_err(unreadable)?;
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let mut sheet = Sheet {
        merged,
        ..Sheet::default()
    };
    for (i, row) in range.rows().enumerate() {
        if sheet.rows.len() >= max {
            sheet.truncated = true;
            break;
        }
        let mut cells = vec![Cell::Empty; start_col as usize];
        cells.extend(row.iter().map(cell_of_data));
        cells.truncate(MAX_COLUMNS);
        push_row(&mut sheet, start_row + i as u32 + 1, cells);
    }
    Ok(sheet)
}

// ---------------------------------------------------------------------------------------
// Headers: where they are, what they mean.

/// A header's text reduced for matching: folded, without punctuation, "(*)" or numbering.
pub fn header_key(s: &str) -> String {
    let folded = fold(s);
    let cleaned: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a header means for a kind of sheet, from the words people use.
pub fn guess_field(kind: ImportKind, header: &str) -> Option<Field> {
    let key = header_key(header);
    let k = key.as_str();
    use Field::*;
    let common = match k {
        "nam sinh" | "sinh nam" | "ngay sinh" | "ngay thang nam sinh" | "nam sinh dang vien" => {
            Some(if kind == ImportKind::Members {
                BirthYear
            } else {
                MemberBirthYear
            })
        }
        "gioi tinh" | "gioi" | "nam nu" => Some(Gender),
        "dien thoai"
        | "so dien thoai"
        | "sdt"
        | "so dt"
        | "dt"
        | "di dong"
        | "dien thoai lien he"
        | "so dien thoai lien he" => Some(Phone),
        "dia chi" | "noi o" | "noi o hien nay" | "cho o hien nay" | "dia chi thuong tru"
        | "dia chi cu tru" | "dia chi nha" => Some(Address),
        "to dan pho" | "to" | "to dp" | "khu pho" | "thon" | "xom" | "ap" | "khu dan cu"
        | "khu" | "tdp" => Some(Area),
        "ngo" | "hem" | "kiet" | "duong" | "ngo duong" | "duong pho" | "ngo pho" | "ten ngo" => {
            Some(Alley)
        }
        "ngach" => Some(Lane),
        "so nha" | "so" | "nha so" => Some(HouseNo),
        "ghi chu" | "ghi chu khac" | "ly do" => Some(Notes),
        "dang vien phu trach"
        | "nguoi phu trach"
        | "phu trach"
        | "dv phu trach"
        | "dang vien gan bo"
        | "ho ten dang vien phu trach"
        | "dang vien theo doi" => Some(Member),
        "ngay phan cong"
        | "tu ngay"
        | "ngay bat dau"
        | "phu trach tu"
        | "phu trach tu ngay"
        | "ngay nhan phu trach" => Some(Since),
        _ => None,
    };
    let specific = match kind {
        ImportKind::Members => match k {
            "ho va ten"
            | "ho ten"
            | "ho ten dang vien"
            | "ho va ten dang vien"
            | "ten dang vien"
            | "dang vien"
            | "ten" => Some(FullName),
            "tinh trang" | "trang thai" | "tinh trang sinh hoat" => Some(Status),
            "loai" | "loai dang vien" | "dv 213" | "dv213" | "dang vien 213" | "doi tuong" => {
                Some(MemberKind)
            }
            "noi cong tac" | "co quan" | "don vi cong tac" | "co quan cong tac" => Some(Workplace),
            "so ho toi da"
            | "so ho co the phu trach"
            | "kha nang phu trach"
            | "so ho phu trach" => Some(Capacity),
            _ => None,
        },
        ImportKind::Households | ImportKind::Assignments => match k {
            "chu ho" | "ho ten chu ho" | "ho va ten chu ho" | "ten chu ho" | "ho va ten"
            | "ho ten" | "ho gia dinh" => Some(HeadName),
            "nhan khau" | "so nhan khau" | "so khau" | "so nguoi" | "so thanh vien" => {
                (kind == ImportKind::Households).then_some(Size)
            }
            "dien" | "dien gia dinh" | "doi tuong" | "dien chinh sach" | "phan loai"
            | "hoan canh" | "dien ho" => (kind == ImportKind::Households).then_some(Tags),
            "dang vien" => Some(Member),
            _ => None,
        },
    };
    specific.or(common).filter(|f| kind.fields().contains(f))
}

/// Whether any kind of sheet knows this header.
fn known_header(text: &str) -> bool {
    ImportKind::ALL
        .into_iter()
        .any(|k| guess_field(k, text).is_some())
        || matches!(header_key(text).as_str(), "stt" | "tt" | "so tt")
}

/// The header row(s), the column names they give, and where the data starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Headers {
    /// Index into `Sheet::rows` of the first data row.
    pub data_start: usize,
    /// Row number of the last header row, as the spreadsheet shows it.
    pub row: u32,
    pub names: Vec<String>,
}

/// Finds the header row: the one among the first rows that names most known columns (a
/// title above it is skipped). A second header row under merged cells ("Địa chỉ" over
/// "Ngõ" and "Số nhà") gives the names of the columns under the merge.
pub fn find_headers(sheet: &Sheet) -> Result<Headers, FileProblem> {
    if sheet.rows.is_empty() {
        return Err(FileProblem::EmptySheet);
    }
    let scan = sheet.rows.len().min(HEADER_SCAN_ROWS);
    let score = |cells: &[Cell]| {
        cells
            .iter()
            .filter(|c| matches!(c, Cell::Text(t) if known_header(t)))
            .count()
    };
    let mut best: Option<(usize, usize)> = None;
    for i in 0..scan {
        let s = score(&sheet.rows[i].1);
        if s > 0 && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    let head = match best {
        Some((i, _)) => i,
        None => {
            // No known header: the first row with two or more texts is taken as headers.
            (0..scan)
                .find(|&i| {
                    sheet.rows[i]
                        .1
                        .iter()
                        .filter(|c| matches!(c, Cell::Text(t) if t.trim().parse::<f64>().is_err()))
                        .count()
                        >= 2
                })
                .ok_or(FileProblem::NoHeader)?
        }
    };
    let (row_no, cells) = &sheet.rows[head];
    let mut names: Vec<String> = cells.iter().map(Cell::text).collect();
    // Merged header cells: their text covers every column under the merge.
    for &(r0, c0, r1, c1) in &sheet.merged {
        let (r0, r1) = (r0 + 1, r1 + 1);
        if r0 <= *row_no && *row_no <= r1 {
            let text = sheet
                .rows
                .iter()
                .find(|(n, _)| *n == r0)
                .and_then(|(_, cells)| cells.get(c0 as usize))
                .map(Cell::text)
                .unwrap_or_default();
            for c in c0 as usize..=(c1 as usize).min(MAX_COLUMNS - 1) {
                if names.len() <= c {
                    names.resize(c + 1, String::new());
                }
                if names[c].is_empty() {
                    names[c].clone_from(&text);
                }
            }
        }
    }
    let mut data_start = head + 1;
    let mut last_row = *row_no;
    // A second header row right below: the sub-headers name their columns.
    if let Some((next_no, next)) = sheet.rows.get(head + 1)
        && *next_no == row_no + 1
        && score(next) >= 1
        && next
            .iter()
            .all(|c| matches!(c, Cell::Text(_) | Cell::Empty))
    {
        for (c, cell) in next.iter().enumerate() {
            let t = cell.text();
            if t.is_empty() {
                continue;
            }
            if names.len() <= c {
                names.resize(c + 1, String::new());
            }
            names[c] = t;
        }
        data_start += 1;
        last_row = *next_no;
    }
    // Columns without a header are named by their letter.
    let width = sheet
        .rows
        .iter()
        .skip(data_start)
        .take(200)
        .map(|(_, c)| c.len())
        .max()
        .unwrap_or(0)
        .max(names.len());
    names.resize(width, String::new());
    for (i, n) in names.iter_mut().enumerate() {
        if n.is_empty() {
            *n = format!("Cột {}", column_letter(i));
        }
    }
    Ok(Headers {
        data_start,
        row: last_row,
        names,
    })
}

/// The kind of sheet the headers (and the sheet's name) suggest.
pub fn guess_kind(sheet_name: &str, headers: &[String]) -> ImportKind {
    let name = header_key(sheet_name);
    if name.contains("phan cong") {
        return ImportKind::Assignments;
    }
    if name.contains("dang vien") {
        return ImportKind::Members;
    }
    if name.split(' ').any(|w| w == "ho") && !name.contains("ho ten") {
        return ImportKind::Households;
    }
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    let has = |words: &[&str]| keys.iter().any(|k| words.contains(&k.as_str()));
    let head = has(&["chu ho", "ho ten chu ho", "ho va ten chu ho", "ten chu ho"]);
    let member = headers
        .iter()
        .any(|h| guess_field(ImportKind::Households, h) == Some(Field::Member));
    let household_only = headers.iter().any(|h| {
        matches!(
            guess_field(ImportKind::Households, h),
            Some(Field::Size | Field::Tags | Field::Phone)
        )
    });
    if head && member && !household_only {
        ImportKind::Assignments
    } else if head {
        ImportKind::Households
    } else {
        ImportKind::Members
    }
}

/// The field for each column: guessed from its header, first column first.
pub fn guess_mapping(kind: ImportKind, headers: &[String]) -> Vec<Option<Field>> {
    let mut taken: Vec<Field> = Vec::new();
    headers
        .iter()
        .map(|h| {
            let f = guess_field(kind, h).filter(|f| !taken.contains(f));
            if let Some(f) = f {
                taken.push(f);
            }
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn formats_are_told_by_their_bytes_not_only_their_names() {
        assert_eq!(detect_format("a.xlsx", b"PK\x03\x04xx"), Ok(Format::Xlsx));
        assert_eq!(detect_format("A.CSV", b"Ho,ten"), Ok(Format::Csv));
        assert_eq!(
            detect_format("a.xlsx", b"garbage!"),
            Err(FileProblem::Unreadable)
        );
        assert_eq!(
            detect_format("a.exe", b"MZ"),
            Err(FileProblem::UnknownFormat)
        );
        assert_eq!(
            detect_format("a.xls", &[0xD0, 0xCF, 0x11, 0xE0]),
            Ok(Format::Xls)
        );
    }

    /// Text as a Vietnamese Windows-1258 export writes it: letters the code page has
    /// (ă, ơ, ư…) whole, tone marks as separate combining characters.
    pub fn windows_1258(s: &str) -> Vec<u8> {
        let enc = encoding_rs::WINDOWS_1258;
        let mut out = Vec::new();
        for c in s.chars() {
            let one = c.to_string();
            let (bytes, _, bad) = enc.encode(&one);
            if !bad {
                out.extend_from_slice(&bytes);
                continue;
            }
            // The tone mark (grave, acute, tilde, hook, dot below) apart from the letter.
            let is_tone = |c: &char| {
                matches!(
                    *c,
                    '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}'
                )
            };
            let base: String = one
                .nfd()
                .filter(|c| !is_tone(c))
                .collect::<String>()
                .nfc()
                .collect();
            let tone: String = one.nfd().filter(is_tone).collect();
            out.extend_from_slice(&enc.encode(&base).0);
            out.extend_from_slice(&enc.encode(&tone).0);
        }
        out
    }

    #[test]
    fn encodings_are_recognised() {
        let s = "Họ và tên,Năm sinh\nNguyễn Văn Đức,1965\n";
        let (t, e) = decode(s.as_bytes(), None);
        assert_eq!((t.as_str(), e), (s, "utf-8"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(s.as_bytes());
        let (t, e) = decode(&bom, None);
        assert_eq!((t.as_str(), e), (s, "utf-8"));
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let (t, e) = decode(&utf16, None);
        assert_eq!((t.as_str(), e), (s, "utf-16le"));
        // Without a BOM, the zero bytes give UTF-16 away.
        let (t, e) = decode(&utf16[2..], None);
        assert_eq!((t.as_str(), e), (s, "utf-16le"));
        let cp = windows_1258(s);
        let (t, e) = decode(&cp, None);
        assert_eq!(e, "windows-1258");
        assert_eq!(t, s, "tone marks are composed again");
        // The person's choice wins.
        let (_, e) = decode(s.as_bytes(), Some("windows-1258"));
        assert_eq!(e, "windows-1258");
    }

    #[test]
    fn the_separator_is_found() {
        assert_eq!(delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(delimiter("one column\n"), b',');
    }

    #[test]
    fn vietnamese_headers_are_understood() {
        use Field::*;
        let m = ImportKind::Members;
        let h = ImportKind::Households;
        assert_eq!(guess_field(m, "Họ và tên"), Some(FullName));
        assert_eq!(guess_field(m, " HỌ VÀ TÊN (*) "), Some(FullName));
        assert_eq!(guess_field(m, "Năm sinh"), Some(BirthYear));
        assert_eq!(guess_field(h, "Chủ hộ"), Some(HeadName));
        assert_eq!(guess_field(h, "Họ và tên chủ hộ"), Some(HeadName));
        assert_eq!(guess_field(h, "Địa chỉ"), Some(Address));
        assert_eq!(guess_field(h, "Ngõ"), Some(Alley));
        assert_eq!(guess_field(h, "Số nhà"), Some(HouseNo));
        assert_eq!(guess_field(h, "SĐT"), Some(Phone));
        assert_eq!(guess_field(h, "Số nhân khẩu"), Some(Size));
        assert_eq!(guess_field(h, "Đảng viên phụ trách"), Some(Member));
        assert_eq!(guess_field(m, "Đảng viên phụ trách"), None);
        assert_eq!(guess_field(h, "STT"), None);
        assert_eq!(guess_field(m, "Nhân khẩu"), None);
    }

    #[test]
    fn kinds_are_guessed_from_headers_and_sheet_names() {
        let hs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            guess_kind("Sheet1", &hs(&["STT", "Họ và tên", "Năm sinh"])),
            ImportKind::Members
        );
        assert_eq!(
            guess_kind("Sheet1", &hs(&["Chủ hộ", "Địa chỉ", "Nhân khẩu"])),
            ImportKind::Households
        );
        assert_eq!(
            guess_kind("Sheet1", &hs(&["Chủ hộ", "Địa chỉ", "Đảng viên phụ trách"])),
            ImportKind::Assignments
        );
        assert_eq!(
            guess_kind("Danh sách đảng viên", &hs(&["A"])),
            ImportKind::Members
        );
        assert_eq!(
            guess_kind("Hộ gia đình", &hs(&["A"])),
            ImportKind::Households
        );
    }

    #[test]
    fn a_title_above_the_headers_is_skipped() {
        let sheet = Sheet {
            rows: vec![
                (1, vec![text("DANH SÁCH ĐẢNG VIÊN CHI BỘ SỐ 1")]),
                (3, vec![text("STT"), text("Họ và tên"), text("Năm sinh")]),
                (
                    4,
                    vec![
                        Cell::Number(1.0),
                        text("Nguyễn Văn An"),
                        Cell::Number(1960.0),
                    ],
                ),
            ],
            ..Sheet::default()
        };
        let h = find_headers(&sheet).unwrap();
        assert_eq!(h.data_start, 2);
        assert_eq!(h.row, 3);
        assert_eq!(h.names, vec!["STT", "Họ và tên", "Năm sinh"]);
    }

    #[test]
    fn merged_headers_over_two_rows_name_each_column() {
        // "Địa chỉ" is merged over C1:D1, with "Ngõ" and "Số nhà" below it.
        let sheet = Sheet {
            rows: vec![
                (
                    1,
                    vec![
                        text("STT"),
                        text("Chủ hộ"),
                        text("Địa chỉ"),
                        Cell::Empty,
                        text("Ghi chú"),
                    ],
                ),
                (
                    2,
                    vec![Cell::Empty, Cell::Empty, text("Ngõ"), text("Số nhà")],
                ),
                (
                    3,
                    vec![
                        Cell::Number(1.0),
                        text("Lê Văn Tám"),
                        text("Ngõ 5"),
                        text("12"),
                    ],
                ),
            ],
            merged: vec![(0, 2, 0, 3), (0, 0, 1, 0), (0, 1, 1, 1)],
            truncated: false,
        };
        let h = find_headers(&sheet).unwrap();
        assert_eq!(h.data_start, 2);
        assert_eq!(h.row, 2);
        assert_eq!(h.names, vec!["STT", "Chủ hộ", "Ngõ", "Số nhà", "Ghi chú"]);
        assert_eq!(
            guess_mapping(ImportKind::Households, &h.names),
            vec![
                None,
                Some(Field::HeadName),
                Some(Field::Alley),
                Some(Field::HouseNo),
                Some(Field::Notes)
            ]
        );
    }

    #[test]
    fn a_merged_header_without_sub_headers_covers_its_columns() {
        let sheet = Sheet {
            rows: vec![
                (1, vec![text("Họ và tên"), Cell::Empty, text("Năm sinh")]),
                (
                    2,
                    vec![text("Nguyễn"), text("Văn An"), Cell::Number(1960.0)],
                ),
            ],
            merged: vec![(0, 0, 0, 1)],
            truncated: false,
        };
        let h = find_headers(&sheet).unwrap();
        assert_eq!(h.names, vec!["Họ và tên", "Họ và tên", "Năm sinh"]);
        assert_eq!(
            guess_mapping(ImportKind::Members, &h.names),
            vec![Some(Field::FullName), None, Some(Field::BirthYear)]
        );
    }

    #[test]
    fn empty_sheets_and_sheets_without_headers_are_named() {
        assert_eq!(
            find_headers(&Sheet::default()),
            Err(FileProblem::EmptySheet)
        );
        let numbers = Sheet {
            rows: vec![(1, vec![Cell::Number(1.0)]), (2, vec![Cell::Number(2.0)])],
            ..Sheet::default()
        };
        assert_eq!(find_headers(&numbers), Err(FileProblem::NoHeader));
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_and_skip_blank_lines() {
        let sheet = read_csv("Họ và tên;Năm sinh\n\nAn;1960\n#REF!;x\n", 100, &|_| {}).unwrap();
        assert_eq!(sheet.rows.len(), 3);
        assert_eq!(sheet.rows[1].0, 3);
        assert_eq!(sheet.rows[2].1[0], Cell::Error("#REF!".into()));
    }

    #[test]
    fn numbers_read_as_people_wrote_them() {
        assert_eq!(number_text(1965.0), "1965");
        assert_eq!(number_text(912345678.0), "912345678");
        assert_eq!(number_text(2.5), "2.5");
    }

    #[test]
    fn garbage_is_unreadable_not_a_crash() {
        let r = open(b"PK\x03\x04 this is not a zip".to_vec(), "a.xlsx", None);
        assert_eq!(r.err(), Some(FileProblem::Unreadable));
        let r = open(vec![0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3], "a.xls", None);
        assert_eq!(r.err(), Some(FileProblem::Unreadable));
    }
}
