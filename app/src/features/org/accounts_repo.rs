//! The ward's accounts in the database: read in one pass, and each change checked,
//! versioned, audited and written in one transaction.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::accounts::{Account, HeldRole, MemberChoice, PasswordState, UnitChoice};
use crate::core::access::{Me, Role, UnitKind};
use crate::error::{AppError, AppResult, Problem};
use crate::features::auth::codes::{
    create_account, free_username, give_code, last_day, reset_account,
};
use crate::features::auth::model::{check_username, printed_code, username_from_name};
use crate::server::audit::{self, Entry, Who};
use crate::server::db::{Pool, Tx, begin_write};
use crate::server::scope::{Caller, WardScope};

/// The caller as the committee of `ward`, with the pool and who makes the change now.
pub async fn committee(ward: i64) -> AppResult<(Caller, Pool, WardScope, Who)> {
    let caller = Caller::require().await?;
    let pool = crate::server::state::pool()?;
    let scope = caller.write_ward(&pool, ward).await?;
    let who = super::units_repo::who(&caller)?;
    Ok((caller, pool, scope, who))
}

/// A role as a form names it.
pub fn role_choice(typed: &str) -> AppResult<Role> {
    Role::parse(typed.trim()).ok_or_else(|| AppError::invalid("role", Problem::UnknownChoice))
}

/// An account as stored, with every role it holds (in the ward or not).
#[derive(Clone, Debug)]
pub struct Target {
    pub id: i64,
    pub username: String,
    pub member_id: Option<i64>,
    pub active: bool,
    /// Role, unit id and the unit's path.
    pub roles: Vec<(Role, i64, String)>,
}

/// An account's id, username, member, whether it is active, and its member's ward.
type AccountHead = (i64, String, Option<i64>, bool, Option<i64>);

