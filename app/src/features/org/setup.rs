//! The first set-up of a ward: the top of its organisation tree (province, optionally a
//! district, the commune-level unit) and its first committee account, in one transaction,
//! once. Used by `ganbo setup` and by the set-up page, which a one-time token opens.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::model::WardKind;
use crate::error::{AppError, AppResult, Problem};
use crate::features::auth::model::check_username;
use crate::features::auth::password::check_new_password;
use crate::server::audit::{self, Entry};
use crate::server::auth::hash_password;
use crate::server::db::{Pool, Tx, begin_write};

/// The longest unit name and display name, and the longest unit code.
pub const MAX_NAME_CHARS: u32 = 120;
pub const MAX_CODE_CHARS: u32 = 32;

/// A unit of the tree as typed: its name and its code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitInput {
    pub name: String,
    pub code: String,
}

/// Everything the first set-up needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupInput {
    pub province: UnitInput,
    pub district: Option<UnitInput>,
    pub kind: WardKind,
    pub ward: UnitInput,
    pub username: String,
    /// The name the account is shown with; empty for "Văn phòng Đảng ủy {kind} {ward}".
    pub display_name: String,
    pub password: String,
}

/// What the set-up made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetupDone {
    pub ward_id: i64,
    pub ward_title: String,
    pub user_id: i64,
    pub username: String,
}

/// The ward's title as its documents write it: "Phường Thanh Xuân", "Xã Tân Lập".
pub fn ward_title(kind: WardKind, name: &str) -> String {
    let word = kind.vi();
    let mut chars = word.chars();
    let capital: String = chars
        .next()
        .into_iter()
        .flat_map(char::to_uppercase)
        .collect();
    format!("{capital}{} {name}", chars.as_str())
}

/// The display name of the first committee account when none is given.
pub fn default_display_name(kind: WardKind, ward_name: &str) -> String {
    format!("Văn phòng Đảng ủy {} {}", kind.vi(), ward_name.trim())
}

/// Whether the database still waits for its first set-up: no active committee account.
pub async fn needs_setup(pool: &Pool) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id \
         WHERE r.role = 'committee' AND u.active = 1",
    )
    .fetch_one(pool)
    .await?;
    Ok(n == 0)
}

/// The `app_settings` key of the set-up page's one-time token.
const TOKEN_KEY: &str = "setup_token";

/// The token that opens the set-up page: the one kept, or a new random one (244 random
/// bits) kept until the ward is set up, so that a restart prints the same link.
pub async fn setup_token(pool: &Pool) -> sqlx::Result<String> {
    let fresh = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    sqlx::query(
        "INSERT INTO app_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(TOKEN_KEY)
    .bind(&fresh)
    .execute(pool)
    .await?;
    sqlx::query_scalar("SELECT value FROM app_settings WHERE key = $1")
        .bind(TOKEN_KEY)
        .fetch_one(pool)
        .await
}

/// Whether `token` is the set-up page's token (compared in constant time); never once
/// the ward is set up.
pub async fn token_opens_setup(pool: &Pool, token: &str) -> sqlx::Result<bool> {
    let kept: Option<String> = sqlx::query_scalar("SELECT value FROM app_settings WHERE key = $1")
        .bind(TOKEN_KEY)
        .fetch_optional(pool)
        .await?;
    let Some(kept) = kept else {
        return Ok(false);
    };
    Ok(crate::server::auth::same_secret(&kept, token) && needs_setup(pool).await?)
}

/// Why a set-up did not happen.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    #[error(
        "Cơ sở dữ liệu này đã được thiết lập: đã có tài khoản Đảng ủy. Hãy đăng nhập bằng tài khoản đó để quản lý đơn vị."
    )]
    AlreadySetUp,
    #[error("{0}")]
    Refused(AppError),
}

impl From<AppError> for SetupError {
    fn from(e: AppError) -> Self {
        SetupError::Refused(e)
    }
}

impl From<sqlx::Error> for SetupError {
    fn from(e: sqlx::Error) -> Self {
        SetupError::Refused(e.into())
    }
}

/// Refuses an empty value or one longer than `max` characters.
fn present_within(field: &str, value: &str, max: u32) -> AppResult<()> {
    if value.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if value.chars().count() as u32 > max {
        return Err(AppError::invalid(field, Problem::TooLong { max }));
    }
    Ok(())
}

