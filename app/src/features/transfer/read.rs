//! Reading a spreadsheet the way people keep them: XLSX, XLS, ODS or CSV (in UTF-8 with or
//! without BOM, UTF-16, or Windows-1258), a title above the headers, headers over two rows
//! under merged cells, formulas. Hostile files end in a [`FileProblem`], never a panic and
//! never an unbounded allocation: every format is read as a stream or checked before it is
//! opened, within the limits of `model` (rows, cells, text, a cell's length, a CSV line,
//! the unpacked size of a workbook) and a deadline ([`Deadline`]); see `limits`, `ods` and
//! `xls_check`.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::path::PathBuf;

use calamine::{Data, DataRef, Dimensions, Reader, Xlsx};
use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

pub use super::limits::Deadline;
use super::limits::{self, Guarded};
use super::model::*;
use super::{ods, xls_check};
use crate::core::fold::fold;

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

/// A sheet being read: rows are added one by one, and the sheet's limits (cells, text) are
/// checked as each comes, so a file is refused when its content passes them, not after.
pub(super) struct Builder {
    pub sheet: Sheet,
    max_rows: usize,
    cells: u64,
    text: u64,
    /// Rows only counted against the limits, not kept.
    counting: bool,
    rows: u64,
}

impl Builder {
    pub fn new(max_rows: usize) -> Self {
        Builder {
            sheet: Sheet::default(),
            max_rows,
            cells: 0,
            text: 0,
            counting: false,
            rows: 0,
        }
    }

    /// A builder that keeps nothing: the whole sheet is checked against the limits
    /// (more rows than [`MAX_ROWS`] is then refused).
    pub fn counting() -> Self {
        Builder {
            counting: true,
            ..Builder::new(MAX_ROWS as usize + HEADER_SCAN_ROWS)
        }
    }

    /// Adds a row `times` times over (rows numbered from `number`). `false` when the row
    /// limit is reached.
    pub fn push_times(
        &mut self,
        number: u64,
        cells: Vec<Cell>,
        times: u64,
    ) -> Result<bool, FileProblem> {
        let number = |k: u64| u32::try_from(number.saturating_add(k)).unwrap_or(u32::MAX);
        if !self.counting {
            for k in 0..times {
                if !self.push(number(k), cells.clone())? {
                    return Ok(false);
                }
            }
            return Ok(true);
        }
        if cells.iter().all(Cell::is_empty) {
            return Ok(true);
        }
        // Counted at once: a row repeated a million times costs one step.
        let mut cells = cells;
        while cells.last().is_some_and(Cell::is_empty) {
            cells.pop();
        }
        let rows = times.min(self.max_rows as u64 + 1);
        let text: u64 = cells
            .iter()
            .map(|c| match c {
                Cell::Text(t) | Cell::Error(t) => t.len() as u64,
                _ => 0,
            })
            .sum();
        self.cells = self
            .cells
            .saturating_add((cells.len() as u64).saturating_mul(rows));
        self.text = self.text.saturating_add(text.saturating_mul(rows));
        self.check()?;
        self.rows = self.rows.saturating_add(rows);
        if self.rows > self.max_rows as u64 {
            return Err(FileProblem::TooManyRows { max: MAX_ROWS });
        }
        Ok(true)
    }

    fn check(&self) -> Result<(), FileProblem> {
        if self.cells > u64::from(MAX_CELLS) {
            return Err(FileProblem::TooManyCells { max: MAX_CELLS });
        }
        if self.text > u64::from(MAX_TEXT_MB) * 1024 * 1024 {
            return Err(FileProblem::TooMuchText {
                max_mb: MAX_TEXT_MB,
            });
        }
        Ok(())
    }

    /// Adds a row (its trailing empty cells dropped; an empty row is skipped). `false` when
    /// the sheet already holds `max_rows` rows: it is then marked truncated and the reading
    /// should stop.
    pub fn push(&mut self, number: u32, mut cells: Vec<Cell>) -> Result<bool, FileProblem> {
        while cells.last().is_some_and(Cell::is_empty) {
            cells.pop();
        }
        if cells.is_empty() {
            return Ok(true);
        }
        if self.sheet.rows.len() >= self.max_rows {
            self.sheet.truncated = true;
            return Ok(false);
        }
        self.cells += cells.len() as u64;
        self.text += cells
            .iter()
            .map(|c| match c {
                Cell::Text(t) | Cell::Error(t) => t.len() as u64,
                _ => 0,
            })
            .sum::<u64>();
        self.check()?;
        if !self.counting {
            self.sheet.rows.push((number, cells));
        }
        Ok(true)
    }
}