/// An account of the ward: one with a role at a unit of it, or linked to one of its
/// members. Any other account answers like an unknown one.
pub async fn ward_account(pool: &Pool, ward: &WardScope, id: i64) -> AppResult<Target> {
    let row: Option<AccountHead> = sqlx::query_as(
        "SELECT u.id, u.username, u.member_id, u.active, m.ward_id \
         FROM users u LEFT JOIN members m ON m.id = u.member_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let (id, username, member_id, active, member_ward) = row.ok_or(AppError::Forbidden)?;
    let roles: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT r.role, o.id, o.path FROM user_roles r JOIN org_units o ON o.id = r.org_unit_id \
         WHERE r.user_id = $1 ORDER BY r.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let roles: Vec<(Role, i64, String)> = roles
        .into_iter()
        .filter_map(|(role, unit, path)| Some((Role::parse(&role)?, unit, path)))
        .collect();
    let in_ward = member_ward == Some(ward.ward_id)
        || roles
            .iter()
            .any(|(_, _, path)| path.starts_with(&ward.path));
    if !in_ward {
        return Err(AppError::Forbidden);
    }
    Ok(Target {
        id,
        username,
        member_id,
        active,
        roles,
    })
}

/// Refuses an account that also holds a role outside what the caller keeps as committee
/// (someone of the district's, say): it is not the ward's to reset or deactivate.
pub fn require_whole(caller: &Caller, target: &Target) -> AppResult<()> {
    let whole = target
        .roles
        .iter()
        .all(|(_, _, path)| caller.me.covers(path, |r| r == Role::Committee));
    if whole {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    username: String,
    display_name: String,
    member_id: Option<i64>,
    member_name: Option<String>,
    active: bool,
    version: i64,
    must_choose_password: bool,
    code: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    last_sign_in: Option<DateTime<Utc>>,
}

/// Where an account stands with its password, `now`.
fn password_state(r: &AccountRow, now: DateTime<Utc>) -> PasswordState {
    match (&r.code, r.expires_at) {
        (Some(code), Some(expires_at)) if expires_at > now => PasswordState::Code {
            code: printed_code(code),
            last_day: last_day(expires_at),
        },
        (Some(_), _) => PasswordState::CodeExpired,
        _ if r.must_choose_password => PasswordState::NoPasswordYet,
        _ => PasswordState::OwnPassword,
    }
}

/// Where the accounts of a ward are: a role at a unit of it, or a link to its member.
const OF_WARD: &str = "(u.id IN (SELECT r.user_id FROM user_roles r \
       JOIN org_units o ON o.id = r.org_unit_id WHERE o.path LIKE $1) \
     OR u.member_id IN (SELECT id FROM members WHERE ward_id = $2))";

/// The ward's accounts: the committee first, then the cells' secretaries, viewers and
/// members, each by name. Only the roles held within the ward are shown.
pub async fn accounts_of(
    pool: &Pool,
    ward: &WardScope,
    me: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<Account>> {
    let rows: Vec<AccountRow> = sqlx::query_as(&format!(
        "SELECT u.id, u.username, u.display_name, u.member_id, m.full_name AS member_name, \
           u.active, u.version, u.must_choose_password, c.code, c.expires_at, \
           (SELECT MAX(a.at) FROM sign_in_attempts a \
              WHERE a.username = u.username AND a.succeeded = 1) AS last_sign_in \
         FROM users u \
         LEFT JOIN members m ON m.id = u.member_id \
         LEFT JOIN sign_in_codes c ON c.user_id = u.id \
         WHERE {OF_WARD}"
    ))
    .bind(format!("{}%", ward.path))
    .bind(ward.ward_id)
    .fetch_all(pool)
    .await?;
    let roles: Vec<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT r.user_id, r.role, o.id, o.name FROM user_roles r \
         JOIN org_units o ON o.id = r.org_unit_id \
         WHERE o.path LIKE $1 ORDER BY o.kind <> 'commune', o.name, r.role",
    )
    .bind(format!("{}%", ward.path))
    .fetch_all(pool)
    .await?;
    let mut accounts: Vec<Account> = rows
        .into_iter()
        .map(|r| Account {
            password: password_state(&r, now),
            roles: roles
                .iter()
                .filter(|(user, ..)| *user == r.id)
                .filter_map(|(_, role, unit_id, unit_name)| {
                    Some(HeldRole {
                        role: Role::parse(role)?,
                        unit_id: *unit_id,
                        unit_name: unit_name.clone(),
                    })
                })
                .collect(),
            member: r.member_id.zip(r.member_name),
            is_me: r.id == me,
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            active: r.active,
            last_sign_in: r.last_sign_in,
            version: r.version,
        })
        .collect();
    let rank = |a: &Account| {
        Role::ALL
            .iter()
            .position(|role| a.roles.iter().any(|h| h.role == *role))
            .unwrap_or(Role::ALL.len())
    };
    accounts
        .sort_by(|a, b| (rank(a), &a.display_name, a.id).cmp(&(rank(b), &b.display_name, b.id)));
    Ok(accounts)
}

/// The units a role may be held at: the ward, then its cells in use by name.
pub async fn unit_choices(pool: &Pool, ward_id: i64) -> AppResult<Vec<UnitChoice>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, kind FROM org_units \
         WHERE (id = $1 OR (ward_id = $1 AND kind = 'cell')) AND retired_at IS NULL \
         ORDER BY kind <> 'commune', name, id",
    )
    .bind(ward_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, kind)| {
            Some(UnitChoice {
                id,
                name,
                kind: UnitKind::parse(&kind)?,
            })
        })
        .collect())
}

/// The ward's members (not transferred away) who have no account, by cell and name.
pub async fn free_members(pool: &Pool, ward_id: i64) -> AppResult<Vec<MemberChoice>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT m.id, m.full_name, c.name FROM members m JOIN org_units c ON c.id = m.cell_id \
         WHERE m.ward_id = $1 AND m.status <> 'transferred' \
         AND m.id NOT IN (SELECT member_id FROM users WHERE member_id IS NOT NULL) \
         ORDER BY c.name, m.full_name, m.id",
    )
    .bind(ward_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, full_name, cell_name)| MemberChoice {
            id,
            full_name,
            cell_name,
        })
        .collect())
}

