//! The sample files of imports (`app/tests/fixtures/import/`), and how they are made.
//! The files are kept in the repository so that people can open them and the browser tests
//! can upload them; `cargo test -p app --features ssr --test transfer_db -- --ignored
//! write_fixtures` writes them again after a change here.
#![allow(dead_code)]

use std::path::PathBuf;

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Formula, Workbook};

pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

pub fn path(name: &str) -> PathBuf {
    dir().join(name)
}

pub fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A cell's members: (name, birth year, gender, phone, house no, alley, status, kind, workplace).
pub type MemberRow = (
    &'static str,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The members, one row each.
pub const MEMBERS: &[MemberRow] = &[
    (
        "Kiều Minh Tuấn",
        1962,
        "Nam",
        "0913 456 101",
        "5",
        "Ngõ 12 Hàng Than",
        "Đang sinh hoạt",
        "",
        "",
    ),
    (
        "Tạ Thị Bích Ngọc",
        1970,
        "Nữ",
        "0983 220 114",
        "21",
        "Ngõ 12 Hàng Than",
        "Đang sinh hoạt",
        "",
        "",
    ),
    (
        "Khổng Văn Lực",
        1941,
        "Nam",
        "",
        "7",
        "Ngõ 14 Hàng Than",
        "Già yếu",
        "",
        "",
    ),
    (
        "Lã Thị Thu Trang",
        1985,
        "Nữ",
        "0904 771 236",
        "3A",
        "Ngõ 14 Hàng Than",
        "Đang sinh hoạt",
        "",
        "",
    ),
    (
        "Mạc Đức Hiển",
        1979,
        "Nam",
        "0936 118 452",
        "40",
        "Hàng Than",
        "Đi làm xa",
        "ĐV 213",
        "Công ty Điện lực Ba Đình",
    ),
    (
        "Quách Thị Hạnh",
        1952,
        "Nữ",
        "",
        "9",
        "Ngõ 12 Hàng Than",
        "Miễn sinh hoạt",
        "",
        "",
    ),
];

/// A cell's households: (head, house no, alley, people, tags, phone, member, since d/m/y).
pub type HouseholdRow = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    &'static str,
    &'static str,
    (u16, u8, u8),
);

pub const HOUSEHOLDS: &[HouseholdRow] = &[
    (
        "Cù Văn Thọ",
        "2",
        "Ngõ 12 Hàng Than",
        4,
        "",
        "0912 301 222",
        "Kiều Minh Tuấn",
        (2024, 1, 15),
    ),
    (
        "Thái Thị Lụa",
        "4",
        "Ngõ 12 Hàng Than",
        2,
        "Hộ cận nghèo",
        "",
        "Kiều Minh Tuấn",
        (2024, 1, 15),
    ),
    (
        "Âu Đức Phong",
        "6",
        "Ngõ 12 Hàng Than",
        5,
        "",
        "0988 121 343",
        "Kiều Minh Tuấn",
        (2024, 1, 15),
    ),
    (
        "Cao Thị Nụ",
        "8",
        "Ngõ 12 Hàng Than",
        1,
        "Người già sống một mình",
        "",
        "Kiều Minh Tuấn",
        (2024, 3, 1),
    ),
    (
        "Giang Văn Khải",
        "10",
        "Ngõ 12 Hàng Than",
        3,
        "",
        "",
        "Tạ Thị Bích Ngọc",
        (2024, 3, 1),
    ),
    (
        "Tôn Thất Bảo",
        "12",
        "Ngõ 12 Hàng Than",
        6,
        "Gia đình chính sách",
        "0977 450 118",
        "Tạ Thị Bích Ngọc",
        (2024, 3, 1),
    ),
    (
        "Ông Thị Mận",
        "14",
        "Ngõ 12 Hàng Than",
        2,
        "Hộ nghèo; Có người khuyết tật",
        "",
        "Tạ Thị Bích Ngọc",
        (2024, 3, 1),
    ),
    (
        "Doãn Văn Hậu",
        "1",
        "Ngõ 14 Hàng Than",
        4,
        "",
        "0903 558 610",
        "Lã Thị Thu Trang",
        (2025, 6, 10),
    ),
    (
        "Lục Thị Hoa",
        "3",
        "Ngõ 14 Hàng Than",
        3,
        "Thuê nhà",
        "",
        "Lã Thị Thu Trang",
        (2025, 6, 10),
    ),
    (
        "Nông Văn Dũng",
        "5",
        "Ngõ 14 Hàng Than",
        5,
        "",
        "",
        "Lã Thị Thu Trang (1985)",
        (2025, 6, 10),
    ),
    (
        "Khúc Thị Sen",
        "9",
        "Ngõ 14 Hàng Than",
        2,
        "Mới chuyển đến",
        "",
        "Mạc Đức Hiển",
        (2025, 9, 1),
    ),
    (
        "Yên Văn Tài",
        "11",
        "Ngõ 14 Hàng Than",
        3,
        "",
        "",
        "",
        (2025, 9, 1),
    ),
];

