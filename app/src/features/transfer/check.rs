//! Checking every row of a sheet and planning what to write: values parsed into what the
//! database stores, every problem listed with its row and column, duplicates caught, and
//! rows matched to the records they update (so that importing a file again updates
//! rather than duplicates). Pure: the database is read before and written after.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::{DateTime, NaiveDate, Utc};

use super::model::*;
use super::read::{Cell, Headers, Sheet};
use super::values::*;
use crate::core::fold::fold;
use crate::features::org::model::Address as OrgAddress;
use crate::features::org::model::{
    Address, Gender, HouseholdTag, MemberKind as Kind, MemberStatus,
};

/// Shared between a background job and the page asking about it.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicU64,
    pub total: AtomicU64,
    pub cancel: AtomicBool,
}

impl Progress {
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// The person cancelled.
#[derive(Debug, PartialEq, Eq)]
pub struct Cancelled;

// ---------------------------------------------------------------------------------------
// What is in the database already.

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ExistingMember {
    pub id: i64,
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub gender: String,
    pub phone: String,
    pub home_area: String,
    pub home_alley: String,
    pub home_lane: String,
    pub home_house_no: String,
    pub status: String,
    pub kind: String,
    pub workplace: String,
    pub capacity: i64,
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ExistingHousehold {
    pub id: i64,
    pub head_name: String,
    pub area: String,
    pub alley: String,
    pub lane: String,
    pub house_no: String,
    pub size: i64,
    pub phone: String,
    pub tags: String,
    pub notes: String,
}

#[derive(Clone, Debug, Default)]
pub struct Existing {
    pub members: Vec<ExistingMember>,
    pub households: Vec<ExistingHousehold>,
    /// The active assignment of each household: (assignment, member, started).
    pub active: HashMap<i64, (i64, i64, DateTime<Utc>)>,
}

// ---------------------------------------------------------------------------------------
// The plan.

/// A member to insert (`id` None) or update.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberWrite {
    pub id: Option<i64>,
    pub row: u32,
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub gender: Gender,
    pub phone: String,
    pub home: Address,
    pub status: MemberStatus,
    pub status_changed: bool,
    /// An existing member whose home the file changes.
    pub home_changed: bool,
    pub kind: Kind,
    pub workplace: String,
    pub capacity: i64,
    pub notes: String,
}

/// A household to insert (`id` None) or update.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdWrite {
    pub id: Option<i64>,
    pub row: u32,
    pub head_name: String,
    pub address: Address,
    pub size: i64,
    pub phone: String,
    pub tags: Vec<HouseholdTag>,
    pub notes: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HouseholdRef {
    Existing(i64),
    /// The n-th household of [`Plan::households`], which is new.
    New(usize),
}

/// A household given to a member, ending who had it before.
#[derive(Clone, Debug, PartialEq)]
pub struct AssignWrite {
    pub household: HouseholdRef,
    pub member_id: i64,
    pub non_regular: bool,
    pub started_at: DateTime<Utc>,
    /// The assignment it replaces, and when that one ends.
    pub ends: Option<(i64, DateTime<Utc>)>,
    pub reason: String,
}

#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub counts: Counts,
    pub errors: Vec<RowError>,
    pub errors_total: u64,
    pub preview: Preview,
    pub members: Vec<MemberWrite>,
    pub households: Vec<HouseholdWrite>,
    pub assignments: Vec<AssignWrite>,
}

impl Plan {
    fn error(&mut self, row: u32, column: &str, problem: RowProblem) {
        self.errors_total += 1;
        if self.errors.len() < MAX_ERRORS_KEPT {
            self.errors.push(RowError {
                row,
                column: column.to_string(),
                problem,
            });
        }
    }
}

/// What one check needs besides the sheet.
pub struct Context<'a> {
    pub kind: ImportKind,
    pub mapping: &'a [Option<Field>],
    pub headers: &'a Headers,
    pub existing: &'a Existing,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub file_name: &'a str,
}

/// One row's cells by field.
struct RowCells<'a> {
    cells: &'a [Cell],
    columns: &'a HashMap<Field, usize>,
    names: &'a [String],
}

static EMPTY: Cell = Cell::Empty;

