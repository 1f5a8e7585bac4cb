//! What a cell of a sheet says, read into what the database stores: texts within their
//! limits, numbers, years, dates, phones, the Vietnamese words of each choice, addresses
//! in one cell or many, and the keys that recognise a member or household however it is
//! written; and the Vietnamese words written back into an exported sheet.

use chrono::{Datelike, Duration, NaiveDate};

use super::model::*;
use super::read::{Cell, number_text};
use crate::core::fold::fold;
use crate::features::org::model::{
    Address, Gender, HouseholdTag, MemberKind as Kind, MemberStatus,
};

pub const MAX_NAME: u32 = 100;
pub const MAX_TEXT: u32 = 200;
pub const MAX_NOTES: u32 = 1000;

// ---------------------------------------------------------------------------------------
// Values.

/// Text of a cell: `None` when empty; formulas without a value and formula errors refused.
pub fn text(cell: &Cell, max: u32) -> Result<Option<String>, RowProblem> {
    match cell {
        Cell::Error(code) => Err(RowProblem::FormulaError {
            code: code.to_string(),
        }),
        Cell::Text(t) if looks_like_formula(t) => Err(RowProblem::FormulaWithoutValue),
        c if c.is_empty() => Ok(None),
        c => {
            let t = c.text();
            if t.chars().count() > max as usize {
                Err(RowProblem::TooLong { max })
            } else {
                Ok(Some(t))
            }
        }
    }
}

fn looks_like_formula(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('=') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with(|c: char| c.is_ascii_uppercase())
        && (rest.contains('(') || rest.chars().any(|c| c.is_ascii_digit()))
}

fn number(cell: &Cell) -> Result<Option<f64>, RowProblem> {
    match cell {
        Cell::Number(n) => Ok(Some(*n)),
        Cell::Error(code) => Err(RowProblem::FormulaError {
            code: code.to_string(),
        }),
        Cell::Text(t) if looks_like_formula(t) => Err(RowProblem::FormulaWithoutValue),
        c if c.is_empty() => Ok(None),
        Cell::Text(t) => t
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .map(Some)
            .map_err(|_| RowProblem::NotANumber),
        _ => Err(RowProblem::NotANumber),
    }
}

/// A whole number within a range.
pub fn int_in(cell: &Cell, min: i64, max: i64) -> Result<Option<i64>, RowProblem> {
    let Some(n) = number(cell)? else {
        return Ok(None);
    };
    if n.fract() != 0.0 {
        return Err(RowProblem::NotANumber);
    }
    let n = n as i64;
    if n < min || n > max {
        return Err(RowProblem::OutOfRange { min, max });
    }
    Ok(Some(n))
}

/// A birth year: a number, or the year of a date of birth.
pub fn year(cell: &Cell, today: NaiveDate) -> Result<Option<i32>, RowProblem> {
    let max = i64::from(today.year());
    let from_date = |d: NaiveDate| {
        let y = i64::from(d.year());
        if (1900..=max).contains(&y) {
            Ok(Some(y as i32))
        } else {
            Err(RowProblem::OutOfRange { min: 1900, max })
        }
    };
    match cell {
        Cell::Date(d) => from_date(*d),
        Cell::Text(t) if t.contains(['/', '-', '.']) => match parse_date_text(t) {
            Some(d) => from_date(d),
            None => Err(RowProblem::BadDate),
        },
        c => Ok(int_in(c, 1900, max)?.map(|y| y as i32)),
    }
}

fn parse_date_text(t: &str) -> Option<NaiveDate> {
    let t = t.trim();
    for f in ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return Some(d);
        }
    }
    // A date and time ("2024-03-01 00:00:00").
    t.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// A date: a date cell, an Excel serial number, or text as dd/mm/yyyy. Not in the future.