fn bold() -> Format {
    Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_text_wrap()
}

/// `dang-vien.xlsx`: a title, a blank row, then the headers; one member per row.
pub fn members_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Danh sách đảng viên").unwrap();
    ws.write_string(0, 0, "DANH SÁCH ĐẢNG VIÊN CHI BỘ TỔ DÂN PHỐ SỐ 4")
        .unwrap();
    let headers = [
        "STT",
        "Họ và tên",
        "Năm sinh",
        "Giới tính",
        "Số điện thoại",
        "Số nhà",
        "Ngõ",
        "Tình trạng",
        "Loại đảng viên",
        "Nơi công tác",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &bold())
            .unwrap();
    }
    for (i, m) in MEMBERS.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_string(r, 1, m.0).unwrap();
        ws.write_number(r, 2, m.1 as f64).unwrap();
        ws.write_string(r, 3, m.2).unwrap();
        ws.write_string(r, 4, m.3).unwrap();
        ws.write_string(r, 5, m.4).unwrap();
        ws.write_string(r, 6, m.5).unwrap();
        ws.write_string(r, 7, m.6).unwrap();
        ws.write_string(r, 8, m.7).unwrap();
        ws.write_string(r, 9, m.8).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// `ho-gia-dinh.xlsx`: a title, headers over two rows ("Địa chỉ" merged over "Số nhà" and
/// "Ngõ"), row numbers as formulas, a phone typed as a number (its leading 0 lost), dates
/// as dates.
pub fn households_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Hộ gia đình").unwrap();
    let b = bold();
    ws.merge_range(
        0,
        0,
        0,
        8,
        "DANH SÁCH HỘ GIA ĐÌNH VÀ ĐẢNG VIÊN PHỤ TRÁCH",
        &b,
    )
    .unwrap();
    for (c, h) in [(0u16, "STT"), (1, "Chủ hộ")] {
        ws.merge_range(2, c, 3, c, h, &b).unwrap();
    }
    ws.merge_range(2, 2, 2, 3, "Địa chỉ", &b).unwrap();
    ws.write_string_with_format(3, 2, "Số nhà", &b).unwrap();
    ws.write_string_with_format(3, 3, "Ngõ", &b).unwrap();
    for (c, h) in [
        (4u16, "Nhân khẩu"),
        (5, "Diện"),
        (6, "Điện thoại"),
        (7, "Đảng viên phụ trách"),
        (8, "Phụ trách từ ngày"),
    ] {
        ws.merge_range(2, c, 3, c, h, &b).unwrap();
    }
    let day = Format::new().set_num_format("dd/mm/yyyy");
    for (i, h) in HOUSEHOLDS.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_formula(
            r,
            0,
            Formula::new("=ROW()-4").set_result((i + 1).to_string()),
        )
        .unwrap();
        ws.write_string(r, 1, h.0).unwrap();
        ws.write_string(r, 2, h.1).unwrap();
        ws.write_string(r, 3, h.2).unwrap();
        ws.write_number(r, 4, h.3 as f64).unwrap();
        ws.write_string(r, 5, h.4).unwrap();
        if i == 0 {
            // Typed as a number: Excel shows 912301222.
            ws.write_number(r, 6, 912_301_222.0).unwrap();
        } else {
            ws.write_string(r, 6, h.5).unwrap();
        }
        ws.write_string(r, 7, h.6).unwrap();
        let (y, m, d) = h.7;
        let dt = ExcelDateTime::from_ymd(y, m, d).unwrap();
        ws.write_datetime_with_format(r, 8, &dt, &day).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn household_lines(changed: bool) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "STT".to_string(),
        "Họ và tên chủ hộ".into(),
        "Địa chỉ".into(),
        "Số nhân khẩu".into(),
        "Diện hộ".into(),
        "SĐT".into(),
        "Đảng viên phụ trách".into(),
        "Ngày phân công".into(),
    ]];
    let mut list: Vec<HouseholdRow> = HOUSEHOLDS.to_vec();
    if changed {
        // A baby was born at Cù Văn Thọ's, and a new family moved in.
        list[0].3 = 5;
        list.push((
            "Hà Thị Xuyến",
            "13",
            "Ngõ 14 Hàng Than",
            2,
            "Mới chuyển đến",
            "0868 200 311",
            "Lã Thị Thu Trang",
            (2026, 10, 1),
        ));
    }
    for (i, h) in list.iter().enumerate() {
        let (y, m, d) = h.7;
        rows.push(vec![
            (i + 1).to_string(),
            h.0.into(),
            format!("Số {}, {}", h.1, h.2),
            h.3.to_string(),
            h.4.into(),
            h.5.into(),
            h.6.into(),
            format!("{d:02}/{m:02}/{y}"),
        ]);
    }
    rows
}

fn csv_text(rows: &[Vec<String>], sep: u8) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(sep)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap())
        .unwrap()
        .replace('\n', "\r\n")
}

