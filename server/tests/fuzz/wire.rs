//! Calls as they go on the wire: forms, JSON and multipart, written as the app's client
//! writes them or spoilt.

use axum::body::Body;
use http::{Method, Request, header};

use super::table::*;
use super::values::*;

pub const BOUNDARY: &str = "----ganbo-fuzz-0f8c1d";

pub const GARBAGE_COOKIES: &[&str] = &[
    "ganbo_session=%ff%00",
    "ganbo_session=",
    "ganbo_session=AAAAAAAAAAAAAAAAAAAAAA; ganbo_session=x",
    "ganbo_session=é; i18n_pref_locale=../../etc",
];

/// A request as it goes out, before the session is added.
pub struct Wire {
    pub method: Method,
    pub uri: String,
    pub content_type: Option<String>,
    pub accept: Option<&'static str>,
    pub referer: bool,
    pub body: Vec<u8>,
}

pub struct Call {
    pub request: Request<Body>,
    /// Sent without a session (or with a cookie that is not one).
    pub anonymous: bool,
    pub slots: Vec<Slot>,
    pub summary: String,
}

impl Call {
    pub fn show(&self) -> String {
        self.summary.clone()
    }

    /// Makes the call a browser's plain form post: it asks for HTML back.
    pub fn plain_form_post(&mut self, referer: bool) {
        let h = self.request.headers_mut();
        h.insert(
            header::ACCEPT,
            "text/html,application/xhtml+xml".parse().unwrap(),
        );
        if referer {
            h.insert(header::REFERER, "http://localhost/cells".parse().unwrap());
        }
        self.summary.push_str(if referer {
            " (a plain form post from a page)"
        } else {
            " (a plain form post without a referer)"
        });
    }

    pub fn build(wire: Wire, cookie: Option<String>, slots: Vec<Slot>) -> Call {
        let Wire {
            method,
            uri,
            content_type,
            accept,
            referer,
            body,
        } = wire;
        let summary = format!(
            "{method} {uri} [{}; accept {}{}] {}",
            content_type.as_deref().unwrap_or("no content type"),
            accept.unwrap_or("nothing"),
            if referer { "; referer" } else { "" },
            show(&String::from_utf8_lossy(&body)),
        );
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(ct) = &content_type {
            req = req.header(header::CONTENT_TYPE, ct.as_str());
        }
        if let Some(a) = accept {
            req = req.header(header::ACCEPT, a);
        }
        if referer {
            req = req.header(header::REFERER, "http://localhost/cells");
        }
        if let Some(c) = &cookie {
            req = req.header(header::COOKIE, c.as_str());
        }
        Call {
            request: req.body(Body::from(body)).unwrap(),
            anonymous: cookie.is_none(),
            slots,
            summary,
        }
    }