/// A cell's text, refused when longer than a cell may be (checked before it is copied).
pub(super) fn text_value(s: &str) -> Result<Cell, FileProblem> {
    let too_long = FileProblem::CellTooLong {
        max: MAX_CELL_CHARS,
    };
    let max = MAX_CELL_CHARS as usize;
    if s.len() > max * 4 || (s.len() > max && s.chars().count() > max) {
        return Err(too_long);
    }
    Ok(text_cell(s))
}

/// Where the bytes of a file are.
enum Source {
    Bytes(Vec<u8>),
    File(PathBuf),
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

impl Source {
    fn reader(&self) -> Result<Box<dyn ReadSeek + '_>, FileProblem> {
        Ok(match self {
            Source::Bytes(b) => Box::new(Cursor::new(b.as_slice())),
            Source::File(p) => Box::new(BufReader::with_capacity(
                64 * 1024,
                File::open(p).map_err(internal)?,
            )),
        })
    }

    fn len(&self) -> Result<u64, FileProblem> {
        match self {
            Source::Bytes(b) => Ok(b.len() as u64),
            Source::File(p) => Ok(std::fs::metadata(p).map_err(internal)?.len()),
        }
    }

    fn head(&self) -> Result<Vec<u8>, FileProblem> {
        let mut head = Vec::new();
        self.reader()?
            .take(8)
            .read_to_end(&mut head)
            .map_err(internal)?;
        Ok(head)
    }

    /// The whole file in memory (an XLS workbook is read whole anyway; at most
    /// [`MAX_FILE_MB`]).
    fn bytes(&self) -> Result<std::borrow::Cow<'_, [u8]>, FileProblem> {
        match self {
            Source::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Source::File(p) => Ok(std::borrow::Cow::Owned(std::fs::read(p).map_err(internal)?)),
        }
    }
}

fn internal(e: std::io::Error) -> FileProblem {
    tracing::error!(error = %e, "cannot read an uploaded file");
    FileProblem::Internal
}

/// How a CSV file is read: its encoding and separator, decided when it is opened.
struct CsvSetup {
    encoding: &'static encoding_rs::Encoding,
    delimiter: u8,
}

/// A file, opened: where its bytes are, its sheets, and for CSV how it is decoded.
pub struct Opened {
    pub format: Format,
    pub encoding: String,
    pub sheets: Vec<String>,
    source: Source,
    csv: Option<CsvSetup>,
    deadline: Deadline,
}

/// Opens a file held in memory (with the standard deadline).
pub fn open(
    bytes: Vec<u8>,
    file_name: &str,
    wanted_encoding: Option<&str>,
) -> Result<Opened, FileProblem> {
    open_source(
        Source::Bytes(bytes),
        file_name,
        wanted_encoding,
        Deadline::standard(),
    )
}

/// Opens a stored file; its readings must end by `deadline`.
pub fn open_file(
    path: PathBuf,
    file_name: &str,
    wanted_encoding: Option<&str>,
    deadline: Deadline,
) -> Result<Opened, FileProblem> {
    open_source(Source::File(path), file_name, wanted_encoding, deadline)
}

fn open_source(
    source: Source,
    file_name: &str,
    wanted_encoding: Option<&str>,
    deadline: Deadline,
) -> Result<Opened, FileProblem> {
    if source.len()? > u64::from(MAX_FILE_MB) * 1024 * 1024 {
        return Err(FileProblem::TooLarge {
            max_mb: MAX_FILE_MB,
        });
    }
    let format = detect_format(file_name, &source.head()?)?;
    let mut opened = Opened {
        format,
        encoding: String::new(),
        sheets: Vec::new(),
        source,
        csv: None,
        deadline,
    };
    match format {
        Format::Csv => {
            let wanted = wanted_encoding
                .filter(|w| !w.is_empty())
                .and_then(|w| encoding_rs::Encoding::for_label(w.as_bytes()));
            let encoding = match wanted {
                Some(e) => e,
                None => sniff_stream(opened.source.reader()?, deadline)?,
            };
            let delimiter = {
                let mut head = Vec::new();
                let mut decoded = Decoded::new(opened.source.reader()?, encoding, deadline);
                (&mut decoded)
                    .take(64 * 1024)
                    .read_to_end(&mut head)
                    .map_err(|e| decoded.problem(e))?;
                delimiter(&String::from_utf8_lossy(&head))
            };
            opened.encoding = encoding_code(encoding).to_string();
            opened.csv = Some(CsvSetup {
                encoding,
                delimiter,
            });
            let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
            opened.sheets = vec![stem.to_string()];
        }
        Format::Xlsx => {
            let mut src = opened.source.reader()?;
            limits::check_zip_directory(&mut src, deadline)?;
            limits::check_xlsx(src, deadline)?;
            opened.sheets = guard(|| {
                let wb: Xlsx<_> = Xlsx::new(opened.source.reader()?).map_err(unreadable)?;
                Ok(visible_sheets(&wb))
            })?;
        }
        Format::Ods => {
            let mut src = opened.source.reader()?;
            limits::check_zip_directory(&mut src, deadline)?;
            let sheets = guard(|| ods::sheets(src, deadline))?;
            let visible: Vec<String> = sheets
                .iter()
                .filter(|s| s.visible)
                .map(|s| s.name.clone())
                .collect();
            opened.sheets = if visible.is_empty() {
                sheets.into_iter().map(|s| s.name).collect()
            } else {
                visible
            };
        }
        Format::Xls => {
            xls_check::check(&opened.source.bytes()?, deadline)?;
            opened.sheets = guard(|| {
                let wb = calamine::Xls::new(opened.source.reader()?).map_err(unreadable)?;
                Ok(visible_sheets(&wb))
            })?;
        }
    }
    if opened.sheets.is_empty() {
        return Err(FileProblem::EmptySheet);
    }
    Ok(opened)
}

