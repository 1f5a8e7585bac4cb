//! The committee keeps its ward's accounts: makes an account for anyone (with a one-time
//! code to hand on), links it to a member record, gives and takes roles at the units of
//! the ward, resets a sign-in, deactivates and reactivates. The ward never loses its last
//! active committee account.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::access::{Role, UnitKind};
use crate::error::AppError;

/// Where an account stands with its password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordState {
    /// A one-time code waits to be used: as printed, and its last day.
    Code { code: String, last_day: NaiveDate },
    /// The code was not used in time: a new one is needed.
    CodeExpired,
    /// Signed in with the code, no password chosen yet.
    NoPasswordYet,
    /// Signs in with a password of their own.
    OwnPassword,
}

/// A role an account holds at a unit of the ward.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldRole {
    pub role: Role,
    pub unit_id: i64,
    pub unit_name: String,
}

/// An account with a role in the ward, or linked to one of its members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// The member record it is linked to: id and name.
    pub member: Option<(i64, String)>,
    pub roles: Vec<HeldRole>,
    pub active: bool,
    pub last_sign_in: Option<DateTime<Utc>>,
    pub password: PasswordState,
    pub version: i64,
    /// The caller's own account.
    pub is_me: bool,
}

/// A unit a role may be held at: the ward itself or one of its cells in use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitChoice {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
}

/// A member of the ward who has no account yet, for linking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberChoice {
    pub id: i64,
    pub full_name: String,
    pub cell_name: String,
}

/// The ward's accounts, with what the forms offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub ward_id: i64,
    pub ward_name: String,
    pub accounts: Vec<Account>,
    pub units: Vec<UnitChoice>,
    pub free_members: Vec<MemberChoice>,
}

/// The ward's accounts: its committee only (they carry usernames and codes).
#[server(endpoint = "org/accounts")]
pub async fn ward_accounts(ward: i64) -> Result<AccountList, AppError> {
    use super::accounts_repo as repo;
    use crate::server::{
        scope::*,
        state::{clock, pool},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_ward(&pool, ward).await?;
        let now = clock()?.now();
        Ok(AccountList {
            accounts: repo::accounts_of(&pool, &scope, caller.user_id(), now).await?,
            units: repo::unit_choices(&pool, scope.ward_id).await?,
            free_members: repo::free_members(&pool, scope.ward_id).await?,
            ward_id: scope.ward_id,
            ward_name: scope.name,
        })
    })
    .await
}

/// A plain form post comes back to the accounts page; `done` names what to show there.
#[cfg(feature = "ssr")]
fn back_to_page<T>(ward: i64, result: &Result<T, AppError>, done: impl FnOnce(&T) -> String) {
    if crate::core::form_post::is_plain_form_post() {
        leptos_axum::redirect(&match result {
            Ok(v) => format!("/wards/{ward}/accounts?{}", done(v)),
            Err(e) => format!("/wards/{ward}/accounts?error={}", e.to_query()),
        });
    }
}

/// An `<select>`'s member: empty for none.
#[cfg(feature = "ssr")]
fn member_choice(typed: &str) -> Result<Option<i64>, AppError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    typed
        .parse()
        .map(Some)
        .map_err(|_| AppError::invalid("member", crate::error::Problem::UnknownChoice))
}

/// Makes an account with one role and a one-time code: the ward's committee. An empty
/// username is made from the name; `member` (empty for none) links a member of the ward
/// who has no account. Answers the new account's id.
#[server(endpoint = "org/create_account")]
pub async fn create_account(
    ward: i64,
    display_name: String,
    username: String,
    role: String,
    unit: i64,
    member: String,
) -> Result<i64, AppError> {
    use super::accounts_repo as repo;
    use crate::server::scope::*;
    let result = answer(async move {
        let (caller, pool, scope, who) = repo::committee(ward).await?;
        let role = repo::role_choice(&role)?;
        let member = member_choice(&member)?;
        let new = repo::NewAccount {
            display_name: &display_name,
            username: &username,
            role,
            unit,
            member,
        };
        repo::create(&pool, &caller.me, &scope, &who, new).await
    })
    .await;
    back_to_page(ward, &result, |id| format!("created={id}"));
    result
}