/// Refused with a conflict unless the account is still at the version the form was made
/// from.
async fn bump_version(tx: &mut Tx<'_>, account: i64, version: i64) -> AppResult<()> {
    let done = sqlx::query("UPDATE users SET version = version + 1 WHERE id = $1 AND version = $2")
        .bind(account)
        .bind(version)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// Refuses a change that leaves the ward without an active committee account.
async fn refuse_last_committee(tx: &mut Tx<'_>, ward_id: i64) -> AppResult<()> {
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT u.id) FROM user_roles r JOIN users u ON u.id = r.user_id \
         WHERE r.role = 'committee' AND r.org_unit_id = $1 AND u.active = 1",
    )
    .bind(ward_id)
    .fetch_one(&mut **tx)
    .await?;
    if left == 0 {
        return Err(AppError::invalid("account", Problem::LastCommittee));
    }
    Ok(())
}

/// A member of the ward, not transferred away: their cell.
async fn member_cell(tx: &mut Tx<'_>, ward_id: i64, member: i64) -> AppResult<i64> {
    let cell: Option<i64> = sqlx::query_scalar(
        "SELECT cell_id FROM members WHERE id = $1 AND ward_id = $2 AND status <> 'transferred'",
    )
    .bind(member)
    .bind(ward_id)
    .fetch_optional(&mut **tx)
    .await?;
    cell.ok_or_else(|| AppError::invalid("member", Problem::UnknownChoice))
}

/// A member of the ward with no account but `except`'s: their cell.
async fn free_member_cell(
    tx: &mut Tx<'_>,
    ward_id: i64,
    member: i64,
    except: Option<i64>,
) -> AppResult<i64> {
    let cell = member_cell(tx, ward_id, member).await?;
    let other: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE member_id = $1 AND id <> $2")
            .bind(member)
            .bind(except.unwrap_or(0))
            .fetch_optional(&mut **tx)
            .await?;
    if other.is_some() {
        return Err(AppError::invalid("member", Problem::Taken));
    }
    Ok(cell)
}

/// Checks that `role` may be held at `unit`: the committee at the ward, a secretary or a
/// member at a cell in use, a viewer at either; the member role only for an account linked
/// to a member of that cell (`member_cell`).
async fn check_role_at(
    tx: &mut Tx<'_>,
    ward_id: i64,
    role: Role,
    unit: i64,
    member_cell: Option<i64>,
) -> AppResult<()> {
    let kind: Option<String> = sqlx::query_scalar(
        "SELECT kind FROM org_units WHERE id = $1 AND retired_at IS NULL \
         AND (id = $2 OR (ward_id = $2 AND kind = 'cell'))",
    )
    .bind(unit)
    .bind(ward_id)
    .fetch_optional(&mut **tx)
    .await?;
    let kind = kind
        .as_deref()
        .and_then(UnitKind::parse)
        .ok_or_else(|| AppError::invalid("unit", Problem::UnknownChoice))?;
    let fits = match role {
        Role::Committee => kind == UnitKind::Commune,
        Role::Secretary | Role::Member => kind == UnitKind::Cell,
        Role::Viewer => true,
    };
    if !fits {
        return Err(AppError::invalid("role", Problem::UnknownChoice));
    }
    if role == Role::Member && member_cell != Some(unit) {
        return Err(AppError::invalid("role", Problem::RoleNeedsMember));
    }
    Ok(())
}

/// What the audit log keeps of a role.
#[derive(Serialize)]
struct RoleAt {
    role: &'static str,
    unit_id: i64,
}

/// A new account as the form gives it.
pub struct NewAccount<'a> {
    pub display_name: &'a str,
    pub username: &'a str,
    pub role: Role,
    pub unit: i64,
    pub member: Option<i64>,
}