impl<'a> RowCells<'a> {
    fn get(&self, f: Field) -> &'a Cell {
        self.columns
            .get(&f)
            .and_then(|&c| self.cells.get(c))
            .unwrap_or(&EMPTY)
    }

    fn column(&self, f: Field) -> &'a str {
        self.columns
            .get(&f)
            .and_then(|&c| self.names.get(c))
            .map_or(f.label_vi(), String::as_str)
    }

    fn mapped_all_empty(&self) -> bool {
        self.columns
            .values()
            .all(|&c| self.cells.get(c).is_none_or(Cell::is_empty))
    }

    /// A row of column numbers under the headers: "(1) (2) (3)" or "1 2 3".
    fn is_numbering(&self) -> bool {
        let mut n = 0;
        for (i, c) in self.cells.iter().enumerate() {
            let t = c.text();
            if t.is_empty() {
                continue;
            }
            let t = t.trim_matches(['(', ')', ' ']);
            if t != (i + 1).to_string() {
                return false;
            }
            n += 1;
        }
        n >= 3
    }
}

pub use crate::core::clock::day_start;

/// The cell's members by their name as written, and by their name without tone marks
/// (for files typed without them).
#[derive(Default)]
struct MemberIndex {
    exact: HashMap<String, Vec<usize>>,
    folded: HashMap<String, Vec<usize>>,
}

fn member_index(existing: &Existing) -> MemberIndex {
    let mut ix = MemberIndex::default();
    for (i, m) in existing.members.iter().enumerate() {
        ix.exact.entry(name_key(&m.full_name)).or_default().push(i);
        ix.folded.entry(fold(&m.full_name)).or_default().push(i);
    }
    ix
}

/// The member a row names: by name, then by birth year when several share the name. A
/// name without its tone marks finds the member when it can mean only one.
fn find_member<'e>(
    existing: &'e Existing,
    by_name: &MemberIndex,
    name: &str,
    year: Option<i32>,
) -> Result<&'e ExistingMember, RowProblem> {
    let pick = |found: Option<&Vec<usize>>| -> Vec<&'e ExistingMember> {
        found
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&i| &existing.members[i])
            .filter(|m| year.is_none() || m.birth_year == year)
            .collect()
    };
    let mut candidates = pick(by_name.exact.get(&name_key(name)));
    if candidates.is_empty() {
        candidates = pick(by_name.folded.get(&fold(name)));
    }
    match candidates.as_slice() {
        [] => Err(RowProblem::MemberNotFound {
            name: name.to_string(),
        }),
        [one] => Ok(one),
        _ => Err(RowProblem::MemberAmbiguous {
            name: name.to_string(),
        }),
    }
}

/// Checks every row and plans the writes. Rows whose mapped cells are all empty are
/// skipped; every other problem is listed.
pub fn plan(sheet: &Sheet, cx: &Context<'_>, progress: &Progress) -> Result<Plan, Cancelled> {
    let mut plan = Plan::default();
    let columns: HashMap<Field, usize> = cx
        .mapping
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.map(|f| (f, i)))
        .collect();
    let data = &sheet.rows[cx.headers.data_start.min(sheet.rows.len())..];
    progress.total.store(data.len() as u64, Ordering::Relaxed);
    plan.preview.fields = preview_fields(cx.kind, &columns);

    let by_name = member_index(cx.existing);
    let mut member_keys: HashMap<(String, Option<i32>), usize> = HashMap::new();
    let mut member_names: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, m) in cx.existing.members.iter().enumerate() {
        member_keys.insert((name_key(&m.full_name), m.birth_year), i);
        member_names
            .entry(name_key(&m.full_name))
            .or_default()
            .push(i);
    }
    let mut household_keys: HashMap<String, usize> = HashMap::new();
    for (i, h) in cx.existing.households.iter().enumerate() {
        let a = Address {
            area: h.area.clone(),
            alley: h.alley.clone(),
            lane: h.lane.clone(),
            house_no: h.house_no.clone(),
        };
        household_keys
            .entry(household_key(&h.head_name, &a))
            .or_insert(i);
    }
    // key → first row in the file
    let mut seen: HashMap<String, u32> = HashMap::new();

    for (i, (row_no, cells)) in data.iter().enumerate() {
        if i % 1024 == 0 {
            progress.done.store(i as u64, Ordering::Relaxed);
            if progress.cancelled() {
                return Err(Cancelled);
            }
        }
        let row = RowCells {
            cells,
            columns: &columns,
            names: &cx.headers.names,
        };
        if row.mapped_all_empty() || row.is_numbering() {
            continue;
        }
        plan.counts.rows += 1;
        match cx.kind {
            ImportKind::Members => member_row(
                &mut plan,
                cx,
                &row,
                *row_no,
                &member_keys,
                &member_names,
                &mut seen,
            ),
            ImportKind::Households => household_row(
                &mut plan,
                cx,
                &row,
                *row_no,
                &household_keys,
                &by_name,
                &mut seen,
            ),
            ImportKind::Assignments => assignment_row(
                &mut plan,
                cx,
                &row,
                *row_no,
                &household_keys,
                &by_name,
                &mut seen,
            ),
        }
    }
    progress.done.store(data.len() as u64, Ordering::Relaxed);
    if plan.errors_total > 0 {
        // Nothing will be written: keep only what the person needs to see.
        plan.members.clear();
        plan.households.clear();
        plan.assignments.clear();
    }
    Ok(plan)
}

