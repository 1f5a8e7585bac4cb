//! Sign-in: the axum-login backend over the `users` table, password hashing off the
//! async threads, and throttling of repeated failures.

use axum_login::{AuthUser, AuthnBackend, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::db::Pool;
use crate::core::access::{Grant, Me, Role, UnitKind};
use crate::core::ward_kind::WardKind;

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

/// Signs `user` in on this session and dates it (for [`SESSION_MAX_DAYS`]).
pub async fn start_session(
    session: &mut AuthSession,
    user: &SessionUser,
    now: DateTime<Utc>,
) -> crate::error::AppResult<()> {
    use crate::error::AppError;
    session.login(user).await.map_err(|e| {
        tracing::error!(error = %e, "cannot store the session");
        AppError::Internal
    })?;
    session
        .session
        .insert(SIGNED_IN_AT, now)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot date the session");
            AppError::Internal
        })
}

/// Signs this session in again as the account now is (after its password changed), so
/// that it goes on while the person's other sessions, tied to the old password, end.
pub async fn renew_session(
    session: &mut AuthSession,
    user_id: i64,
) -> crate::error::AppResult<SessionUser> {
    use crate::error::AppError;
    let user = account(session, user_id).await?;
    session.login(&user).await.map_err(|e| {
        tracing::error!(error = %e, "cannot store the session");
        AppError::Internal
    })?;
    Ok(user)
}

/// An active account as a session holds it.
pub async fn account(session: &AuthSession, user_id: i64) -> crate::error::AppResult<SessionUser> {
    use crate::error::AppError;
    session
        .backend
        .get_user(&user_id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot load the account");
            AppError::Internal
        })?
        .ok_or(AppError::Unauthenticated)
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    member_id: Option<i64>,
    password_hash: String,
    must_choose_password: bool,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    role: String,
    unit_id: i64,
    unit_name: String,
    unit_kind: String,
    unit_path: String,
    ward_kind: Option<String>,
}

impl Backend {
    async fn load(&self, row: UserRow) -> Result<SessionUser, BackendError> {
        let grants: Vec<GrantRow> = sqlx::query_as(
            "SELECT r.role, u.id AS unit_id, u.name AS unit_name, u.kind AS unit_kind, u.path AS unit_path, \
               w.commune_kind AS ward_kind \
             FROM user_roles r JOIN org_units u ON u.id = r.org_unit_id \
             LEFT JOIN org_units w ON w.id = u.ward_id \
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
                    ward_kind: g.ward_kind.as_deref().and_then(WardKind::parse),
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
                must_choose_password: row.must_choose_password,
            },
            password_hash: row.password_hash,
        })
    }
}

const USER_COLUMNS: &str =
    "id, username, display_name, member_id, password_hash, must_choose_password";

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
        // Verify against a fixed hash when the user does not exist or has no password (only
        // a one-time code), so that the answer takes as long either way and does not tell
        // which usernames exist.
        let usable = row.as_ref().filter(|r| !is_unusable(&r.password_hash));
        let hash = usable.map(|r| r.password_hash.clone());
        let ok = verify_password_or_dummy(creds.password, hash).await?;
        match row {
            Some(row) if ok && usable.is_some() => Ok(Some(self.load(row).await?)),
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

/// What stands for the password of an account that has none (only a one-time code): no
/// password matches it, and each one is new, so putting it in place ends every session
/// tied to the password before.
pub fn unusable_password() -> String {
    format!("{UNUSABLE}{}", uuid::Uuid::new_v4().simple())
}

const UNUSABLE: &str = "!none:";

fn is_unusable(hash: &str) -> bool {
    hash.starts_with(UNUSABLE)
}

/// Whether two secrets are the same, in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
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

/// A sign-in that may go ahead (its attempt is recorded, as failed until it succeeds), or
/// the lock that stops it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    Allowed(i64),
    Locked(Lock),
}

/// Sign-in is locked until a moment, for a username or an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    pub until: DateTime<Utc>,
    /// Whole minutes left, at least one.
    pub minutes: u32,
}

impl Lock {
    fn from_oldest(oldest: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        let until = oldest + Duration::minutes(THROTTLE_WINDOW_MINUTES);
        let minutes = ((until - now).num_seconds() + 59) / 60;
        Self {
            until,
            minutes: minutes.clamp(1, THROTTLE_WINDOW_MINUTES) as u32,
        }
    }

