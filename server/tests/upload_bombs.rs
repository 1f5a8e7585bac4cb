//! Uploads that would take the server down, sent to the real `ganbo` binary: ODS with
//! millions of repeated rows and cells, an XLSX with millions of shared texts, an XLSX whose
//! zip lies about its sizes, an XLS whose grid covers a whole sheet, a CSV of one endless
//! line. Seven at once: each is refused, `/health` and a page keep answering meanwhile, and
//! the server's peak memory stays under [`PEAK_MB`].

use std::io::{Cursor, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server's peak resident memory (VmHWM) may not pass this. The demo ward's server
/// stays under 100 MB; before the limits, one ODS of these took it past 1.2 GB.
const PEAK_MB: u64 = 400;

/// The running server; killed when dropped, even when the test fails.
struct Server {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ganbo"));
        cmd.args(["serve", "--demo"])
            .current_dir(dir.path())
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/ganbo.sqlite", dir.path().display()),
            )
            .env("LEPTOS_SITE_ADDR", &addr)
            .env("GANBO_IMPORT_DIR", dir.path().join("imports"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match std::env::var("GANBO_TODAY") {
            Ok(day) => cmd.env("GANBO_TODAY", day),
            Err(_) => cmd.env_remove("GANBO_TODAY"),
        };
        let server = Server {
            child: cmd.spawn().expect("the ganbo binary starts"),
            addr,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(a) = server.get("/health", None)
                && a.status == 200
            {
                return server;
            }
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn request(&self, head: &str, body: &[u8]) -> std::io::Result<Answer> {
        let mut s = TcpStream::connect(&self.addr)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        s.write_all(head.as_bytes())?;
        s.write_all(body)?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)?;
        Ok(Answer::parse(&raw))
    }

    fn get(&self, path: &str, cookie: Option<&str>) -> std::io::Result<Answer> {
        let cookie = cookie
            .map(|c| format!("Cookie: {c}\r\n"))
            .unwrap_or_default();
        self.request(
            &format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/html\r\n{cookie}Connection: close\r\n\r\n",
                self.addr
            ),
            b"",
        )
    }

    fn post(&self, path: &str, content_type: &str, cookie: Option<&str>, body: &[u8]) -> Answer {
        let cookie = cookie
            .map(|c| format!("Cookie: {c}\r\n"))
            .unwrap_or_default();
        self.request(
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nAccept: application/json\r\n{cookie}Content-Length: {}\r\nConnection: close\r\n\r\n",
                self.addr,
                body.len()
            ),
            body,
        )
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    fn sign_in(&self, username: &str) -> String {
        let a = self.post(
            "/api/auth/sign_in",
            "application/x-www-form-urlencoded",
            None,
            format!("form[username]={username}&form[password]=ganbo-demo").as_bytes(),
        );
        assert_eq!(a.status, 200, "{}", a.body);
        let cookie = a
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.split(';').next().unwrap().to_string());
        cookie.expect("a session cookie")
    }

    fn upload(&self, cookie: &str, cell: i64, name: &str, bytes: &[u8]) -> Answer {
        const B: &str = "----ganbo-bomb-boundary-51kfP2";
        let mut body = format!(
            "--{B}\r\nContent-Disposition: form-data; name=\"cell\"\r\n\r\n{cell}\r\n--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{B}--\r\n").as_bytes());
        self.post(
            "/api/transfer/upload_file",
            &format!("multipart/form-data; boundary={B}"),
            Some(cookie),
            &body,
        )
    }

    /// The server's peak resident memory so far, in MB.
    fn peak_mb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM");
        kb / 1024
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn parse(raw: &[u8]) -> Answer {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete answer");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        let chunked = headers.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
        });
        if chunked {
            let mut out = Vec::new();
            let mut rest = &body[..];
            while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
                let size = usize::from_str_radix(
                    String::from_utf8_lossy(&rest[..eol])
                        .split(';')
                        .next()
                        .unwrap()
                        .trim(),
                    16,
                )
                .unwrap_or(0);
                if size == 0 {
                    break;
                }
                out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
                rest = &rest[eol + 4 + size..];
            }
            body = out;
        }
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// The file problem of a refused upload, as its JSON names it (`"TooManyCells"`).
    fn problem(&self) -> String {
        let v: serde_json::Value = serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body));
        let p = &v["Invalid"]["problem"]["File"];
        match p {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Object(o) => o.keys().next().cloned().unwrap_or_default(),
            _ => panic!("not a file problem: {}", self.body),
        }
    }
}

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn ods(table: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", content.as_bytes()),
        (
            "META-INF/manifest.xml",
            br#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>"#,
        ),
    ])
}

