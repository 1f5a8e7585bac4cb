//! Sign-in: the axum-login backend over the `users` table, password hashing off the
//! async threads, and throttling of repeated failures.

use axum_login::{AuthUser, AuthnBackend, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::db::Pool;
use crate::features::auth::model::{Grant, Me, Role};
use crate::features::org::model::UnitKind;

/// The session's user: who they are, their roles, and the hash that ties the session to
/// the current password (changing the password ends every other session).
#[derive(Clone, Serialize, Deserialize)]
pub struct SessionUser {
    pub me: Me,
    password_hash: String,
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("user_id", &self.me.user_id)
            .field("username", &self.me.username)
            .finish_non_exhaustive()
    }
}

impl AuthUser for SessionUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.me.user_id
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

#[derive(Clone, Debug)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug)]
pub struct Backend {
    pool: Pool,
}

impl Backend {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Join(#[from] tokio::task::JoinError),
}

pub type AuthSession = axum_login::AuthSession<Backend>;

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    member_id: Option<i64>,
    password_hash: String,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    role: String,
    unit_id: i64,
    unit_name: String,
    unit_kind: String,
    unit_path: String,
}

impl Backend {
    async fn load(&self, row: UserRow) -> Result<SessionUser, BackendError> {
        let grants: Vec<GrantRow> = sqlx::query_as(
            "SELECT r.role, u.id AS unit_id, u.name AS unit_name, u.kind AS unit_kind, u.path AS unit_path \
             FROM user_roles r JOIN org_units u ON u.id = r.org_unit_id \
             WHERE r.user_id = $1 ORDER BY r.id",
        )
        .bind(row.id)
        .fetch_all(&self.pool)
        .await?;
        let grants = grants
            .into_iter()
            .filter_map(|g| {
                Some(Grant {
                    role: Role::parse(&g.role)?,
                    unit_id: g.unit_id,
                    unit_name: g.unit_name,
                    unit_kind: UnitKind::parse(&g.unit_kind)?,
                    unit_path: g.unit_path,
                })
            })
            .collect();
        Ok(SessionUser {
            me: Me {
                user_id: row.id,
                username: row.username,
                display_name: row.display_name,
                member_id: row.member_id,
                grants,
            },
            password_hash: row.password_hash,
        })
    }
}

const USER_COLUMNS: &str = "id, username, display_name, member_id, password_hash";

impl AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = BackendError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<SessionUser>, BackendError> {
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username = $1 AND active = 1"
        ))
        .bind(&creds.username)
        .fetch_optional(&self.pool)
        .await?;
        // Verify against a fixed hash when the user does not exist, so that the answer takes
        // as long either way and does not tell which usernames exist.
        let hash = row.as_ref().map(|r| r.password_hash.clone());
        let ok = verify_password_or_dummy(creds.password, hash).await?;
        match row {
            Some(row) if ok => Ok(Some(self.load(row).await?)),
            _ => Ok(None),
        }
    }

    async fn get_user(&self, user_id: &UserId<Self>) -> Result<Option<SessionUser>, BackendError> {
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND active = 1"
        ))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some(self.load(row).await?)),
            None => Ok(None),
        }
    }
}

/// A hash verified against when the username is unknown, made once per process.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password_auth::generate_hash("no such user"));

async fn verify_password_or_dummy(
    password: String,
    hash: Option<String>,
) -> Result<bool, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || {
        let hash = hash.as_deref().unwrap_or(DUMMY_HASH.as_str());
        password_auth::verify_password(password, hash).is_ok()
    })
    .await
}

/// Hashes a password with argon2 on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await
}

/// Checks a password against a stored hash on a blocking thread.
pub async fn verify_password(
    password: String,
    hash: String,
) -> Result<bool, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
}

/// The session key holding when the person signed in (RFC 3339).
pub const SIGNED_IN_AT: &str = "signed_in_at";

/// A session ends this long after signing in, however often it is used (it also ends
/// after [`SESSION_IDLE_DAYS`] without use).
pub const SESSION_MAX_DAYS: i64 = 90;
pub const SESSION_IDLE_DAYS: i64 = 30;

/// How many failures within [`THROTTLE_WINDOW_MINUTES`] lock a username, and an address.
pub const MAX_FAILURES_PER_USERNAME: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Whether sign-in is currently refused for this username or address, and for how many
/// more minutes. Counts failures since the last success for the username.
pub async fn throttled(
    pool: &Pool,
    username: &str,
    addr: &str,
    now: DateTime<Utc>,
) -> Result<Option<u32>, sqlx::Error> {
    let since = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let (user_failures, user_oldest): (i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM sign_in_attempts \
         WHERE username = $1 AND succeeded = 0 AND at > $2 \
           AND at > COALESCE((SELECT MAX(at) FROM sign_in_attempts WHERE username = $1 AND succeeded = 1), '')",
    )
    .bind(username)
    .bind(since)
    .fetch_one(pool)
    .await?;
    let (addr_failures, addr_oldest): (i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM sign_in_attempts WHERE remote_addr = $1 AND succeeded = 0 AND at > $2",
    )
    .bind(addr)
    .bind(since)
    .fetch_one(pool)
    .await?;
    let oldest = if user_failures >= MAX_FAILURES_PER_USERNAME {
        user_oldest
    } else if !addr.is_empty() && addr_failures >= MAX_FAILURES_PER_ADDRESS {
        addr_oldest
    } else {
        return Ok(None);
    };
    let minutes = oldest
        .and_then(|o| chrono::DateTime::parse_from_rfc3339(&o).ok())
        .map(|o| {
            let free_at = o.with_timezone(&Utc) + Duration::minutes(THROTTLE_WINDOW_MINUTES);
            (free_at - now).num_minutes() + 1
        })
        .unwrap_or(THROTTLE_WINDOW_MINUTES)
        .clamp(1, THROTTLE_WINDOW_MINUTES);
    Ok(Some(minutes as u32))
}

pub async fn record_attempt(
    pool: &Pool,
    username: &str,
    addr: &str,
    succeeded: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sign_in_attempts (username, remote_addr, succeeded, at) VALUES ($1, $2, $3, $4)")
        .bind(username)
        .bind(addr)
        .bind(succeeded)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_is_a_real_argon2_hash() {
        // Unknown usernames must cost one real verification, not an early return.
        assert!(password_auth::is_hash_obsolete(DUMMY_HASH.as_str()).is_ok());
    }

    #[tokio::test]
    async fn hashes_verify() {
        let h = hash_password("ganbo-demo".into()).await.unwrap();
        assert!(h.starts_with("$argon2"));
        assert!(
            verify_password("ganbo-demo".into(), h.clone())
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong".into(), h).await.unwrap());
    }
}
