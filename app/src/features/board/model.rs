//! The assignment board: its data, the rules it shows live (R1–R5, R10), and the cost that
//! suggestions minimise. Pure and shared: the server uses it for checks and reports, the
//! browser for instant feedback while people move cards.

use serde::{Deserialize, Serialize};

use crate::features::org::model::{HouseholdTag, MemberKind, MemberStatus};

/// Index into [`BoardData::names`]: area, alley and lane names are sent once.
pub type NameId = u16;

/// A member's column on the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardMember {
    #[serde(rename = "i")]
    pub id: i64,
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "s")]
    pub status: MemberStatus,
    #[serde(rename = "k")]
    pub kind: MemberKind,
    #[serde(rename = "c")]
    pub capacity: i64,
    /// Home area, alley, lane.
    #[serde(rename = "h")]
    pub home: [NameId; 3],
}

/// A household's card. Sent as a JSON array (see the `Serialize` impl): a large cell has
/// hundreds of them in the page, where field names would be most of the weight.
#[derive(Clone, Debug, PartialEq)]
pub struct BoardHousehold {
    pub id: i64,
    pub head: String,
    /// Area, alley, lane.
    pub place: [NameId; 3],
    pub house_no: String,
    pub size: u8,
    /// Bit `i` set when `HouseholdTag::ALL[i]` applies.
    pub tags: u16,
    /// Days since the last visit; `None` when never visited.
    pub days_since_visit: Option<u16>,
    /// Who looks after it now.
    pub member: Option<i64>,
    /// The current assignment is in non-regular mode (member living outside the commune).
    pub non_regular: bool,
    /// The member's home changed after this assignment began (stale until reviewed).
    pub home_moved: bool,
    pub version: i64,
}

/// `[id, head, place, house_no, size, tags, days, member, flags, version]`, where `flags`
/// has bit 0 for non-regular mode and bit 1 for a member's home that moved.
type HouseholdTuple = (
    i64,
    String,
    [NameId; 3],
    String,
    u8,
    u16,
    Option<u16>,
    Option<i64>,
    u8,
    i64,
);

impl Serialize for BoardHousehold {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let flags = u8::from(self.non_regular) | (u8::from(self.home_moved) << 1);
        (
            self.id,
            &self.head,
            self.place,
            &self.house_no,
            self.size,
            self.tags,
            self.days_since_visit,
            self.member,
            flags,
            self.version,
        )
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for BoardHousehold {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (id, head, place, house_no, size, tags, days_since_visit, member, flags, version) =
            HouseholdTuple::deserialize(d)?;
        Ok(BoardHousehold {
            id,
            head,
            place,
            house_no,
            size,
            tags,
            days_since_visit,
            member,
            non_regular: flags & 1 != 0,
            home_moved: flags & 2 != 0,
            version,
        })
    }
}

/// A self-managed group's card (tổ nhân dân tự quản).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardGroup {
    #[serde(rename = "i")]
    pub id: i64,
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "p")]
    pub place: [NameId; 2],
    /// Households in the group.
    #[serde(rename = "c")]
    pub households: u16,
    #[serde(rename = "m")]
    pub member: Option<i64>,
    #[serde(rename = "v")]
    pub version: i64,
}

/// A member's pending request to look after a household.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingRegistration {
    pub id: i64,
    pub household: i64,
    pub member: i64,
    pub note: String,
    /// dd/mm/yyyy
    pub requested_on: String,
}

/// Everything the board of one cell shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardData {
    pub cell: i64,
    pub can_write: bool,
    pub names: Vec<String>,
    pub members: Vec<BoardMember>,
    pub households: Vec<BoardHousehold>,
    pub groups: Vec<BoardGroup>,
    pub registrations: Vec<PendingRegistration>,
}