/// `ho-gia-dinh-cap-nhat.csv`: the same households a month later (one more person in the
/// first, one new family), UTF-8 with a BOM, the address in one column.
pub fn households_updated_csv() -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend_from_slice(csv_text(&household_lines(true), b',').as_bytes());
    out
}

/// `ho-gia-dinh-windows-1258.csv`: the households as an old Vietnamese Excel saves them:
/// Windows-1258 with tone marks as separate characters, separated by semicolons.
pub fn households_1258_csv() -> Vec<u8> {
    windows_1258(&csv_text(&household_lines(false), b';'))
}

/// `ho-gia-dinh-utf16.txt`: the households as Excel's "Unicode text": UTF-16 LE with a
/// BOM, separated by tabs.
pub fn households_utf16_txt() -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in csv_text(&household_lines(false), b'\t').encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// `ho-gia-dinh-loi.csv`: a file with a problem on almost every row.
pub fn households_broken_csv() -> Vec<u8> {
    let rows = [
        "Chủ hộ,Số nhà,Ngõ,Nhân khẩu,Điện thoại,Diện,Đảng viên phụ trách,Phụ trách từ ngày",
        "Cù Văn Thọ,2,Ngõ 12 Hàng Than,4,0912 301 222,,Kiều Minh Tuấn,15/01/2024",
        ",4,Ngõ 12 Hàng Than,2,,,Kiều Minh Tuấn,",
        "Âu Đức Phong,6,Ngõ 12 Hàng Than,ba,,,,",
        "Cao Thị Nụ,8,Ngõ 12 Hàng Than,150,,,,",
        "Giang Văn Khải,10,Ngõ 12 Hàng Than,3,gọi sau,,,",
        "Tôn Thất Bảo,12,Ngõ 12 Hàng Than,6,,giàu có,,",
        "Ông Thị Mận,14,Ngõ 12 Hàng Than,2,,,Người Không Có,",
        "Doãn Văn Hậu,1,Ngõ 14 Hàng Than,4,,,Khổng Văn Lực,",
        "Lục Thị Hoa,3,Ngõ 14 Hàng Than,3,,,,31/02/2024",
        "Nông Văn Dũng,5,Ngõ 14 Hàng Than,#REF!,,,,",
        "Cù Văn Thọ,Số 2,12 Hàng Than,4,,,,",
    ];
    let mut out = rows.join("\r\n");
    out.push_str("\r\n");
    out.into_bytes()
}

/// The problems `ho-gia-dinh-loi.csv` must show, in order.
pub const BROKEN_PROBLEMS: &[&str] = &[
    "Dòng 3, cột \"Chủ hộ\": cần nhập.",
    "Dòng 4, cột \"Nhân khẩu\": không phải là số.",
    "Dòng 5, cột \"Nhân khẩu\": phải từ 1 đến 100.",
    "Dòng 6, cột \"Điện thoại\": số điện thoại không hợp lệ.",
    "Dòng 7, cột \"Diện\": không hiểu giá trị \"giàu có\".",
    "Dòng 8, cột \"Đảng viên phụ trách\": không có đảng viên \"Người Không Có\" trong chi bộ.",
    "Dòng 9, cột \"Đảng viên phụ trách\": đảng viên \"Khổng Văn Lực\" đang miễn sinh hoạt, già yếu hoặc đã chuyển đi, không phân công được.",
    "Dòng 10, cột \"Phụ trách từ ngày\": ngày không hợp lệ (ghi theo dạng ngày/tháng/năm).",
    "Dòng 11, cột \"Nhân khẩu\": ô có lỗi công thức #REF!.",
    "Dòng 12, cột \"Chủ hộ\": trùng với dòng 2.",
];

/// `trang-trong.xlsx`: a workbook whose only sheet is empty.
pub fn empty_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    wb.add_worksheet().set_name("Trang 1").unwrap();
    wb.save_to_buffer().unwrap()
}

/// `tep-hong.xlsx`: the first kilobytes of a workbook, cut off as by a failed download.
pub fn broken_xlsx() -> Vec<u8> {
    let whole = households_xlsx();
    whole[..whole.len() / 3].to_vec()
}

/// Every sample file, by name.
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("dang-vien.xlsx", members_xlsx()),
        ("ho-gia-dinh.xlsx", households_xlsx()),
        ("ho-gia-dinh-cap-nhat.csv", households_updated_csv()),
        ("ho-gia-dinh-windows-1258.csv", households_1258_csv()),
        ("ho-gia-dinh-utf16.txt", households_utf16_txt()),
        ("ho-gia-dinh-loi.csv", households_broken_csv()),
        ("trang-trong.xlsx", empty_xlsx()),
        ("tep-hong.xlsx", broken_xlsx()),
    ]
}

/// Text as a Vietnamese Windows-1258 export writes it: the letters the code page has
/// (ă, ơ, ư…) whole, tone marks as separate combining characters.
pub fn windows_1258(s: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
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