pub fn date(cell: &Cell, today: NaiveDate) -> Result<Option<NaiveDate>, RowProblem> {
    let d = match cell {
        Cell::Date(d) => *d,
        Cell::Number(n) if (1.0..=80_000.0).contains(n) => {
            NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default() + Duration::days(*n as i64)
        }
        Cell::Error(code) => {
            return Err(RowProblem::FormulaError {
                code: code.to_string(),
            });
        }
        Cell::Text(t) if looks_like_formula(t) => return Err(RowProblem::FormulaWithoutValue),
        c if c.is_empty() => return Ok(None),
        Cell::Text(t) => parse_date_text(t).ok_or(RowProblem::BadDate)?,
        _ => return Err(RowProblem::BadDate),
    };
    if d > today || d.year() < 1945 {
        return Err(RowProblem::BadDate);
    }
    Ok(Some(d))
}

/// A phone number, as digits (with a leading + kept). Excel drops the leading 0 of a number
/// typed as a number; it is put back.
pub fn phone(cell: &Cell) -> Result<Option<String>, RowProblem> {
    let Some(t) = text(cell, 40)? else {
        return Ok(None);
    };
    let plus = t.starts_with('+');
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let junk = t
        .chars()
        .any(|c| !(c.is_ascii_digit() || " .-()+/".contains(c)));
    let plausible =
        (8..=15).contains(&digits.len()) || (matches!(cell, Cell::Number(_)) && digits.len() == 9);
    if junk || !plausible {
        return Err(RowProblem::BadPhone);
    }
    let out = if plus {
        format!("+{digits}")
    } else if matches!(cell, Cell::Number(_)) && digits.len() == 9 {
        format!("0{digits}")
    } else {
        digits
    };
    Ok(Some(out))
}

