//! Imports the way the import page makes them: upload, check with the guessed columns,
//! wait for the background work, write.

use std::time::{Duration, Instant};

use axum::body::Body;
use http::{Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

use super::{Answer, TestApp, read};

const BOUNDARY: &str = "----ganbo-test-boundary-7MA4YWxkTrZu0gW";

/// Uploads a file the way the page's form does: the cell first, then the file.
pub async fn upload(
    app: &TestApp,
    cookie: Option<&str>,
    cell: Option<i64>,
    file: Option<(&str, Vec<u8>)>,
) -> Answer {
    let mut body: Vec<u8> = Vec::new();
    if let Some(cell) = cell {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"cell\"\r\n\r\n{cell}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let mut req = Request::post("/api/transfer/upload_file")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    read(res).await
}

/// The guessed columns of an inspection, as the check takes them.
pub fn mapping_of(inspection: &Value) -> String {
    inspection["mapping"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| match f.as_str() {
            Some(name) => field_code(name),
            None => String::new(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `"HeadName"` (as the answer spells a field) → `"head_name"` (as the check takes it).
pub fn field_code(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn check_args(inspection: &Value, mapping: String) -> Vec<(&'static str, String)> {
    vec![
        ("job", inspection["job"].to_string()),
        ("sheet", inspection["sheet"].as_str().unwrap().to_string()),
        (
            "encoding",
            inspection["encoding"].as_str().unwrap().to_string(),
        ),
        ("kind", field_code(inspection["kind"].as_str().unwrap())),
        ("mapping", mapping),
    ]
}

/// Asks for the job until its background work has ended (two minutes at most).
pub async fn settled(app: &TestApp, cookie: &str, job: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let res = app
            .call(
                "transfer/import_status",
                &[("job", job.to_string())],
                Some(cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let v = res.json();
        if !matches!(v["state"].as_str(), Some("Checking" | "Committing")) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the import did not end");
}

/// An uploaded file's job, as its inspection answered.
pub struct Import {
    pub id: i64,
    pub inspection: Value,
}

impl Import {
    pub fn from_inspection(inspection: Value) -> Self {
        Import {
            id: inspection["job"].as_i64().unwrap(),
            inspection,
        }
    }

    /// Starts the check with the guessed columns.
    pub async fn check(&self, app: &TestApp, cookie: &str) {
        let res = app
            .call(
                "transfer/check_file",
                &check_args(&self.inspection, mapping_of(&self.inspection)),
                Some(cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }

    /// Starts writing a checked file.
    pub async fn commit(&self, app: &TestApp, cookie: &str) {
        let res = app
            .call(
                "transfer/commit_import",
                &[("job", self.id.to_string())],
                Some(cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
}