fn preview_fields(kind: ImportKind, columns: &HashMap<Field, usize>) -> Vec<Field> {
    let addr = columns.contains_key(&Field::Address);
    kind.fields()
        .iter()
        .copied()
        .filter(|f| match f {
            Field::Address => false,
            Field::Area | Field::Alley | Field::Lane | Field::HouseNo => {
                addr || columns.contains_key(f)
            }
            Field::MemberBirthYear => false,
            _ => columns.contains_key(f),
        })
        .collect()
}

/// Collects a row's values, noting each problem; `None` when the row has any.
macro_rules! take {
    ($plan:expr, $row:expr, $row_no:expr, $field:expr, $parse:expr) => {
        match $parse {
            Ok(v) => v,
            Err(p) => {
                $plan.error($row_no, $row.column($field), p);
                None
            }
        }
    };
}

/// The address of a row: the parts of a whole-address column, then the part columns.
fn row_address(plan: &mut Plan, row: &RowCells<'_>, row_no: u32) -> Option<Address> {
    let mut a = Address::default();
    if let Some(t) = take!(
        plan,
        row,
        row_no,
        Field::Address,
        text(row.get(Field::Address), MAX_TEXT)
    ) {
        a = split_address(&t);
    }
    let mut any = a != Address::default();
    for (f, slot) in [
        (Field::Area, &mut a.area),
        (Field::Alley, &mut a.alley),
        (Field::Lane, &mut a.lane),
        (Field::HouseNo, &mut a.house_no),
    ] {
        if let Some(t) = take!(plan, row, row_no, f, text(row.get(f), MAX_NAME)) {
            *slot = t;
            any = true;
        }
    }
    any.then_some(a)
}

/// The address to store: the file's parts, except that an empty part keeps what is stored
/// and a part that means the same ("5" for "Ngõ 5") keeps its stored wording.
fn pick_address(new: Option<Address>, old: Address) -> Address {
    let part = |n: String, o: String| {
        if n.is_empty() || address_key(&n) == address_key(&o) {
            o
        } else {
            n
        }
    };
    match new {
        None => old,
        Some(n) => Address {
            area: part(n.area, old.area),
            alley: part(n.alley, old.alley),
            lane: part(n.lane, old.lane),
            house_no: part(n.house_no, old.house_no),
        },
    }
}

fn address_cells(a: &Address, f: Field) -> Option<String> {
    match f {
        Field::Area => Some(a.area.clone()),
        Field::Alley => Some(a.alley.clone()),
        Field::Lane => Some(a.lane.clone()),
        Field::HouseNo => Some(a.house_no.clone()),
        _ => None,
    }
}

fn push_preview(plan: &mut Plan, row: u32, action: RowAction, cells: Vec<String>) {
    match action {
        RowAction::New => plan.counts.new += 1,
        RowAction::Update => plan.counts.updated += 1,
        RowAction::Unchanged => plan.counts.unchanged += 1,
    }
    if plan.preview.rows.len() < PREVIEW_ROWS {
        plan.preview.rows.push(PreviewRow { row, action, cells });
    }
}