impl BoardData {
    pub fn name(&self, id: NameId) -> &str {
        self.names
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn member(&self, id: i64) -> Option<&BoardMember> {
        self.members.iter().find(|m| m.id == id)
    }

    /// Households and groups a member looks after now.
    pub fn load(&self, member: i64) -> i64 {
        let h = self
            .households
            .iter()
            .filter(|h| h.member == Some(member))
            .count();
        let g = self
            .groups
            .iter()
            .filter(|g| g.member == Some(member))
            .count();
        (h + g) as i64
    }

    /// Every member's load, in one pass.
    pub fn loads(&self) -> std::collections::HashMap<i64, i64> {
        let mut out = std::collections::HashMap::with_capacity(self.members.len());
        for m in self.households.iter().filter_map(|h| h.member) {
            *out.entry(m).or_insert(0) += 1;
        }
        for m in self.groups.iter().filter_map(|g| g.member) {
            *out.entry(m).or_insert(0) += 1;
        }
        out
    }
}

/// Tags as a bit set (the order of [`HouseholdTag::ALL`]).
pub fn tag_bits(tags: &[HouseholdTag]) -> u16 {
    tags.iter()
        .filter_map(|t| HouseholdTag::ALL.iter().position(|a| a == t))
        .fold(0, |acc, i| acc | (1 << i))
}

pub fn tags_of(bits: u16) -> Vec<HouseholdTag> {
    HouseholdTag::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, t)| *t)
        .collect()
}

/// How long since the last visit, as the card's colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitFreshness {
    /// Within the month (rule R6).
    Recent,
    /// 31 to 60 days.
    Due,
    /// More than 60 days.
    Overdue,
    Never,
}

impl VisitFreshness {
    pub fn of(days: Option<u16>) -> Self {
        match days {
            None => Self::Never,
            Some(0..=30) => Self::Recent,
            Some(31..=60) => Self::Due,
            Some(_) => Self::Overdue,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Self::Recent => "recent",
            Self::Due => "due",
            Self::Overdue => "overdue",
            Self::Never => "never",
        }
    }
}

/// A rule the board shows as broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Breach {
    /// Nobody looks after the household (or group).
    Unassigned,
    /// The member holds more than their capacity (R1).
    OverCapacity,
    /// The member must not be assigned (exempt, elderly or ill, transferred) but holds some (R3).
    ExcludedHolding,
    /// The household is in another alley or area than the member's home (R4).
    FarFromHome,
    /// The member moved, transferred or works away since: the assignment needs review (R10).
    Stale,
    /// A member living outside the commune must keep a non-regular bond, and only they (R5).
    ModeMismatch,
    /// A member living outside the commune looks after more than two households (R5).
    OutsideOverLimit,
}

impl Breach {
    pub const ALL: [Breach; 7] = [
        Breach::Unassigned,
        Breach::OverCapacity,
        Breach::ExcludedHolding,
        Breach::FarFromHome,
        Breach::Stale,
        Breach::ModeMismatch,
        Breach::OutsideOverLimit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Breach::Unassigned => "unassigned",
            Breach::OverCapacity => "over_capacity",
            Breach::ExcludedHolding => "excluded",
            Breach::FarFromHome => "far",
            Breach::Stale => "stale",
            Breach::ModeMismatch => "mode",
            Breach::OutsideOverLimit => "outside_limit",
        }
    }
}

/// Members living outside the commune keep a non-regular bond with 1–2 households (R5).
pub const OUTSIDE_MEMBER_LIMIT: i64 = 2;

/// The rules broken by one household's assignment.
pub fn household_breaches(h: &BoardHousehold, member: Option<&BoardMember>) -> Vec<Breach> {
    let Some(m) = member else {
        return vec![Breach::Unassigned];
    };
    let mut out = Vec::new();
    if !m.status.assignable() {
        out.push(Breach::ExcludedHolding);
    }
    if m.status != MemberStatus::OutsideCommune
        && (h.place[0] != m.home[0] || h.place[1] != m.home[1])
    {
        out.push(Breach::FarFromHome);
    }
    if m.status.makes_assignments_stale() || h.home_moved {
        out.push(Breach::Stale);
    }
    if (m.status == MemberStatus::OutsideCommune) != h.non_regular {
        out.push(Breach::ModeMismatch);
    }
    out
}

