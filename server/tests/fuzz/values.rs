//! The values of a call: realistic ones, hostile ones, and the catalogues each kind of
//! argument is tried with, as a tree of fields before it is written on the wire.

use chrono::NaiveDate;

use super::table::*;

/// One value of a call, before it is written as a form, JSON or multipart.
#[derive(Clone, Debug)]
pub enum Scalar {
    Num(i64),
    Str(String),
    Bool(bool),
    /// A JSON token as it is (`1e309`, `NaN`); in a form or a part, its text.
    Raw(&'static str),
    /// Bytes as they go on the wire: in a form the text as it is (`%ff`, a lone `%`), in
    /// JSON and multipart the raw bytes.
    Wire(&'static str, &'static [u8]),
    /// A file part: its name and bytes.
    File(String, Vec<u8>),
    /// A version still to be read: `sql` with the id, plus `offset`.
    Pending(&'static str, i64, i64),
}

#[derive(Clone, Debug)]
pub enum Node {
    Leaf(Scalar),
    Obj(Vec<(String, Node)>),
    /// Items with their indices (`rows[7][member]`).
    List(Vec<(usize, Node)>),
    /// An option left out (`null` in JSON).
    Absent,
}

impl Node {
    pub fn num(&self) -> Option<i64> {
        match self {
            Node::Leaf(Scalar::Num(n)) => Some(*n),
            _ => None,
        }
    }
}

/// Text that must be refused, or accepted as plain text, and never break anything.
pub const HOSTILE: &[&str] = &[
    "",
    " ",
    "\t\r\n",
    "-1",
    "0",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "99999999999999999999",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "1.5",
    "0x10",
    "1_000",
    "+7",
    " 7",
    "abc",
    "true",
    "null",
    "[]",
    "{}",
    "2026-02-30",
    "0000-01-01",
    "+275760-09-13",
    "+262143-12-31",
    "-262144-01-01",
    "262143-12-31",
    "9999-12-31",
    "2026-13-01",
    "2026-1-1",
    "2026-00",
    "9999-99",
    "2026-h3",
    "0000",
    "2101",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'; DROP TABLE users; --",
    "' OR '1'='1",
    "1 OR 1=1",
    "%' --",
    "\0",
    "a\0b",
    "\u{1}\u{2}\u{7f}\u{85}\u{9f}",
    "\u{202e}gnp.exe\u{202c}",
    "\u{200b}\u{feff}",
    "\u{fffd}",
    "👨‍👩‍👧‍👦",
    "/é",
    "/cells?q=Nguyễn",
    "/\u{7f}",
    "//evil.example/",
    "https://evil.example",
    "/\\evil",
    "../../../../etc/passwd",
    "\r\nSet-Cookie: a=b",
    "C:\\Windows\\win.ini",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "%s%s%s%n",
];

pub const EDGE_NUMBERS: &[i64] = &[
    0,
    -1,
    1,
    i64::MAX,
    i64::MIN,
    i32::MAX as i64 + 1,
    u32::MAX as i64 + 1,
    999_999,
];

pub const RAW_TOKENS: &[&str] = &[
    "99999999999999999999",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "-0",
    "0.5",
    "1e2",
    "true",
    "null",
    "[]",
    "{}",
    "\"\\ud800\"",
    "0x1f",
    "+1",
    "--1",
    "\"1\"",
];

pub const WIRE: &[(&str, &[u8])] = &[
    ("%ff", &[0xff]),
    ("%c0%af", &[0xc0, 0xaf]),
    ("%ed%a0%80", &[0xed, 0xa0, 0x80]),
    ("%", b"%"),
    ("%z", b"%z"),
    ("%00", &[0]),
    ("a%fe%ffb", &[b'a', 0xfe, 0xff, b'b']),
];

pub fn pick<'a, T>(rng: &mut fastrand::Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.usize(..xs.len())]
}

pub fn hostile(rng: &mut fastrand::Rng) -> Scalar {
    match rng.u32(..100) {
        0..=59 => Scalar::Str(pick(rng, HOSTILE).to_string()),
        60..=67 => Scalar::Str(match rng.u32(..5) {
            0 => "a".repeat(100_000),
            1 => "ễ".repeat(30_000),
            2 => "9".repeat(5_000),
            3 => "<script>".repeat(5_000),
            _ => "\0".repeat(20_000),
        }),
        68..=79 => Scalar::Num(*pick(rng, EDGE_NUMBERS)),
        80..=91 => Scalar::Raw(RAW_TOKENS[rng.usize(..RAW_TOKENS.len())]),
        _ => {
            let (text, bytes) = *pick(rng, WIRE);
            Scalar::Wire(text, bytes)
        }
    }
}

pub const TEXTS: &[&str] = &[
    "Đường ngõ 12 bị ngập khi mưa to",
    "Hộ đề nghị lắp thêm đèn chiếu sáng",
    "Đã trao đổi với tổ trưởng tổ dân phố",
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Họp chi bộ định kỳ",
    "Ngõ 5",
    "",
];

/// The demo files an upload sends, by name.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../app/tests/fixtures/import")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub const SPREADSHEETS: &[&str] = &[
    "ho-gia-dinh-cap-nhat.csv",
    "ho-gia-dinh.xlsx",
    "dang-vien.xlsx",
    "ho-gia-dinh-loi.csv",
    "ho-gia-dinh-windows-1258.csv",
];