    /// A call of the function with these arguments, written as its client writes them, or
    /// (when `spoil`) with the writing itself spoilt now and then.
    pub fn new(
        rng: &mut fastrand::Rng,
        ep: &Endpoint,
        tree: Node,
        cookie: Option<String>,
        spoil: bool,
    ) -> Call {
        let mut slots_found = Vec::new();
        slots(&ep.args, &tree, "", &mut slots_found);
        let uri = format!("/api/{}", ep.path);
        let (accept, referer) = if spoil {
            match rng.u32(..100) {
                0..=5 => (Some("text/html"), true),
                6..=9 => (Some("text/html,application/xhtml+xml"), false),
                10..=11 => (Some("*/*"), false),
                12..=13 => (None, false),
                _ => (Some("application/json"), false),
            }
        } else {
            (Some("application/json"), false)
        };
        let spoil_wire = spoil && rng.u32(..100) < 30;
        match ep.input {
            Input::Form => {
                let mut pairs = Vec::new();
                flatten(&tree, String::new(), &mut pairs);
                let mut content_type = "application/x-www-form-urlencoded".to_string();
                if spoil_wire {
                    spoil_form(rng, &mut pairs, &mut content_type, &mut slots_found);
                }
                let body = form_body(rng, &pairs, spoil);
                Call::build(
                    Wire {
                        method: Method::POST,
                        uri,
                        content_type: Some(content_type),
                        accept,
                        referer,
                        body,
                    },
                    cookie,
                    slots_found,
                )
            }
            Input::Json => {
                let mut body = Vec::new();
                json(&tree, &mut body, rng.bool());
                let mut content_type = "application/json".to_string();
                if spoil_wire {
                    spoil_json(rng, &mut body, &mut content_type);
                }
                Call::build(
                    Wire {
                        method: Method::POST,
                        uri,
                        content_type: Some(content_type),
                        accept,
                        referer,
                        body,
                    },
                    cookie,
                    slots_found,
                )
            }
            Input::Multipart => {
                let mut parts = Vec::new();
                if let Node::Obj(fields) = &tree {
                    for (name, value) in fields {
                        if let Some(p) = part(name, value) {
                            parts.push(p);
                        }
                    }
                }
                let mut content_type = format!("multipart/form-data; boundary={BOUNDARY}");
                if spoil_wire {
                    spoil_multipart(rng, &mut parts, &mut content_type, &mut slots_found, ep);
                }
                let mut body = multipart(&parts);
                if spoil_wire && rng.u32(..4) == 0 {
                    let cut = rng.usize(..=body.len());
                    body.truncate(cut);
                } else if spoil_wire && rng.u32(..4) == 0 {
                    body = String::from_utf8_lossy(&body)
                        .replace("\r\n", "\n")
                        .into_bytes();
                }
                Call::build(
                    Wire {
                        method: Method::POST,
                        uri,
                        content_type: Some(content_type),
                        accept,
                        referer,
                        body,
                    },
                    cookie,
                    slots_found,
                )
            }
        }
    }

    /// Requests that are not what the function takes at all.
    pub fn odd(rng: &mut fastrand::Rng, ep: &Endpoint, cookie: Option<String>, kind: u32) -> Call {
        let uri = format!("/api/{}", ep.path);
        let junk: Vec<u8> = (0..rng.usize(0..512)).map(|_| rng.u8(..)).collect();
        let (method, uri, content_type, body): (Method, String, Option<String>, Vec<u8>) =
            match (kind, rng.u32(..8)) {
                (0, 0) => (Method::GET, format!("{uri}?cell=1&page=1"), None, vec![]),
                (0, 1) => (Method::PUT, uri, None, b"cell=1".to_vec()),
                (0, 2) => (Method::DELETE, uri, None, vec![]),
                (0, 3) => (Method::POST, format!("{uri}/extra"), None, vec![]),
                (0, _) => (
                    Method::POST,
                    format!("{uri}?cell=%ff&x[]"),
                    Some("application/x-www-form-urlencoded".into()),
                    vec![],
                ),
                (_, 0) => (Method::POST, uri, None, junk),
                (_, 1) => (Method::POST, uri, Some("text/plain".into()), junk),
                (_, 2) => (
                    Method::POST,
                    uri,
                    Some("application/json".into()),
                    b"{\"cell\": 1, ".to_vec(),
                ),
                (_, 3) => (
                    Method::POST,
                    uri,
                    Some("application/json".into()),
                    "[".repeat(100_000).into_bytes(),
                ),
                (_, 4) => (Method::POST, uri, Some("multipart/form-data".into()), junk),
                (_, 5) => (
                    Method::POST,
                    uri,
                    Some(format!("multipart/form-data; boundary={BOUNDARY}")),
                    b"cell=1".to_vec(),
                ),
                (_, 6) => (
                    Method::POST,
                    uri,
                    Some("application/x-www-form-urlencoded; charset=utf-16".into()),
                    b"c\x00e\x00l\x00l\x00=\x001\x00".to_vec(),
                ),
                _ => (
                    Method::POST,
                    uri,
                    Some("application/x-www-form-urlencoded".into()),
                    junk,
                ),
            };
        Call::build(
            Wire {
                method,
                uri,
                content_type,
                accept: Some("application/json"),
                referer: false,
                body,
            },
            cookie,
            Vec::new(),
        )
    }
}

