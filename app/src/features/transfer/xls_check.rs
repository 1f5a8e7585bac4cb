//! Checks an XLS workbook before calamine opens it. calamine reads the old format whole:
//! opening it parses every sheet into a full grid of rows × columns, reserves room for the
//! cells a sheet's DIMENSIONS record declares, and copies a shared text into every cell that
//! uses it. A few hundred crafted bytes can make that many gigabytes, which no reader can
//! recover from. So the compound file is followed here exactly as calamine follows it (same
//! sectors, same chains, same stream), and its records are walked the way calamine walks
//! them, adding up what calamine would hold; the workbook is opened only within the limits.

use std::io::{Cursor, Read};

use super::limits::Deadline;
use super::model::*;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
/// Merged ranges of a workbook, all sheets together.
const MAX_MERGED: u64 = 100_000;

const BAD: FileProblem = FileProblem::Unreadable;

fn u16_at(b: &[u8], i: usize) -> Result<u16, FileProblem> {
    b.get(i..i + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or(BAD)
}

fn u32_at(b: &[u8], i: usize) -> Result<u32, FileProblem> {
    b.get(i..i + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or(BAD)
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Checks the workbook's bytes; `Ok` means calamine may open it.
pub fn check(file: &[u8], deadline: Deadline) -> Result<(), FileProblem> {
    let stream = workbook_stream(file)?;
    deadline.check()?;
    check_records(&stream, deadline)
}

/// Sectors read in order from the file, as calamine's compound-file reader keeps them.
struct Sectors {
    data: Vec<u8>,
    size: usize,
    maxid: u32,
    /// The most steps a chain may take: a longer one goes round in circles.
    max_steps: usize,
}

impl Sectors {
    fn get<'a>(&'a mut self, id: u32, r: &mut Cursor<&[u8]>) -> Result<&'a [u8], FileProblem> {
        if self.maxid < id {
            return Err(BAD);
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        if end > self.data.len() {
            let mut len = self.data.len();
            self.data.resize(end, 0);
            while len < end {
                let read = r.read(&mut self.data[len..end]).map_err(|_| BAD)?;
                if read == 0 {
                    return self.data.get(start..len).ok_or(BAD);
                }
                len += read;
            }
        }
        Ok(&self.data[start..end])
    }

    fn chain(
        &mut self,
        mut id: u32,
        fats: &[u32],
        r: &mut Cursor<&[u8]>,
        len: usize,
    ) -> Result<Vec<u8>, FileProblem> {
        let mut chain = Vec::new();
        let mut steps = 0usize;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > self.max_steps {
                tracing::info!("an XLS file's sector chain goes round in circles");
                return Err(BAD);
            }
            let sector = self.get(id, r)?;
            let take = sector.len().min(len - chain.len());
            chain.extend_from_slice(&sector[..take]);
            if chain.len() >= len {
                break;
            }
            id = *fats.get(id as usize).ok_or(BAD)?;
        }
        Ok(chain)
    }
}

/// The `Workbook` (or `Book`) stream, exactly as calamine reads it.
fn workbook_stream(file: &[u8]) -> Result<Vec<u8>, FileProblem> {
    if file.len() < 512 || file[..8] != *b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" {
        return Err(BAD);
    }
    let version = u16_at(file, 26)?;
    let size = match u16_at(file, 30)? {
        9 => 512usize,
        12 => 4096,
        _ => return Err(BAD),
    };
    if u16_at(file, 32)? != 6 || file.len() < size {
        return Err(BAD);
    }
    let dir_start = u32_at(file, 48)?;
    let mini_fat_start = u32_at(file, 60)?;
    let mini_fat_len = u32_at(file, 64)? as usize;
    let difat_start = u32_at(file, 68)?;
    let mut difat: Vec<u32> = u32s(&file[76..512]).collect();
    let mut r = Cursor::new(file);
    r.set_position(size as u64);
    let maxid = file.len() / size;
    let mut sectors = Sectors {
        data: Vec::new(),
        size,
        maxid: maxid as u32,
        max_steps: maxid + 1,
    };
    let mut id = difat_start;
    let mut difat_sectors = 0usize;
    while id < RESERVED_SECTORS {
        difat_sectors += 1;
        if difat_sectors > maxid + 1 {
            return Err(BAD);
        }
        difat.extend(u32s(sectors.get(id, &mut r)?));
        id = difat.pop().ok_or(BAD)?;
    }
    // Each listed sector adds a sector's worth of entries: no more than the file has sectors.
    if difat.iter().filter(|id| **id < DIFSECT).count() > maxid + 1 {
        return Err(BAD);
    }
    let mut fats = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        fats.extend(u32s(sectors.get(id, &mut r)?));
    }
    let dirs = sectors.chain(dir_start, &fats, &mut r, usize::MAX)?;
    let dirs: Vec<(String, u32, usize)> = dirs
        .chunks(128)
        .filter(|c| c.len() == 128)
        .map(|c| {
            let mut name = encoding_rs::UTF_16LE.decode(&c[..64]).0.into_owned();
            if let Some(l) = name.as_bytes().iter().position(|b| *b == 0) {
                name.truncate(l);
            }
            let start = u32::from_le_bytes([c[116], c[117], c[118], c[119]]);
            let len = if size == 512 {
                u32::from_le_bytes([c[120], c[121], c[122], c[123]]) as usize
            } else {
                usize::try_from(u64::from_le_bytes([
                    c[120], c[121], c[122], c[123], c[124], c[125], c[126], c[127],
                ]))
                .unwrap_or(usize::MAX)
            };
            (name, start, len)
        })
        .collect();
    if dirs.is_empty() || (version != 3 && dirs[0].1 == ENDOFCHAIN) {
        return Err(BAD);
    }
    let (mini_fats, ministream) = if mini_fat_len > 0 {
        let ministream = sectors.chain(dirs[0].1, &fats, &mut r, dirs[0].2)?;
        let minifat = sectors.chain(mini_fat_start, &fats, &mut r, mini_fat_len * size)?;
        (u32s(&minifat).collect::<Vec<_>>(), ministream)
    } else {
        (Vec::new(), Vec::new())
    };
    let find = |name: &str| {
        dirs.iter()
            .find(|d| d.0.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
    };
    let (_, start, len) = find("Workbook")
        .or_else(|| find("Book"))
        .ok_or(BAD)?
        .clone();
    if len < 4096 {
        let mut minis = Sectors {
            data: ministream,
            size: 64,
            maxid: (maxid * 8) as u32,
            max_steps: maxid * 8 + 1,
        };
        minis.chain(start, &mini_fats, &mut r, len)
    } else {
        sectors.chain(start, &fats, &mut r, len)
    }
}

