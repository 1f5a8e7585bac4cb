//! The limits every reading of an uploaded file stays within, checked while the bytes stream
//! in and before anything is expanded: a deadline, the unpacked size of a workbook's parts
//! (counted as they inflate, whatever the zip's directory claims), the longest piece of XML
//! a parser would have to hold at once, and the counts a reader would reserve room for.

use std::io::{self, Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

use super::model::*;

/// The largest piece of XML (a tag, or the text between two tags) a reader may need to hold.
/// A cell's longest text, escaped and in UTF-8, fits several times over.
pub const MAX_XML_TOKEN: usize = 1024 * 1024;
/// The most parts a workbook's zip may list.
const MAX_ZIP_ENTRIES: usize = 10_000;
/// The most bytes the zip's directory may take (names, extra fields, comments).
const MAX_ZIP_DIRECTORY: u64 = 4 * 1024 * 1024;
/// The most cell formats and merged ranges an XLSX part may declare (Excel allows 64,000
/// formats).
const MAX_STYLES: u64 = 100_000;
const MAX_MERGED: u64 = 100_000;

const MB: u64 = 1024 * 1024;

/// When a reading must have ended. A monotonic clock: the time a reading takes, not the
/// date, so it is not the app's [`crate::core::clock::Clock`].
#[derive(Clone, Copy, Debug)]
pub struct Deadline(Instant);

impl Deadline {
    /// The standard time one reading may take ([`MAX_READ_SECONDS`]) from now.
    pub fn standard() -> Self {
        Self::after(Duration::from_secs(u64::from(MAX_READ_SECONDS)))
    }

    pub fn after(d: Duration) -> Self {
        Deadline(Instant::now() + d)
    }

    pub fn check(self) -> Result<(), FileProblem> {
        if Instant::now() > self.0 {
            Err(FileProblem::TooSlow {
                max_seconds: MAX_READ_SECONDS,
            })
        } else {
            Ok(())
        }
    }
}

/// An I/O error carrying the limit that stopped a reading.
fn stop(p: &FileProblem) -> io::Error {
    io::Error::other(p.to_string())
}

/// A reader that counts what passes through it and stops at a cap, at the deadline, and (for
/// XML) at a piece of XML longer than [`MAX_XML_TOKEN`]. What stopped it is kept in
/// [`Guarded::problem`].
pub struct Guarded<R> {
    inner: R,
    read: u64,
    cap: u64,
    over_cap: FileProblem,
    deadline: Deadline,
    pub scan: Option<XmlScan>,
    problem: Option<FileProblem>,
}

impl<R: Read> Guarded<R> {
    pub fn new(inner: R, cap: u64, over_cap: FileProblem, deadline: Deadline) -> Self {
        Guarded {
            inner,
            read: 0,
            cap,
            over_cap,
            deadline,
            scan: None,
            problem: None,
        }
    }

    pub fn xml(mut self, scan: XmlScan) -> Self {
        self.scan = Some(scan);
        self
    }

    /// The limit that stopped the reading, if one did.
    pub fn problem(&self) -> Option<&FileProblem> {
        self.problem.as_ref()
    }

    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    fn fail(&mut self, p: FileProblem) -> io::Error {
        let e = stop(&p);
        self.problem = Some(p);
        e
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(p) = &self.problem {
            return Err(stop(p));
        }
        // Never more than one byte past the cap, so a lying size cannot run on.
        let room = (self.cap - self.read.min(self.cap)).saturating_add(1);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.read += n as u64;
        if self.read > self.cap {
            let p = self.over_cap.clone();
            return Err(self.fail(p));
        }
        if let Err(p) = self.deadline.check() {
            return Err(self.fail(p));
        }
        if let Some(scan) = self.scan.as_mut()
            && let Err(p) = scan.feed(&buf[..n])
        {
            return Err(self.fail(p));
        }
        Ok(n)
    }
}

/// The problem behind a failed reading: the limit a [`Guarded`] reader met, else unreadable.
pub fn problem_or_unreadable<R>(guard: &Guarded<R>, e: impl std::fmt::Display) -> FileProblem {
    match guard.problem.as_ref() {
        Some(p) => p.clone(),
        None => {
            tracing::info!(error = %e, "unreadable spreadsheet");
            FileProblem::Unreadable
        }
    }
}

/// An element of an XLSX part that is counted, and the most there may be.
#[derive(Clone, Debug)]
struct Counted {
    local_name: &'static [u8],
    max: u64,
    over: FileProblem,
    seen: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Markup {
    /// Not yet known: the first bytes after `<` decide.
    Unknown,
    Element,
    Comment,
    CData,
    Instruction,
}

/// Follows XML byte by byte, the way a streaming parser cuts it into tags and texts, and
/// refuses a piece longer than [`MAX_XML_TOKEN`] before any parser has to hold it. It also
/// counts chosen elements and reads the `uniqueCount` an XLSX shared string table declares.
/// A document type declaration (never in a workbook) is refused: nothing expands entities.
#[derive(Clone, Debug)]
pub struct XmlScan {
    in_markup: bool,
    markup: Markup,
    quote: u8,
    len: usize,
    head: Vec<u8>,
    /// The element's name while it is being read; `None` once it ended.
    name: Option<Vec<u8>>,
    last: [u8; 2],
    counted: Vec<Counted>,
    /// The `sst` tag, kept whole to read its `uniqueCount`.
    sst_tag: Option<Vec<u8>>,
    watch_sst: bool,
}

impl Default for XmlScan {
    fn default() -> Self {
        XmlScan {
            in_markup: false,
            markup: Markup::Unknown,
            quote: 0,
            len: 0,
            head: Vec::new(),
            name: None,
            last: [0; 2],
            counted: Vec::new(),
            sst_tag: None,
            watch_sst: false,
        }
    }
}

impl XmlScan {
    /// The scan of an XLSX part, with the counts that part's reader would keep in memory.
    pub fn for_xlsx_part(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        let mut scan = XmlScan::default();
        if lower.ends_with("sharedstrings.xml") {
            scan.watch_sst = true;
            scan.counted.push(Counted {
                local_name: b"si",
                max: u64::from(MAX_SHARED_STRINGS),
                over: FileProblem::TooManyStrings {
                    max: MAX_SHARED_STRINGS,
                },
                seen: 0,
            });
        } else if lower.ends_with("styles.xml") {
            for n in [&b"xf"[..], b"numFmt", b"font", b"fill", b"border"] {
                scan.counted.push(Counted {
                    local_name: n,
                    max: MAX_STYLES,
                    over: FileProblem::Unreadable,
                    seen: 0,
                });
            }
        } else {
            scan.counted.push(Counted {
                local_name: b"mergeCell",
                max: MAX_MERGED,
                over: FileProblem::Unreadable,
                seen: 0,
            });
        }
        scan
    }

    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), FileProblem> {
        let mut i = 0;
        while i < bytes.len() {
            if !self.in_markup {
                // Text runs to the next `<`.
                match bytes[i..].iter().position(|&b| b == b'<') {
                    None => {
                        self.len += bytes.len() - i;
                        self.check_len()?;
                        return Ok(());
                    }
                    Some(k) => {
                        self.len += k;
                        self.check_len()?;
                        i += k + 1;
                        self.open_markup();
                    }
                }
                continue;
            }
            if self.markup == Markup::Element && self.name.is_none() && self.sst_tag.is_none() {
                // Inside a tag past its name: only quotes and the closing `>` matter.
                let quote = self.quote;
                let next = bytes[i..].iter().position(|&b| {
                    if quote == 0 {
                        matches!(b, b'"' | b'\'' | b'>')
                    } else {
                        b == quote
                    }
                });
                let k = next.unwrap_or(bytes.len() - i);
                self.len += k;
                if self.len > MAX_XML_TOKEN {
                    return Err(FileProblem::Unreadable);
                }
                i += k;
                if next.is_none() {
                    return Ok(());
                }
            }
            let b = bytes[i];
            i += 1;
            self.len += 1;
            if self.len > MAX_XML_TOKEN {
                return Err(FileProblem::Unreadable);
            }
            if let Some(tag) = self.sst_tag.as_mut() {
                tag.push(b);
            }
            if self.markup == Markup::Unknown {
                self.head.push(b);
                self.classify()?;
                if self.markup == Markup::Unknown {
                    continue;
                }
                if self.markup == Markup::Element {
                    // The first byte of an element was its name's first byte (or `/`).
                    self.element_byte(b)?;
                    continue;
                }
                self.last = [0, b];
                continue;
            }
            match self.markup {
                Markup::Element => self.element_byte(b)?,
                Markup::Comment => self.ends_with(b, b'-', b'-'),
                Markup::CData => self.ends_with(b, b']', b']'),
                Markup::Instruction => {
                    if b == b'>' && self.last[1] == b'?' {
                        self.close_markup();
                    } else {
                        self.last = [self.last[1], b];
                    }
                }
                Markup::Unknown => {}
            }
        }
        Ok(())
    }

    fn check_len(&self) -> Result<(), FileProblem> {
        if self.len > MAX_XML_TOKEN {
            Err(FileProblem::CellTooLong {
                max: MAX_CELL_CHARS,
            })
        } else {
            Ok(())
        }
    }

    fn open_markup(&mut self) {
        self.in_markup = true;
        self.markup = Markup::Unknown;
        self.quote = 0;
        self.len = 1;
        self.head.clear();
        self.name = None;
        self.last = [0; 2];
    }

    fn close_markup(&mut self) {
        self.in_markup = false;
        self.len = 0;
    }

    fn ends_with(&mut self, b: u8, a0: u8, a1: u8) {
        if b == b'>' && self.last == [a0, a1] {
            self.close_markup();
        } else {
            self.last = [self.last[1], b];
        }
    }

    /// Decides what follows `<` from its first bytes.
    fn classify(&mut self) -> Result<(), FileProblem> {
        let h = self.head.as_slice();
        match h.first() {
            Some(b'?') => self.markup = Markup::Instruction,
            Some(b'!') => {
                if h.len() >= 3 && h.starts_with(b"!--") {
                    self.markup = Markup::Comment;
                } else if h.len() >= 8 && h.starts_with(b"![CDATA[") {
                    self.markup = Markup::CData;
                } else if !(b"!--".starts_with(h) || b"![CDATA[".starts_with(h)) {
                    // A document type (or anything else after `<!`).
                    return Err(FileProblem::Unreadable);
                }
            }
            Some(_) => {
                self.markup = Markup::Element;
                self.name = Some(Vec::new());
            }
            None => {}
        }
        Ok(())
    }

    fn element_byte(&mut self, b: u8) -> Result<(), FileProblem> {
        if let Some(name) = self.name.as_mut() {
            if b.is_ascii_whitespace() || b == b'/' && !name.is_empty() || b == b'>' {
                let name = self.name.take().unwrap_or_default();
                self.named(&name)?;
            } else if name.len() < 64 {
                name.push(b);
            }
        }
        if self.quote != 0 {
            if b == self.quote {
                self.quote = 0;
            }
        } else if b == b'"' || b == b'\'' {
            self.quote = b;
        } else if b == b'>' {
            self.close_markup();
            if let Some(tag) = self.sst_tag.take() {
                self.sst_declared(&tag)?;
            }
        }
        Ok(())
    }

    /// An element's name is known: counts it, and keeps an `sst` tag to read.
    fn named(&mut self, name: &[u8]) -> Result<(), FileProblem> {
        if name.first() == Some(&b'/') {
            return Ok(());
        }
        let local = match name.iter().rposition(|&b| b == b':') {
            Some(k) => &name[k + 1..],
            None => name,
        };
        for c in &mut self.counted {
            if c.local_name == local {
                c.seen += 1;
                if c.seen > c.max {
                    return Err(c.over.clone());
                }
            }
        }
        if self.watch_sst && local == b"sst" {
            self.sst_tag = Some(Vec::new());
        }
        Ok(())
    }

    /// A shared string table declares how many texts it holds, and a reader reserves room for
    /// that many before reading one: the number must be within the limit.
    fn sst_declared(&self, tag: &[u8]) -> Result<(), FileProblem> {
        let text = String::from_utf8_lossy(tag);
        let mut rest = text.as_ref();
        while let Some(k) = rest.find("uniqueCount") {
            rest = &rest[k + "uniqueCount".len()..];
            let value = rest
                .trim_start()
                .strip_prefix('=')
                .map(str::trim_start)
                .and_then(|v| v.strip_prefix(['"', '\'']))
                .map(|v| {
                    v.chars()
                        .take_while(|c| c.is_ascii_digit())
                        .collect::<String>()
                });
            if let Some(v) = value
                && !v.is_empty()
                && v.parse::<u64>()
                    .map_or(true, |n| n > u64::from(MAX_SHARED_STRINGS))
            {
                return Err(FileProblem::TooManyStrings {
                    max: MAX_SHARED_STRINGS,
                });
            }
        }
        Ok(())
    }
}

/// Checks a zip's directory before a zip reader loads it: every record of the directory
/// starts with its signature, so counting the signatures (and adding up the names and extra
/// fields they announce) bounds what any reader of the directory will hold.
pub fn check_zip_directory<R: Read + Seek>(
    src: &mut R,
    deadline: Deadline,
) -> Result<(), FileProblem> {
    const SIG: &[u8; 4] = b"PK\x01\x02";
    src.seek(SeekFrom::Start(0))
        .map_err(|_| FileProblem::Unreadable)?;
    let mut buf = vec![0u8; 1024 * 1024];
    // The last bytes of the previous chunk, so a record cut between two chunks is seen.
    let mut carry: Vec<u8> = Vec::new();
    let (mut entries, mut directory) = (0usize, 0u64);
    loop {
        deadline.check()?;
        let n = read_full(src, &mut buf).map_err(|_| FileProblem::Unreadable)?;
        let mut window = std::mem::take(&mut carry);
        window.extend_from_slice(&buf[..n]);
        let end = if n == 0 {
            window.len()
        } else {
            window.len().saturating_sub(45)
        };
        let mut i = 0;
        while i + 4 <= window.len() && i < end {
            if &window[i..i + 4] == SIG {
                entries += 1;
                let field = |at: usize| {
                    window
                        .get(i + at..i + at + 2)
                        .map_or(0, |b| u64::from(u16::from_le_bytes([b[0], b[1]])))
                };
                directory += 46 + field(28) + field(30) + field(32);
                if entries > MAX_ZIP_ENTRIES || directory > MAX_ZIP_DIRECTORY {
                    tracing::info!(entries, directory, "a zip's directory is too large");
                    return Err(FileProblem::Unreadable);
                }
            }
            i += 1;
        }
        if n == 0 {
            break;
        }
        carry = window[end..].to_vec();
    }
    src.seek(SeekFrom::Start(0))
        .map_err(|_| FileProblem::Unreadable)?;
    Ok(())
}

fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The cap on one part of an XLSX workbook: the sheets are read as a stream, the shared texts
/// and everything else whole.
fn xlsx_part_cap(name: &str) -> Option<(u64, u32)> {
    let lower = name.to_ascii_lowercase();
    if lower.contains("worksheets/") {
        None
    } else if lower.ends_with("sharedstrings.xml") {
        Some((u64::from(MAX_SHARED_STRINGS_MB) * MB, MAX_SHARED_STRINGS_MB))
    } else {
        Some((u64::from(MAX_PART_MB) * MB, MAX_PART_MB))
    }
}

/// Pictures and other files a workbook carries that no reader here opens.
fn is_media(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("/media/")
        || [
            ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".tif", ".tiff", ".bin",
        ]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Unpacks every part of an XLSX workbook once, into nothing, through [`Guarded`] readers:
/// the real unpacked sizes (not those the zip declares) must stay within the caps, the XML
/// within [`MAX_XML_TOKEN`], the shared texts within [`MAX_SHARED_STRINGS`]. Only then may
/// the workbook reader, which loads the shared texts and styles whole, open it.
pub fn check_xlsx<R: Read + Seek>(src: R, deadline: Deadline) -> Result<(), FileProblem> {
    let mut archive = zip::ZipArchive::new(src).map_err(|e| {
        tracing::info!(error = %e, "unreadable zip");
        FileProblem::Unreadable
    })?;
    let total_cap = u64::from(MAX_UNPACKED_MB) * MB;
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        deadline.check()?;
        let entry = archive.by_index(i).map_err(|e| {
            tracing::info!(error = %e, "unreadable zip entry");
            FileProblem::Unreadable
        })?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if is_media(&name) {
            continue;
        }
        // The part's own cap, or what is left of the whole workbook's, whichever is smaller.
        let left = total_cap - total.min(total_cap);
        let (cap, over) = match xlsx_part_cap(&name) {
            Some((cap, mb)) if cap < left => (cap, FileProblem::PartTooLarge { max_mb: mb }),
            _ => (
                left,
                FileProblem::UnpackedTooLarge {
                    max_mb: MAX_UNPACKED_MB,
                },
            ),
        };
        let mut part = Guarded::new(entry, cap, over, deadline).xml(XmlScan::for_xlsx_part(&name));
        loop {
            match part.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => return Err(problem_or_unreadable(&part, e)),
            }
        }
        total += part.bytes_read();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(scan: &mut XmlScan, xml: &[u8], chunk: usize) -> Result<(), FileProblem> {
        for piece in xml.chunks(chunk) {
            scan.feed(piece)?;
        }
        Ok(())
    }

    #[test]
    fn ordinary_xml_passes_in_any_chunking() {
        let xml = br#"<?xml version="1.0"?><!-- a > comment --><sst uniqueCount="2"><si><t a='x>y'>An</t></si><![CDATA[ <b> ]]><si><t>B</t></si></sst>"#;
        for chunk in [1, 2, 3, 7, 1000] {
            let mut scan = XmlScan::for_xlsx_part("xl/sharedStrings.xml");
            assert_eq!(scan_all(&mut scan, xml, chunk), Ok(()), "chunk {chunk}");
            assert_eq!(scan.counted[0].seen, 2, "chunk {chunk}");
            assert!(!scan.in_markup);
        }
    }

    #[test]
    fn a_long_text_or_tag_is_refused_before_it_is_held() {
        let mut scan = XmlScan::default();
        let mut xml = b"<t>".to_vec();
        xml.resize(MAX_XML_TOKEN + 10, b' ');
        assert_eq!(
            scan_all(&mut scan, &xml, 4096),
            Err(FileProblem::CellTooLong {
                max: MAX_CELL_CHARS
            })
        );
        let mut scan = XmlScan::default();
        let mut xml = br#"<c a=">"#.to_vec();
        xml.resize(MAX_XML_TOKEN + 10, b'>');
        assert_eq!(
            scan_all(&mut scan, &xml, 4096),
            Err(FileProblem::Unreadable),
            "a '>' inside quotes does not end the tag"
        );
    }

    #[test]
    fn document_types_are_refused() {
        let mut scan = XmlScan::default();
        assert_eq!(
            scan_all(&mut scan, b"<!DOCTYPE x [<!ENTITY a \"b\">]><x/>", 3),
            Err(FileProblem::Unreadable)
        );
    }

    #[test]
    fn a_declared_or_real_count_of_shared_texts_over_the_limit_is_refused() {
        let over = FileProblem::TooManyStrings {
            max: MAX_SHARED_STRINGS,
        };
        let mut scan = XmlScan::for_xlsx_part("xl/sharedStrings.xml");
        assert_eq!(
            scan_all(
                &mut scan,
                br#"<x:sst xmlns:x="s" count="1" uniqueCount = '99999999999999999999'>"#,
                5
            ),
            Err(over.clone())
        );
        let mut scan = XmlScan::for_xlsx_part("xl/sharedStrings.xml");
        let mut xml = b"<sst>".to_vec();
        for _ in 0..=MAX_SHARED_STRINGS {
            xml.extend_from_slice(b"<si><t>a</t></si>");
        }
        assert_eq!(scan_all(&mut scan, &xml, 65536), Err(over));
    }

    #[test]
    fn a_guarded_reader_stops_at_its_cap_and_its_deadline() {
        let data = vec![b'a'; 10_000];
        let over = FileProblem::PartTooLarge { max_mb: 1 };
        let mut g = Guarded::new(&data[..], 5_000, over.clone(), Deadline::standard());
        let mut out = Vec::new();
        assert!(g.read_to_end(&mut out).is_err());
        assert_eq!(g.problem(), Some(&over));
        assert!(out.len() <= 5_001);
        let past = Deadline(Instant::now() - Duration::from_secs(1));
        let mut g = Guarded::new(&data[..], 1 << 20, over, past);
        assert!(g.read_to_end(&mut out).is_err());
        assert_eq!(
            g.problem(),
            Some(&FileProblem::TooSlow {
                max_seconds: MAX_READ_SECONDS
            })
        );
    }

    #[test]
    fn a_zip_directory_with_too_many_records_is_refused() {
        let mut bytes = Vec::new();
        for _ in 0..=MAX_ZIP_ENTRIES {
            bytes.extend_from_slice(b"PK\x01\x02");
            bytes.extend_from_slice(&[0u8; 42]);
        }
        assert_eq!(
            check_zip_directory(&mut io::Cursor::new(bytes), Deadline::standard()),
            Err(FileProblem::Unreadable)
        );
        let ok = vec![0u8; 3 * 1024 * 1024];
        assert_eq!(
            check_zip_directory(&mut io::Cursor::new(ok), Deadline::standard()),
            Ok(())
        );
    }
}
