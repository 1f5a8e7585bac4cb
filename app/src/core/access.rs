//! Who is signed in and what they hold: roles held at org units, and the units' levels.

use serde::{Deserialize, Serialize};

use crate::core::code_enum::code_enum;
use crate::core::ward_kind::WardKind;

code_enum!(
    /// The level of an org unit. Depth is data: a commune may sit under a province directly.
    UnitKind {
        Province = "province",
        District = "district",
        Commune = "commune",
        Cell = "cell",
        PartyGroup = "party_group",
    }
);

/// A role is held at an org unit and covers that unit's subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Commune/ward committee: everything under the commune.
    Committee,
    /// Cell secretary: one cell.
    Secretary,
    /// Party member: only the households they look after.
    Member,
    /// Read-only on its unit.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Committee, Role::Secretary, Role::Member, Role::Viewer];

    pub fn code(self) -> &'static str {
        match self {
            Role::Committee => "committee",
            Role::Secretary => "secretary",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether this role may see a whole cell (its members and all its households).
    pub fn reads_units(self) -> bool {
        !matches!(self, Role::Member)
    }

    /// Whether this role may change what is in its units.
    pub fn writes_units(self) -> bool {
        matches!(self, Role::Committee | Role::Secretary)
    }
}

/// One role at one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    /// Materialised path of the unit ("/1/4/9/"): a unit is covered when its path starts with this.
    pub unit_path: String,
    /// The kind of the commune/ward the unit lies in (none above a ward).
    pub ward_kind: Option<WardKind>,
}

/// The screen where someone signed in with a one-time code chooses their password.
pub const CHOOSE_PASSWORD_PATH: &str = "/welcome";

/// The signed-in person, as the pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub member_id: Option<i64>,
    pub grants: Vec<Grant>,
    /// Signed in with a one-time code, with no password of their own yet: every page
    /// leads to the screen that asks for one, and nothing else answers.
    #[serde(default)]
    pub must_choose_password: bool,
}

impl Me {
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Whether any grant covers the unit at `path` with a role for which `pred` holds.
    pub fn covers(&self, path: &str, pred: impl Fn(Role) -> bool) -> bool {
        self.grants
            .iter()
            .any(|g| pred(g.role) && path.starts_with(&g.unit_path))
    }

    /// Whether the person sees whole units (lists of cells, members, households).
    pub fn reads_units(&self) -> bool {
        self.grants.iter().any(|g| g.role.reads_units())
    }

    /// Where the person lands after signing in: after a one-time code, the screen that
    /// asks for a password.
    /// The kind of the commune/ward the person works in (of their first grant in one), for
    /// the words its pages say; a phường when none says.
    pub fn ward_kind(&self) -> WardKind {
        self.grants
            .iter()
            .find_map(|g| g.ward_kind)
            .unwrap_or(WardKind::Phuong)
    }

    pub fn home_path(&self) -> String {
        if self.must_choose_password {
            return CHOOSE_PASSWORD_PATH.to_string();
        }
        let cell_grant = self
            .grants
            .iter()
            .find(|g| g.role.reads_units() && g.unit_kind == UnitKind::Cell);
        if let Some(g) = cell_grant
            && !self
                .grants
                .iter()
                .any(|g| g.role.reads_units() && g.unit_kind != UnitKind::Cell)
        {
            return format!("/cells/{}", g.unit_id);
        }
        if self.reads_units() {
            "/cells".to_string()
        } else {
            "/my".to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, unit_id: i64, kind: UnitKind, path: &str) -> Grant {
        Grant {
            role,
            unit_id,
            unit_name: format!("u{unit_id}"),
            unit_kind: kind,
            unit_path: path.to_string(),
            ward_kind: None,
        }
    }

    fn me(grants: Vec<Grant>) -> Me {
        Me {
            user_id: 1,
            username: "x".into(),
            display_name: "X".into(),
            member_id: None,
            grants,
            must_choose_password: false,
        }
    }

    #[test]
    fn a_committee_covers_its_whole_subtree_and_nothing_else() {
        let m = me(vec![grant(Role::Committee, 3, UnitKind::Commune, "/1/3/")]);
        assert!(m.covers("/1/3/7/", Role::writes_units));
        assert!(m.covers("/1/3/", Role::writes_units));
        assert!(!m.covers("/1/4/8/", Role::writes_units));
        // "/1/3" must not cover "/1/31/": paths end with a slash.
        assert!(!m.covers("/1/31/", Role::writes_units));
    }

    #[test]
    fn a_viewer_reads_but_does_not_write() {
        let m = me(vec![grant(Role::Viewer, 3, UnitKind::Commune, "/1/3/")]);
        assert!(m.covers("/1/3/7/", Role::reads_units));
        assert!(!m.covers("/1/3/7/", Role::writes_units));
    }

    #[test]
    fn a_member_does_not_read_units() {
        let m = me(vec![grant(Role::Member, 7, UnitKind::Cell, "/1/3/7/")]);
        assert!(!m.covers("/1/3/7/", Role::reads_units));
        assert_eq!(m.home_path(), "/my");
    }

    #[test]
    fn landing_pages_follow_the_role() {
        let sec = me(vec![grant(Role::Secretary, 7, UnitKind::Cell, "/1/3/7/")]);
        assert_eq!(sec.home_path(), "/cells/7");
        let com = me(vec![grant(Role::Committee, 3, UnitKind::Commune, "/1/3/")]);
        assert_eq!(com.home_path(), "/cells");
    }
}