/// A record and the CONTINUE records after it, as calamine groups them.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    cont: Vec<&'a [u8]>,
}

impl<'a> Record<'a> {
    fn continue_record(&mut self) -> bool {
        if self.cont.is_empty() {
            false
        } else {
            self.data = self.cont.remove(0);
            true
        }
    }

    fn skip(&mut self, mut len: usize) -> Result<(), FileProblem> {
        while len > 0 {
            if self.data.is_empty() && !self.continue_record() {
                return Err(BAD);
            }
            let l = len.min(self.data.len());
            self.data = &self.data[l..];
            len -= l;
        }
        Ok(())
    }

    fn advance(&mut self, n: usize) -> Result<(), FileProblem> {
        self.data = self.data.get(n..).ok_or(BAD)?;
        Ok(())
    }
}

struct Records<'a> {
    stream: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, FileProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stream.len() < 4 {
            return (!self.stream.is_empty()).then_some(Err(BAD));
        }
        let typ = u16::from_le_bytes([self.stream[0], self.stream[1]]);
        let len = u16::from_le_bytes([self.stream[2], self.stream[3]]) as usize;
        if self.stream.len() < len + 4 {
            return Some(Err(BAD));
        }
        let (data, next) = self.stream.split_at(len + 4);
        self.stream = next;
        let mut cont = Vec::new();
        while self.stream.len() > 4 && u16::from_le_bytes([self.stream[0], self.stream[1]]) == 0x3C
        {
            let len = u16::from_le_bytes([self.stream[2], self.stream[3]]) as usize;
            if self.stream.len() < len + 4 {
                return Some(Err(BAD));
            }
            let (c, rest) = self.stream.split_at(len + 4);
            cont.push(&c[4..]);
            self.stream = rest;
        }
        Some(Ok(Record {
            typ,
            data: &data[4..],
            cont,
        }))
    }
}

/// What calamine would hold for the workbook, added up as the records are walked.
#[derive(Default)]
struct Totals {
    cells: u64,
    grid: u64,
    text: u64,
    merged: u64,
}