fn choice<T>(cell: &Cell, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, RowProblem> {
    let Some(t) = text(cell, MAX_TEXT)? else {
        return Ok(None);
    };
    parse(&fold(&t))
        .map(Some)
        .ok_or(RowProblem::UnknownValue { value: t })
}

pub fn gender(cell: &Cell) -> Result<Option<Gender>, RowProblem> {
    choice(cell, |k| match k {
        "nam" | "male" | "m" | "trai" => Some(Gender::Male),
        "nu" | "female" | "f" | "gai" => Some(Gender::Female),
        "khac" | "other" => Some(Gender::Other),
        _ => None,
    })
}

pub fn status(cell: &Cell) -> Result<Option<MemberStatus>, RowProblem> {
    choice(cell, |k| {
        if let Some(s) = MemberStatus::parse(k) {
            return Some(s);
        }
        let has = |w: &str| k.contains(w);
        if has("mien") {
            Some(MemberStatus::Exempt)
        } else if has("gia yeu") || has("om") || has("benh") || has("cao tuoi") {
            Some(MemberStatus::ElderlyIll)
        } else if has("lam xa") || has("di lam") || has("cong tac xa") {
            Some(MemberStatus::WorkingAway)
        } else if has("ngoai") {
            Some(MemberStatus::OutsideCommune)
        } else if has("chuyen") {
            Some(MemberStatus::Transferred)
        } else if has("sinh hoat") || has("binh thuong") || k == "tot" {
            Some(MemberStatus::Active)
        } else {
            None
        }
    })
}

pub fn member_kind(cell: &Cell) -> Result<Option<Kind>, RowProblem> {
    choice(cell, |k| {
        if k.contains("213") || matches!(k, "x" | "co" | "yes" | "1") {
            Some(Kind::Dv213)
        } else if k.contains("thuong tru")
            || k.contains("cu tru")
            || k.contains("tai cho")
            || matches!(k, "resident" | "khong" | "no" | "0" | "thuong")
        {
            Some(Kind::Resident)
        } else {
            None
        }
    })
}

fn tag_of(k: &str) -> Option<HouseholdTag> {
    if let Some(t) = HouseholdTag::parse(k) {
        return Some(t);
    }
    let has = |w: &str| k.contains(w);
    let word = |w: &str| k.split_whitespace().any(|x| x == w);
    if has("can ngheo") {
        Some(HouseholdTag::NearPoor)
    } else if has("ngheo") {
        Some(HouseholdTag::Poor)
    } else if has("chinh sach") || has("thuong binh") || has("liet si") || has("co cong") {
        Some(HouseholdTag::PolicyFamily)
    } else if has("neo don") || has("mot minh") || word("gia") || has("cao tuoi") {
        Some(HouseholdTag::ElderlyAlone)
    } else if has("khuyet tat") {
        Some(HouseholdTag::Disability)
    } else if has("moi chuyen") || has("moi den") || has("tam tru") {
        Some(HouseholdTag::NewResident)
    } else if has("uu tu") {
        Some(HouseholdTag::OutstandingNonMember)
    } else if has("thue") {
        Some(HouseholdTag::Renting)
    } else {
        None
    }
}

pub fn tags(cell: &Cell) -> Result<Option<Vec<HouseholdTag>>, RowProblem> {
    let Some(t) = text(cell, MAX_TEXT)? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for part in t.split([',', ';', '/', '+', '\n']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let tag = tag_of(&fold(part)).ok_or(RowProblem::UnknownValue {
            value: part.to_string(),
        })?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(Some(out))
}

/// "Nguyễn Văn An (1968)" → ("Nguyễn Văn An", Some(1968)).
pub fn member_ref(t: &str) -> (String, Option<i32>) {
    let t = t.trim();
    if let Some(open) = t.rfind('(')
        && t.ends_with(')')
        && let Ok(y) = t[open + 1..t.len() - 1].trim().parse::<i32>()
        && (1900..=2100).contains(&y)
    {
        return (t[..open].trim().to_string(), Some(y));
    }
    (t.to_string(), None)
}

/// Splits an address written in one cell into its parts:
/// "Số 12, Ngách 3, Ngõ 45 Trần Phú, Tổ dân phố 2" or "12 Trần Phú".
pub fn split_address(s: &str) -> Address {
    let mut a = Address::default();
    let parts: Vec<&str> = s
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    for (i, part) in parts.iter().enumerate() {
        let k = fold(part);
        let starts = |w: &str| k == w || k.starts_with(&format!("{w} "));
        if starts("so nha")
            || (starts("so")
                && k[2..]
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit()))
        {
            let words = if starts("so nha") { 2 } else { 1 };
            a.house_no = drop_words(part, words);
        } else if starts("ngach") {
            a.lane = part.to_string();
        } else if starts("ngo") || starts("hem") || starts("kiet") {
            a.alley = part.to_string();
        } else if starts("to")
            || starts("khu")
            || starts("thon")
            || starts("xom")
            || starts("ap")
            || starts("khom")
        {
            a.area = part.to_string();
        } else if starts("phuong")
            || starts("xa")
            || starts("quan")
            || starts("huyen")
            || starts("thanh pho")
            || starts("tp")
            || starts("tinh")
            || starts("thi xa")
            || starts("thi tran")
        {
            // The ward, district or province: the cell is already in one.
        } else if i == 0 && part.starts_with(|c: char| c.is_ascii_digit()) {
            // "12 Trần Phú" or "12A/3 Lê Lợi": a number, then the street.
            match part.split_once(' ') {
                Some((no, street)) => {
                    a.house_no = no.to_string();
                    a.alley = street.trim().to_string();
                }
                None => a.house_no = part.to_string(),
            }
        } else if a.alley.is_empty() {
            a.alley = part.to_string();
        } else if a.area.is_empty() {
            a.area = part.to_string();
        }
    }
    a
}

fn drop_words(s: &str, n: usize) -> String {
    let mut rest = s.trim();
    for _ in 0..n {
        rest = rest
            .split_once(char::is_whitespace)
            .map_or("", |(_, r)| r)
            .trim_start();
    }
    rest.trim_start_matches([':', '.']).trim().to_string()
}

/// An address part reduced for matching: "Ngõ 45 Trần Phú" and "45 Trần Phú" are the same
/// alley, "Số 12" and "12" the same house.
pub fn address_key(part: &str) -> String {
    let folded = fold(part);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut i = 0;
    while i < words.len()
        && matches!(
            words[i],
            "so" | "nha" | "ngach" | "ngo" | "hem" | "kiet" | "duong" | "pho"
        )
    {
        i += 1;
    }
    words[i..].join(" ")
}

/// A person's name reduced for matching: case and spacing do not count, tone marks do
/// ("Nguyễn Văn An" and "Nguyễn Văn Ân" are two people).
pub fn name_key(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .nfc()
        .collect()
}

/// Households are the same when the same head lives at the same address.
pub fn household_key(head: &str, a: &Address) -> String {
    format!(
        "{}|{}|{}|{}",
        name_key(head),
        address_key(&a.house_no),
        address_key(&a.lane),
        address_key(&a.alley)
    )
}

pub fn status_vi(s: MemberStatus) -> &'static str {
    match s {
        MemberStatus::Active => "Đang sinh hoạt",
        MemberStatus::Exempt => "Miễn sinh hoạt",
        MemberStatus::ElderlyIll => "Già yếu, ốm đau",
        MemberStatus::WorkingAway => "Đi làm xa",
        MemberStatus::OutsideCommune => "Ở ngoài xã, phường",
        MemberStatus::Transferred => "Đã chuyển đi",
    }
}