    /// When it opens, as 14:35 in Vietnam.
    pub fn until_text(&self) -> String {
        self.until
            .with_timezone(&crate::core::clock::vietnam())
            .format("%H:%M")
            .to_string()
    }
}

/// Starts a sign-in attempt. Checking the lock and recording the attempt are one write
/// transaction, and the attempt counts as a failure until its password is verified, so a
/// burst of parallel attempts gets no more tries than a slow one.
pub async fn begin_attempt(
    pool: &Pool,
    username: &str,
    addr: &str,
    now: DateTime<Utc>,
) -> Result<Attempt, sqlx::Error> {
    let mut tx = super::db::begin_write(pool).await?;
    if let Some(lock) = lock_in(&mut tx, username, addr, now).await? {
        tx.rollback().await?;
        return Ok(Attempt::Locked(lock));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sign_in_attempts (username, remote_addr, succeeded, at) \
         VALUES ($1, $2, 0, $3) RETURNING id",
    )
    .bind(username)
    .bind(addr)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Attempt::Allowed(id))
}

/// The attempt's password was right.
pub async fn attempt_succeeded(pool: &Pool, attempt: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sign_in_attempts SET succeeded = 1 WHERE id = $1")
        .bind(attempt)
        .execute(pool)
        .await?;
    Ok(())
}

/// The lock on a username (its failures since its last success or unlock), or else on an
/// address, within the window before `now`.
pub async fn lock_in(
    conn: &mut <super::db::Db as sqlx::Database>::Connection,
    username: &str,
    addr: &str,
    now: DateTime<Utc>,
) -> Result<Option<Lock>, sqlx::Error> {
    let since = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let (user_failures, user_oldest): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM sign_in_attempts \
         WHERE username = $1 AND succeeded = 0 AND at > $2 \
           AND at > COALESCE((SELECT MAX(at) FROM sign_in_attempts WHERE username = $1 AND succeeded = 1), '')",
    )
    .bind(username)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    if user_failures >= MAX_FAILURES_PER_USERNAME
        && let Some(oldest) = user_oldest
    {
        return Ok(Some(Lock::from_oldest(oldest, now)));
    }
    if addr.is_empty() {
        return Ok(None);
    }
    let (addr_failures, addr_oldest): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM sign_in_attempts WHERE remote_addr = $1 AND succeeded = 0 AND at > $2",
    )
    .bind(addr)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok(match addr_oldest {
        Some(oldest) if addr_failures >= MAX_FAILURES_PER_ADDRESS => {
            Some(Lock::from_oldest(oldest, now))
        }
        _ => None,
    })
}

/// The lock on a username now, if any (for the people who may lift it).
pub async fn username_lock(
    pool: &Pool,
    username: &str,
    now: DateTime<Utc>,
) -> Result<Option<Lock>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    lock_in(&mut conn, username, "", now).await
}

/// Lifts the lock on a username: a success recorded in the caller's name (the failures
/// before it stop counting), in the caller's transaction.
pub async fn unlock(
    tx: &mut super::db::Tx<'_>,
    username: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sign_in_attempts (username, remote_addr, succeeded, at, unlocked_by) \
         VALUES ($1, '', 1, $2, $3)",
    )
    .bind(username)
    .bind(now)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// At most this many password checks run at once (each argon2 check takes ~19 MiB): a
/// flood of sign-ins waits here instead of exhausting memory.
pub fn max_verifications() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get() * 2)
        .unwrap_or(4)
        .clamp(2, 16)
}

/// How long a sign-in waits for a free password check before it is told to come back.
pub const VERIFICATION_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

static VERIFICATIONS: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(max_verifications()));

/// A turn to check a password, or `None` when all are taken for longer than
/// [`VERIFICATION_WAIT`] (the sign-in answers 429 and `Retry-After`).
pub async fn verification_turn() -> Option<tokio::sync::SemaphorePermit<'static>> {
    tokio::time::timeout(VERIFICATION_WAIT, VERIFICATIONS.acquire())
        .await
        .ok()
        .and_then(Result::ok)
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