/// Runs a reader over untrusted bytes; a panic inside a parser becomes an unreadable file.
/// (An allocation that fails aborts the process instead: the limits checked before any
/// reader runs are what keep allocations small.)
fn guard<T>(f: impl FnOnce() -> Result<T, FileProblem>) -> Result<T, FileProblem> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        tracing::warn!("a spreadsheet parser panicked on an uploaded file");
        Err(FileProblem::Unreadable)
    })
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
        let deadline = self.deadline;
        let sheet = match (self.format, &self.csv) {
            (Format::Csv, Some(csv)) => {
                let mut decoded = Decoded::new(self.source.reader()?, csv.encoding, deadline);
                read_csv(&mut decoded, csv.delimiter, max, progress)?
            }
            (Format::Xlsx, _) => {
                guard(|| read_xlsx(self.source.reader()?, sheet, max, deadline, progress))?
            }
            (Format::Ods, _) => {
                guard(|| ods::read_sheet(self.source.reader()?, sheet, max, deadline, progress))?
            }
            _ => guard(|| read_xls(self.source.reader()?, sheet, max, deadline))?,
        };
        if limit.is_none() && sheet.truncated {
            return Err(FileProblem::TooManyRows { max: MAX_ROWS });
        }
        Ok(sheet)
    }
}

// ---------------------------------------------------------------------------------------
// CSV: decoded and parsed as a stream, each line within [`MAX_LINE_KB`].

/// Decodes CSV bytes: a BOM decides; else valid UTF-8 is UTF-8; else zero bytes in every
/// other place mean UTF-16; else Windows-1258, the usual Vietnamese Excel export. `wanted`
/// (the person's choice) overrides all of this.
pub fn decode(bytes: &[u8], wanted: Option<&str>) -> (String, &'static str) {
    let enc = match wanted.and_then(|w| encoding_rs::Encoding::for_label(w.as_bytes())) {
        Some(e) => e,
        None => sniff_stream(bytes, Deadline::standard()).unwrap_or(encoding_rs::WINDOWS_1258),
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

/// The encoding of a CSV file, read as a stream (see [`decode`]): the BOM and the zero
/// bytes of the first 4 KB, then whether every byte is valid UTF-8.
fn sniff_stream<R: Read>(
    r: R,
    deadline: Deadline,
) -> Result<&'static encoding_rs::Encoding, FileProblem> {
    let mut r = Guarded::new(r, u64::MAX, FileProblem::Unreadable, deadline);
    let mut head = Vec::new();
    (&mut r)
        .take(4096)
        .read_to_end(&mut head)
        .map_err(|e| limits::problem_or_unreadable(&r, e))?;
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(&head) {
        return Ok(enc);
    }
    let zeros_even = head.iter().step_by(2).filter(|b| **b == 0).count();
    let zeros_odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let half = head.len() / 2;
    if half > 0 && zeros_odd * 3 > half {
        return Ok(encoding_rs::UTF_16LE);
    }
    if half > 0 && zeros_even * 3 > half {
        return Ok(encoding_rs::UTF_16BE);
    }
    let mut pending = head;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match std::str::from_utf8(&pending) {
            Ok(_) => pending.clear(),
            // A character cut at the end of the chunk: kept for the next one.
            Err(e) if e.error_len().is_none() => {
                pending.drain(..e.valid_up_to());
            }
            Err(_) => return Ok(encoding_rs::WINDOWS_1258),
        }
        let n = r
            .read(&mut buf)
            .map_err(|e| limits::problem_or_unreadable(&r, e))?;
        if n == 0 {
            break;
        }
        pending.extend_from_slice(&buf[..n]);
    }
    Ok(if pending.is_empty() {
        encoding_rs::UTF_8
    } else {
        encoding_rs::WINDOWS_1258
    })
}