fn member_row(
    plan: &mut Plan,
    cx: &Context<'_>,
    row: &RowCells<'_>,
    row_no: u32,
    keys: &HashMap<(String, Option<i32>), usize>,
    names: &HashMap<String, Vec<usize>>,
    seen: &mut HashMap<String, u32>,
) {
    use Field::*;
    let before = plan.errors_total;
    let name = take!(
        plan,
        row,
        row_no,
        FullName,
        text(row.get(FullName), MAX_NAME)
    );
    if name.is_none() && before == plan.errors_total {
        plan.error(row_no, row.column(FullName), RowProblem::Required);
    }
    let birth_year = take!(
        plan,
        row,
        row_no,
        BirthYear,
        year(row.get(BirthYear), cx.today)
    );
    let gender = take!(plan, row, row_no, Gender, gender(row.get(Gender)));
    let phone = take!(plan, row, row_no, Phone, phone(row.get(Phone)));
    let address = row_address(plan, row, row_no);
    let status = take!(plan, row, row_no, Status, status(row.get(Status)));
    let kind = take!(
        plan,
        row,
        row_no,
        MemberKind,
        member_kind(row.get(MemberKind))
    );
    let workplace = take!(
        plan,
        row,
        row_no,
        Workplace,
        text(row.get(Workplace), MAX_TEXT)
    );
    let capacity = take!(
        plan,
        row,
        row_no,
        Capacity,
        int_in(row.get(Capacity), 0, 50)
    );
    let notes = take!(plan, row, row_no, Notes, text(row.get(Notes), MAX_NOTES));
    let Some(name) = name else { return };
    let key = format!(
        "{}|{}",
        name_key(&name),
        birth_year.map_or(String::new(), |y| y.to_string())
    );
    if let Some(first) = seen.get(&key) {
        plan.error(
            row_no,
            row.column(FullName),
            RowProblem::DuplicateOf { row: *first },
        );
        return;
    }
    seen.insert(key, row_no);
    if plan.errors_total > before {
        return;
    }
    // The member this row updates: same name and birth year; or the only member of that
    // name when one side has no birth year.
    let folded = name_key(&name);
    let found = keys
        .get(&(folded.clone(), birth_year))
        .copied()
        .or_else(|| {
            let same: Vec<usize> = names
                .get(&folded)
                .map(|v| {
                    v.iter()
                        .copied()
                        .filter(|&i| {
                            birth_year.is_none() || cx.existing.members[i].birth_year.is_none()
                        })
                        .collect()
                })
                .unwrap_or_default();
            (same.len() == 1).then(|| same[0])
        });
    let old = found.map(|i| &cx.existing.members[i]);
    let old_status = old.and_then(|m| MemberStatus::parse(&m.status));
    let w = MemberWrite {
        id: old.map(|m| m.id),
        row: row_no,
        full_name: name,
        birth_year: birth_year.or(old.and_then(|m| m.birth_year)),
        gender: gender
            .or(old.and_then(|m| crate::features::org::model::Gender::parse(&m.gender)))
            .unwrap_or(crate::features::org::model::Gender::Other),
        phone: phone.or(old.map(|m| m.phone.clone())).unwrap_or_default(),
        home: pick_address(
            address,
            old.map(|m| OrgAddress {
                area: m.home_area.clone(),
                alley: m.home_alley.clone(),
                lane: m.home_lane.clone(),
                house_no: m.home_house_no.clone(),
            })
            .unwrap_or_default(),
        ),
        status: status.or(old_status).unwrap_or(MemberStatus::Active),
        status_changed: false,
        home_changed: false,
        kind: kind
            .or(old.and_then(|m| Kind::parse(&m.kind)))
            .unwrap_or(Kind::Resident),
        workplace: workplace
            .or(old.map(|m| m.workplace.clone()))
            .unwrap_or_default(),
        capacity: capacity.or(old.map(|m| m.capacity)).unwrap_or(2),
        notes: notes.or(old.map(|m| m.notes.clone())).unwrap_or_default(),
    };
    let w = MemberWrite {
        status_changed: old_status != Some(w.status),
        home_changed: old.is_some_and(|m| {
            (&m.home_area, &m.home_alley, &m.home_lane, &m.home_house_no)
                != (&w.home.area, &w.home.alley, &w.home.lane, &w.home.house_no)
        }),
        ..w
    };
    let action = match old {
        None => RowAction::New,
        Some(m) if same_member(m, &w) => RowAction::Unchanged,
        Some(_) => RowAction::Update,
    };
    let cells = plan
        .preview
        .fields
        .clone()
        .into_iter()
        .map(|f| match f {
            FullName => w.full_name.clone(),
            BirthYear => w.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            Gender => gender_vi(w.gender).to_string(),
            Phone => w.phone.clone(),
            Status => status_vi(w.status).to_string(),
            MemberKind => if w.kind == Kind::Dv213 {
                "ĐV 213"
            } else {
                "Thường trú"
            }
            .to_string(),
            Workplace => w.workplace.clone(),
            Capacity => w.capacity.to_string(),
            Notes => w.notes.clone(),
            f => address_cells(&w.home, f).unwrap_or_default(),
        })
        .collect();
    push_preview(plan, row_no, action, cells);
    if action != RowAction::Unchanged {
        plan.members.push(w);
    }
}

fn same_member(m: &ExistingMember, w: &MemberWrite) -> bool {
    m.full_name == w.full_name
        && m.birth_year == w.birth_year
        && m.gender == w.gender.code()
        && m.phone == w.phone
        && m.home_area == w.home.area
        && m.home_alley == w.home.alley
        && m.home_lane == w.home.lane
        && m.home_house_no == w.home.house_no
        && m.status == w.status.code()
        && m.kind == w.kind.code()
        && m.workplace == w.workplace
        && m.capacity == w.capacity
        && m.notes == w.notes
}

