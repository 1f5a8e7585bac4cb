//! The audit log: who changed what, when, with the before and after.

use serde::Serialize;

use super::db::Tx;

/// Who makes a change, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Who {
    pub user_id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// One audited change, written in the same transaction as the change itself.
pub struct Entry<'a, B: Serialize, A: Serialize> {
    pub ward_id: Option<i64>,
    pub user_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
    /// When the change was made (the same instant as the change's own rows).
    pub at: chrono::DateTime<chrono::Utc>,
}

pub async fn write<B: Serialize, A: Serialize>(
    tx: &mut Tx<'_>,
    e: Entry<'_, B, A>,
) -> Result<(), sqlx::Error> {
    let before = e
        .before
        .map(|b| serde_json::to_string(b).unwrap_or_default());
    let after = e
        .after
        .map(|a| serde_json::to_string(a).unwrap_or_default());
    sqlx::query(
        "INSERT INTO audit_log (ward_id, user_id, action, entity, entity_id, before_json, after_json, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.ward_id)
    .bind(e.user_id)
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(before)
    .bind(after)
    .bind(e.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