/// Form pairs: `rows[0][member]`, `visit[topics][1]`.
pub fn flatten(node: &Node, key: String, out: &mut Vec<(String, Scalar)>) {
    let child = |k: &str| {
        if key.is_empty() {
            k.to_string()
        } else {
            format!("{key}[{k}]")
        }
    };
    match node {
        Node::Leaf(s) => out.push((key.clone(), s.clone())),
        Node::Obj(fields) => {
            for (k, v) in fields {
                flatten(v, child(k), out);
            }
        }
        Node::List(items) => {
            for (i, v) in items {
                flatten(v, child(&i.to_string()), out);
            }
        }
        Node::Absent => {}
    }
}

pub fn form_body(rng: &mut fastrand::Rng, pairs: &[(String, Scalar)], spoil: bool) -> Vec<u8> {
    let literal_brackets = !spoil || rng.bool();
    let mut body = String::new();
    for (k, v) in pairs {
        if !body.is_empty() {
            body.push('&');
        }
        let mut key = serde_urlencoded::to_string([(k.as_str(), "")]).unwrap();
        key.pop(); // the '='
        if literal_brackets {
            key = key.replace("%5B", "[").replace("%5D", "]");
        }
        body.push_str(&key);
        body.push('=');
        match v {
            Scalar::Wire(text, _) => body.push_str(text),
            other => {
                let value = serde_urlencoded::to_string([("", scalar_text(other))]).unwrap();
                body.push_str(&value[1..]);
            }
        }
    }
    body.into_bytes()
}

pub fn spoil_form(
    rng: &mut fastrand::Rng,
    pairs: &mut Vec<(String, Scalar)>,
    content_type: &mut String,
    slots: &mut [Slot],
) {
    match rng.u32(..9) {
        0 if !pairs.is_empty() => {
            // A key given twice.
            let (k, _) = pick(rng, pairs).clone();
            let v = if rng.bool() {
                hostile(rng)
            } else {
                Scalar::Num(*pick(rng, EDGE_NUMBERS))
            };
            if let Some(s) = slots.iter_mut().find(|s| s.key == k) {
                s.values.push(v.clone());
            }
            pairs.push((k, v));
        }
        1 => pairs.push(("rows[0[member]".into(), Scalar::Num(1))),
        2 => pairs.push(("a[b][c][d][e][f][g][h]".into(), Scalar::Num(1))),
        3 => pairs.push(("[]".into(), Scalar::Num(1))),
        4 => pairs.push(("k".repeat(20_000), Scalar::Num(1))),
        5 => *content_type = "application/json".into(),
        6 => *content_type = "text/plain; charset=utf-8".into(),
        7 => *content_type = "multipart/form-data".into(),
        _ => *content_type = "application/x-www-form-urlencoded; charset=iso-8859-1".into(),
    }
}

