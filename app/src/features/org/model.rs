//! The organisation: units, members, households, and the small rules about them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::core::code_enum::code_enum;

code_enum!(
    /// Where a member stands; decides whether they may be given households (rule R3).
    MemberStatus {
        Active = "active",
        Exempt = "exempt",
        ElderlyIll = "elderly_ill",
        WorkingAway = "working_away",
        OutsideCommune = "outside_commune",
        Transferred = "transferred",
    }
);

impl MemberStatus {
    /// Members exempt from activities, elderly, ill or transferred out are not assigned (R3).
    pub fn assignable(self) -> bool {
        matches!(
            self,
            MemberStatus::Active | MemberStatus::WorkingAway | MemberStatus::OutsideCommune
        )
    }

    /// A status that makes existing assignments suspect until reviewed (R10).
    pub fn makes_assignments_stale(self) -> bool {
        matches!(self, MemberStatus::WorkingAway | MemberStatus::Transferred)
    }
}

code_enum!(
    /// A member of the residence cell, or a ĐV213 member who works elsewhere.
    MemberKind {
        Resident = "resident",
        Dv213 = "dv213",
    }
);

pub use crate::core::ward_kind::WardKind;

code_enum!(Gender { Male = "male", Female = "female", Other = "other" });

code_enum!(
    /// Tags on a household that matter to those who look after it.
    HouseholdTag {
        Poor = "poor",
        NearPoor = "near_poor",
        PolicyFamily = "policy_family",
        ElderlyAlone = "elderly_alone",
        Disability = "disability",
        NewResident = "new_resident",
        OutstandingNonMember = "outstanding_non_member",
        Renting = "renting",
    }
);

impl HouseholdTag {
    /// Parses the stored form (",poor,elderly_alone,"), ignoring unknown codes.
    pub fn parse_list(stored: &str) -> Vec<HouseholdTag> {
        stored
            .split(',')
            .filter_map(|c| HouseholdTag::parse(c.trim()))
            .collect()
    }

    /// The stored form: codes between commas, so that `LIKE '%,poor,%'` finds one.
    pub fn to_stored(tags: &[HouseholdTag]) -> String {
        if tags.is_empty() {
            return String::new();
        }
        let mut s = String::from(",");
        for t in tags {
            s.push_str(t.code());
            s.push(',');
        }
        s
    }
}

/// A Vietnamese street address: house number, lane (ngách), alley (ngõ), area (tổ dân phố).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub area: String,
    pub alley: String,
    pub lane: String,
    pub house_no: String,
}

impl Address {
    /// "Số 12, Ngách 3, Ngõ 45 Trần Phú, Tổ dân phố 2", skipping empty parts.
    pub fn line(&self) -> String {
        let house = if self.house_no.is_empty() {
            String::new()
        } else {
            format!("Số {}", self.house_no)
        };
        [house.as_str(), &self.lane, &self.alley, &self.area]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The short form used on cards: "12, Ngách 3, Ngõ 45".
    pub fn short(&self) -> String {
        [self.house_no.as_str(), &self.lane, &self.alley]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A cell as listed for the committee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellSummary {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub ward_name: String,
    pub members: i64,
    pub assignable_members: i64,
    pub households: i64,
    pub assigned_households: i64,
}

impl CellSummary {
    /// Share of households with an active assignment, in whole percent.
    pub fn coverage_percent(&self) -> i64 {
        percent(self.assigned_households, self.households)
    }
}

/// A cell's name without the words "Chi bộ" it often starts with, for headings that put
/// their own "CHI BỘ" before it: "Chi bộ Tổ dân phố số 1" → "Tổ dân phố số 1".
pub fn cell_proper_name(name: &str) -> &str {
    let trimmed = name.trim();
    let mut words = trimmed.splitn(3, char::is_whitespace);
    match (words.next(), words.next(), words.next()) {
        (Some(a), Some(b), Some(rest))
            if crate::core::fold::fold(&format!("{a} {b}")) == "chi bo"
                && !rest.trim().is_empty() =>
        {
            rest.trim()
        }
        _ => trimmed,
    }
}

/// `part / whole` in whole percent, rounding half up; 0 when there is no whole.
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part * 200 + whole) / (whole * 2)
    }
}

/// The header of a cell's pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellInfo {
    pub id: i64,
    pub name: String,
    pub ward_name: String,
    pub can_write: bool,
}

/// A member in a cell's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    pub id: i64,
    pub full_name: String,
    pub gender: Gender,
    pub birth_year: Option<i32>,
    pub phone: String,
    pub home: Address,
    pub status: MemberStatus,
    pub kind: MemberKind,
    pub workplace: String,
    pub capacity: i64,
    pub load: i64,
}

/// A household in a cell's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HouseholdRow {
    pub id: i64,
    pub head_name: String,
    pub address: Address,
    pub size: i64,
    pub phone: String,
    pub tags: Vec<HouseholdTag>,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub last_visit: Option<NaiveDate>,
}

/// One entry in a "who was responsible when" history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssignmentEntry {
    pub member_id: i64,
    pub member_name: String,
    pub household_id: Option<i64>,
    pub household_label: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub ended_at: Option<chrono::DateTime<chrono::Utc>>,
    pub reason: String,
}