/// The rules a member's column breaks, given their load.
pub fn member_breaches(m: &BoardMember, load: i64) -> Vec<Breach> {
    let mut out = Vec::new();
    if load > m.capacity {
        out.push(Breach::OverCapacity);
    }
    if !m.status.assignable() && load > 0 {
        out.push(Breach::ExcludedHolding);
    }
    if m.status == MemberStatus::OutsideCommune && load > OUTSIDE_MEMBER_LIMIT {
        out.push(Breach::OutsideOverLimit);
    }
    out
}

/// How many of each breach the board has: the summary bar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachSummary {
    /// Unassigned households and groups.
    pub unassigned: usize,
    /// Members over capacity.
    pub over_capacity: usize,
    /// Excluded members still holding households.
    pub excluded_holding: usize,
    /// Households far from their member's home.
    pub far_from_home: usize,
    /// Stale assignments.
    pub stale: usize,
    /// Assignments in the wrong mode, and outside members over their limit.
    pub mode: usize,
}

impl BreachSummary {
    pub fn total(&self) -> usize {
        self.unassigned
            + self.over_capacity
            + self.excluded_holding
            + self.far_from_home
            + self.stale
            + self.mode
    }
}

pub fn summarise(board: &BoardData) -> BreachSummary {
    let loads = board.loads();
    let mut s = BreachSummary::default();
    for h in &board.households {
        let m = h.member.and_then(|id| board.member(id));
        for b in household_breaches(h, m) {
            match b {
                Breach::Unassigned => s.unassigned += 1,
                Breach::FarFromHome => s.far_from_home += 1,
                Breach::Stale => s.stale += 1,
                Breach::ModeMismatch => s.mode += 1,
                _ => {}
            }
        }
    }
    s.unassigned += board.groups.iter().filter(|g| g.member.is_none()).count();
    for m in &board.members {
        for b in member_breaches(m, loads.get(&m.id).copied().unwrap_or(0)) {
            match b {
                Breach::OverCapacity => s.over_capacity += 1,
                Breach::ExcludedHolding => s.excluded_holding += 1,
                Breach::OutsideOverLimit => s.mode += 1,
                _ => {}
            }
        }
    }
    s
}

/// What a move would break, shown as a warning before or after it is made. The move is
/// still allowed: people decide, the board makes it visible.
pub fn move_warnings(
    board: &BoardData,
    household: &BoardHousehold,
    to: Option<i64>,
) -> Vec<Breach> {
    let Some(to) = to else {
        return vec![Breach::Unassigned];
    };
    let Some(m) = board.member(to) else {
        return vec![];
    };
    let moved = BoardHousehold {
        member: Some(to),
        non_regular: m.status == MemberStatus::OutsideCommune,
        home_moved: false,
        ..household.clone()
    };
    let mut out = household_breaches(&moved, Some(m));
    let load = board.load(to) + i64::from(household.member != Some(to));
    for b in member_breaches(m, load) {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

/// How far a household is from a member's home, along area → alley → lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Distance {
    SameLane,
    SameAlley,
    SameArea,
    OtherArea,
}

impl Distance {
    pub fn between(home: [NameId; 3], place: [NameId; 3]) -> Self {
        if home[0] != place[0] {
            Distance::OtherArea
        } else if home[1] != place[1] {
            Distance::SameArea
        } else if home[2] != place[2] {
            Distance::SameAlley
        } else {
            Distance::SameLane
        }
    }

    /// Steps along area → alley → lane.
    pub fn steps(self) -> i64 {
        match self {
            Distance::SameLane => 0,
            Distance::SameAlley => 1,
            Distance::SameArea => 3,
            Distance::OtherArea => 6,
        }
    }
}

/// The stated cost a suggestion minimises, per household given to a member:
/// `100 × distance steps + 10 × k` for the member's k-th household (k = 1, 2, …), so that
/// nearness comes first and, among equally near members, loads stay even; in a rebalance,
/// keeping the current member saves 5, so that nothing moves for nothing.
pub const DISTANCE_WEIGHT: i64 = 100;
pub const LOAD_WEIGHT: i64 = 10;
pub const STAY_BONUS: i64 = 5;

pub fn pair_cost(distance: Distance, kth: i64, stays: bool) -> i64 {
    DISTANCE_WEIGHT * distance.steps() + LOAD_WEIGHT * kth - if stays { STAY_BONUS } else { 0 }
}

/// Whether a member may be given households by a suggestion (R3), and how many in all.
pub fn suggestion_capacity(m: &BoardMember) -> i64 {
    if !m.status.assignable() {
        return 0;
    }
    if m.status == MemberStatus::OutsideCommune {
        return m.capacity.min(OUTSIDE_MEMBER_LIMIT);
    }
    m.capacity.max(0)
}

/// One proposed owner, with the reason in words' parts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub household: i64,
    pub member: i64,
    pub from: Option<i64>,
    pub distance: Distance,
    /// The member's load once every accepted suggestion is in place, and their capacity.
    pub load_after: i64,
    pub capacity: i64,
    pub version: i64,
}