pub fn gender_vi(g: Gender) -> &'static str {
    match g {
        Gender::Male => "Nam",
        Gender::Female => "Nữ",
        Gender::Other => "",
    }
}

pub fn tag_vi(t: HouseholdTag) -> &'static str {
    match t {
        HouseholdTag::Poor => "Hộ nghèo",
        HouseholdTag::NearPoor => "Hộ cận nghèo",
        HouseholdTag::PolicyFamily => "Gia đình chính sách",
        HouseholdTag::ElderlyAlone => "Người già sống một mình",
        HouseholdTag::Disability => "Có người khuyết tật",
        HouseholdTag::NewResident => "Mới chuyển đến",
        HouseholdTag::OutstandingNonMember => "Có quần chúng ưu tú",
        HouseholdTag::Renting => "Thuê nhà",
    }
}

/// The text of a number cell for messages and previews.
pub fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Number(n) => number_text(*n),
        c => c.text(),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A text cell.
    pub(in crate::features::transfer) fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    /// The day the sheets in these tests are read on.
    pub(in crate::features::transfer) fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn birth_years_come_as_numbers_text_or_dates() {
        assert_eq!(year(&Cell::Number(1965.0), today()), Ok(Some(1965)));
        assert_eq!(year(&t("1965"), today()), Ok(Some(1965)));
        assert_eq!(year(&t("12/03/1965"), today()), Ok(Some(1965)));
        assert_eq!(
            year(
                &Cell::Date(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()),
                today()
            ),
            Ok(Some(1970))
        );
        assert_eq!(year(&Cell::Empty, today()), Ok(None));
        assert_eq!(
            year(&t("năm sáu lăm"), today()),
            Err(RowProblem::NotANumber)
        );
        assert_eq!(
            year(&Cell::Number(1850.0), today()),
            Err(RowProblem::OutOfRange {
                min: 1900,
                max: 2026
            })
        );
        assert_eq!(year(&t("31/02/1965"), today()), Err(RowProblem::BadDate));
    }

    #[test]
    fn dates_read_day_first() {
        let d = |y, m, dd| Ok(Some(NaiveDate::from_ymd_opt(y, m, dd).unwrap()));
        assert_eq!(date(&t("05/03/2024"), today()), d(2024, 3, 5));
        assert_eq!(date(&t("2024-03-05"), today()), d(2024, 3, 5));
        assert_eq!(date(&Cell::Number(45356.0), today()), d(2024, 3, 5));
        assert_eq!(date(&t("05/03/2099"), today()), Err(RowProblem::BadDate));
        assert_eq!(date(&t("hôm qua"), today()), Err(RowProblem::BadDate));
    }

    #[test]
    fn phones_keep_their_leading_zero() {
        assert_eq!(phone(&t("0912 345 678")), Ok(Some("0912345678".into())));
        assert_eq!(
            phone(&Cell::Number(912345678.0)),
            Ok(Some("0912345678".into()))
        );
        assert_eq!(
            phone(&t("+84 912.345.678")),
            Ok(Some("+84912345678".into()))
        );
        assert_eq!(phone(&t("gọi sau")), Err(RowProblem::BadPhone));
        assert_eq!(phone(&t("123")), Err(RowProblem::BadPhone));
    }

    #[test]
    fn choices_are_read_in_vietnamese() {
        assert_eq!(gender(&t("Nữ")), Ok(Some(Gender::Female)));
        assert_eq!(gender(&t("NAM")), Ok(Some(Gender::Male)));
        assert_eq!(status(&t("Miễn sinh hoạt")), Ok(Some(MemberStatus::Exempt)));
        assert_eq!(status(&t("Già yếu")), Ok(Some(MemberStatus::ElderlyIll)));
        assert_eq!(status(&t("Đang sinh hoạt")), Ok(Some(MemberStatus::Active)));
        assert_eq!(status(&t("Đi làm xa")), Ok(Some(MemberStatus::WorkingAway)));
        assert_eq!(
            status(&t("Ở ngoài phường")),
            Ok(Some(MemberStatus::OutsideCommune))
        );
        assert_eq!(
            status(&t("bay")),
            Err(RowProblem::UnknownValue {
                value: "bay".into()
            })
        );
        assert_eq!(member_kind(&t("ĐV 213")), Ok(Some(Kind::Dv213)));
        assert_eq!(member_kind(&t("x")), Ok(Some(Kind::Dv213)));
        assert_eq!(
            tags(&t("Hộ cận nghèo; Thuê nhà")),
            Ok(Some(vec![HouseholdTag::NearPoor, HouseholdTag::Renting]))
        );
        assert_eq!(tags(&t("Hộ nghèo")), Ok(Some(vec![HouseholdTag::Poor])));
        assert_eq!(
            tags(&t("Hộ nghèo, giàu có")),
            Err(RowProblem::UnknownValue {
                value: "giàu có".into()
            })
        );
    }

    #[test]
    fn formulas_without_values_and_errors_are_refused() {
        assert_eq!(
            text(&Cell::Error("#REF!".into()), 100),
            Err(RowProblem::FormulaError {
                code: "#REF!".into()
            })
        );
        assert_eq!(
            text(&t("=SUM(A1:A3)"), 100),
            Err(RowProblem::FormulaWithoutValue)
        );
        assert_eq!(text(&t("=B2"), 100), Err(RowProblem::FormulaWithoutValue));
        assert_eq!(text(&t("= vui vẻ"), 100), Ok(Some("= vui vẻ".into())));
        assert_eq!(text(&t("abc"), 2), Err(RowProblem::TooLong { max: 2 }));
    }

    #[test]
    fn addresses_in_one_cell_are_split() {
        let a = split_address("Số 12, Ngách 3, Ngõ 45 Trần Phú, Tổ dân phố 2, Phường Tân Hòa");
        assert_eq!(a.house_no, "12");
        assert_eq!(a.lane, "Ngách 3");
        assert_eq!(a.alley, "Ngõ 45 Trần Phú");
        assert_eq!(a.area, "Tổ dân phố 2");
        let b = split_address("12A Lê Lợi");
        assert_eq!((b.house_no.as_str(), b.alley.as_str()), ("12A", "Lê Lợi"));
        let c = split_address("số nhà 7, hẻm 3");
        assert_eq!((c.house_no.as_str(), c.alley.as_str()), ("7", "hẻm 3"));
    }

    #[test]
    fn the_same_household_is_recognised_however_the_address_is_written() {
        let a = Address {
            house_no: "Số 12".into(),
            alley: "Ngõ 45 Trần Phú".into(),
            ..Default::default()
        };
        let b = Address {
            house_no: "12".into(),
            alley: "45 tran phu".into(),
            area: "Tổ 2".into(),
            ..Default::default()
        };
        assert_eq!(
            household_key("Nguyễn Văn An", &a),
            household_key("NGUYỄN VĂN AN", &b)
        );
        assert_ne!(
            household_key("Nguyễn Văn An", &a),
            household_key("Nguyễn Văn Ân", &a)
        );
    }

    #[test]
    fn member_names_may_carry_their_birth_year() {
        assert_eq!(
            member_ref("Nguyễn Văn An (1968)"),
            ("Nguyễn Văn An".into(), Some(1968))
        );
        assert_eq!(member_ref("Nguyễn Văn An"), ("Nguyễn Văn An".into(), None));
        assert_eq!(member_ref("Lê (Tí)"), ("Lê (Tí)".into(), None));
    }
}