pub fn json(node: &Node, out: &mut Vec<u8>, absent_as_null: bool) {
    match node {
        Node::Leaf(Scalar::Num(n)) => out.extend(n.to_string().bytes()),
        Node::Leaf(Scalar::Bool(b)) => out.extend(b.to_string().bytes()),
        Node::Leaf(Scalar::Raw(t)) => out.extend(t.bytes()),
        Node::Leaf(Scalar::Wire(_, bytes)) => {
            out.push(b'"');
            out.extend_from_slice(bytes);
            out.push(b'"');
        }
        Node::Leaf(other) => {
            out.extend(serde_json::to_string(&scalar_text(other)).unwrap().bytes())
        }
        Node::Obj(fields) => {
            out.push(b'{');
            let mut first = true;
            for (k, v) in fields {
                if matches!(v, Node::Absent) && !absent_as_null {
                    continue;
                }
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend(serde_json::to_string(k).unwrap().bytes());
                out.push(b':');
                json(v, out, absent_as_null);
            }
            out.push(b'}');
        }
        Node::List(items) => {
            out.push(b'[');
            for (i, (_, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json(v, out, absent_as_null);
            }
            out.push(b']');
        }
        Node::Absent => out.extend(b"null"),
    }
}

pub fn spoil_json(rng: &mut fastrand::Rng, body: &mut Vec<u8>, content_type: &mut String) {
    match rng.u32(..9) {
        0 => {
            let cut = rng.usize(..=body.len());
            body.truncate(cut);
        }
        1 => {
            let mut b = b"[".to_vec();
            b.append(body);
            b.push(b']');
            *body = b;
        }
        2 => *body = b"\"cell\"".to_vec(),
        3 => {
            // A key twice: `{"x": 1, ...}` becomes `{"x": 1, "x": 1, ...}`.
            if let Some(colon) = body.iter().position(|&b| b == b',') {
                let first: Vec<u8> = body[1..colon].to_vec();
                let mut b = b"{".to_vec();
                b.extend(&first);
                b.push(b',');
                b.extend(&body[1..]);
                *body = b;
            }
        }
        4 => {
            let mut b = "\u{feff}".as_bytes().to_vec();
            b.append(body);
            *body = b;
        }
        5 => body.extend(b" /* comment */ {}"),
        6 => *content_type = "application/x-www-form-urlencoded".into(),
        7 => *content_type = "text/plain".into(),
        _ => *content_type = "application/json; charset=utf-16".into(),
    }
}

pub enum Part {
    Text(String, Vec<u8>),
    File(String, String, Vec<u8>),
}

pub fn part(name: &str, value: &Node) -> Option<Part> {
    Some(match value {
        Node::Absent => return None,
        Node::Leaf(Scalar::File(file, bytes)) => {
            Part::File(name.into(), file.clone(), bytes.clone())
        }
        Node::Leaf(Scalar::Wire(_, bytes)) => Part::Text(name.into(), bytes.to_vec()),
        Node::Leaf(v) => Part::Text(name.into(), scalar_text(v).into_bytes()),
        other => {
            let mut b = Vec::new();
            json(other, &mut b, true);
            Part::Text(name.into(), b)
        }
    })
}

pub fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for p in parts {
        body.extend(format!("--{BOUNDARY}\r\n").bytes());
        match p {
            Part::Text(name, value) => {
                body.extend(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").bytes(),
                );
                body.extend(value);
            }
            Part::File(name, file, bytes) => {
                body.extend(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .bytes(),
                );
                body.extend(bytes);
            }
        }
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    body
}

pub fn spoil_multipart(
    rng: &mut fastrand::Rng,
    parts: &mut Vec<Part>,
    content_type: &mut String,
    slots: &mut [Slot],
    ep: &Endpoint,
) {
    match rng.u32(..10) {
        0 => *content_type = "multipart/form-data".into(),
        1 => *content_type = "multipart/form-data; boundary=".into(),
        2 => *content_type = "multipart/form-data; boundary=other-boundary".into(),
        3 => *content_type = "multipart/mixed; boundary=----ganbo-fuzz-0f8c1d".into(),
        4 => parts.reverse(),
        5 if !parts.is_empty() => {
            // A field twice.
            let i = rng.usize(..parts.len());
            let copy = match &parts[i] {
                Part::Text(n, _) => {
                    let v = Scalar::Num(*pick(rng, EDGE_NUMBERS));
                    if let Some(s) = slots.iter_mut().find(|s| &s.key == n) {
                        s.values.push(v.clone());
                    }
                    Part::Text(n.clone(), scalar_text(&v).into_bytes())
                }
                Part::File(n, f, b) => Part::File(n.clone(), f.clone(), b.clone()),
            };
            parts.push(copy);
        }
        6 => {
            let name = if ep.path.starts_with("transfer/") {
                "encoding"
            } else {
                "text"
            };
            parts.insert(
                0,
                Part::Text(name.into(), "x".repeat(rng.usize(100..20_000)).into_bytes()),
            );
        }
        7 => {
            let upload = if ep.path.starts_with("transfer/") {
                Upload::Spreadsheet
            } else {
                Upload::Answer
            };
            if let Scalar::File(f, b) = hostile_file(rng, upload) {
                parts.retain(|p| !matches!(p, Part::File(..)));
                parts.push(Part::File("file".into(), f, b));
            }
        }
        8 => parts.push(Part::Text("\"; filename=\"x".into(), b"1".to_vec())),
        _ => parts.clear(),
    }
}