/// The member named on a row (for households and assignments).
fn row_member<'e>(
    plan: &mut Plan,
    cx: &'e Context<'_>,
    row: &RowCells<'_>,
    row_no: u32,
    by_name: &MemberIndex,
) -> Option<&'e ExistingMember> {
    let t = take!(
        plan,
        row,
        row_no,
        Field::Member,
        text(row.get(Field::Member), MAX_NAME)
    )?;
    let year_col = take!(
        plan,
        row,
        row_no,
        Field::MemberBirthYear,
        year(row.get(Field::MemberBirthYear), cx.today)
    );
    let (name, year_in_name) = member_ref(&t);
    match find_member(cx.existing, by_name, &name, year_in_name.or(year_col)) {
        Err(p) => {
            plan.error(row_no, row.column(Field::Member), p);
            None
        }
        Ok(m) => Some(m),
    }
}

/// Plans giving a household to a member; `None` when it already is theirs.
fn plan_assignment(
    cx: &Context<'_>,
    household: HouseholdRef,
    member: &ExistingMember,
    since: Option<NaiveDate>,
    reason: String,
) -> Option<AssignWrite> {
    let started_at = since.map_or(cx.now, day_start);
    let current = match household {
        HouseholdRef::Existing(id) => cx.existing.active.get(&id).copied(),
        HouseholdRef::New(_) => None,
    };
    if let Some((_, m, _)) = current
        && m == member.id
    {
        return None;
    }
    let ends = current.map(|(a, _, started)| (a, started_at.max(started)));
    Some(AssignWrite {
        household,
        member_id: member.id,
        non_regular: member.status == MemberStatus::OutsideCommune.code(),
        started_at,
        ends,
        reason,
    })
}

fn household_row(
    plan: &mut Plan,
    cx: &Context<'_>,
    row: &RowCells<'_>,
    row_no: u32,
    keys: &HashMap<String, usize>,
    by_name: &MemberIndex,
    seen: &mut HashMap<String, u32>,
) {
    use Field::*;
    let before = plan.errors_total;
    let head = take!(
        plan,
        row,
        row_no,
        HeadName,
        text(row.get(HeadName), MAX_NAME)
    );
    if head.is_none() && before == plan.errors_total {
        plan.error(row_no, row.column(HeadName), RowProblem::Required);
    }
    let address = row_address(plan, row, row_no);
    let size = take!(plan, row, row_no, Size, int_in(row.get(Size), 1, 100));
    let phone = take!(plan, row, row_no, Phone, phone(row.get(Phone)));
    let tags = take!(plan, row, row_no, Tags, tags(row.get(Tags)));
    let notes = take!(plan, row, row_no, Notes, text(row.get(Notes), MAX_NOTES));
    let since = take!(plan, row, row_no, Since, date(row.get(Since), cx.today));
    let member = if row.columns.contains_key(&Member) {
        row_member(plan, cx, row, row_no, by_name)
    } else {
        None
    };
    let Some(head) = head else { return };
    let addr_for_key = address.clone().unwrap_or_default();
    let key = household_key(&head, &addr_for_key);
    if let Some(first) = seen.get(&key) {
        plan.error(
            row_no,
            row.column(HeadName),
            RowProblem::DuplicateOf { row: *first },
        );
        return;
    }
    seen.insert(key.clone(), row_no);
    if plan.errors_total > before {
        return;
    }
    let old = keys.get(&key).map(|&i| &cx.existing.households[i]);
    let w = HouseholdWrite {
        id: old.map(|h| h.id),
        row: row_no,
        head_name: head,
        address: pick_address(
            address,
            old.map(|h| OrgAddress {
                area: h.area.clone(),
                alley: h.alley.clone(),
                lane: h.lane.clone(),
                house_no: h.house_no.clone(),
            })
            .unwrap_or_default(),
        ),
        size: size.or(old.map(|h| h.size)).unwrap_or(1),
        phone: phone.or(old.map(|h| h.phone.clone())).unwrap_or_default(),
        tags: tags
            .or(old.map(|h| HouseholdTag::parse_list(&h.tags)))
            .unwrap_or_default(),
        notes: notes.or(old.map(|h| h.notes.clone())).unwrap_or_default(),
    };
    let household_action = match old {
        None => RowAction::New,
        Some(h) if same_household(h, &w) => RowAction::Unchanged,
        Some(_) => RowAction::Update,
    };
    let href = match old {
        Some(h) => HouseholdRef::Existing(h.id),
        None => HouseholdRef::New(plan.households.len()),
    };
    let assignment = member
        .and_then(|m| plan_assignment(cx, href, m, since, format!("Nhập từ tệp {}", cx.file_name)));
    if !may_take(plan, row, row_no, member, assignment.as_ref()) {
        return;
    }
    let action = if household_action == RowAction::Unchanged && assignment.is_some() {
        RowAction::Update
    } else {
        household_action
    };
    let member_name = member.map(|m| m.full_name.clone()).unwrap_or_default();
    let cells = plan
        .preview
        .fields
        .clone()
        .into_iter()
        .map(|f| match f {
            HeadName => w.head_name.clone(),
            Size => w.size.to_string(),
            Phone => w.phone.clone(),
            Tags => w
                .tags
                .iter()
                .map(|t| tag_vi(*t))
                .collect::<Vec<_>>()
                .join(", "),
            Notes => w.notes.clone(),
            Member => member_name.clone(),
            Since => since
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            f => address_cells(&w.address, f).unwrap_or_default(),
        })
        .collect();
    push_preview(plan, row_no, action, cells);
    if household_action != RowAction::Unchanged {
        plan.households.push(w);
    }
    if let Some(a) = assignment {
        count_assignment(plan, &a);
        plan.assignments.push(a);
    }
}

