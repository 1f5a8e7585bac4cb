//! Who may do what with a concern, worked out from the caller's roles (server only).

use super::model::Actor;
use crate::error::AppError;

/// What the caller is to a concern, and the scope of its cell. Members who look after the
/// household (or raised the concern) see it through a read-only scope of their cell; only
/// the one who looks after it now takes the member's steps.
pub async fn access(
    caller: &crate::server::scope::Caller,
    pool: &crate::server::db::Pool,
    concern: i64,
) -> Result<(crate::server::scope::CellScope, Actor), AppError> {
    use crate::core::access::Role;
    let key = super::repo::concern_key(pool, concern)
        .await?
        .ok_or(AppError::Forbidden)?;
    let raised_it = caller.me.has(Role::Member)
        && caller.me.member_id.is_some()
        && key.member_id == caller.me.member_id;
    let looks_after = match key.household_id {
        Some(h) => caller.looks_after(pool, h).await?,
        None => false,
    };
    // The member who looks after the household now takes its steps (reports it, tells the
    // household); the one who raised it and has since handed the household over still
    // reads it, to see the answer.
    let responsible_member = looks_after;
    let reads_as_member = raised_it || looks_after;
    match caller.read_cell(pool, key.cell_id).await {
        Ok(scope) => {
            let actor = Actor {
                responsible_member,
                cell_writer: scope.can_write,
                committee: caller.committee_over(&scope),
            };
            Ok((scope, actor))
        }
        Err(AppError::Forbidden) if reads_as_member => {
            let mut scope = crate::server::scope::cell_scope_unchecked(pool, key.cell_id).await?;
            scope.can_write = false;
            Ok((
                scope,
                Actor {
                    responsible_member,
                    ..Default::default()
                },
            ))
        }
        Err(e) => Err(e),
    }
}