impl Totals {
    fn check(&self) -> Result<(), FileProblem> {
        let max = u64::from(MAX_XLS_CELLS);
        if self.cells > max || self.grid > max {
            return Err(FileProblem::TooManyCells { max: MAX_XLS_CELLS });
        }
        if self.text > u64::from(MAX_XLS_TEXT_MB) * 1024 * 1024 {
            return Err(FileProblem::TooMuchText {
                max_mb: MAX_XLS_TEXT_MB,
            });
        }
        if self.merged > MAX_MERGED {
            return Err(BAD);
        }
        Ok(())
    }
}

/// The bounding box of a sheet's cells: calamine's grid is that many cells.
#[derive(Default)]
struct Bounds(Option<(u32, u32, u32, u32)>);

impl Bounds {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn area(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1))
        })
    }
}

/// The UTF-8 size of text stored in the workbook as `units` characters, one or two bytes
/// each; when the workbook names a code page other than UTF-16, the most it could be.
fn utf8_size(bytes: &[u8], high_byte: bool, utf16: bool) -> u64 {
    if !utf16 {
        return bytes.len() as u64 * 6;
    }
    if high_byte {
        bytes
            .chunks_exact(2)
            .map(|u| match u16::from_le_bytes([u[0], u[1]]) {
                0..0x80 => 1,
                0x80..0x800 => 2,
                _ => 3,
            })
            .sum()
    } else {
        bytes.iter().map(|b| if *b < 0x80 { 1 } else { 2 }).sum()
    }
}

/// The shared texts' sizes, read the way calamine reads them (a text may continue in the next
/// record, which then starts with its own flags byte).
fn shared_text_sizes(r: &mut Record<'_>, utf16: bool) -> Result<Vec<u64>, FileProblem> {
    if r.data.len() < 8 {
        return Err(BAD);
    }
    r.advance(8)?;
    let mut sizes = Vec::new();
    while !r.data.is_empty() || r.continue_record() {
        if sizes.len() >= MAX_SHARED_STRINGS as usize {
            return Err(FileProblem::TooManyStrings {
                max: MAX_SHARED_STRINGS,
            });
        }
        if r.data.is_empty() {
            sizes.push(0);
            continue;
        }
        if r.data.len() < 3 {
            return Err(BAD);
        }
        let mut left = u16_at(r.data, 0)? as usize;
        let flags = r.data[2];
        r.advance(3)?;
        let mut high = flags & 1 != 0;
        let mut runs = 0usize;
        let mut ext = 0usize;
        if flags & 0x8 != 0 {
            runs = u16_at(r.data, 0)? as usize;
            r.advance(2)?;
        }
        if flags & 0x4 != 0 {
            ext = u32_at(r.data, 0)? as i32 as usize;
            r.advance(4)?;
        }
        let mut size = 0u64;
        while left > 0 {
            let (chars, bytes) = if high {
                let l = (r.data.len() / 2).min(left);
                (l, 2 * l)
            } else {
                let l = r.data.len().min(left);
                (l, l)
            };
            size += utf8_size(&r.data[..bytes], high, utf16);
            r.advance(bytes)?;
            left -= chars;
            if left > 0 {
                if !r.continue_record() {
                    return Err(BAD);
                }
                high = r.data.first().ok_or(BAD)? & 1 != 0;
                r.advance(1)?;
            }
        }
        r.skip(runs * 4)?;
        r.skip(ext)?;
        sizes.push(size);
    }
    Ok(sizes)
}