/// Makes the account with its role and a one-time code, and answers its id.
pub async fn create(
    pool: &Pool,
    me: &Me,
    ward: &WardScope,
    who: &Who,
    new: NewAccount<'_>,
) -> AppResult<i64> {
    let display_name = super::setup::name("display_name", new.display_name)?;
    let typed = new.username.trim();
    let chosen = if typed.is_empty() {
        None
    } else {
        Some(check_username(typed)?)
    };
    let mut tx = begin_write(pool).await?;
    let cell = match new.member {
        Some(m) => Some(free_member_cell(&mut tx, ward.ward_id, m, None).await?),
        None => None,
    };
    check_role_at(&mut tx, ward.ward_id, new.role, new.unit, cell).await?;
    let username = match chosen {
        Some(u) => {
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(&u)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(AppError::invalid("username", Problem::Taken));
            }
            u
        }
        None => free_username(&mut tx, &username_from_name(&display_name)).await?,
    };
    let id = create_account(&mut tx, &username, &display_name, new.member, who.at).await?;
    sqlx::query("INSERT INTO user_roles (user_id, role, org_unit_id) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(new.role.code())
        .bind(new.unit)
        .execute(&mut *tx)
        .await?;
    let about = ("user", id);
    give_code(
        &mut tx,
        me,
        id,
        username.clone(),
        ward.ward_id,
        true,
        about,
        who.at,
    )
    .await?;
    audit::write(
        &mut tx,
        Entry::<(), _> {
            ward_id: Some(ward.ward_id),
            user_id: Some(who.user_id),
            action: "account_created",
            entity: "user",
            entity_id: Some(id),
            before: None,
            after: Some(&serde_json::json!({
                "username": username,
                "display_name": display_name,
                "member_id": new.member,
                "role": new.role.code(),
                "unit_id": new.unit,
            })),
            at: who.at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes one audit entry about an account.
async fn note<B: Serialize, A: Serialize>(
    tx: &mut Tx<'_>,
    ward: &WardScope,
    who: &Who,
    action: &'static str,
    target: &Target,
    before: Option<&B>,
    after: Option<&A>,
) -> AppResult<()> {
    audit::write(
        tx,
        Entry {
            ward_id: Some(ward.ward_id),
            user_id: Some(who.user_id),
            action,
            entity: "user",
            entity_id: Some(target.id),
            before,
            after,
            at: who.at,
        },
    )
    .await?;
    Ok(())
}

/// The cell of the member an account is linked to, if any.
async fn linked_cell(tx: &mut Tx<'_>, target: &Target) -> AppResult<Option<i64>> {
    Ok(match target.member_id {
        Some(m) => {
            sqlx::query_scalar("SELECT cell_id FROM members WHERE id = $1")
                .bind(m)
                .fetch_optional(&mut **tx)
                .await?
        }
        None => None,
    })
}

/// Gives a role at a unit of the ward; a role already held is left as it is.
pub async fn grant(
    pool: &Pool,
    ward: &WardScope,
    who: &Who,
    target: &Target,
    role: Role,
    unit: i64,
    version: i64,
) -> AppResult<()> {
    let mut tx = begin_write(pool).await?;
    bump_version(&mut tx, target.id, version).await?;
    let cell = linked_cell(&mut tx, target).await?;
    check_role_at(&mut tx, ward.ward_id, role, unit, cell).await?;
    let added = sqlx::query(
        "INSERT INTO user_roles (user_id, role, org_unit_id) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, role, org_unit_id) DO NOTHING",
    )
    .bind(target.id)
    .bind(role.code())
    .bind(unit)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added > 0 {
        let held = RoleAt {
            role: role.code(),
            unit_id: unit,
        };
        note::<(), _>(
            &mut tx,
            ward,
            who,
            "role_granted",
            target,
            None,
            Some(&held),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Takes a role held at a unit of the ward.
pub async fn revoke(
    pool: &Pool,
    ward: &WardScope,
    who: &Who,
    target: &Target,
    role: Role,
    unit: i64,
    version: i64,
) -> AppResult<()> {
    let held = target
        .roles
        .iter()
        .any(|(r, u, path)| *r == role && *u == unit && path.starts_with(&ward.path));
    if !held {
        return Err(AppError::invalid("role", Problem::UnknownChoice));
    }
    let mut tx = begin_write(pool).await?;
    bump_version(&mut tx, target.id, version).await?;
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role = $2 AND org_unit_id = $3")
        .bind(target.id)
        .bind(role.code())
        .bind(unit)
        .execute(&mut *tx)
        .await?;
    refuse_last_committee(&mut tx, ward.ward_id).await?;
    super::units_repo::release_cells(&mut tx, ward.ward_id, target.id).await?;
    let was = RoleAt {
        role: role.code(),
        unit_id: unit,
    };
    note::<_, ()>(&mut tx, ward, who, "role_revoked", target, Some(&was), None).await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivates or reactivates an account. A deactivated account signs in no more (its
/// sessions end at once: they are checked against an active account) and its waiting
/// code stops working.
pub async fn set_active(
    pool: &Pool,
    ward: &WardScope,
    who: &Who,
    target: &Target,
    active: bool,
    version: i64,
) -> AppResult<()> {
    let mut tx = begin_write(pool).await?;
    bump_version(&mut tx, target.id, version).await?;
    if active == target.active {
        tx.commit().await?;
        return Ok(());
    }
    sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(target.id)
        .execute(&mut *tx)
        .await?;
    if !active {
        refuse_last_committee(&mut tx, ward.ward_id).await?;
        super::units_repo::release_cells(&mut tx, ward.ward_id, target.id).await?;
        sqlx::query("DELETE FROM sign_in_codes WHERE user_id = $1")
            .bind(target.id)
            .execute(&mut *tx)
            .await?;
    }
    let action = if active {
        "account_reactivated"
    } else {
        "account_deactivated"
    };
    let (before, after) = (
        serde_json::json!({ "active": target.active }),
        serde_json::json!({ "active": active }),
    );
    note(
        &mut tx,
        ward,
        who,
        action,
        target,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Links the account to a member of the ward who has no account, or unlinks it. Its
/// member roles must still match the member's cell.
pub async fn link(
    pool: &Pool,
    ward: &WardScope,
    who: &Who,
    target: &Target,
    member: Option<i64>,
    version: i64,
) -> AppResult<()> {
    let mut tx = begin_write(pool).await?;
    bump_version(&mut tx, target.id, version).await?;
    let cell = match member {
        Some(m) => Some(free_member_cell(&mut tx, ward.ward_id, m, Some(target.id)).await?),
        None => None,
    };
    let member_roles_fit = target
        .roles
        .iter()
        .filter(|(r, ..)| *r == Role::Member)
        .all(|(_, unit, _)| cell == Some(*unit));
    if !member_roles_fit {
        return Err(AppError::invalid("member", Problem::RoleNeedsMember));
    }
    sqlx::query("UPDATE users SET member_id = $1 WHERE id = $2")
        .bind(member)
        .bind(target.id)
        .execute(&mut *tx)
        .await?;
    let (before, after) = (
        serde_json::json!({ "member_id": target.member_id }),
        serde_json::json!({ "member_id": member }),
    );
    note(
        &mut tx,
        ward,
        who,
        "member_linked",
        target,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Resets the account's sign-in to a new one-time code.
pub async fn reset(
    pool: &Pool,
    me: &Me,
    ward: &WardScope,
    who: &Who,
    target: &Target,
    version: i64,
) -> AppResult<()> {
    let mut tx = begin_write(pool).await?;
    bump_version(&mut tx, target.id, version).await?;
    let about = ("user", target.id);
    reset_account(&mut tx, me, target.id, ward.ward_id, about, who.at).await?;
    tx.commit().await?;
    Ok(())
}
