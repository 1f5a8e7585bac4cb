//! The real `ganbo` binary as a child process, on its own database in a temporary folder
//! and a free loopback port, and an HTTP client that speaks to it the way the app's own
//! client does. A [`Server`] is killed when dropped, also when a test fails.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, SET_COOKIE};

/// The demo accounts' password.
pub const PASSWORD: &str = "ganbo-demo";

/// A free port on the loopback interface.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// `sqlite://` URL of a file.
pub fn url_of(file: &Path) -> String {
    format!("sqlite://{}", file.display())
}

/// A `ganbo` command on a database, with the test run's pinned day passed on.
pub fn ganbo(binary: &Path, database_url: &str) -> Command {
    let mut cmd = Command::new(binary);
    cmd.env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env_remove("LOG_FORMAT");
    match std::env::var(app::core::clock::PIN_ENV) {
        Ok(day) => cmd.env(app::core::clock::PIN_ENV, day),
        Err(_) => cmd.env_remove(app::core::clock::PIN_ENV),
    };
    cmd
}

/// Runs a maintenance command (`backup`, `restore`, ...) to its end.
pub fn run(binary: &Path, database_url: &str, args: &[&str]) -> Output {
    ganbo(binary, database_url)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("ganbo runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `ganbo serve` as a child process.
pub struct Server {
    child: Option<Child>,
    pub base: String,
    pub database_url: String,
    log: PathBuf,
}

impl Server {
    /// Starts `ganbo serve [--demo]` and waits until `/health` answers.
    pub async fn start(binary: &Path, database_url: &str, demo: bool, log: PathBuf) -> Server {
        Self::start_with(binary, database_url, demo, log, &[]).await
    }

    /// The same, with more settings in its environment.
    pub async fn start_with(
        binary: &Path,
        database_url: &str,
        demo: bool,
        log: PathBuf,
        env: &[(&str, &str)],
    ) -> Server {
        let port = free_port();
        let out = std::fs::File::create(&log).expect("a log file");
        let mut cmd = ganbo(binary, database_url);
        cmd.envs(env.iter().copied());
        cmd.arg("serve")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_OUTPUT_NAME", "ganbo")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("a log file"))
            .stderr(out);
        if demo {
            cmd.arg("--demo");
        }
        let child = cmd.spawn().expect("ganbo serve starts");
        let mut server = Server {
            child: Some(child),
            base: format!("http://127.0.0.1:{port}"),
            database_url: database_url.to_string(),
            log,
        };
        server.wait_healthy(Duration::from_secs(120)).await;
        server
    }

    async fn wait_healthy(&mut self, within: Duration) {
        let client = plain_client();
        let started = Instant::now();
        loop {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("ganbo serve ended with {status}:\n{}", self.log_text());
            }
            let health = client.get(format!("{}/health", self.base)).send().await;
            if health.is_ok_and(|r| r.status() == StatusCode::OK) {
                return;
            }
            assert!(
                started.elapsed() < within,
                "ganbo serve did not answer within {within:?}:\n{}",
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or(0)
    }

    /// What the server printed.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: the process ends at once, mid-write if it was writing.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// An answer: status and body.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// An HTTP client of one server.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            http: plain_client(),
            base: base.to_string(),
        }
    }

    /// A client that keeps at most one connection open: one of a load's connections.
    pub fn single_connection(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .no_proxy()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(60))
                .build()
                .expect("an HTTP client"),
            base: base.to_string(),
        }
    }

    /// Signs in and returns the session cookie.
    pub async fn sign_in(&self, username: &str) -> String {
        let form = [("form[username]", username), ("form[password]", PASSWORD)];
        let res = self
            .http
            .post(format!("{}/api/auth/sign_in", self.base))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(serde_urlencoded::to_string(form).unwrap())
            .send()
            .await
            .expect("sign-in answers");
        assert_eq!(res.status(), StatusCode::OK, "{username} signs in");
        let cookie = res
            .headers()
            .get(SET_COOKIE)
            .expect("a session cookie")
            .to_str()
            .unwrap();
        cookie.split(';').next().unwrap().to_string()
    }

    /// Calls a server function with a form, as the app's client does.
    pub async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, String)],
        cookie: &str,
    ) -> reqwest::Result<Answer> {
        let res = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .header(COOKIE, cookie)
            .body(serde_urlencoded::to_string(form).unwrap())
            .send()
            .await?;
        answer(res).await
    }

    /// Calls a server function that takes JSON.
    pub async fn call_json(
        &self,
        endpoint: &str,
        body: &serde_json::Value,
        cookie: &str,
    ) -> reqwest::Result<Answer> {
        let res = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .header(COOKIE, cookie)
            .body(body.to_string())
            .send()
            .await?;
        answer(res).await
    }

    /// A page, as a browser asks for it.
    pub async fn page(&self, path: &str, cookie: &str) -> reqwest::Result<Answer> {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html")
            .header(COOKIE, cookie)
            .send()
            .await?;
        answer(res).await
    }
}

async fn answer(res: reqwest::Response) -> reqwest::Result<Answer> {
    let status = res.status();
    let body = res.text().await?;
    Ok(Answer { status, body })
}

/// The form of a quick home visit logged today with a phone-made id (and, when given, one
/// concern raised at it).
pub fn visit_form(
    client_id: &str,
    household: i64,
    today: chrono::NaiveDate,
    concern: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("visit[client_id]", client_id.to_string()),
        ("visit[household]", household.to_string()),
        ("visit[visited_on]", today.to_string()),
        ("visit[kind]", "home".to_string()),
    ];
    if let Some(body) = concern {
        form.push(("visit[concerns][0][category]", "environment".to_string()));
        form.push(("visit[concerns][0][body]", body.to_string()));
    }
    form
}

/// The households a member looks after now.
pub async fn households_of(pool: &app::server::db::Pool, username: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT a.household_id FROM assignments a JOIN users u ON u.member_id = a.member_id \
         WHERE u.username = $1 AND a.ended_at IS NULL AND a.household_id IS NOT NULL \
         ORDER BY a.household_id",
    )
    .bind(username)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// `PRAGMA integrity_check` of a database file, opened on its own.
pub async fn integrity(file: &Path) -> Vec<String> {
    use sqlx::{ConnectOptions, Connection};
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .connect()
        .await
        .unwrap();
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    rows
}