/// A DIMENSIONS record's rows × columns, computed as calamine computes the room it reserves.
fn declared_cells(r: &[u8]) -> Result<u64, FileProblem> {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (
            u32::from(u16_at(r, 0)?),
            u32::from(u16_at(r, 2)?),
            u32::from(u16_at(r, 4)?),
            u32::from(u16_at(r, 6)?),
        ),
        14 | 16 => (
            u32_at(r, 0)?,
            u32_at(r, 4)?,
            u32::from(u16_at(r, 8)?),
            u32::from(u16_at(r, 10)?),
        ),
        _ => return Err(BAD),
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if 1 <= rl && 1 <= cl {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
    let cols = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
    Ok(rows.saturating_mul(cols))
}

fn check_records(stream: &[u8], deadline: Deadline) -> Result<(), FileProblem> {
    let mut sheets = Vec::new();
    let mut shared: Vec<u64> = Vec::new();
    let mut utf16 = true;
    let mut totals = Totals::default();
    for record in (Records { stream }) {
        let mut r = record?;
        match r.typ {
            // CodePage: texts in another code page may grow when decoded.
            0x0042 => utf16 = matches!(u16_at(r.data, 0)?, 1200),
            0x0085 => sheets.push(u32_at(r.data, 0)? as usize),
            0x00FC => {
                shared = shared_text_sizes(&mut r, utf16)?;
                totals.text += shared.iter().sum::<u64>();
                totals.check()?;
            }
            0x000A => break,
            _ => {}
        }
    }
    for pos in sheets {
        let sheet = stream.get(pos..).ok_or(BAD)?;
        let (mut cells, mut formulas) = (Bounds::default(), Bounds::default());
        let mut seen_bof = false;
        let mut depth = 0usize;
        let mut formula_at = (0u32, 0u32);
        for (n, record) in (Records { stream: sheet }).enumerate() {
            if n % 65_536 == 0 {
                deadline.check()?;
            }
            let r = record?;
            if depth > 0 {
                match r.typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let d = r.data;
            let at = || -> Result<(u32, u32), FileProblem> {
                Ok((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)))
            };
            let mut cell = |pos: (u32, u32), text: u64, totals: &mut Totals| {
                cells.add(pos.0, pos.1);
                totals.cells += 1;
                totals.text += text;
            };
            match r.typ {
                0x0809 => {
                    if seen_bof {
                        depth += 1;
                    } else {
                        seen_bof = true;
                    }
                }
                0x0200 if declared_cells(d)? > u64::from(MAX_XLS_CELLS) => {
                    return Err(FileProblem::TooManyCells { max: MAX_XLS_CELLS });
                }
                0x0203 | 0x0205 | 0x027E => cell(at()?, 0, &mut totals),
                0x0204 | 0x00D6 => cell(at()?, d.len() as u64 * 3, &mut totals),
                0x0207 => cell(formula_at, d.len() as u64 * 6, &mut totals),
                0x00FD => {
                    let i = u32_at(d, 6)? as usize;
                    if let Some(size) = shared.get(i) {
                        cell(at()?, *size, &mut totals);
                    }
                }
                0x00BD => {
                    if d.len() < 6 {
                        return Err(BAD);
                    }
                    let (row, first) = at()?;
                    let n = (d.len() - 6) / 6;
                    if n > 0 {
                        cell((row, first), 0, &mut totals);
                        cell((row, first + n as u32 - 1), 0, &mut totals);
                        totals.cells += n.saturating_sub(2) as u64;
                    }
                }
                0x00E5 => totals.merged += u64::from(u16_at(d, 0)?),
                0x0006 => {
                    if d.len() < 20 {
                        return Err(BAD);
                    }
                    formula_at = at()?;
                    cell(formula_at, 0, &mut totals);
                    formulas.add(formula_at.0, formula_at.1);
                    // The formula's text, written out from its tokens.
                    totals.text += 16 * d.len() as u64;
                }
                0x000A => break,
                _ => {}
            }
            if n % 1024 == 0 {
                totals.check()?;
            }
        }
        totals.grid += cells.area() + formulas.area();
        totals.check()?;
    }
    totals.check()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A record: type, length, data.
    pub fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
        out
    }

    /// A NUMBER cell.
    pub fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&v.to_le_bytes());
        record(0x0203, &d)
    }

    /// A LABEL cell (BIFF8: characters in UTF-16).
    pub fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&(units.len() as u16).to_le_bytes());
        d.push(1);
        for u in units {
            d.extend_from_slice(&u.to_le_bytes());
        }
        record(0x0204, &d)
    }

    /// A BIFF8 workbook stream with one sheet named `name` holding `sheet` records.
    pub fn workbook(name: &str, sheet: &[u8]) -> Vec<u8> {
        let bof = |kind: u16| {
            let mut d = 0x0600u16.to_le_bytes().to_vec();
            d.extend_from_slice(&kind.to_le_bytes());
            d.extend_from_slice(&[0u8; 12]);
            record(0x0809, &d)
        };
        let boundsheet = |pos: u32| {
            let mut d = pos.to_le_bytes().to_vec();
            d.extend_from_slice(&[0, 0]);
            d.push(name.len() as u8);
            d.push(0);
            d.extend_from_slice(name.as_bytes());
            record(0x0085, &d)
        };
        let mut globals = bof(0x0005);
        globals.extend(record(0x0042, &1200u16.to_le_bytes()));
        let len_before = globals.len() + boundsheet(0).len() + record(0x000A, &[]).len();
        globals.extend(boundsheet(len_before as u32));
        globals.extend(record(0x000A, &[]));
        globals.extend(bof(0x0010));
        globals.extend_from_slice(sheet);
        globals.extend(record(0x000A, &[]));
        // Padded past 4096 bytes so that the stream lives in ordinary sectors.
        while globals.len() < 4200 {
            globals.extend(record(0x00FF - 0x0E, &[0u8; 100]));
        }
        globals
    }

    /// A compound file (512-byte sectors) holding `stream` as its `Workbook` stream.
    pub fn compound_file(stream: &[u8]) -> Vec<u8> {
        let sectors = stream.len().div_ceil(512);
        // Sector 0: the FAT; sector 1: the directory; then the stream.
        let mut fat = vec![0xFFFF_FFFDu32, ENDOFCHAIN];
        for i in 0..sectors {
            fat.push(if i + 1 == sectors {
                ENDOFCHAIN
            } else {
                (i + 3) as u32
            });
        }
        fat.resize(128, 0xFFFF_FFFF);
        let mut out = vec![0u8; 512];
        out[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
        out[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
        out[26..28].copy_from_slice(&3u16.to_le_bytes());
        out[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
        out[30..32].copy_from_slice(&9u16.to_le_bytes());
        out[32..34].copy_from_slice(&6u16.to_le_bytes());
        out[44..48].copy_from_slice(&1u32.to_le_bytes());
        out[48..52].copy_from_slice(&1u32.to_le_bytes());
        out[56..60].copy_from_slice(&4096u32.to_le_bytes());
        out[60..64].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        out[68..72].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        let mut difat = vec![0u32];
        difat.resize(109, 0xFFFF_FFFF);
        for (i, d) in difat.iter().enumerate() {
            out[76 + 4 * i..80 + 4 * i].copy_from_slice(&d.to_le_bytes());
        }
        for f in fat {
            out.extend_from_slice(&f.to_le_bytes());
        }
        let entry = |name: &str, kind: u8, start: u32, len: u32| {
            let mut e = vec![0u8; 128];
            let units: Vec<u16> = name.encode_utf16().collect();
            for (i, u) in units.iter().enumerate() {
                e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
            e[64..66].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
            e[66] = kind;
            e[67] = 1;
            e[68..72].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
            e[72..76].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
            e[76..80].copy_from_slice(&if kind == 5 { 1u32 } else { 0xFFFF_FFFF }.to_le_bytes());
            e[116..120].copy_from_slice(&start.to_le_bytes());
            e[120..124].copy_from_slice(&len.to_le_bytes());
            e
        };
        out.extend(entry("Root Entry", 5, ENDOFCHAIN, 0));
        out.extend(entry("Workbook", 2, 2, stream.len() as u32));
        out.extend(vec![0u8; 256]);
        let mut padded = stream.to_vec();
        padded.resize(sectors * 512, 0);
        out.extend(padded);
        out
    }

    fn xls(sheet: &[u8]) -> Vec<u8> {
        compound_file(&workbook("Sheet1", sheet))
    }

    #[test]
    fn an_ordinary_workbook_passes() {
        let mut cells = number(0, 0, 1.0);
        cells.extend(label(1, 0, "Nguyễn Văn An"));
        assert_eq!(check(&xls(&cells), Deadline::standard()), Ok(()));
    }

    #[test]
    fn a_declared_dimension_past_the_limit_is_refused() {
        // 1,000,000,000 rows × 256 columns, in a 14-byte record.
        let mut d = 0u32.to_le_bytes().to_vec();
        d.extend_from_slice(&1_000_000_000u32.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&256u16.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        let sheet = record(0x0200, &d);
        assert_eq!(
            check(&xls(&sheet), Deadline::standard()),
            Err(FileProblem::TooManyCells { max: MAX_XLS_CELLS })
        );
    }

    #[test]
    fn two_cells_at_far_corners_are_refused() {
        let mut sheet = number(0, 0, 1.0);
        sheet.extend(number(65_535, 255, 2.0));
        assert_eq!(
            check(&xls(&sheet), Deadline::standard()),
            Err(FileProblem::TooManyCells { max: MAX_XLS_CELLS })
        );
    }

    #[test]
    fn a_sector_chain_in_a_circle_is_refused() {
        let mut file = xls(&number(0, 0, 1.0));
        // The stream's last sector points back to its first, and the stream claims 1 GB.
        let fat_at = 512;
        let sectors = (file.len() - 512 * 3) / 512;
        let last = 2 + sectors - 1;
        file[fat_at + 4 * last..fat_at + 4 * last + 4].copy_from_slice(&2u32.to_le_bytes());
        let dir = 512 * 2 + 128;
        file[dir + 120..dir + 124].copy_from_slice(&1_000_000_000u32.to_le_bytes());
        assert_eq!(
            check(&file, Deadline::standard()),
            Err(FileProblem::Unreadable)
        );
    }
}