/// A member's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberDetail {
    /// The member's sign-in, for those who may change the cell.
    pub account: Option<MemberAccount>,
    /// The caller may give the member a one-time sign-in code (making their account if
    /// they have none): those who may change the cell, for a member still in it.
    pub may_issue_code: bool,
    pub member: MemberRow,
    pub cell: CellInfo,
    pub notes: String,
    pub workplace_committee: String,
    pub status_history: Vec<(MemberStatus, chrono::DateTime<chrono::Utc>)>,
    pub households: Vec<HouseholdRow>,
    pub history: Vec<AssignmentEntry>,
}

/// A member's sign-in, as the cell's secretary sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAccount {
    pub username: String,
    /// Sign-in is locked after too many failures: until when (14:35) and minutes left.
    pub locked: Option<(String, u32)>,
    /// The one-time code the account waits to be signed in with, as printed, and the last
    /// day it works.
    pub code: Option<(String, chrono::NaiveDate)>,
    /// The person has chosen their own password (not only been given a code).
    pub has_own_password: bool,
}

/// A household's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HouseholdDetail {
    pub household: HouseholdRow,
    pub cell: CellInfo,
    pub group_name: Option<String>,
    pub notes: String,
    pub hot_spot: i64,
    pub history: Vec<AssignmentEntry>,
    pub visits: i64,
}

/// A page of a longer list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u32 {
        if self.total <= 0 {
            1
        } else {
            ((self.total as u64).div_ceil(self.per_page as u64)) as u32
        }
    }
}

pub const PER_PAGE: u32 = 50;
pub const MAX_QUERY_LEN: usize = 100;

/// Checks a search query: trimmed, at most [`MAX_QUERY_LEN`] characters.
pub fn parse_query(q: &str) -> Result<String, crate::error::AppError> {
    let q = q.trim();
    if q.chars().count() > MAX_QUERY_LEN {
        return Err(crate::error::AppError::invalid(
            "query",
            crate::error::Problem::TooLong {
                max: MAX_QUERY_LEN as u32,
            },
        ));
    }
    Ok(q.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cells_proper_name_drops_its_chi_bo() {
        assert_eq!(
            cell_proper_name("Chi bộ Tổ dân phố số 1"),
            "Tổ dân phố số 1"
        );
        assert_eq!(cell_proper_name("CHI BỘ  khu phố 3"), "khu phố 3");
        assert_eq!(cell_proper_name("Tổ dân phố số 2"), "Tổ dân phố số 2");
        assert_eq!(cell_proper_name("Chi bộ"), "Chi bộ");
        assert_eq!(cell_proper_name("Chi bộ 5"), "5");
    }

    #[test]
    fn codes_round_trip() {
        for s in MemberStatus::ALL {
            assert_eq!(MemberStatus::parse(s.code()), Some(*s));
        }
        assert_eq!(MemberStatus::parse("nope"), None);
    }

    #[test]
    fn excluded_members_are_not_assignable() {
        assert!(MemberStatus::Active.assignable());
        assert!(MemberStatus::OutsideCommune.assignable());
        assert!(!MemberStatus::Exempt.assignable());
        assert!(!MemberStatus::ElderlyIll.assignable());
        assert!(!MemberStatus::Transferred.assignable());
    }

    #[test]
    fn tags_are_stored_between_commas() {
        let tags = vec![HouseholdTag::Poor, HouseholdTag::ElderlyAlone];
        let stored = HouseholdTag::to_stored(&tags);
        assert_eq!(stored, ",poor,elderly_alone,");
        assert_eq!(HouseholdTag::parse_list(&stored), tags);
        assert_eq!(HouseholdTag::parse_list(""), vec![]);
        assert_eq!(
            HouseholdTag::parse_list(",bogus,poor,"),
            vec![HouseholdTag::Poor]
        );
    }

    #[test]
    fn addresses_read_in_vietnamese_order() {
        let a = Address {
            area: "Tổ dân phố 2".into(),
            alley: "Ngõ 45 Trần Phú".into(),
            lane: "Ngách 3".into(),
            house_no: "12".into(),
        };
        assert_eq!(a.line(), "Số 12, Ngách 3, Ngõ 45 Trần Phú, Tổ dân phố 2");
        assert_eq!(a.short(), "12, Ngách 3, Ngõ 45 Trần Phú");
        let b = Address {
            area: "Thôn Đông".into(),
            ..Default::default()
        };
        assert_eq!(b.line(), "Thôn Đông");
    }

    #[test]
    fn percent_rounds_half_up() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(5, 5), 100);
    }

    #[test]
    fn pages_round_up() {
        let p = Page::<()> {
            items: vec![],
            total: 101,
            page: 1,
            per_page: 50,
        };
        assert_eq!(p.pages(), 3);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn long_queries_are_refused_with_the_field_named() {
        let long = "a".repeat(MAX_QUERY_LEN + 1);
        let err = parse_query(&long).unwrap_err();
        assert_eq!(err.to_string(), "Từ khóa tìm kiếm: dài quá 100 ký tự.");
        assert_eq!(parse_query("  nguyen ").unwrap(), "nguyen");
    }
}