/// Rule R3: a member exempt from activities, elderly, ill or transferred is not given a
/// household (one they look after already stays theirs: the board shows it as stale).
fn may_take(
    plan: &mut Plan,
    row: &RowCells<'_>,
    row_no: u32,
    member: Option<&ExistingMember>,
    assignment: Option<&AssignWrite>,
) -> bool {
    match (member, assignment) {
        (Some(m), Some(_))
            if !MemberStatus::parse(&m.status).is_some_and(MemberStatus::assignable) =>
        {
            plan.error(
                row_no,
                row.column(Field::Member),
                RowProblem::MemberNotAssignable {
                    name: m.full_name.clone(),
                },
            );
            false
        }
        _ => true,
    }
}

fn count_assignment(plan: &mut Plan, a: &AssignWrite) {
    plan.counts.assigned += 1;
    if a.ends.is_some() {
        plan.counts.reassigned += 1;
    }
}

fn same_household(h: &ExistingHousehold, w: &HouseholdWrite) -> bool {
    h.head_name == w.head_name
        && h.area == w.address.area
        && h.alley == w.address.alley
        && h.lane == w.address.lane
        && h.house_no == w.address.house_no
        && h.size == w.size
        && h.phone == w.phone
        && HouseholdTag::parse_list(&h.tags) == w.tags
        && h.notes == w.notes
}

fn assignment_row(
    plan: &mut Plan,
    cx: &Context<'_>,
    row: &RowCells<'_>,
    row_no: u32,
    keys: &HashMap<String, usize>,
    by_name: &MemberIndex,
    seen: &mut HashMap<String, u32>,
) {
    use Field::*;
    let before = plan.errors_total;
    let head = take!(
        plan,
        row,
        row_no,
        HeadName,
        text(row.get(HeadName), MAX_NAME)
    );
    if head.is_none() && before == plan.errors_total {
        plan.error(row_no, row.column(HeadName), RowProblem::Required);
    }
    let address = row_address(plan, row, row_no).unwrap_or_default();
    let since = take!(plan, row, row_no, Since, date(row.get(Since), cx.today));
    let notes = take!(plan, row, row_no, Notes, text(row.get(Notes), MAX_NOTES));
    let member_before = plan.errors_total;
    let member = row_member(plan, cx, row, row_no, by_name);
    if member.is_none() && member_before == plan.errors_total {
        plan.error(row_no, row.column(Member), RowProblem::Required);
    }
    let Some(head) = head else { return };
    let key = household_key(&head, &address);
    if let Some(first) = seen.get(&key) {
        // One household, one member (rule R2).
        plan.error(
            row_no,
            row.column(HeadName),
            RowProblem::DuplicateOf { row: *first },
        );
        return;
    }
    seen.insert(key.clone(), row_no);
    let Some(&index) = keys.get(&key) else {
        plan.error(row_no, row.column(HeadName), RowProblem::HouseholdNotFound);
        return;
    };
    let (Some(member), true) = (member, plan.errors_total == before) else {
        return;
    };
    let h = &cx.existing.households[index];
    let reason = notes.unwrap_or_else(|| format!("Nhập từ tệp {}", cx.file_name));
    let a = plan_assignment(cx, HouseholdRef::Existing(h.id), member, since, reason);
    if !may_take(plan, row, row_no, Some(member), a.as_ref()) {
        return;
    }
    let action = match (&a, cx.existing.active.contains_key(&h.id)) {
        (None, _) => RowAction::Unchanged,
        (Some(_), true) => RowAction::Update,
        (Some(_), false) => RowAction::New,
    };
    let cells = plan
        .preview
        .fields
        .clone()
        .into_iter()
        .map(|f| match f {
            HeadName => h.head_name.clone(),
            Area => h.area.clone(),
            Alley => h.alley.clone(),
            Lane => h.lane.clone(),
            HouseNo => h.house_no.clone(),
            Member => member.full_name.clone(),
            Since => since
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            Notes => a.as_ref().map(|a| a.reason.clone()).unwrap_or_default(),
            _ => String::new(),
        })
        .collect();
    push_preview(plan, row_no, action, cells);
    if let Some(a) = a {
        count_assignment(plan, &a);
        plan.assignments.push(a);
    }
}