/// A suggestion run's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuggestionSet {
    pub suggestions: Vec<Suggestion>,
    /// Households that no member has room for.
    pub left_unassigned: Vec<i64>,
    /// The total cost of the plan (for the record and the tests).
    pub cost: i64,
    pub rebalance: bool,
}

/// What changed in one household's assignment: all a move sends back, and all the live
/// channel carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HouseholdChange {
    pub household: i64,
    pub member: Option<i64>,
    pub non_regular: bool,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupChange {
    pub group: i64,
    pub member: Option<i64>,
    pub version: i64,
}

/// An event on a cell's live channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LiveEvent {
    Households(Vec<HouseholdChange>),
    Group(GroupChange),
    RegistrationAdded(PendingRegistration),
    RegistrationClosed(i64),
}

/// A move asked for on the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MoveRequest {
    pub household: i64,
    /// `None` unassigns.
    pub to: Option<i64>,
    /// The version the mover saw: a different one means someone else moved it first.
    pub version: i64,
    #[serde(default)]
    pub reason: String,
}

pub const MAX_REASON_LEN: usize = 300;

/// An unassigned household of the member's cell, offered for registration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub household: i64,
    pub head: String,
    pub address: String,
    pub distance: Distance,
}

/// A member's own request, as they see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyRegistration {
    pub id: i64,
    pub household: i64,
    pub head: String,
    pub address: String,
    pub state: String,
    pub reason: String,
    pub requested_on: String,
}

