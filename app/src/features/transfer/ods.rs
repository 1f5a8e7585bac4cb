//! Reading an OpenDocument spreadsheet (ODS) as a stream of XML, straight into the
//! product's own rows. ODS compresses runs of equal rows and cells into one element with a
//! repeat count (`table:number-rows-repeated`, `table:number-columns-repeated`): an 800-byte
//! file may describe millions of cells. Here an empty repeated row or cell only moves the
//! position on; a non-empty one is copied only up to the row and column limits, and the
//! sheet's limits refuse the file as soon as its real content passes them.

use std::io::{BufReader, Read, Seek};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use super::limits::{Deadline, Guarded, XmlScan, problem_or_unreadable};
use super::model::*;
use super::read::{Builder, Cell, iso_date};

/// Merged ranges kept per sheet (they only name header columns).
const MAX_MERGED_KEPT: usize = 10_000;

type Xml<R> = quick_xml::Reader<BufReader<Guarded<R>>>;

/// A sheet of the workbook: its name and whether it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetInfo {
    pub name: String,
    pub visible: bool,
}

/// The workbook's sheets, in order.
pub fn sheets<R: Read + Seek>(src: R, deadline: Deadline) -> Result<Vec<SheetInfo>, FileProblem> {
    walk(src, None, deadline).map(|(sheets, _)| sheets)
}

/// One sheet's rows (at most `max_rows` non-empty rows, then `truncated`).
pub fn read_sheet<R: Read + Seek>(
    src: R,
    name: &str,
    max_rows: usize,
    deadline: Deadline,
    progress: &dyn Fn(u64),
) -> Result<super::read::Sheet, FileProblem> {
    let mut builder = Builder::new(max_rows);
    let (_, found) = walk(src, Some((name, &mut builder, progress)), deadline)?;
    if !found {
        return Err(FileProblem::NoSuchSheet);
    }
    progress(builder.sheet.rows.len() as u64);
    Ok(builder.sheet)
}

type Wanted<'a> = Option<(&'a str, &'a mut Builder, &'a dyn Fn(u64))>;