/// A reader giving UTF-8: the file's bytes decoded as they are read (BOM removed), within
/// the deadline.
struct Decoded<R> {
    inner: Guarded<R>,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Decoded<R> {
    fn new(inner: R, encoding: &'static encoding_rs::Encoding, deadline: Deadline) -> Self {
        Decoded {
            inner: Guarded::new(inner, u64::MAX, FileProblem::Unreadable, deadline),
            decoder: encoding.new_decoder_with_bom_removal(),
            raw: vec![0u8; 32 * 1024],
            out: Vec::new(),
            at: 0,
            done: false,
        }
    }

    fn problem(&self, e: impl std::fmt::Display) -> FileProblem {
        limits::problem_or_unreadable(&self.inner, e)
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.raw)?;
            let last = n == 0;
            let room = self.decoder.max_utf8_buffer_length(n).unwrap_or(4 * n + 16);
            self.out.resize(room, 0);
            let (_, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.raw[..n], &mut self.out, last);
            debug_assert_eq!(read, n);
            self.out.truncate(written);
            self.at = 0;
            self.done = last;
        }
        let k = buf.len().min(self.out.len() - self.at);
        buf[..k].copy_from_slice(&self.out[self.at..self.at + k]);
        self.at += k;
        Ok(k)
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

/// Parses decoded CSV as it streams in (csv-core: fields go into a buffer of one line's
/// size, so a line past [`MAX_LINE_KB`] is refused there). Fields past [`MAX_COLUMNS`] are
/// dropped as they come.
fn read_csv<R: Read>(
    decoded: &mut Decoded<R>,
    delimiter: u8,
    max: usize,
    progress: &dyn Fn(u64),
) -> Result<Sheet, FileProblem> {
    let line_cap = MAX_LINE_KB as usize * 1024;
    let too_long = FileProblem::LineTooLong {
        max_kb: MAX_LINE_KB,
    };
    let mut parser = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut builder = Builder::new(max);
    let mut out = vec![0u8; line_cap];
    let mut ends = vec![0usize; MAX_COLUMNS + 1];
    // The output so far of the record being read: `out[..o]` holds its bytes from `base` on,
    // `ends[..e]` the ends of its fields not yet taken (positions within the whole record).
    let (mut o, mut e, mut base, mut taken_to) = (0usize, 0usize, 0usize, 0usize);
    let mut cells: Vec<Cell> = Vec::new();
    let mut in_record = false;
    let (mut line, mut record_line) = (1u64, 1u64);
    let mut record_bytes = 0usize;
    let mut records = 0u64;
    let mut input = BufReader::with_capacity(64 * 1024, &mut *decoded);
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(err) => return Err(input.get_ref().problem(err)),
        };
        if !in_record && !chunk.is_empty() {
            // Blank lines before a record are skipped, and counted.
            let k = chunk
                .iter()
                .position(|b| *b != b'\n' && *b != b'\r')
                .unwrap_or(chunk.len());
            if k > 0 {
                line += chunk[..k].iter().filter(|b| **b == b'\n').count() as u64;
                input.consume(k);
                continue;
            }
            in_record = true;
            record_line = line;
        }
        let (res, nin, nout, nend) = parser.read_record(chunk, &mut out[o..], &mut ends[e..]);
        line += chunk[..nin].iter().filter(|b| **b == b'\n').count() as u64;
        record_bytes += nin;
        input.consume(nin);
        o += nout;
        e += nend;
        if record_bytes > line_cap {
            return Err(too_long);
        }
        use csv_core::ReadRecordResult as R;
        match res {
            R::InputEmpty => {}
            R::OutputFull => return Err(too_long),
            R::OutputEndsFull | R::Record => {
                for &end in &ends[..e] {
                    if cells.len() < MAX_COLUMNS {
                        let field = &out[taken_to - base..end - base];
                        cells.push(csv_cell(&String::from_utf8_lossy(field))?);
                    }
                    taken_to = end;
                }
                e = 0;
                // Only the field being read stays in the buffer.
                out.copy_within(taken_to - base..o, 0);
                o -= taken_to - base;
                base = taken_to;
                if res == R::Record {
                    let row = u32::try_from(record_line).unwrap_or(u32::MAX);
                    let more = builder.push(row, std::mem::take(&mut cells))?;
                    (o, base, taken_to, record_bytes) = (0, 0, 0, 0);
                    in_record = false;
                    records += 1;
                    if records.is_multiple_of(1024) {
                        progress(records);
                    }
                    if !more {
                        break;
                    }
                }
            }
            R::End => break,
        }
    }
    progress(records);
    Ok(builder.sheet)
}

