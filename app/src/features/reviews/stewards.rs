//! Who in the committee answers for which cells (rule R9), and how those cells stand
//! today: their coverage, their overdue concerns, the assignments to review and the
//! members who must not hold households but still do. The committee's start page and the
//! ward report show it; whoever reads the whole ward may see it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::features::org::model::percent;

/// One cell as it stands today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellStanding {
    pub cell_id: i64,
    pub name: String,
    pub households: i64,
    /// Households someone looks after now.
    pub assigned: i64,
    /// Concerns still waiting past their deadline.
    pub overdue: i64,
    /// Assignments to review: the member moved, transferred or works away since (R10).
    pub stale: i64,
    /// Members who must not be assigned (exempt, elderly or ill, transferred) but hold
    /// households (R3).
    pub excluded_holding: i64,
}

impl CellStanding {
    /// Share of households someone looks after, in whole percent.
    pub fn coverage_percent(&self) -> i64 {
        percent(self.assigned, self.households)
    }

    /// Whether anything in the cell needs the committee member's attention.
    pub fn needs_attention(&self) -> bool {
        self.assigned < self.households
            || self.overdue > 0
            || self.stale > 0
            || self.excluded_holding > 0
    }
}

/// A committee member and the cells they answer for; `user_id` None gathers the cells
/// nobody answers for yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StewardLine {
    pub user_id: Option<i64>,
    pub name: String,
    /// The caller is this committee member.
    pub is_me: bool,
    pub cells: Vec<CellStanding>,
}

/// The ward's committee and its cells, today: the caller's own line first, then the
/// others by name, then the cells nobody answers for (when there are any).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stewardship {
    pub ward_id: i64,
    pub ward_name: String,
    pub today: chrono::NaiveDate,
    /// The caller is the ward's committee (and may give cells on the tree page).
    pub can_edit: bool,
    pub lines: Vec<StewardLine>,
}

/// Orders the lines: the caller first, then by name, the cells of nobody last.
pub fn order_lines(lines: &mut [StewardLine]) {
    lines.sort_by(|a, b| {
        (a.user_id.is_none(), !a.is_me, &a.name).cmp(&(b.user_id.is_none(), !b.is_me, &b.name))
    });
}

/// The ward's committee members, their cells and how those stand today.
#[server(endpoint = "reviews/stewards")]
pub async fn ward_stewards(ward: i64) -> Result<Stewardship, AppError> {
    use crate::server::{scope::*, state::pool, state::today};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_ward(&pool, ward).await?;
        let today = today()?;
        let mut lines =
            super::stewards_repo::lines(&pool, scope.ward_id, caller.user_id(), today).await?;
        order_lines(&mut lines);
        Ok(Stewardship {
            ward_id: scope.ward_id,
            ward_name: scope.name,
            today,
            can_edit: scope.can_write,
            lines,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(user_id: Option<i64>, name: &str, is_me: bool) -> StewardLine {
        StewardLine {
            user_id,
            name: name.into(),
            is_me,
            cells: vec![],
        }
    }

    #[test]
    fn the_caller_comes_first_and_the_cells_of_nobody_last() {
        let mut lines = vec![
            line(None, "", false),
            line(Some(3), "Trần Văn B", false),
            line(Some(2), "Lê Thị C", true),
            line(Some(1), "Nguyễn Văn A", false),
        ];
        order_lines(&mut lines);
        let ids: Vec<_> = lines.iter().map(|l| l.user_id).collect();
        assert_eq!(ids, vec![Some(2), Some(1), Some(3), None]);
    }

    #[test]
    fn a_cell_needs_attention_for_any_gap() {
        let ok = CellStanding {
            cell_id: 1,
            name: "Chi bộ 1".into(),
            households: 40,
            assigned: 40,
            overdue: 0,
            stale: 0,
            excluded_holding: 0,
        };
        assert!(!ok.needs_attention());
        assert_eq!(ok.coverage_percent(), 100);
        for gap in [
            CellStanding {
                assigned: 39,
                ..ok.clone()
            },
            CellStanding {
                overdue: 1,
                ..ok.clone()
            },
            CellStanding {
                stale: 1,
                ..ok.clone()
            },
            CellStanding {
                excluded_holding: 1,
                ..ok.clone()
            },
        ] {
            assert!(gap.needs_attention(), "{gap:?}");
        }
        let empty = CellStanding {
            households: 0,
            assigned: 0,
            ..ok
        };
        assert_eq!(empty.coverage_percent(), 0);
        assert!(!empty.needs_attention());
    }
}