/// Files an upload may carry that are not what they say, or nothing at all.
pub fn hostile_files(kind: Upload) -> Vec<Scalar> {
    let mut rng = fastrand::Rng::with_seed(7);
    (0..18)
        .map(|i| hostile_file_n(&mut rng, kind, i % 9, i % 6))
        .collect()
}

pub fn hostile_file(rng: &mut fastrand::Rng, kind: Upload) -> Scalar {
    let (n, m) = (rng.u32(..9), rng.u32(..6));
    hostile_file_n(rng, kind, n, m)
}

pub fn hostile_file_n(rng: &mut fastrand::Rng, kind: Upload, n: u32, m: u32) -> Scalar {
    let junk: Vec<u8> = (0..rng.usize(1..4096)).map(|_| rng.u8(..)).collect();
    let (name, bytes): (&str, Vec<u8>) = match n {
        0 => ("trong.csv", Vec::new()),
        1 => ("rac.xlsx", junk),
        2 => ("hong.xlsx", {
            let mut b = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
            b.extend(junk);
            b
        }),
        3 => ("nul.csv", b"Ch\0u ho\0,So nha\n\0\0\0,\0\n".to_vec()),
        4 => (
            "sai-bang-ma.csv",
            vec![0xff, 0xfe, 0xfd, b',', b'\n', 0xc0, 0xaf],
        ),
        5 => ("hong-tep.xlsx", {
            let mut b = fixture("ho-gia-dinh.xlsx");
            b.truncate(b.len() / 2);
            b
        }),
        6 => ("giai-thich.pdf", b"%PDF-1.4\n%%EOF".to_vec()),
        7 => ("anh.png", b"\x89PNG\r\n\x1a\n".to_vec()),
        _ => ("chuong-trinh.exe", b"MZ\x90\x00".to_vec()),
    };
    let name = match m {
        0 => "../../../etc/passwd".to_string(),
        1 => "a".repeat(5_000),
        2 => "t\u{202e}xslx.exe".to_string(),
        3 => "\"; name=\"cell\"".to_string(),
        _ => match kind {
            Upload::Spreadsheet => name.to_string(),
            Upload::Answer => name.replace(".csv", ".pdf"),
        },
    };
    Scalar::File(name, bytes)
}

/// One argument that decides who may be answered, with every value the call gave it.
pub struct Slot {
    pub key: String,
    pub entity: Entity,
    pub need: Need,
    pub values: Vec<Scalar>,
}

/// A text value.
pub fn leaf(t: impl std::fmt::Display) -> Node {
    Node::Leaf(Scalar::Str(t.to_string()))
}

/// A step into the arguments: a field by name, or a list's first row.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    Field(&'static str),
    Row,
}

/// Every argument, nested ones too (a list's first row stands for all of them).
pub fn arg_targets<'t>(args: &'t [Arg], prefix: &[Step], out: &mut Vec<(Vec<Step>, &'t Shape)>) {
    for arg in args {
        let mut here = prefix.to_vec();
        here.push(Step::Field(arg.name));
        out.push((here.clone(), &arg.shape));
        let mut shape = &arg.shape;
        while let Shape::Opt(inner) = shape {
            shape = inner;
        }
        match shape {
            Shape::Struct(of) => arg_targets(of, &here, out),
            Shape::List { of, .. } => {
                here.push(Step::Row);
                arg_targets(of, &here, out);
            }
            _ => {}
        }
    }
}

