//! Who is calling, and what they may see: every server function starts here.

use http::request::Parts;
use leptos::prelude::use_context;

use super::auth::AuthSession;
use super::db::Pool;
use crate::core::access::{Me, Role};
use crate::error::{AppError, AppResult};

/// The signed-in caller of a server function.
#[derive(Clone, Debug)]
pub struct Caller {
    pub me: Me,
}

/// A cell the caller may look at, with whether they may change it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellScope {
    pub cell_id: i64,
    pub ward_id: i64,
    pub path: String,
    pub name: String,
    pub ward_name: String,
    pub can_write: bool,
}

/// The auth session of the current request, if the request went through the auth layer.
pub async fn auth_session() -> AppResult<AuthSession> {
    let parts = use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from context");
        AppError::Internal
    })?;
    parts
        .extensions
        .get::<AuthSession>()
        .cloned()
        .ok_or_else(|| {
            tracing::error!("auth session missing: is the auth layer installed?");
            AppError::Internal
        })
}

impl Caller {
    /// The caller, or [`AppError::Unauthenticated`]. Someone signed in with a one-time code
    /// who has not yet chosen a password is refused everything but that choice.
    pub async fn require() -> AppResult<Caller> {
        Self::from_session(auth_session().await?)
    }

    /// The caller, even one who signed in with a one-time code and has yet to choose a
    /// password: for that choice alone.
    pub async fn require_even_without_password() -> AppResult<Caller> {
        auth_session()
            .await?
            .user
            .map(|u| Caller { me: u.me })
            .ok_or(AppError::Unauthenticated)
    }

    /// The caller of a plain handler (a download, the live board), from its session, as
    /// [`Caller::require`] decides.
    pub fn from_session(session: AuthSession) -> AppResult<Caller> {
        let me = session.user.ok_or(AppError::Unauthenticated)?.me;
        if me.must_choose_password {
            return Err(AppError::Forbidden);
        }
        Ok(Caller { me })
    }

    /// The caller if signed in.
    pub async fn optional() -> AppResult<Option<Caller>> {
        Ok(auth_session().await?.user.map(|u| Caller { me: u.me }))
    }

    pub fn user_id(&self) -> i64 {
        self.me.user_id
    }

    /// A cell the caller may read as a whole (committee, secretary or viewer above it).
    /// Unknown cells and cells out of scope answer the same way, so that ids cannot be probed.
    pub async fn read_cell(&self, pool: &Pool, cell_id: i64) -> AppResult<CellScope> {
        let cell = load_cell(pool, cell_id).await?.ok_or(AppError::Forbidden)?;
        if !self.me.covers(&cell.path, Role::reads_units) {
            return Err(AppError::Forbidden);
        }
        Ok(CellScope {
            can_write: self.me.covers(&cell.path, Role::writes_units),
            ..cell
        })
    }

    /// A cell the caller may change (committee above it, or its secretary).
    pub async fn write_cell(&self, pool: &Pool, cell_id: i64) -> AppResult<CellScope> {
        let cell = self.read_cell(pool, cell_id).await?;
        if !cell.can_write {
            return Err(AppError::Forbidden);
        }
        Ok(cell)
    }