fn csv_cell(s: &str) -> Result<Cell, FileProblem> {
    let t = s.trim();
    Ok(if t.is_empty() {
        Cell::Empty
    } else if t.starts_with('#') && is_error_code(t) {
        Cell::Error(t.into())
    } else {
        text_value(t)?
    })
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

pub(super) fn iso_date(s: &str) -> Cell {
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
        .map_or_else(|_| text_value(s).unwrap_or(Cell::Empty), Cell::Date)
}

fn cell_of_ref(v: &DataRef<'_>) -> Result<Cell, FileProblem> {
    Ok(match v {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => text_value(s)?,
        DataRef::SharedString(s) => text_value(s)?,
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => excel_date(dt),
        DataRef::DateTimeIso(s) => iso_date(s),
        DataRef::DurationIso(s) => text_value(s)?,
        DataRef::Error(e) => Cell::Error(e.to_string().into()),
    })
}

fn cell_of_data(v: &Data) -> Result<Cell, FileProblem> {
    Ok(match v {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => text_value(s)?,
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => excel_date(dt),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => text_value(s)?,
        Data::Error(e) => Cell::Error(e.to_string().into()),
    })
}

fn text_cell(s: &str) -> Cell {
    if s.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(clean_text(s))
    }
}

/// An XLSX sheet, cell by cell from calamine's streaming reader (the workbook was checked
/// by [`limits::check_xlsx`] before it was opened).
fn read_xlsx<R: Read + Seek>(
    src: R,
    name: &str,
    max: usize,
    deadline: Deadline,
    progress: &dyn Fn(u64),
) -> Result<Sheet, FileProblem> {
    let mut wb: Xlsx<_> = Xlsx::new(src).map_err(unreadable)?;
    let merged = wb
        .merge_cells_by_sheet_name(name)
        .unwrap_or_default()
        .into_iter()
        .map(dims)
        .collect();
    let mut reader = wb.worksheet_cells_reader(name).map_err(unreadable)?;
    let mut builder = Builder::new(max);
    builder.sheet.merged = merged;
    let mut current: Option<(u32, Vec<Cell>)> = None;
    let mut n: u64 = 0;
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        n += 1;
        if n.is_multiple_of(4096) {
            deadline.check()?;
        }
        let (r, c) = cell.get_position();
        let c = c as usize;
        if c >= MAX_COLUMNS {
            continue;
        }
        if current.as_ref().is_none_or(|(row, _)| *row != r) {
            if let Some((row, cells)) = current.take()
                && !builder.push(row.saturating_add(1), cells)?
            {
                return Ok(builder.sheet);
            }
            let rows = builder.sheet.rows.len() as u64;
            if rows > 0 && rows.is_multiple_of(1024) {
                progress(rows);
            }
            current = Some((r, Vec::new()));
        }
        let value = cell_of_ref(cell.get_value())?;
        if let Some((_, cells)) = current.as_mut() {
            if cells.len() <= c {
                cells.resize(c + 1, Cell::Empty);
            }
            cells[c] = value;
        }
    }
    if let Some((row, cells)) = current.take() {
        builder.push(row.saturating_add(1), cells)?;
    }
    progress(builder.sheet.rows.len() as u64);
    Ok(builder.sheet)
}

fn dims(d: Dimensions) -> (u32, u32, u32, u32) {
    (d.start.0, d.start.1, d.end.0, d.end.1)
}