/// Where the steps lead in a tree of values, if it has that place.
pub fn locate(tree: &Node, steps: &[Step]) -> Option<Vec<usize>> {
    let mut node = tree;
    let mut path = Vec::new();
    for step in steps {
        let (i, next) = match (step, node) {
            (Step::Field(name), Node::Obj(fields)) => fields
                .iter()
                .enumerate()
                .find(|(_, (k, _))| k == name)
                .map(|(i, (_, n))| (i, n))?,
            (Step::Row, Node::List(items)) => items.first().map(|(_, n)| (0, n))?,
            _ => return None,
        };
        path.push(i);
        node = next;
    }
    Some(path)
}

/// One value of a catalogue, put in place of an argument.
pub enum Val {
    Put(Node),
    /// The list's first row alone, at this index.
    Sparse(usize),
    /// The list's first row this many times.
    Repeat(usize),
}

impl Val {
    pub fn apply(self, node: &mut Node) {
        let first = match node {
            Node::List(items) => items.first().map(|(_, n)| n.clone()),
            _ => None,
        }
        .unwrap_or(Node::Leaf(Scalar::Num(1)));
        *node = match self {
            Val::Put(n) => n,
            Val::Sparse(i) => Node::List(vec![(i, first)]),
            Val::Repeat(n) => Node::List((0..n).map(|i| (i, first.clone())).collect()),
        };
    }
}

/// The values every argument of a kind is tried with.
pub fn catalogue(shape: &Shape, today: NaiveDate) -> Vec<Val> {
    use Scalar::*;
    let put = |s: Scalar| Val::Put(Node::Leaf(s));
    let strs = |xs: &[&str]| -> Vec<Val> { xs.iter().map(|x| put(Str(x.to_string()))).collect() };
    let numbers = || {
        let mut v = strs(&[
            "",
            "-1",
            "9223372036854775808",
            "99999999999999999999",
            "1.5",
            "abc",
            "+7",
            " 7",
        ]);
        v.extend([0, i64::MAX, i64::MIN].map(|n| put(Num(n))));
        v.extend(["1e309", "NaN", "-0"].map(|t| put(Raw(t))));
        v.push(put(Wire("%ff", &[0xff])));
        v
    };
    let dates = || {
        let mut v = strs(&[
            "",
            "2026-02-30",
            "0000-01-01",
            "+275760-09-13",
            "+262143-12-31",
            "-262144-01-01",
            "262143-12-31",
            "9999-12-31",
            "1900-01-01",
            "2026-13-01",
            "2026-1-1",
            "2026-00",
            "2000-01",
            "2100-12",
            "9999-99",
            "2026-h3",
            "2100",
            "0000",
        ]);
        v.push(put(Str(format!(" {} ", today.format("%Y-%m-%d")))));
        v.push(put(Str("9".repeat(5_000))));
        v
    };
    let texts = || {
        let mut v = strs(&[
            "",
            " ",
            "<script>alert(1)</script>",
            "'; DROP TABLE users; --",
            "\0",
            "a\0b",
            "\u{1}\u{7f}\u{9f}",
            "\u{202e}gnp.exe\u{202c}",
            "👨‍👩‍👧‍👦",
            "/é",
            "//evil.example/",
            "\r\nSet-Cookie: a=b",
        ]);
        v.push(put(Str("a".repeat(100_000))));
        v.push(put(Str("ễ".repeat(30_000))));
        v.push(put(Wire("%ff", &[0xff])));
        v.push(put(Wire("%ed%a0%80", &[0xed, 0xa0, 0x80])));
        v
    };
    let structure = || {
        vec![
            Val::Sparse(100_000),
            Val::Sparse(usize::MAX),
            Val::Repeat(2_000),
            put(Str("x".into())),
            Val::Put(Node::Obj(vec![("a".into(), Node::Leaf(Num(1)))])),
        ]
    };
    match shape {
        Shape::Id(..) | Shape::Version { .. } | Shape::Int(_) | Shape::Year | Shape::Half => {
            numbers()
        }
        Shape::Bool => {
            let mut v = numbers();
            v.extend(strs(&["yes", "on", "TRUE"]));
            v.push(put(Raw("\"true\"")));
            v
        }
        Shape::Date | Shape::DateOrEmpty | Shape::Month | Shape::Period | Shape::YearOrEmpty => {
            dates()
        }
        Shape::OfJob("mapping") => {
            let mut v = texts();
            v.extend(strs(&[",,,,,,,,,,", "head_name,head_name", "member,since"]));
            v.push(put(Str("head_name,".repeat(5_000))));
            v
        }
        Shape::Opt(inner) => catalogue(inner, today),
        Shape::List { .. } | Shape::Topics => {
            let mut v = structure();
            v.push(Val::Put(Node::List(vec![(
                0,
                Node::Leaf(Str("a".repeat(100_000))),
            )])));
            v
        }
        Shape::Struct(_) => vec![
            put(Str("x".into())),
            Val::Put(Node::List(vec![(0, Node::Leaf(Num(1)))])),
            Val::Put(Node::Obj(vec![])),
        ],
        Shape::File(kind) => hostile_files(*kind).into_iter().map(put).collect(),
        _ => texts(),
    }
}