/// Goes through `content.xml`: lists the sheets, and reads the wanted one into `builder`
/// (stopping right after it). Returns the sheets seen and whether the wanted one was found.
fn walk<R: Read + Seek>(
    src: R,
    mut wanted: Wanted<'_>,
    deadline: Deadline,
) -> Result<(Vec<SheetInfo>, bool), FileProblem> {
    let mut archive = zip::ZipArchive::new(src).map_err(unreadable)?;
    let entry = archive.by_name("content.xml").map_err(unreadable)?;
    let guarded = Guarded::new(
        entry,
        u64::from(MAX_UNPACKED_MB) * 1024 * 1024,
        FileProblem::UnpackedTooLarge {
            max_mb: MAX_UNPACKED_MB,
        },
        deadline,
    )
    .xml(XmlScan::default());
    let mut xml = quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, guarded));
    {
        let config = xml.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = false;
        config.trim_text(false);
    }
    let mut buf = Vec::new();
    let mut sheets = Vec::new();
    let mut hidden_styles: Vec<String> = Vec::new();
    let mut style: Option<String> = None;
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| failed(&xml, e))?;
        match event {
            Event::Start(e) => match e.name().as_ref() {
                "style:style" => {
                    style = (attr(&e, "style:family").as_deref() == Some("table"))
                        .then(|| attr(&e, "style:name"))
                        .flatten();
                }
                "style:table-properties" => {
                    if let Some(s) = &style
                        && attr(&e, "table:display").as_deref() == Some("false")
                    {
                        hidden_styles.push(s.clone());
                    }
                }
                "table:table" => {
                    let name = attr(&e, "table:name").unwrap_or_default();
                    let visible =
                        attr(&e, "table:style-name").is_none_or(|s| !hidden_styles.contains(&s));
                    if let Some((want, builder, progress)) = wanted.as_mut()
                        && *want == name
                    {
                        read_table(&mut xml, builder, *progress)?;
                        sheets.push(SheetInfo { name, visible });
                        return Ok((sheets, true));
                    }
                    sheets.push(SheetInfo { name, visible });
                    if wanted.is_none() {
                        // Listing the sheets checks each one's content against the limits,
                        // so an oversized workbook is refused when it is uploaded.
                        read_table(&mut xml, &mut Builder::counting(), &|_| {})?;
                    } else {
                        let mut skip = Vec::new();
                        xml.read_to_end_into(QName("table:table"), &mut skip)
                            .map_err(|e| failed(&xml, e))?;
                    }
                }
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "style:style" => style = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((sheets, false))
}

fn unreadable<E: std::fmt::Display>(e: E) -> FileProblem {
    tracing::info!(error = %e, "unreadable ODS");
    FileProblem::Unreadable
}

fn failed<R: Read>(xml: &Xml<R>, e: impl std::fmt::Display) -> FileProblem {
    problem_or_unreadable(xml.get_ref().get_ref(), e)
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.normalized_value(XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// A repeat count: at least 1, whatever the file says.
fn repeat(e: &BytesStart<'_>, name: &str) -> u64 {
    attr(e, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn read_table<R: Read>(
    xml: &mut Xml<R>,
    builder: &mut Builder,
    progress: &dyn Fn(u64),
) -> Result<(), FileProblem> {
    let mut buf = Vec::new();
    let mut row: u64 = 0;
    let mut reported = 0usize;
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| failed(xml, e))?;
        match event {
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                let times = repeat(&e, "table:number-rows-repeated");
                let cells = read_row(xml, row, &mut builder.sheet.merged)?;
                // A repeated row with content: copied only while the sheet has room.
                if cells.iter().any(|c| !c.is_empty())
                    && !builder.push_times(row.saturating_add(1), cells, times)?
                {
                    return Ok(());
                }
                row = row.saturating_add(times);
                if builder.sheet.rows.len() >= reported + 1024 {
                    reported = builder.sheet.rows.len();
                    progress(reported as u64);
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table" => return Ok(()),
            Event::Eof => return Err(FileProblem::Unreadable),
            _ => {}
        }
    }
}

/// One row's cells, up to [`MAX_COLUMNS`]; empty repeated cells only move the column on.
fn read_row<R: Read>(
    xml: &mut Xml<R>,
    row: u64,
    merged: &mut Vec<(u32, u32, u32, u32)>,
) -> Result<Vec<Cell>, FileProblem> {
    let mut buf = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut col: u64 = 0;
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| failed(xml, e))?;
        match event {
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let times = repeat(&e, "table:number-columns-repeated");
                let spans = (
                    repeat(&e, "table:number-rows-spanned"),
                    repeat(&e, "table:number-columns-spanned"),
                );
                let value = Value::of(&e);
                let name = e.name().as_ref().to_string();
                let cell = read_cell(xml, &name, value)?;
                let max = MAX_COLUMNS as u64;
                if (spans.0 > 1 || spans.1 > 1)
                    && col < max
                    && merged.len() < MAX_MERGED_KEPT
                    && let Ok(r0) = u32::try_from(row)
                {
                    let r1 = u32::try_from(row.saturating_add(spans.0 - 1)).unwrap_or(u32::MAX);
                    let c1 = col.saturating_add(spans.1 - 1).min(max - 1);
                    merged.push((r0, col as u32, r1, c1 as u32));
                }
                if !cell.is_empty() && col < max {
                    cells.resize(col as usize, Cell::Empty);
                    let end = col.saturating_add(times).min(max);
                    for _ in col..end {
                        cells.push(cell.clone());
                    }
                }
                col = col.saturating_add(times);
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => return Ok(cells),
            Event::Eof => return Err(FileProblem::Unreadable),
            _ => {}
        }
    }
}

/// What a cell's attributes say about its value.
enum Value {
    Number(f64),
    Date(String),
    Duration(String),
    Bool(bool),
    Text(String),
    /// The value is the cell's text (a string without `office:string-value`, an error, or a
    /// cell without a type).
    FromText {
        error: bool,
    },
    Empty,
}

impl Value {
    /// As the ODS reader of calamine takes it: the first value attribute wins.
    fn of(e: &BytesStart<'_>) -> Value {
        let mut value: Option<Value> = None;
        let (mut string, mut error, mut typed) = (false, false, false);
        for a in e.attributes().with_checks(false).flatten() {
            let text = || {
                a.normalized_value(XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .unwrap_or_default()
            };
            match a.key.as_ref() {
                "office:value" if value.is_none() => {
                    value = Some(
                        text()
                            .trim()
                            .parse::<f64>()
                            .map_or(Value::Empty, Value::Number),
                    );
                }
                "office:date-value" if value.is_none() => value = Some(Value::Date(text())),
                "office:time-value" if value.is_none() => value = Some(Value::Duration(text())),
                "office:string-value" if value.is_none() => value = Some(Value::Text(text())),
                "office:boolean-value" if value.is_none() => {
                    let t = text();
                    value = Some(Value::Bool(t == "true" || t == "TRUE"));
                }
                "office:value-type" => {
                    typed = true;
                    string = a.value.as_ref() == "string";
                }
                "calcext:value-type" => error = a.value.as_ref() == "error",
                _ => {}
            }
        }
        match value {
            Some(Value::Text(t)) if error && t.is_empty() => Value::FromText { error },
            Some(v) => v,
            None if string || error || !typed => Value::FromText { error },
            None => Value::Empty,
        }
    }
}

/// Reads the rest of a cell (up to its end) and gives its value. Its text is gathered only
/// when the value is the text, and never past [`MAX_CELL_CHARS`].
fn read_cell<R: Read>(xml: &mut Xml<R>, name: &str, value: Value) -> Result<Cell, FileProblem> {
    let gather = matches!(value, Value::FromText { .. });
    let mut text = Text::default();
    let mut buf = Vec::new();
    let mut depth = 1usize;
    while depth > 0 {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| failed(xml, e))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if !gather {
                    continue;
                }
                match e.name().as_ref() {
                    "office:annotation" => {
                        let mut skip = Vec::new();
                        xml.read_to_end_into(QName("office:annotation"), &mut skip)
                            .map_err(|e| failed(xml, e))?;
                        depth -= 1;
                    }
                    "text:p" | "text:h" => text.paragraph()?,
                    "text:s" => text.spaces(repeat(&e, "text:c"))?,
                    "text:tab" => text.push("\t")?,
                    "text:line-break" => text.push("\n")?,
                    _ => {}
                }
            }
            Event::End(e) => {
                depth -= 1;
                if depth == 0 && e.name().as_ref() != name {
                    return Err(FileProblem::Unreadable);
                }
            }
            Event::Text(t) if gather => text.push(&t.xml10_content())?,
            Event::CData(t) if gather => text.push(&t)?,
            Event::GeneralRef(r) if gather => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => match &*r {
                        "amp" => Some("&".into()),
                        "lt" => Some("<".into()),
                        "gt" => Some(">".into()),
                        "quot" => Some("\"".into()),
                        "apos" => Some("'".into()),
                        _ => None,
                    },
                };
                if let Some(s) = resolved {
                    text.push(&s)?;
                }
            }
            Event::Eof => return Err(FileProblem::Unreadable),
            _ => {}
        }
    }
    Ok(match value {
        Value::Number(n) => Cell::Number(n),
        Value::Date(s) => iso_date(&s),
        Value::Duration(s) | Value::Text(s) => super::read::text_value(&s)?,
        Value::Bool(b) => Cell::Bool(b),
        Value::FromText { error } => {
            let cell = super::read::text_value(&text.s)?;
            match cell {
                Cell::Text(t) if error => Cell::Error(t),
                c => c,
            }
        }
        Value::Empty => Cell::Empty,
    })
}

/// A cell's text while it is gathered, refused once longer than a cell may be.
#[derive(Default)]
struct Text {
    s: String,
    paragraphs: usize,
}

impl Text {
    /// Bytes a cell's text may take (every character in four bytes at most).
    const MAX_BYTES: usize = MAX_CELL_CHARS as usize * 4;

    fn push(&mut self, piece: &str) -> Result<(), FileProblem> {
        if self.s.len() + piece.len() > Self::MAX_BYTES {
            return Err(FileProblem::CellTooLong {
                max: MAX_CELL_CHARS,
            });
        }
        self.s.push_str(piece);
        Ok(())
    }

    fn paragraph(&mut self) -> Result<(), FileProblem> {
        self.paragraphs += 1;
        if self.paragraphs > 1 {
            self.push("\n")?;
        }
        Ok(())
    }

    fn spaces(&mut self, n: u64) -> Result<(), FileProblem> {
        let room = (Self::MAX_BYTES - self.s.len()) as u64;
        if n > room {
            return Err(FileProblem::CellTooLong {
                max: MAX_CELL_CHARS,
            });
        }
        self.s.extend(std::iter::repeat_n(' ', n as usize));
        Ok(())
    }
}