/// An XLS sheet: calamine reads the workbook whole, which [`xls_check`] allowed.
fn read_xls<R: Read + Seek>(
    src: R,
    name: &str,
    max: usize,
    deadline: Deadline,
) -> Result<Sheet, FileProblem> {
    let mut wb = calamine::Xls::new(src).map_err(unreadable)?;
    let merged = wb
        .merge_cells_by_sheet_name(name)
        .unwrap_or_default()
        .into_iter()
        .map(dims)
        .collect();
    let range = wb.worksheet_range(name).map_err(unreadable)?;
    deadline.check()?;
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let mut builder = Builder::new(max);
    builder.sheet.merged = merged;
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![Cell::Empty; (start_col as usize).min(MAX_COLUMNS)];
        for v in row.iter().take(MAX_COLUMNS.saturating_sub(cells.len())) {
            cells.push(cell_of_data(v)?);
        }
        if !builder.push(start_row + i as u32 + 1, cells)? {
            break;
        }
    }
    Ok(builder.sheet)
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
        let text = "Họ và tên;Năm sinh\n\nAn;1960\n#REF!;x\n";
        let mut decoded = Decoded::new(text.as_bytes(), encoding_rs::UTF_8, Deadline::standard());
        let sheet = read_csv(&mut decoded, b';', 100, &|_| {}).unwrap();
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

    /// A zip of the given parts (deflated).
    pub fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// An XLSX workbook with one sheet (its `<sheetData>` content) and shared texts.
    pub fn xlsx(sheet_data: &[u8], shared: Option<&[u8]>) -> Vec<u8> {
        let mut sheet = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.to_vec();
        sheet.extend_from_slice(sheet_data);
        sheet.extend_from_slice(b"</sheetData></worksheet>");
        let mut parts: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
            ("_rels/.rels", br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
            ("xl/worksheets/sheet1.xml", &sheet),
        ];
        if let Some(s) = shared {
            parts.push(("xl/sharedStrings.xml", s));
        }
        zip_of(&parts)
    }

    /// An ODS workbook whose content is `tables` (one or more `<table:table>`).
    pub fn ods(tables: &str) -> Vec<u8> {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"><office:automatic-styles><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style></office:automatic-styles><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        );
        zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", content.as_bytes()),
            ("META-INF/manifest.xml", br#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>"#),
        ])
    }

    fn read_all(bytes: Vec<u8>, name: &str) -> Result<Sheet, FileProblem> {
        let opened = open(bytes, name, None)?;
        let first = opened.sheets[0].clone();
        opened.read_sheet(&first, None, &|_| {})
    }

    const ODS_TABLE: &str = r#"<table:table table:name="Đảng viên"><table:table-column table:number-columns-repeated="3"/><table:table-row><table:table-cell office:value-type="string"><text:p>DANH SÁCH</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="5"/></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>Họ và tên</text:p></table:table-cell><table:table-cell office:value-type="string" table:number-columns-spanned="2"><text:p>Năm sinh</text:p></table:table-cell><table:covered-table-cell/></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>Nguyễn <text:span>Văn</text:span><text:s text:c="2"/>An</text:p><text:p>dòng 2 &amp; hết</text:p><office:annotation><text:p>ghi chú</text:p></office:annotation></table:table-cell><table:table-cell office:value-type="float" office:value="1960"><text:p>1.960</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="2024-03-05T00:00:00"><text:p>05/03/2024</text:p></table:table-cell><table:table-cell office:value-type="boolean" office:boolean-value="true"/><table:table-cell office:value-type="string" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table><table:table table:name="Ẩn" table:style-name="ta2"><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;

    #[test]
    fn ods_is_read_as_calamine_reads_it() {
        let bytes = ods(ODS_TABLE);
        let opened = open(bytes.clone(), "a.ods", None).unwrap();
        assert_eq!(
            opened.sheets,
            vec!["Đảng viên"],
            "the hidden sheet is not offered"
        );
        let sheet = opened.read_sheet("Đảng viên", None, &|_| {}).unwrap();
        let numbers: Vec<u32> = sheet.rows.iter().map(|r| r.0).collect();
        assert_eq!(numbers, vec![1, 4, 5]);
        assert_eq!(sheet.merged, vec![(3, 1, 3, 2)]);
        let data = &sheet.rows[2].1;
        assert_eq!(data[0], text("Nguyễn Văn  An\ndòng 2 & hết"));
        assert_eq!(data[1], Cell::Number(1960.0));
        assert_eq!(
            data[2],
            Cell::Date(NaiveDate::from_ymd_opt(2024, 3, 5).unwrap())
        );
        assert_eq!(data[3], Cell::Bool(true));
        assert_eq!(data[4], Cell::Error("#DIV/0!".into()));
        // The same cells as calamine gives (its grid starts at the first non-empty cell).
        let mut wb: calamine::Ods<_> = calamine::Reader::new(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("Đảng viên").unwrap();
        assert_eq!(range.get_value((4, 1)), Some(&Data::Float(1960.0)));
        assert_eq!(
            range.get_value((4, 0)),
            Some(&Data::String("Nguyễn Văn  An\ndòng 2 & hết".into()))
        );
    }

    #[test]
    fn ods_repeats_are_not_expanded() {
        // 822 bytes that describe 20 million empty cells, then one filled row repeated
        // a million times: the empty ones cost nothing, the filled ones stop at the limits.
        let empty = r#"<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="20000"/></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>Họ và tên</text:p></table:table-cell></table:table-row></table:table>"#;
        let sheet = read_all(ods(empty), "a.ods").unwrap();
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].0, 1_000_001);
        let filled = r#"<table:table table:name="S"><table:table-row table:number-rows-repeated="20000000"><table:table-cell office:value-type="string" table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        assert_eq!(
            read_all(ods(filled), "a.ods").err(),
            Some(FileProblem::TooManyCells { max: MAX_CELLS })
        );
        let rows = r#"<table:table table:name="S"><table:table-row table:number-rows-repeated="20000000"><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        assert_eq!(
            read_all(ods(rows), "a.ods").err(),
            Some(FileProblem::TooManyRows { max: MAX_ROWS })
        );
        // A first look reads only its rows.
        let some = rows.replace("20000000", "1000");
        let opened = open(ods(&some), "a.ods", None).unwrap();
        let look = opened.read_sheet("S", Some(40), &|_| {}).unwrap();
        assert_eq!((look.rows.len(), look.truncated), (40, true));
        let spaces = r#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row></table:table>"#;
        assert_eq!(
            read_all(ods(spaces), "a.ods").err(),
            Some(FileProblem::CellTooLong {
                max: MAX_CELL_CHARS
            })
        );
    }

    #[test]
    fn xlsx_cells_are_read_and_bombs_refused() {
        let shared = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>Họ và tên</t></si><si><t>An</t></si></sst>"#.as_bytes();
        let data = br#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>1960</v></c></row>"#;
        let sheet = read_all(xlsx(data, Some(shared)), "a.xlsx").unwrap();
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[1], (3, vec![text("An"), Cell::Number(1960.0)]));
        // A declared count of texts the reader would reserve room for.
        let declared = br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
        assert_eq!(
            read_all(xlsx(data, Some(declared)), "a.xlsx").err(),
            Some(FileProblem::TooManyStrings {
                max: MAX_SHARED_STRINGS
            })
        );
        // Too many texts, and texts too large.
        let mut many =
            br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#.to_vec();
        for _ in 0..=MAX_SHARED_STRINGS {
            many.extend_from_slice(b"<si><t>a</t></si>");
        }
        many.extend_from_slice(b"</sst>");
        assert_eq!(
            read_all(xlsx(data, Some(&many)), "a.xlsx").err(),
            Some(FileProblem::TooManyStrings {
                max: MAX_SHARED_STRINGS
            })
        );
        let mut big =
            br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#.to_vec();
        let item = format!("<si><t>{}</t></si>", "a".repeat(30_000));
        while big.len() <= MAX_SHARED_STRINGS_MB as usize * 1024 * 1024 {
            big.extend_from_slice(item.as_bytes());
        }
        assert_eq!(
            read_all(xlsx(data, Some(&big)), "a.xlsx").err(),
            Some(FileProblem::PartTooLarge {
                max_mb: MAX_SHARED_STRINGS_MB
            })
        );
        // One long shared text used by many cells: the sheet's text limit.
        let long = format!(
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{}</t></si></sst>"#,
            "á".repeat(30_000)
        );
        let mut uses = Vec::new();
        for r in 1..=1200 {
            uses.extend_from_slice(format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="B{r}" t="s"><v>0</v></c></row>"#).as_bytes());
        }
        assert_eq!(
            read_all(xlsx(&uses, Some(long.as_bytes())), "a.xlsx").err(),
            Some(FileProblem::TooMuchText {
                max_mb: MAX_TEXT_MB
            })
        );
    }

    /// Makes a zip's directory (and local headers) claim `claimed` unpacked bytes for the
    /// part named `name`.
    pub fn lie_about_size(zip: &mut [u8], name: &str, claimed: u32) {
        let n = name.as_bytes();
        for i in 0..zip.len().saturating_sub(46) {
            if &zip[i..i + 4] == b"PK\x01\x02" && zip[i + 46..].starts_with(n) {
                zip[i + 24..i + 28].copy_from_slice(&claimed.to_le_bytes());
            }
            if &zip[i..i + 4] == b"PK\x03\x04" && zip[i + 30..].starts_with(n) {
                zip[i + 22..i + 26].copy_from_slice(&claimed.to_le_bytes());
            }
        }
    }

    #[test]
    fn a_zip_is_measured_by_what_it_unpacks_not_by_what_it_claims() {
        let data = br#"<row r="1"><c r="A1"><v>1</v></c></row>"#;
        // Claims 1,000 bytes for a sheet of 40 MB: stopped, not read on.
        let mut rows = Vec::new();
        while rows.len() < 40 * 1024 * 1024 {
            rows.extend_from_slice(data);
        }
        let mut lying = xlsx(&rows, None);
        lie_about_size(&mut lying, "xl/worksheets/sheet1.xml", 1000);
        assert_eq!(
            read_all(lying, "a.xlsx").err(),
            Some(FileProblem::Unreadable)
        );
        // A part read whole that unpacks past its cap, whatever it claims.
        let mut styles =
            br#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
                .to_vec();
        while styles.len() <= MAX_PART_MB as usize * 1024 * 1024 {
            styles.extend_from_slice(b"<!-- padding padding padding padding padding -->");
        }
        styles.extend_from_slice(b"</styleSheet>");
        let bytes = {
            use std::io::Write;
            let mut w = zip::ZipWriter::new_append(Cursor::new(xlsx(data, None))).unwrap();
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file("xl/styles.xml", opts).unwrap();
            w.write_all(&styles).unwrap();
            w.finish().unwrap().into_inner()
        };
        assert_eq!(
            read_all(bytes, "a.xlsx").err(),
            Some(FileProblem::PartTooLarge {
                max_mb: MAX_PART_MB
            })
        );
    }

    #[test]
    fn xls_is_read_and_its_grid_checked_first() {
        use super::xls_check::tests::{compound_file, label, number, workbook};
        let mut cells = label(0, 0, "Họ và tên");
        cells.extend(label(1, 0, "Nguyễn Văn An"));
        cells.extend(number(1, 1, 1960.0));
        let sheet = read_all(compound_file(&workbook("Sheet1", &cells)), "a.xls").unwrap();
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(
            sheet.rows[1],
            (2, vec![text("Nguyễn Văn An"), Cell::Number(1960.0)])
        );
        let mut far = number(0, 0, 1.0);
        far.extend(number(65_535, 255, 1.0));
        assert_eq!(
            read_all(compound_file(&workbook("Sheet1", &far)), "a.xls").err(),
            Some(FileProblem::TooManyCells { max: MAX_XLS_CELLS })
        );
    }

    #[test]
    fn csv_lines_are_capped_while_reading() {
        let endless = vec![b'a'; 3 * 1024 * 1024];
        let too_long = FileProblem::LineTooLong {
            max_kb: MAX_LINE_KB,
        };
        assert_eq!(read_all(endless, "a.csv").err(), Some(too_long.clone()));
        let mut quoted = b"Ho ten,Nam sinh\n\"".to_vec();
        quoted.resize(3 * 1024 * 1024, b'x');
        assert_eq!(read_all(quoted, "a.csv").err(), Some(too_long));
        // Many columns: those past the limit are dropped, line by line.
        let mut wide = String::new();
        for r in 0..3 {
            wide.push_str(
                &(0..500)
                    .map(|c| format!("v{r}-{c}"))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            wide.push('\n');
        }
        let sheet = read_all(wide.into_bytes(), "a.csv").unwrap();
        assert_eq!(sheet.rows.len(), 3);
        assert_eq!(sheet.rows[2].1.len(), MAX_COLUMNS);
        assert_eq!(sheet.rows[2].1[59], text("v2-59"));
        // Windows-1258, read as a stream.
        let cp = windows_1258("Họ và tên;Năm sinh\r\nNguyễn Văn Đức;1965\r\n");
        let opened = open(cp, "a.csv", None).unwrap();
        assert_eq!(opened.encoding, "windows-1258");
        let sheet = opened.read_sheet(&opened.sheets[0], None, &|_| {}).unwrap();
        assert_eq!(sheet.rows[1].1[0], text("Nguyễn Văn Đức"));
    }

    #[test]
    fn a_reading_past_its_deadline_stops() {
        let past = Deadline::after(std::time::Duration::ZERO);
        std::thread::sleep(std::time::Duration::from_millis(5));
        let r = open_source(Source::Bytes(b"a,b\n1,2\n".to_vec()), "a.csv", None, past);
        assert_eq!(
            r.err(),
            Some(FileProblem::TooSlow {
                max_seconds: MAX_READ_SECONDS
            })
        );
    }

    #[test]
    fn garbage_is_unreadable_not_a_crash() {
        let r = open(b"PK\x03\x04 this is not a zip".to_vec(), "a.xlsx", None);
        assert_eq!(r.err(), Some(FileProblem::Unreadable));
        let r = open(vec![0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3], "a.xls", None);
        assert_eq!(r.err(), Some(FileProblem::Unreadable));
    }
}