pub fn node_paths(node: &Node, here: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(here.clone());
    let children: Vec<&Node> = match node {
        Node::Obj(f) => f.iter().map(|(_, n)| n).collect(),
        Node::List(items) => items.iter().map(|(_, n)| n).collect(),
        _ => vec![],
    };
    for (i, c) in children.into_iter().enumerate() {
        here.push(i);
        node_paths(c, here, out);
        here.pop();
    }
}

pub fn node_at<'n>(node: &'n mut Node, path: &[usize]) -> &'n mut Node {
    let mut n = node;
    for &i in path {
        n = match n {
            Node::Obj(f) => &mut f[i].1,
            Node::List(items) => &mut items[i].1,
            _ => unreachable!("a path through a leaf"),
        };
    }
    n
}

pub fn remove_at(tree: &mut Node, path: &[usize]) {
    let (last, parent) = path.split_last().expect("not the root");
    match node_at(tree, parent) {
        Node::Obj(f) => {
            f.remove(*last);
        }
        Node::List(items) => {
            items.remove(*last);
        }
        _ => {}
    }
}

/// The argument slots that decide who may be answered, as the tree gives them.
pub fn slots(args: &[Arg], node: &Node, prefix: &str, out: &mut Vec<Slot>) {
    let Node::Obj(fields) = node else { return };
    for arg in args {
        let Some((_, value)) = fields.iter().find(|(k, _)| k == arg.name) else {
            continue;
        };
        let key = if prefix.is_empty() {
            arg.name.to_string()
        } else {
            format!("{prefix}[{}]", arg.name)
        };
        shape_slots(&arg.shape, value, key, out);
    }
}

pub fn shape_slots(shape: &Shape, value: &Node, key: String, out: &mut Vec<Slot>) {
    match (shape, value) {
        (Shape::Id(entity, Some(need)), Node::Leaf(v)) => out.push(Slot {
            key,
            entity: *entity,
            need: *need,
            values: vec![v.clone()],
        }),
        (Shape::Opt(inner), v) => shape_slots(inner, v, key, out),
        (Shape::Struct(of), v @ Node::Obj(_)) => slots(of, v, &key, out),
        (Shape::List { of, .. }, Node::List(items)) => {
            for (i, item) in items {
                slots(of, item, &format!("{key}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// An id as the server reads it from this value, if it reads one at all.
pub fn as_id(v: &Scalar, input: Input) -> Option<i64> {
    let text = match v {
        Scalar::Num(n) => return Some(*n),
        Scalar::Str(s) => s.as_str(),
        Scalar::Raw(t) => *t,
        _ => return None,
    };
    match (input, v) {
        (Input::Json, Scalar::Raw(t)) => serde_json::from_str::<i64>(t).ok(),
        (Input::Json, _) => None,
        (Input::Multipart, _) => text.trim().parse().ok(),
        (Input::Form, _) => text.parse().ok(),
    }
}

pub fn scalar_text(v: &Scalar) -> String {
    match v {
        Scalar::Num(n) => n.to_string(),
        Scalar::Str(s) => s.clone(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Raw(t) => t.to_string(),
        Scalar::Wire(t, _) => t.to_string(),
        Scalar::File(name, _) => name.clone(),
        Scalar::Pending(..) => "?".to_string(),
    }
}

/// Text fit for a report: runs of one character shortened, control characters escaped,
/// at most a few hundred characters.
pub fn show(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let mut run = 1;
        while chars.peek() == Some(&c) {
            chars.next();
            run += 1;
        }
        let c: String = if c.is_control() || c == '\u{202e}' || c == '\u{202c}' {
            c.escape_unicode().to_string()
        } else {
            c.to_string()
        };
        if run > 8 {
            out.push_str(&format!("«{c}×{run}»"));
        } else {
            for _ in 0..run {
                out.push_str(&c);
            }
        }
        if out.len() > 700 {
            out.push('…');
            break;
        }
    }
    out
}