fn xlsx(sheet_data: &[u8], shared: Option<&[u8]>) -> Vec<u8> {
    let mut sheet = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.to_vec();
    sheet.extend_from_slice(sheet_data);
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    let mut parts: Vec<(&str, &[u8])> = vec![
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

/// An XLS workbook: one sheet whose records declare a billion rows and fill two far corners.
fn xls_bomb() -> Vec<u8> {
    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
        out
    }
    let number = |row: u16, col: u16| {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        d.extend_from_slice(&1.0f64.to_le_bytes());
        record(0x0203, &d)
    };
    let bof = |kind: u16| {
        let mut d = 0x0600u16.to_le_bytes().to_vec();
        d.extend_from_slice(&kind.to_le_bytes());
        d.extend_from_slice(&[0u8; 12]);
        record(0x0809, &d)
    };
    let boundsheet = |pos: u32| {
        let mut d = pos.to_le_bytes().to_vec();
        d.extend_from_slice(&[0, 0, 6, 0]);
        d.extend_from_slice(b"Sheet1");
        record(0x0085, &d)
    };
    let mut stream = bof(5);
    let pos = stream.len() + boundsheet(0).len() + 4;
    stream.extend(boundsheet(pos as u32));
    stream.extend(record(0x000A, &[]));
    stream.extend(bof(0x10));
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend_from_slice(&1_000_000_000u32.to_le_bytes());
    dims.extend_from_slice(&[0, 0, 0, 1, 0, 0]);
    stream.extend(record(0x0200, &dims));
    stream.extend(number(0, 0));
    stream.extend(number(65_535, 255));
    stream.extend(record(0x000A, &[]));
    while stream.len() < 4200 {
        stream.extend(record(0x00F1, &[0u8; 100]));
    }
    // A compound file: header, one FAT sector, one directory sector, then the stream.
    let sectors = stream.len().div_ceil(512);
    let mut fat = vec![0xFFFF_FFFDu32, 0xFFFF_FFFE];
    for i in 0..sectors {
        fat.push(if i + 1 == sectors {
            0xFFFF_FFFE
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
    out[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    out[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    for i in 0..109 {
        let id: u32 = if i == 0 { 0 } else { 0xFFFF_FFFF };
        out[76 + 4 * i..80 + 4 * i].copy_from_slice(&id.to_le_bytes());
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
        e[68..80].copy_from_slice(&[0xFF; 12]);
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&len.to_le_bytes());
        e
    };
    out.extend(entry("Root Entry", 5, 0xFFFF_FFFE, 0));
    out.extend(entry("Workbook", 2, 2, stream.len() as u32));
    out.extend(vec![0u8; 256]);
    stream.resize(sectors * 512, 0);
    out.extend(stream);
    out
}

/// Makes the zip's directory and local header claim `claimed` bytes for a part.
fn lie_about_size(zip: &mut [u8], name: &str, claimed: u32) {
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

/// The bombs: file name, bytes, and the problems a refusal may name.
fn bombs() -> Vec<(&'static str, Vec<u8>, &'static [&'static str])> {
    // 20 million empty cells; then a filled cell repeated over 20 million cells.
    let empty = ods(
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="20"/></table:table-row>"#,
    );
    let rows = ods(
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" table:number-columns-repeated="20"><text:p>x</text:p></table:table-cell></table:table-row>"#,
    );
    let columns = ods(
        r#"<table:table-row table:number-rows-repeated="40000"><table:table-cell office:value-type="string" table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell></table:table-row>"#,
    );
    // Two million shared texts.
    let mut shared =
        br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#.to_vec();
    for _ in 0..2_000_000 {
        shared.extend_from_slice(b"<si><t>x</t></si>");
    }
    shared.extend_from_slice(b"</sst>");
    let strings = xlsx(
        br#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        Some(&shared),
    );
    // A 200 MB sheet whose zip claims 1,000 bytes.
    let mut data = Vec::with_capacity(210 * 1024 * 1024);
    while data.len() < 200 * 1024 * 1024 {
        data.extend_from_slice(br#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#);
    }
    let mut lying = xlsx(&data, None);
    drop(data);
    lie_about_size(&mut lying, "xl/worksheets/sheet1.xml", 1000);
    // 30 MB without a line break.
    let endless = vec![b'a'; 30 * 1024 * 1024];
    vec![
        ("o-trong.ods", empty, &["EmptySheet"][..]),
        ("dong-lap.ods", rows, &["TooManyCells"][..]),
        ("cot-lap.ods", columns, &["TooManyCells"][..]),
        ("chuoi-chung.xlsx", strings, &["TooManyStrings"][..]),
        (
            "zip-noi-doi.xlsx",
            lying,
            &["Unreadable", "UnpackedTooLarge"][..],
        ),
        ("luoi-lon.xls", xls_bomb(), &["TooManyCells"][..]),
        ("mot-dong.csv", endless, &["LineTooLong"][..]),
    ]
}

#[test]
fn bombs_are_refused_and_the_server_stays_up_and_small() {
    let started = Instant::now();
    let bombs = bombs();
    let server = Server::start();
    let cookie = server.sign_in("secretary1");
    // Cell 1 of the demo ward, secretary1's (the first cell made).
    let cell = {
        let url = format!("sqlite://{}/ganbo.sqlite", server._dir.path().display());
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            let id: i64 = sqlx::query_scalar(
                "SELECT id FROM org_units WHERE kind = 'cell' ORDER BY id LIMIT 1",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            pool.close().await;
            id
        })
    };
    let before = server.peak_mb();
    let page = format!("/cells/{cell}/data");

    std::thread::scope(|s| {
        let uploads: Vec<_> = bombs
            .iter()
            .map(|(name, bytes, expected)| {
                let (server, cookie) = (&server, &cookie);
                s.spawn(move || {
                    let a = server.upload(cookie, cell, name, bytes);
                    (*name, *expected, a)
                })
            })
            .collect();
        // Meanwhile the server answers others, each within a few seconds.
        let mut probes = 0;
        while uploads.iter().any(|u| !u.is_finished()) {
            for path in ["/health", page.as_str()] {
                let t = Instant::now();
                let a = server.get(path, Some(&cookie)).expect("the server answers");
                assert_eq!(a.status, 200, "{path}: {}", a.body);
                assert!(
                    t.elapsed() < Duration::from_secs(5),
                    "{path} took {:?} during the uploads",
                    t.elapsed()
                );
                probes += 1;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(probes >= 2, "the probes ran while the uploads did");
        for u in uploads {
            let (name, expected, a) = u.join().unwrap();
            assert_eq!(a.status, 422, "{name}: {}", a.body);
            let problem = a.problem();
            assert!(
                expected.contains(&problem.as_str()),
                "{name}: refused as {problem}, expected one of {expected:?}"
            );
        }
    });

    // Nothing was kept, and the server still works.
    let kept = std::fs::read_dir(server._dir.path().join("imports"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(kept, 0, "refused uploads are not stored");
    assert_eq!(server.get("/health", None).unwrap().status, 200);
    let peak = server.peak_mb();
    eprintln!(
        "peak memory: {before} MB before the uploads, {peak} MB after ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    assert!(
        peak < PEAK_MB,
        "the server's peak memory reached {peak} MB (limit {PEAK_MB} MB)"
    );
}