/// A name: trimmed, required, not too long, no control characters.
pub(super) fn name(field: &str, typed: &str) -> AppResult<String> {
    let name = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    present_within(field, &name, MAX_NAME_CHARS)?;
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(field, Problem::BadFormat));
    }
    Ok(name)
}

/// A unit code: trimmed, upper case ASCII letters and digits with `-`, `_` or `.`.
pub(super) fn code(field: &str, typed: &str) -> AppResult<String> {
    let code = typed.trim().to_uppercase();
    present_within(field, &code, MAX_CODE_CHARS)?;
    if !code
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
    {
        return Err(AppError::invalid(field, Problem::BadFormat));
    }
    Ok(code)
}

/// A unit as it will be stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Unit {
    kind: &'static str,
    name: String,
    code: String,
    /// The field its code was typed in, to name in a refusal.
    #[serde(skip)]
    code_field: &'static str,
}

/// The set-up as it will be stored, every field checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Checked {
    units: Vec<Unit>,
    kind: &'static str,
    username: String,
    display_name: String,
}

fn unit(kind: &'static str, fields: [&'static str; 2], typed: &UnitInput) -> AppResult<Unit> {
    Ok(Unit {
        kind,
        name: name(fields[0], &typed.name)?,
        code: code(fields[1], &typed.code)?,
        code_field: fields[1],
    })
}

fn check(input: &SetupInput) -> AppResult<Checked> {
    let mut units = vec![unit(
        "province",
        ["province_name", "province_code"],
        &input.province,
    )?];
    if let Some(d) = &input.district {
        units.push(unit("district", ["district_name", "district_code"], d)?);
    }
    units.push(unit("commune", ["ward_name", "ward_code"], &input.ward)?);
    for (i, u) in units.iter().enumerate() {
        if units[..i].iter().any(|before| before.code == u.code) {
            return Err(AppError::invalid(u.code_field, Problem::Duplicate));
        }
    }
    let ward_name = units[units.len() - 1].name.clone();
    let username = check_username(&input.username)?;
    let display_name = if input.display_name.trim().is_empty() {
        default_display_name(input.kind, &ward_name)
    } else {
        name("display_name", &input.display_name)?
    };
    check_new_password(&input.password, &username, &[&display_name, &ward_name])?;
    Ok(Checked {
        units,
        kind: input.kind.code(),
        username,
        display_name,
    })
}

/// Sets the ward up: refuses if a committee account exists or any input is wrong, and
/// otherwise writes the units, the account and its committee role with their audit
/// entries in one transaction.
pub async fn set_up(
    pool: &Pool,
    now: DateTime<Utc>,
    input: &SetupInput,
) -> Result<SetupDone, SetupError> {
    if !needs_setup(pool).await? {
        return Err(SetupError::AlreadySetUp);
    }
    let checked = check(input)?;
    // Hashing is slow on purpose: done before the write lock is taken.
    let hash = hash_password(input.password.clone())
        .await
        .map_err(|_| AppError::Internal)?;
    let mut tx = begin_write(pool).await?;
    // Checked again under the write lock: two set-ups at once make one ward.
    let committees: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id \
         WHERE r.role = 'committee' AND u.active = 1",
    )
    .fetch_one(&mut *tx)
    .await?;
    if committees > 0 {
        return Err(SetupError::AlreadySetUp);
    }
    let done = write(&mut tx, now, &checked, &hash).await?;
    // The set-up page's link stops working.
    sqlx::query("DELETE FROM app_settings WHERE key = $1")
        .bind(TOKEN_KEY)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done)
}