#[cfg(test)]
mod tests {
    use super::super::values::tests::{t, today};
    use super::*;

    fn member(id: i64, name: &str, year: Option<i32>, status: &str) -> ExistingMember {
        ExistingMember {
            id,
            full_name: name.into(),
            birth_year: year,
            gender: "male".into(),
            phone: String::new(),
            home_area: String::new(),
            home_alley: String::new(),
            home_lane: String::new(),
            home_house_no: String::new(),
            status: status.into(),
            kind: "resident".into(),
            workplace: String::new(),
            capacity: 2,
            notes: String::new(),
        }
    }

    fn sheet(rows: Vec<Vec<Cell>>) -> Sheet {
        Sheet {
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(i, r)| (i as u32 + 1, r))
                .collect(),
            ..Sheet::default()
        }
    }

    fn run(kind: ImportKind, s: &Sheet, existing: &Existing) -> Plan {
        let headers = super::super::read::find_headers(s).unwrap();
        let mapping = super::super::read::guess_mapping(kind, &headers.names);
        let cx = Context {
            kind,
            mapping: &mapping,
            headers: &headers,
            existing,
            today: today(),
            now: day_start(today()),
            file_name: "t.xlsx",
        };
        plan(s, &cx, &Progress::default()).unwrap()
    }

    #[test]
    fn every_problem_of_every_row_is_listed_and_nothing_is_planned() {
        let s = sheet(vec![
            vec![t("Họ và tên"), t("Năm sinh"), t("Điện thoại")],
            vec![t("Nguyễn Văn An"), t("1960"), t("0912345678")],
            vec![Cell::Empty, t("abc"), t("x")],
            vec![t("Nguyễn Văn An"), t("1960")],
        ]);
        let p = run(ImportKind::Members, &s, &Existing::default());
        let got: Vec<String> = p.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            vec![
                "Dòng 3, cột \"Họ và tên\": cần nhập.",
                "Dòng 3, cột \"Năm sinh\": không phải là số.",
                "Dòng 3, cột \"Điện thoại\": số điện thoại không hợp lệ.",
                "Dòng 4, cột \"Họ và tên\": trùng với dòng 2.",
            ]
        );
        assert_eq!(p.errors_total, 4);
        assert!(p.members.is_empty());
    }

    #[test]
    fn a_second_import_updates_instead_of_duplicating() {
        let existing = Existing {
            members: vec![member(7, "Nguyễn Văn An", Some(1960), "active")],
            ..Existing::default()
        };
        let s = sheet(vec![
            vec![t("Họ và tên"), t("Năm sinh"), t("Điện thoại")],
            vec![t("nguyễn văn an"), t("1960"), t("0912345678")],
            vec![t("Trần Thị Bình"), t("1972")],
        ]);
        let p = run(ImportKind::Members, &s, &existing);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(
            (p.counts.new, p.counts.updated, p.counts.unchanged),
            (1, 1, 0)
        );
        assert_eq!(p.members[0].id, Some(7));
        assert_eq!(p.members[0].phone, "0912345678");
        assert_eq!(p.members[1].id, None);
        assert_eq!(p.preview.rows[0].action, RowAction::Update);
    }

    #[test]
    fn households_are_matched_and_given_to_their_member() {
        let mut existing = Existing {
            members: vec![
                member(1, "Lê Văn Hùng", Some(1960), "active"),
                member(2, "Phạm Thị Lan", Some(1970), "active"),
                member(3, "Đỗ Văn Tư", Some(1940), "exempt"),
            ],
            households: vec![ExistingHousehold {
                id: 50,
                head_name: "Nguyễn Văn Ba".into(),
                area: String::new(),
                alley: "Ngõ 5".into(),
                lane: String::new(),
                house_no: "12".into(),
                size: 3,
                phone: String::new(),
                tags: String::new(),
                notes: String::new(),
            }],
            ..Existing::default()
        };
        existing.active.insert(
            50,
            (
                900,
                1,
                day_start(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
            ),
        );
        let s = sheet(vec![
            vec![
                t("Chủ hộ"),
                t("Số nhà"),
                t("Ngõ"),
                t("Nhân khẩu"),
                t("Đảng viên phụ trách"),
            ],
            vec![
                t("Nguyễn Văn Ba"),
                t("Số 12"),
                t("5"),
                Cell::Number(3.0),
                t("Phạm Thị Lan"),
            ],
            vec![
                t("Hồ Thị Năm"),
                t("3"),
                t("Ngõ 5"),
                Cell::Number(2.0),
                t("Lê Văn Hùng (1960)"),
            ],
            vec![
                t("Vũ Văn Sáu"),
                t("4"),
                t("Ngõ 5"),
                Cell::Number(2.0),
                t("Đỗ Văn Tư"),
            ],
            vec![
                t("Bùi Văn Bảy"),
                t("9"),
                t("Ngõ 5"),
                Cell::Number(2.0),
                t("Không Ai"),
            ],
        ]);
        let p = run(ImportKind::Households, &s, &existing);
        let problems: Vec<&RowProblem> = p.errors.iter().map(|e| &e.problem).collect();
        assert_eq!(
            problems,
            vec![
                &RowProblem::MemberNotAssignable {
                    name: "Đỗ Văn Tư".into()
                },
                &RowProblem::MemberNotFound {
                    name: "Không Ai".into()
                },
            ]
        );
        // Without the two bad rows, the plan reassigns the first and assigns the second.
        let s = sheet(s.rows[..3].iter().map(|(_, r)| r.clone()).collect());
        let p = run(ImportKind::Households, &s, &existing);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.households.len(), 1, "the first household is unchanged");
        assert_eq!(p.assignments.len(), 2);
        assert_eq!(p.assignments[0].household, HouseholdRef::Existing(50));
        assert_eq!(p.assignments[0].ends.map(|e| e.0), Some(900));
        assert_eq!(p.assignments[1].household, HouseholdRef::New(0));
        assert_eq!((p.counts.assigned, p.counts.reassigned), (2, 1));
    }

    #[test]
    fn blank_template_rows_and_column_numbers_are_skipped() {
        let s = sheet(vec![
            vec![t("STT"), t("Họ và tên"), t("Năm sinh")],
            vec![t("(1)"), t("(2)"), t("(3)")],
            vec![Cell::Number(1.0), t("Nguyễn Văn An"), t("1960")],
            vec![Cell::Number(2.0)],
            vec![Cell::Number(3.0), Cell::Empty, Cell::Empty],
        ]);
        let p = run(ImportKind::Members, &s, &Existing::default());
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.counts.rows, 1);
    }

    #[test]
    fn assignments_need_known_households_once_each() {
        let existing = Existing {
            members: vec![member(1, "Lê Văn Hùng", Some(1960), "active")],
            households: vec![ExistingHousehold {
                id: 50,
                head_name: "Nguyễn Văn Ba".into(),
                area: String::new(),
                alley: "Ngõ 5".into(),
                lane: String::new(),
                house_no: "12".into(),
                size: 3,
                phone: String::new(),
                tags: String::new(),
                notes: String::new(),
            }],
            ..Existing::default()
        };
        let s = sheet(vec![
            vec![t("Chủ hộ"), t("Địa chỉ"), t("Đảng viên phụ trách")],
            vec![t("Nguyễn Văn Ba"), t("Số 12, Ngõ 5"), t("Lê Văn Hùng")],
            vec![t("Nguyễn Văn Ba"), t("12, Ngõ 5"), t("Lê Văn Hùng")],
            vec![t("Ai Đó"), t("1 Ngõ 9"), t("Lê Văn Hùng")],
        ]);
        let p = run(ImportKind::Assignments, &s, &existing);
        let problems: Vec<(u32, &RowProblem)> =
            p.errors.iter().map(|e| (e.row, &e.problem)).collect();
        assert_eq!(
            problems,
            vec![
                (3, &RowProblem::DuplicateOf { row: 2 }),
                (4, &RowProblem::HouseholdNotFound)
            ]
        );
    }

    #[test]
    fn a_cancelled_check_stops() {
        let s = sheet(vec![vec![t("Họ và tên")], vec![t("An")]]);
        let headers = super::super::read::find_headers(&s).unwrap();
        let mapping = vec![Some(Field::FullName)];
        let existing = Existing::default();
        let cx = Context {
            kind: ImportKind::Members,
            mapping: &mapping,
            headers: &headers,
            existing: &existing,
            today: today(),
            now: day_start(today()),
            file_name: "t.csv",
        };
        let progress = Progress::default();
        progress.cancel.store(true, Ordering::Relaxed);
        assert_eq!(plan(&s, &cx, &progress).err(), Some(Cancelled));
    }
}
