//! One-time sign-in codes. A cell's secretary or the committee issues one for a member
//! (making the member's account when they have none): it replaces the account's password,
//! so every session of the person ends, and it signs in once within [`CODE_DAYS`] days.
//! After it the person chooses their own password before anything else.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::model::{CODE_DAYS, CODE_DIGITS, numbered_username, typed_code, username_from_name};
use crate::core::access::{Me, Role};
use crate::core::clock::{day_start, vn_date};
use crate::error::{AppError, AppResult, Problem};
use crate::server::audit::{self, Entry};
use crate::server::auth::{same_secret, unusable_password};
use crate::server::db::{Pool, Tx, begin_write};

/// A code as issued, for the one who issued it to hand on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    pub user_id: i64,
    pub username: String,
    pub code: String,
    pub expires_at: DateTime<Utc>,
    /// The account was made just now.
    pub new_account: bool,
}

/// A fresh code: [`CODE_DIGITS`] digits from the system's secure random source.
pub fn new_code() -> String {
    let n = uuid::Uuid::new_v4().as_u128() % 10u128.pow(CODE_DIGITS as u32);
    format!("{n:0width$}", width = CODE_DIGITS)
}

/// Issues a code for a member of `cell_id` (the caller may change that cell): makes the
/// member's account if they have none (a username from their name, the member role in
/// their cell), otherwise resets it. An account that also holds roles the caller does not
/// hold over (a committee member's) is not the caller's to reset.
pub async fn issue_for_member(
    tx: &mut Tx<'_>,
    by: &Me,
    member_id: i64,
    cell_id: i64,
    ward_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Issued> {
    let member: Option<(String, String)> =
        sqlx::query_as("SELECT full_name, status FROM members WHERE id = $1 AND cell_id = $2")
            .bind(member_id)
            .bind(cell_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (full_name, status) = member.ok_or(AppError::NotFound)?;
    if status == "transferred" {
        return Err(AppError::invalid("member", Problem::Transferred));
    }
    let account: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE member_id = $1 ORDER BY id LIMIT 1")
            .bind(member_id)
            .fetch_optional(&mut **tx)
            .await?;
    let issued = match account {
        Some(user_id) => {
            reset_account(tx, by, user_id, ward_id, ("member", member_id), now).await?
        }
        None => {
            let username = free_username(tx, &username_from_name(&full_name)).await?;
            let user_id = create_account(tx, &username, &full_name, Some(member_id), now).await?;
            sqlx::query(
                "INSERT INTO user_roles (user_id, role, org_unit_id) VALUES ($1, 'member', $2)",
            )
            .bind(user_id)
            .bind(cell_id)
            .execute(&mut **tx)
            .await?;
            let about = ("member", member_id);
            give_code(tx, by, user_id, username, ward_id, true, about, now).await?
        }
    };
    Ok(issued)
}

/// Makes an account that signs in only with a one-time code until its holder chooses a
/// password, and answers its id. The caller gives it its roles and its code.
pub async fn create_account(
    tx: &mut Tx<'_>,
    username: &str,
    display_name: &str,
    member_id: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (username, password_hash, display_name, member_id, created_at, \
         must_choose_password) VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
    )
    .bind(username)
    .bind(unusable_password())
    .bind(display_name)
    .bind(member_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Resets an active account's sign-in to a new one-time code: its password stops working,
/// so every session of the person ends. An account that also holds roles the caller does
/// not hold over (a committee member's, for a secretary) is not the caller's to reset.
/// `about` is what the audit entry is about (the member, or the account).
pub async fn reset_account(
    tx: &mut Tx<'_>,
    by: &Me,
    user_id: i64,
    ward_id: i64,
    about: (&'static str, i64),
    now: DateTime<Utc>,
) -> AppResult<Issued> {
    let account: Option<(String, bool)> =
        sqlx::query_as("SELECT username, active FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (username, active) = account.ok_or(AppError::NotFound)?;
    if !active {
        return Err(AppError::invalid("member", Problem::Deactivated));
    }
    let held: Vec<String> = sqlx::query_scalar(
        "SELECT u.path FROM user_roles r JOIN org_units u ON u.id = r.org_unit_id \
         WHERE r.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    if !held.iter().all(|path| by.covers(path, Role::writes_units)) {
        return Err(AppError::Forbidden);
    }
    sqlx::query("UPDATE users SET password_hash = $1, must_choose_password = 1 WHERE id = $2")
        .bind(unusable_password())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    give_code(tx, by, user_id, username, ward_id, false, about, now).await
}

/// Gives an account a fresh one-time code (replacing any it had), audited as about
/// `about` (an entity and its id).
#[allow(clippy::too_many_arguments)]
pub async fn give_code(
    tx: &mut Tx<'_>,
    by: &Me,
    user_id: i64,
    username: String,
    ward_id: i64,
    new_account: bool,
    about: (&'static str, i64),
    now: DateTime<Utc>,
) -> AppResult<Issued> {
    let code = new_code();
    let expires_at = store_code(tx, user_id, &code, by.user_id, now).await?;
    audit::write(
        tx,
        Entry::<(), _> {
            ward_id: Some(ward_id),
            user_id: Some(by.user_id),
            action: if new_account {
                "user.created_with_code"
            } else {
                "user.code_issued"
            },
            entity: about.0,
            entity_id: Some(about.1),
            before: None,
            after: Some(&serde_json::json!({ "username": username, "expires_at": expires_at })),
            at: now,
        },
    )
    .await?;
    Ok(Issued {
        user_id,
        username,
        code,
        expires_at,
        new_account,
    })
}

/// Stores `code` as the account's one-time code (replacing any it had), issued by
/// `by_user` at `now`, and answers when it stops working.
pub async fn store_code(
    tx: &mut Tx<'_>,
    user_id: i64,
    code: &str,
    by_user: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<DateTime<Utc>> {
    let expires_at = expiry(now);
    sqlx::query(
        "INSERT INTO sign_in_codes (user_id, code, expires_at, issued_by, issued_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET code = excluded.code, \
         expires_at = excluded.expires_at, issued_by = excluded.issued_by, \
         issued_at = excluded.issued_at",
    )
    .bind(user_id)
    .bind(code)
    .bind(expires_at)
    .bind(by_user)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(expires_at)
}

/// When a code issued at `now` stops working: at the end of the [`CODE_DAYS`]th day after
/// today, in Vietnam.
pub fn expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    day_start(vn_date(now) + Duration::days(CODE_DAYS + 1))
}

/// The last day a code that stops working at `expires_at` works, in Vietnam.
pub fn last_day(expires_at: DateTime<Utc>) -> NaiveDate {
    vn_date(expires_at - Duration::seconds(1))
}

/// The first of `base`, `base2`, `base3`… that no account holds.
pub async fn free_username(tx: &mut Tx<'_>, base: &str) -> AppResult<String> {
    let taken: Vec<String> =
        sqlx::query_scalar("SELECT username FROM users WHERE username LIKE $1")
            .bind(format!("{base}%"))
            .fetch_all(&mut **tx)
            .await?;
    (1..=taken.len() as u32 + 1)
        .map(|n| numbered_username(base, n))
        .find(|u| !taken.contains(u))
        .ok_or(AppError::Internal)
}

/// Signs in with a one-time code, once: the account's id when `typed` is its unexpired
/// code (which is then used up), `None` when it is not its code. An expired code is
/// refused by name, so that the person knows to ask for a new one.
pub async fn redeem(
    pool: &Pool,
    username: &str,
    typed: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<i64>> {
    let typed = typed_code(typed);
    if typed.len() != CODE_DIGITS || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let row: Option<(i64, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT c.user_id, c.code, c.expires_at FROM sign_in_codes c \
         JOIN users u ON u.id = c.user_id WHERE u.username = $1 AND u.active = 1",
    )
    .bind(username)
    .fetch_optional(pool)
    .await?;
    let Some((user_id, code, expires_at)) = row else {
        return Ok(None);
    };
    if !same_secret(&code, &typed) {
        return Ok(None);
    }
    if now >= expires_at {
        return Err(AppError::invalid("code", Problem::Expired));
    }
    let mut tx = begin_write(pool).await?;
    // Once: of two sign-ins with the same code at the same moment, one uses it up.
    let used = sqlx::query("DELETE FROM sign_in_codes WHERE user_id = $1 AND code = $2")
        .bind(user_id)
        .bind(&code)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if used != 1 {
        return Ok(None);
    }
    sqlx::query("UPDATE users SET must_choose_password = 1 WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::write(
        &mut tx,
        Entry::<(), ()> {
            ward_id: None,
            user_id: Some(user_id),
            action: "user.code_used",
            entity: "user",
            entity_id: Some(user_id),
            before: None,
            after: None,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(user_id))
}

/// The code a member's account waits to be signed in with, for the cell's secretary to
/// read out or print again: the code and when it expires.
pub async fn outstanding(
    pool: &Pool,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<(String, DateTime<Utc>)>> {
    let row: Option<(String, DateTime<Utc>)> =
        sqlx::query_as("SELECT code, expires_at FROM sign_in_codes WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.filter(|(_, expires_at)| *expires_at > now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_works_to_the_end_of_its_fourteenth_day() {
        // Issued in the evening of 31 December in Vietnam (noon in UTC).
        let now = "2026-12-31T12:00:00Z".parse().unwrap();
        let expires_at = expiry(now);
        assert_eq!(
            expires_at,
            "2027-01-14T17:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            last_day(expires_at),
            NaiveDate::from_ymd_opt(2027, 1, 14).unwrap()
        );
        // Just after midnight in Vietnam, still 31 December in UTC: already 1 January.
        let early = "2026-12-31T17:30:00Z".parse().unwrap();
        assert_eq!(
            last_day(expiry(early)),
            NaiveDate::from_ymd_opt(2027, 1, 15).unwrap()
        );
    }

    #[test]
    fn codes_are_digits_of_the_same_length_and_differ() {
        let codes: Vec<String> = (0..100).map(|_| new_code()).collect();
        for c in &codes {
            assert_eq!(c.len(), CODE_DIGITS, "{c}");
            assert!(c.bytes().all(|b| b.is_ascii_digit()), "{c}");
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        // 100 draws from 10⁸ codes: one repeat has a chance of 1 in 20 000, two of less
        // than 1 in a billion.
        assert!(unique.len() >= 99, "{} distinct of 100", unique.len());
    }
}