    /// Whether the caller looks after this household now (their own household, as a member
    /// still of the cell).
    pub async fn looks_after(&self, pool: &Pool, household_id: i64) -> AppResult<bool> {
        let Some(member_id) = self.me.member_id else {
            return Ok(false);
        };
        if !self.me.has(Role::Member) {
            return Ok(false);
        }
        // A member transferred out looks after nothing, from the moment of the transfer.
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM assignments a JOIN members m ON m.id = a.member_id \
             WHERE a.household_id = $1 AND a.member_id = $2 AND a.ended_at IS NULL \
             AND m.status <> 'transferred'",
        )
        .bind(household_id)
        .bind(member_id)
        .fetch_one(pool)
        .await?;
        Ok(n > 0)
    }

    /// Whether the caller holds the committee role over this cell's commune/ward: only the
    /// committee answers in writing.
    pub fn committee_over(&self, cell: &CellScope) -> bool {
        self.me.covers(&cell.path, |r| r == Role::Committee)
    }

    /// A commune/ward the caller may read as a whole (committee or viewer at it or above);
    /// `can_write` for the committee. Unknown wards answer like wards out of scope.
    pub async fn read_ward(&self, pool: &Pool, ward_id: i64) -> AppResult<WardScope> {
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT id, path, name FROM org_units WHERE id = $1 AND kind = 'commune'",
        )
        .bind(ward_id)
        .fetch_optional(pool)
        .await?;
        let Some((ward_id, path, name)) = row else {
            return Err(AppError::Forbidden);
        };
        if !self.me.covers(&path, Role::reads_units) {
            return Err(AppError::Forbidden);
        }
        Ok(WardScope {
            can_write: self.me.covers(&path, |r| r == Role::Committee),
            ward_id,
            path,
            name,
        })
    }

    /// A commune/ward the caller may change: its committee.
    pub async fn write_ward(&self, pool: &Pool, ward_id: i64) -> AppResult<WardScope> {
        let ward = self.read_ward(pool, ward_id).await?;
        if !ward.can_write {
            return Err(AppError::Forbidden);
        }
        Ok(ward)
    }

    /// A commune/ward the caller may read as a whole: its name and its cells still in use, in
    /// name order.
    pub async fn read_ward_cells(
        &self,
        pool: &Pool,
        ward_id: i64,
    ) -> AppResult<(String, Vec<i64>)> {
        let ward = self.read_ward(pool, ward_id).await?;
        let cells: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM org_units WHERE ward_id = $1 AND kind = 'cell' AND retired_at IS NULL \
             ORDER BY name, id",
        )
        .bind(ward.ward_id)
        .fetch_all(pool)
        .await?;
        Ok((ward.name, cells))
    }

    /// The cells still in use that the caller may read as a whole, in name order.
    pub async fn readable_cells(&self, pool: &Pool) -> AppResult<Vec<CellScope>> {
        let mut out = Vec::new();
        for g in self.me.grants.iter().filter(|g| g.role.reads_units()) {
            let rows: Vec<CellRow> = sqlx::query_as(&format!(
                "{CELL_SELECT} WHERE c.kind = 'cell' AND c.retired_at IS NULL AND c.path LIKE $1 \
                 ORDER BY c.name"
            ))
            .bind(format!("{}%", g.unit_path))
            .fetch_all(pool)
            .await?;
            for r in rows {
                if out.iter().any(|c: &CellScope| c.cell_id == r.id) {
                    continue;
                }
                let path = r.path.clone();
                let mut c = r.into_scope();
                c.can_write = self.me.covers(&path, Role::writes_units);
                out.push(c);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}

const CELL_SELECT: &str = "SELECT c.id, c.ward_id, c.path, c.name, w.name AS ward_name \
     FROM org_units c LEFT JOIN org_units w ON w.id = c.ward_id";

#[derive(sqlx::FromRow)]
struct CellRow {
    id: i64,
    ward_id: Option<i64>,
    path: String,
    name: String,
    ward_name: Option<String>,
}

impl CellRow {
    fn into_scope(self) -> CellScope {
        CellScope {
            cell_id: self.id,
            ward_id: self.ward_id.unwrap_or_default(),
            path: self.path,
            name: self.name,
            ward_name: self.ward_name.unwrap_or_default(),
            can_write: false,
        }
    }
}

async fn load_cell(pool: &Pool, cell_id: i64) -> AppResult<Option<CellScope>> {
    let row: Option<CellRow> = sqlx::query_as(&format!(
        "{CELL_SELECT} WHERE c.id = $1 AND c.kind = 'cell'"
    ))
    .bind(cell_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(CellRow::into_scope))
}

/// A commune/ward the caller may look at as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WardScope {
    pub ward_id: i64,
    pub path: String,
    pub name: String,
    /// The caller is its committee.
    pub can_write: bool,
}

/// Runs a server function's body and answers its error with the matching HTTP status.
///
/// During server rendering the status becomes the page's (a forbidden cell's page answers
/// 403). Plain HTML form posts (no JavaScript) are left to the redirect that leptos_axum
/// makes, so the browser lands back on a page rather than on a JSON error.
pub async fn answer<T>(body: impl Future<Output = AppResult<T>>) -> AppResult<T> {
    let result = body.await;
    if let Err(e) = &result {
        let is_form_post = use_context::<Parts>().is_some_and(|p| {
            p.uri.path().starts_with("/api/")
                && p.headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|s| s.contains("text/html"))
        });
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            if !is_form_post {
                res.set_status(
                    http::StatusCode::from_u16(e.status())
                        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                );
            }
            if let Some(seconds) = e.retry_after() {
                res.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
            }
        }
    }
    result
}

/// A cell's scope without a role check, read-only: for a member's view of their own record,
/// after the caller has been checked against the record itself.
pub async fn cell_scope_unchecked(pool: &Pool, cell_id: i64) -> AppResult<CellScope> {
    load_cell(pool, cell_id).await?.ok_or(AppError::NotFound)
}