async fn write(
    tx: &mut Tx<'_>,
    now: DateTime<Utc>,
    checked: &Checked,
    hash: &str,
) -> Result<SetupDone, SetupError> {
    let mut parent: Option<(i64, String)> = None;
    let mut ward = (0, String::new());
    for unit in &checked.units {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM org_units WHERE code = $1")
            .bind(&unit.code)
            .fetch_optional(&mut **tx)
            .await?;
        if taken.is_some() {
            return Err(AppError::invalid(unit.code_field, Problem::Taken).into());
        }
        let is_ward = unit.kind == "commune";
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO org_units (parent_id, kind, name, code, path, commune_kind, created_at) \
             VALUES ($1, $2, $3, $4, '', $5, $6) RETURNING id",
        )
        .bind(parent.as_ref().map(|p| p.0))
        .bind(unit.kind)
        .bind(&unit.name)
        .bind(&unit.code)
        .bind(is_ward.then_some(checked.kind))
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        let path = format!("{}{id}/", parent.as_ref().map_or("/", |p| p.1.as_str()));
        sqlx::query("UPDATE org_units SET path = $1, ward_id = $2 WHERE id = $3")
            .bind(&path)
            .bind(is_ward.then_some(id))
            .bind(id)
            .execute(&mut **tx)
            .await?;
        if is_ward {
            ward = (id, unit.name.clone());
        }
        parent = Some((id, path));
    }
    let username_taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(&checked.username)
            .fetch_optional(&mut **tx)
            .await?;
    if username_taken.is_some() {
        return Err(AppError::invalid("username", Problem::Taken).into());
    }
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, password_hash, display_name, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&checked.username)
    .bind(hash)
    .bind(&checked.display_name)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO user_roles (user_id, role, org_unit_id) VALUES ($1, 'committee', $2)")
        .bind(user_id)
        .bind(ward.0)
        .execute(&mut **tx)
        .await?;
    audit::write(
        tx,
        Entry::<(), _> {
            ward_id: Some(ward.0),
            user_id: None,
            action: "ward.set_up",
            entity: "org_unit",
            entity_id: Some(ward.0),
            before: None,
            after: Some(checked),
            at: now,
        },
    )
    .await?;
    let kind = WardKind::parse(checked.kind).unwrap_or(WardKind::Phuong);
    Ok(SetupDone {
        ward_id: ward.0,
        ward_title: ward_title(kind, &ward.1),
        user_id,
        username: checked.username.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SetupInput {
        SetupInput {
            province: UnitInput {
                name: "Thành phố Hà Nội".into(),
                code: "hn".into(),
            },
            district: None,
            kind: WardKind::Phuong,
            ward: UnitInput {
                name: " Thanh   Xuân ".into(),
                code: "HN-TX".into(),
            },
            username: "DangUy.TX".into(),
            display_name: String::new(),
            password: "cay-bang-truoc-ngo".into(),
        }
    }

    fn refused(input: &SetupInput) -> (String, Problem) {
        match check(input) {
            Err(AppError::Invalid { field, problem }) => (field, problem),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_set_up_is_tidied_before_it_is_stored() {
        let c = check(&input()).unwrap();
        let units: Vec<(&str, &str, &str)> = c
            .units
            .iter()
            .map(|u| (u.kind, u.name.as_str(), u.code.as_str()))
            .collect();
        assert_eq!(
            units,
            vec![
                ("province", "Thành phố Hà Nội", "HN"),
                ("commune", "Thanh Xuân", "HN-TX"),
            ]
        );
        assert_eq!(c.username, "danguy.tx");
        assert_eq!(c.display_name, "Văn phòng Đảng ủy phường Thanh Xuân");
        assert_eq!(c.kind, "phuong");
    }

    #[test]
    fn each_wrong_field_is_named() {
        let mut i = input();
        i.ward.name = "  ".into();
        assert_eq!(refused(&i), ("ward_name".into(), Problem::Required));
        let mut i = input();
        i.province.code = "HN 01".into();
        assert_eq!(refused(&i), ("province_code".into(), Problem::BadFormat));
        let mut i = input();
        i.district = Some(UnitInput {
            name: "Quận Thanh Xuân".into(),
            code: "HN-TX".into(),
        });
        assert_eq!(refused(&i), ("ward_code".into(), Problem::Duplicate));
        let mut i = input();
        i.password = "danguy.tx1".into();
        assert_eq!(refused(&i), ("password".into(), Problem::TooEasy));
        let mut i = input();
        i.username = "đảng ủy".into();
        assert_eq!(refused(&i), ("username".into(), Problem::BadFormat));
    }

    #[test]
    fn titles_follow_the_kind() {
        assert_eq!(ward_title(WardKind::Xa, "Tân Lập"), "Xã Tân Lập");
        assert_eq!(
            ward_title(WardKind::ThiTran, "Đông Anh"),
            "Thị trấn Đông Anh"
        );
        assert_eq!(ward_title(WardKind::DacKhu, "Phú Quốc"), "Đặc khu Phú Quốc");
        assert_eq!(WardKind::from_typed("Thị trấn"), Some(WardKind::ThiTran));
        assert_eq!(WardKind::from_typed("xã"), Some(WardKind::Xa));
        assert_eq!(WardKind::from_typed("dac-khu"), Some(WardKind::DacKhu));
        assert_eq!(WardKind::from_typed("huyện"), None);
    }
}