/// What a change to one account of the ward works from: the caller as the ward's
/// committee, the account, and who makes the change now.
#[cfg(feature = "ssr")]
pub struct Change {
    pub caller: crate::server::scope::Caller,
    pub pool: crate::server::db::Pool,
    pub scope: crate::server::scope::WardScope,
    pub who: crate::server::audit::Who,
    pub target: super::accounts_repo::Target,
}

/// Makes one change to an account of the ward: the ward's committee, and for `whole`
/// only over an account whose every role is within the ward. A plain form post comes
/// back to the page with `done` (`changed`, `reset`) naming the account.
#[cfg(feature = "ssr")]
async fn change_account<F, Fut>(
    ward: i64,
    account: i64,
    done: &'static str,
    whole: bool,
    change: F,
) -> Result<(), AppError>
where
    F: FnOnce(Change) -> Fut,
    Fut: std::future::Future<Output = Result<(), AppError>>,
{
    use super::accounts_repo as repo;
    let result = crate::server::scope::answer(async move {
        let (caller, pool, scope, who) = repo::committee(ward).await?;
        let target = repo::ward_account(&pool, &scope, account).await?;
        if whole {
            repo::require_whole(&caller, &target)?;
        }
        change(Change {
            caller,
            pool,
            scope,
            who,
            target,
        })
        .await
    })
    .await;
    back_to_page(ward, &result, |_| format!("{done}={account}"));
    result
}

/// Gives an account a role at a unit of the ward: the ward's committee.
#[server(endpoint = "org/grant_role")]
pub async fn grant_role(
    ward: i64,
    account: i64,
    role: String,
    unit: i64,
    version: i64,
) -> Result<(), AppError> {
    use super::accounts_repo as repo;
    change_account(ward, account, "changed", false, |c| async move {
        let role = repo::role_choice(&role)?;
        repo::grant(&c.pool, &c.scope, &c.who, &c.target, role, unit, version).await
    })
    .await
}

/// Takes a role at a unit of the ward from an account: the ward's committee; never the
/// ward's last active committee account's.
#[server(endpoint = "org/revoke_role")]
pub async fn revoke_role(
    ward: i64,
    account: i64,
    role: String,
    unit: i64,
    version: i64,
) -> Result<(), AppError> {
    use super::accounts_repo as repo;
    change_account(ward, account, "changed", false, |c| async move {
        let role = repo::role_choice(&role)?;
        repo::revoke(&c.pool, &c.scope, &c.who, &c.target, role, unit, version).await
    })
    .await
}

/// Deactivates an account (it signs in no more, its sessions end at once) or reactivates
/// it: the ward's committee, for an account whose every role is within the ward.
#[server(endpoint = "org/set_account_active")]
pub async fn set_account_active(
    ward: i64,
    account: i64,
    active: bool,
    version: i64,
) -> Result<(), AppError> {
    use super::accounts_repo as repo;
    change_account(ward, account, "changed", true, |c| async move {
        repo::set_active(&c.pool, &c.scope, &c.who, &c.target, active, version).await
    })
    .await
}

/// Links an account to a member of the ward who has no account, or unlinks it (`member`
/// empty): the ward's committee.
#[server(endpoint = "org/link_member")]
pub async fn link_member(
    ward: i64,
    account: i64,
    member: String,
    version: i64,
) -> Result<(), AppError> {
    use super::accounts_repo as repo;
    change_account(ward, account, "changed", false, |c| async move {
        let member = member_choice(&member)?;
        repo::link(&c.pool, &c.scope, &c.who, &c.target, member, version).await
    })
    .await
}

/// Resets an account's sign-in to a new one-time code, which ends its sessions: the
/// ward's committee, for an account whose every role is within the ward.
#[server(endpoint = "org/reset_sign_in")]
pub async fn reset_sign_in(ward: i64, account: i64, version: i64) -> Result<(), AppError> {
    use super::accounts_repo as repo;
    change_account(ward, account, "reset", true, |c| async move {
        repo::reset(&c.pool, &c.caller.me, &c.scope, &c.who, &c.target, version).await
    })
    .await
}