/// A row of the assignment register (sổ theo dõi).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegisterRow {
    pub member: String,
    pub member_status: MemberStatus,
    pub households: Vec<RegisterEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegisterEntry {
    pub label: String,
    pub address: String,
    pub since: String,
    pub non_regular: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Register {
    pub cell_name: String,
    pub ward_name: String,
    /// dd/mm/yyyy of the day the register shows.
    pub as_of: String,
    pub rows: Vec<RegisterRow>,
    pub unassigned: Vec<RegisterEntry>,
    pub total_households: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_household_travels_as_a_compact_array_and_comes_back_whole() {
        let h = BoardHousehold {
            id: 11,
            head: "Nguyễn Thị Hằng".into(),
            place: [0, 1, 2],
            house_no: "4A".into(),
            size: 6,
            tags: 0b101,
            days_since_visit: Some(26),
            member: Some(7),
            non_regular: false,
            home_moved: true,
            version: 3,
        };
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, r#"[11,"Nguyễn Thị Hằng",[0,1,2],"4A",6,5,26,7,2,3]"#);
        assert_eq!(serde_json::from_str::<BoardHousehold>(&json).unwrap(), h);
        let never = BoardHousehold {
            days_since_visit: None,
            member: None,
            non_regular: true,
            home_moved: false,
            ..h
        };
        let back: BoardHousehold =
            serde_json::from_str(&serde_json::to_string(&never).unwrap()).unwrap();
        assert_eq!(back, never);
    }

    fn member(id: i64, status: MemberStatus, capacity: i64, home: [NameId; 3]) -> BoardMember {
        BoardMember {
            id,
            name: format!("M{id}"),
            status,
            kind: MemberKind::Resident,
            capacity,
            home,
        }
    }

    fn household(id: i64, place: [NameId; 3], member: Option<i64>) -> BoardHousehold {
        BoardHousehold {
            id,
            head: format!("H{id}"),
            place,
            house_no: id.to_string(),
            size: 3,
            tags: 0,
            days_since_visit: Some(10),
            member,
            non_regular: false,
            home_moved: false,
            version: 1,
        }
    }

    fn board(members: Vec<BoardMember>, households: Vec<BoardHousehold>) -> BoardData {
        BoardData {
            cell: 1,
            can_write: true,
            names: vec![],
            members,
            households,
            groups: vec![],
            registrations: vec![],
        }
    }

    #[test]
    fn an_unassigned_household_is_a_breach() {
        let h = household(1, [1, 2, 3], None);
        assert_eq!(household_breaches(&h, None), vec![Breach::Unassigned]);
    }

    #[test]
    fn a_household_near_home_in_regular_mode_is_fine() {
        let m = member(1, MemberStatus::Active, 2, [1, 2, 3]);
        let h = household(1, [1, 2, 9], Some(1));
        assert!(
            household_breaches(&h, Some(&m)).is_empty(),
            "another lane of the same alley is near"
        );
    }

    #[test]
    fn another_alley_or_area_is_far() {
        let m = member(1, MemberStatus::Active, 2, [1, 2, 3]);
        assert_eq!(
            household_breaches(&household(1, [1, 5, 3], Some(1)), Some(&m)),
            vec![Breach::FarFromHome]
        );
        assert_eq!(
            household_breaches(&household(1, [4, 2, 3], Some(1)), Some(&m)),
            vec![Breach::FarFromHome]
        );
    }

    #[test]
    fn excluded_members_holding_households_are_flagged_on_card_and_column() {
        for status in [
            MemberStatus::Exempt,
            MemberStatus::ElderlyIll,
            MemberStatus::Transferred,
        ] {
            let m = member(1, status, 2, [1, 2, 3]);
            let h = household(1, [1, 2, 3], Some(1));
            assert!(
                household_breaches(&h, Some(&m)).contains(&Breach::ExcludedHolding),
                "{status:?}"
            );
            assert!(member_breaches(&m, 1).contains(&Breach::ExcludedHolding));
            assert!(!member_breaches(&m, 0).contains(&Breach::ExcludedHolding));
        }
    }

    #[test]
    fn members_over_capacity_are_flagged() {
        let m = member(1, MemberStatus::Active, 2, [1, 2, 3]);
        assert!(member_breaches(&m, 2).is_empty());
        assert_eq!(member_breaches(&m, 3), vec![Breach::OverCapacity]);
    }

    #[test]
    fn working_away_transferred_or_moved_makes_an_assignment_stale() {
        let away = member(1, MemberStatus::WorkingAway, 2, [1, 2, 3]);
        let h = household(1, [1, 2, 3], Some(1));
        assert_eq!(household_breaches(&h, Some(&away)), vec![Breach::Stale]);
        let active = member(2, MemberStatus::Active, 2, [1, 2, 3]);
        let moved = BoardHousehold {
            home_moved: true,
            ..household(2, [1, 2, 3], Some(2))
        };
        assert_eq!(
            household_breaches(&moved, Some(&active)),
            vec![Breach::Stale]
        );
    }

    #[test]
    fn members_outside_the_commune_keep_a_non_regular_bond_with_at_most_two() {
        let outside = member(1, MemberStatus::OutsideCommune, 5, [7, 8, 9]);
        let regular = household(1, [1, 2, 3], Some(1));
        assert_eq!(
            household_breaches(&regular, Some(&outside)),
            vec![Breach::ModeMismatch]
        );
        let non_regular = BoardHousehold {
            non_regular: true,
            ..regular.clone()
        };
        assert!(
            household_breaches(&non_regular, Some(&outside)).is_empty(),
            "no 'far' for them"
        );
        assert_eq!(member_breaches(&outside, 3), vec![Breach::OutsideOverLimit]);
        assert!(member_breaches(&outside, 2).is_empty());
        // And a resident in non-regular mode is just as wrong.
        let resident = member(2, MemberStatus::Active, 2, [1, 2, 3]);
        let h = BoardHousehold {
            non_regular: true,
            ..household(2, [1, 2, 3], Some(2))
        };
        assert_eq!(
            household_breaches(&h, Some(&resident)),
            vec![Breach::ModeMismatch]
        );
    }

    #[test]
    fn the_summary_counts_each_rule() {
        let b = board(
            vec![
                member(1, MemberStatus::Active, 1, [1, 2, 3]),
                member(2, MemberStatus::Exempt, 0, [1, 2, 3]),
            ],
            vec![
                household(1, [1, 2, 3], Some(1)),
                household(2, [1, 5, 3], Some(1)),
                household(3, [1, 2, 3], Some(2)),
                household(4, [1, 2, 3], None),
            ],
        );
        let s = summarise(&b);
        assert_eq!(s.unassigned, 1);
        assert_eq!(
            s.over_capacity, 2,
            "member 1 holds 2 of 1, member 2 holds 1 of 0"
        );
        assert_eq!(s.excluded_holding, 1);
        assert_eq!(s.far_from_home, 1);
        assert_eq!(s.total(), 5);
    }

    #[test]
    fn a_move_warns_of_what_it_would_break() {
        let b = board(
            vec![
                member(1, MemberStatus::Active, 1, [1, 2, 3]),
                member(2, MemberStatus::Active, 5, [1, 9, 3]),
                member(3, MemberStatus::ElderlyIll, 0, [1, 2, 3]),
            ],
            vec![
                household(1, [1, 2, 3], Some(1)),
                household(2, [1, 2, 3], None),
            ],
        );
        let h = &b.households[1];
        assert_eq!(move_warnings(&b, h, Some(1)), vec![Breach::OverCapacity]);
        assert_eq!(move_warnings(&b, h, Some(2)), vec![Breach::FarFromHome]);
        let w = move_warnings(&b, h, Some(3));
        assert!(w.contains(&Breach::ExcludedHolding) && w.contains(&Breach::OverCapacity));
        assert_eq!(move_warnings(&b, h, None), vec![Breach::Unassigned]);
        // Moving within one's own column adds no load.
        assert!(move_warnings(&b, &b.households[0], Some(1)).is_empty());
    }

    #[test]
    fn distance_follows_area_alley_lane() {
        assert_eq!(Distance::between([1, 2, 3], [1, 2, 3]), Distance::SameLane);
        assert_eq!(Distance::between([1, 2, 3], [1, 2, 4]), Distance::SameAlley);
        assert_eq!(Distance::between([1, 2, 3], [1, 5, 3]), Distance::SameArea);
        assert_eq!(Distance::between([1, 2, 3], [6, 2, 3]), Distance::OtherArea);
        assert!(pair_cost(Distance::SameAlley, 5, false) < pair_cost(Distance::SameArea, 1, false));
        assert!(pair_cost(Distance::SameLane, 2, false) < pair_cost(Distance::SameLane, 3, false));
    }

    #[test]
    fn excluded_and_outside_members_get_limited_suggestions() {
        assert_eq!(
            suggestion_capacity(&member(1, MemberStatus::Exempt, 4, [0, 0, 0])),
            0
        );
        assert_eq!(
            suggestion_capacity(&member(1, MemberStatus::OutsideCommune, 4, [0, 0, 0])),
            2
        );
        assert_eq!(
            suggestion_capacity(&member(1, MemberStatus::Active, 4, [0, 0, 0])),
            4
        );
    }

    #[test]
    fn tags_round_trip_through_bits() {
        let tags = vec![HouseholdTag::Poor, HouseholdTag::Renting];
        assert_eq!(tags_of(tag_bits(&tags)), tags);
        assert_eq!(tag_bits(&[]), 0);
    }

    #[test]
    fn visit_freshness_follows_the_monthly_rule() {
        assert_eq!(VisitFreshness::of(Some(30)), VisitFreshness::Recent);
        assert_eq!(VisitFreshness::of(Some(31)), VisitFreshness::Due);
        assert_eq!(VisitFreshness::of(Some(61)), VisitFreshness::Overdue);
        assert_eq!(VisitFreshness::of(None), VisitFreshness::Never);
    }

    #[test]
    fn board_props_stay_compact() {
        let h = household(12345, [1, 2, 3], Some(678));
        let json = serde_json::to_string(&h).unwrap();
        assert!(json.len() < 90, "{} bytes: {json}", json.len());
    }
}
