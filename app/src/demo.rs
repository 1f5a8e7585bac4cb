//! The demo ward, and larger synthetic wards for benchmarks.
//!
//! Deterministic: the same seed and the same "today" give the same rows. Names and
//! addresses are Vietnamese with their diacritics; statuses, kinds, tags, visits and
//! concerns are spread the way a real residential cell has them, including the failures
//! the product must show (unassigned households, excluded members still holding
//! households, members over capacity, households never visited).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use fastrand::Rng;
use sqlx::QueryBuilder;

use crate::core::fold::fold;
use crate::features::org::model::{HouseholdTag, MemberKind, MemberStatus, WardKind};
use crate::server::auth::hash_password;
use crate::server::db::{Db, Pool, Tx};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "ganbo-demo";

/// The demo accounts, for the README, the start-up message and the sign-in hint.
pub const DEMO_ACCOUNTS: &[(&str, &str)] = &[
    ("committee", "Đảng ủy phường (toàn phường)"),
    ("secretary1", "Bí thư Chi bộ Tổ dân phố số 1"),
    ("secretary2", "Bí thư Chi bộ Tổ dân phố số 2"),
    ("secretary3", "Bí thư Chi bộ Tổ dân phố số 3"),
    ("member1", "Đảng viên Chi bộ số 1"),
    ("member2", "Đảng viên Chi bộ số 1"),
    ("viewer", "Chỉ xem (toàn phường)"),
];

#[derive(Clone, Debug)]
pub struct DemoSpec {
    pub cells: u32,
    /// Households per cell; the demo ward varies it around this number.
    pub households_per_cell: u32,
    pub members_per_cell: u32,
    pub seed: u64,
    pub today: NaiveDate,
    /// Create the demo accounts (the demo ward) or only data (benchmarks).
    pub accounts: bool,
}

impl DemoSpec {
    /// The demo ward: 3 cells, about 40 members and 300–450 households each.
    pub fn demo_ward(today: NaiveDate) -> Self {
        DemoSpec {
            cells: 3,
            households_per_cell: 380,
            members_per_cell: 40,
            seed: 2026,
            today,
            accounts: true,
        }
    }
}

/// What was written, for the person who asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoCounts {
    pub cells: u64,
    pub members: u64,
    pub households: u64,
    pub assignments: u64,
    pub visits: u64,
    pub concerns: u64,
    pub users: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already holds data; the demo ward is only added to an empty database")]
    NotEmpty,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    App(#[from] crate::error::AppError),
    #[error("password hashing failed: {0}")]
    Hash(#[from] tokio::task::JoinError),
}

/// Seeds the demo ward if the database holds no org units. Returns `None` when it was not empty.
pub async fn seed_if_empty(pool: &Pool, today: NaiveDate) -> Result<Option<DemoCounts>, DemoError> {
    if !is_empty(pool).await? {
        return Ok(None);
    }
    generate(pool, &DemoSpec::demo_ward(today)).await.map(Some)
}

pub async fn is_empty(pool: &Pool) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(pool)
        .await?;
    Ok(n == 0)
}

const FAMILY: &[(&str, u32)] = &[
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Phan", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 1),
    ("Đinh", 2),
    ("Trịnh", 2),
    ("Đào", 2),
    ("Lương", 1),
    ("Hồ", 1),
];
const MIDDLE_MALE: &[&str] = &[
    "Văn", "Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Mạnh", "Đình",
    "Tiến",
];
const MIDDLE_FEMALE: &[&str] = &[
    "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Kim", "Phương",
];
const GIVEN_MALE: &[&str] = &[
    "Hùng", "Dũng", "Tuấn", "Nam", "Sơn", "Hải", "Long", "Bình", "Cường", "Thắng", "Quân", "Hiếu",
    "Khoa", "Tùng", "Phúc", "Trung", "Đức", "Toàn", "Thành", "Việt", "Hưng", "Khánh", "Lâm",
    "Nghĩa", "Quý", "Tâm", "Thịnh", "Vinh", "Chiến", "Đạt",
];
const GIVEN_FEMALE: &[&str] = &[
    "Lan", "Hương", "Hoa", "Mai", "Hằng", "Linh", "Trang", "Thảo", "Nga", "Hạnh", "Yến", "Phương",
    "Dung", "Nhung", "Thủy", "Hà", "Loan", "Oanh", "Vân", "Huyền", "Ngân", "Quyên", "Tuyết",
    "Xuân", "Liên",
];
const STREETS: &[&str] = &[
    "Trần Phú",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Quang Trung",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Phan Đình Phùng",
    "Hoàng Hoa Thám",
    "Nguyễn Du",
    "Bà Triệu",
    "Lê Duẩn",
    "Võ Thị Sáu",
    "Tô Hiến Thành",
    "Chu Văn An",
];
const NAMED_ALLEYS: &[&str] = &[
    "Ngõ Chợ",
    "Ngõ Văn Chương",
    "Ngõ Giếng",
    "Ngõ Đình",
    "Ngõ Trạm",
    "Ngõ Thông Phong",
];
const WORKPLACES: &[(&str, &str)] = &[
    ("Trường THCS Tân Hòa", "Chi bộ Trường THCS Tân Hòa"),
    (
        "Công ty CP Xây dựng số 5",
        "Đảng ủy Công ty CP Xây dựng số 5",
    ),
    (
        "Bệnh viện Đa khoa khu vực",
        "Đảng ủy Bệnh viện Đa khoa khu vực",
    ),
    ("Chi cục Thuế khu vực I", "Chi bộ Chi cục Thuế khu vực I"),
    (
        "Ngân hàng Nông nghiệp chi nhánh Tân Hòa",
        "Đảng ủy Ngân hàng Nông nghiệp chi nhánh",
    ),
    ("Công an phường Tân Hòa", "Chi bộ Công an phường"),
    ("Ban Chỉ huy Quân sự phường", "Chi bộ Quân sự phường"),
    (
        "Công ty Điện lực khu vực",
        "Đảng ủy Công ty Điện lực khu vực",
    ),
];
const CONCERN_CATEGORIES: &[(&str, &[&str])] = &[
    (
        "infrastructure",
        &[
            "Đường ngõ xuống cấp, nhiều ổ gà, trời mưa đọng nước.",
            "Đèn chiếu sáng đầu ngõ hỏng đã hai tuần.",
            "Cống thoát nước bị tắc, có mùi hôi.",
        ],
    ),
    (
        "environment",
        &[
            "Rác thải tập kết không đúng giờ ở đầu ngõ.",
            "Hộ bên cạnh đốt rác gây khói cho cả xóm.",
            "Đề nghị bố trí thêm thùng rác công cộng.",
        ],
    ),
    (
        "security",
        &[
            "Có nhóm thanh niên tụ tập gây ồn ào ban đêm.",
            "Xe máy đỗ lấn chiếm lối đi chung.",
            "Đề nghị lắp camera an ninh ở ngã ba.",
        ],
    ),
    (
        "social_policy",
        &[
            "Gia đình đề nghị xem xét lại diện hộ cận nghèo.",
            "Chưa nhận được trợ cấp người cao tuổi tháng này.",
            "Hỏi thủ tục cấp thẻ bảo hiểm y tế cho cháu nhỏ.",
        ],
    ),
    (
        "land_construction",
        &[
            "Hỏi thủ tục cấp giấy chứng nhận quyền sử dụng đất.",
            "Nhà bên cạnh xây dựng làm nứt tường.",
            "Tranh chấp ranh giới lối đi với hộ liền kề.",
        ],
    ),
    (
        "health_education",
        &[
            "Đề nghị tổ chức tiêm chủng tại tổ dân phố.",
            "Hỏi về chính sách miễn học phí cho con.",
        ],
    ),
];

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn choose<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.usize(..items.len())]
}

fn pick_weighted<'a>(rng: &mut Rng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.u32(..total);
    for (item, w) in items {
        if r < *w {
            return item;
        }
        r -= w;
    }
    items[0].0
}

fn person_name(rng: &mut Rng, female: bool) -> String {
    let family = pick_weighted(rng, FAMILY);
    let (middle, given) = if female {
        (pick(rng, MIDDLE_FEMALE), pick(rng, GIVEN_FEMALE))
    } else {
        (pick(rng, MIDDLE_MALE), pick(rng, GIVEN_MALE))
    };
    format!("{family} {middle} {given}")
}

fn phone(rng: &mut Rng) -> String {
    let prefix = pick(
        rng,
        &[
            "090", "091", "093", "094", "096", "097", "098", "086", "083", "088",
        ],
    );
    format!("{prefix}{:07}", rng.u32(..10_000_000))
}

/// A moment on a given day in Vietnam (working hours), as UTC.
fn at(day: NaiveDate, rng: &mut Rng) -> DateTime<Utc> {
    let local = day
        .and_hms_opt(8 + rng.u32(..10), rng.u32(..60), 0)
        .unwrap_or_default();
    Utc.from_utc_datetime(&local) - Duration::hours(7)
}

struct Unit {
    id: i64,
    parent_id: Option<i64>,
    ward_id: Option<i64>,
    kind: &'static str,
    name: String,
    code: String,
    path: String,
}

struct Member {
    id: i64,
    cell_id: i64,
    party_group_id: Option<i64>,
    name: String,
    female: bool,
    birth_year: i32,
    phone: String,
    area: String,
    alley: String,
    lane: String,
    house_no: String,
    status: MemberStatus,
    kind: MemberKind,
    workplace: (&'static str, &'static str),
    capacity: i64,
    leader: bool,
    status_since: NaiveDate,
}

struct Group {
    id: i64,
    cell_id: i64,
    name: String,
    area: String,
    alley: String,
    leader: String,
}

struct Household {
    id: i64,
    cell_id: i64,
    group_id: Option<i64>,
    area: String,
    alley: String,
    lane: String,
    house_no: String,
    head: String,
    size: i64,
    phone: String,
    tags: Vec<HouseholdTag>,
    hot_spot: i64,
}

struct Assignment {
    id: i64,
    cell_id: i64,
    member_id: i64,
    household_id: i64,
    mode: &'static str,
    started: DateTime<Utc>,
    ended: Option<DateTime<Utc>>,
    reason: &'static str,
    end_reason: &'static str,
}

struct Visit {
    id: i64,
    cell_id: i64,
    household_id: i64,
    member_id: i64,
    on: NaiveDate,
    kind: &'static str,
    topics: &'static str,
    note: &'static str,
    mediation: bool,
    /// What the household said about its member, and its rating (1–5).
    feedback: &'static str,
    rating: Option<i64>,
}

/// A demo account: username, display name, linked member, roles with their units.
type Account = (&'static str, String, Option<i64>, Vec<(&'static str, i64)>);

/// One step of a concern: (step, from state, to state, day, text).
type Event = (
    &'static str,
    Option<&'static str>,
    &'static str,
    NaiveDate,
    &'static str,
);

struct Concern {
    id: i64,
    cell_id: i64,
    household_id: i64,
    member_id: i64,
    category: &'static str,
    body: &'static str,
    urgency: &'static str,
    state: &'static str,
    raised_on: NaiveDate,
    events: Vec<Event>,
}

/// The next free id of a table, so that rows can be written in batches with known
async fn next_id(pool: &Pool, table: &str) -> Result<i64, sqlx::Error> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
        .fetch_one(pool)
        .await?;
    Ok(max.unwrap_or(0) + 1)
}

/// The paths a concern takes, ending in each state the product knows.
const CONCERN_PATHS: &[&[(&str, &str)]] = &[
    &[],
    &[("report", "reported")],
    &[("report", "reported"), ("answer", "answered_by_cell")],
    &[("report", "reported"), ("refer", "referred_to_committee")],
    &[
        ("report", "reported"),
        ("refer", "referred_to_committee"),
        ("answer_in_writing", "answered_in_writing"),
    ],
    &[
        ("report", "reported"),
        ("refer_outside", "referred_outside"),
    ],
    &[
        ("report", "reported"),
        ("answer", "answered_by_cell"),
        ("inform", "household_informed"),
    ],
    &[
        ("report", "reported"),
        ("refer", "referred_to_committee"),
        ("answer_in_writing", "answered_in_writing"),
        ("inform", "household_informed"),
        ("close", "closed"),
    ],
    &[
        ("report", "reported"),
        ("answer", "answered_by_cell"),
        ("inform", "household_informed"),
        ("close", "closed"),
    ],
];

const EVENT_TEXT: &[(&str, &str)] = &[
    ("report", "Báo cáo tại cuộc họp chi bộ."),
    (
        "answer",
        "Chi bộ đã trao đổi, giải thích rõ chính sách cho gia đình.",
    ),
    (
        "refer",
        "Vượt thẩm quyền chi bộ, chuyển Đảng ủy phường xem xét.",
    ),
    (
        "answer_in_writing",
        "Đảng ủy phường đã có văn bản trả lời hộ gia đình.",
    ),
    (
        "refer_outside",
        "Chuyển Ủy ban Mặt trận Tổ quốc phường phối hợp giải quyết.",
    ),
    ("inform", "Đảng viên đã thông báo kết quả cho gia đình."),
    ("close", "Gia đình đồng tình, kết thúc."),
];

/// Generates a ward (or more cells in a new ward) and writes it in one transaction.
pub async fn generate(pool: &Pool, spec: &DemoSpec) -> Result<DemoCounts, DemoError> {
    if spec.accounts && !is_empty(pool).await? {
        return Err(DemoError::NotEmpty);
    }
    let w = make_ward(pool, spec).await?;
    let mut tx = crate::server::db::begin_write(pool).await?;
    store_org(&mut tx, &w).await?;
    store_record(&mut tx, &w).await?;
    seed_features(&mut tx, &w, spec.today).await?;
    let users = if spec.accounts {
        add_accounts(&mut tx, &w, spec.seed).await?
    } else {
        0
    };
    let (ward, now) = (w.ward, w.now);
    let counts = DemoCounts {
        cells: w.cell_ids.len() as u64,
        members: w.members.len() as u64,
        households: w.households.len() as u64,
        assignments: w.assignments.len() as u64,
        visits: w.visits.len() as u64,
        concerns: w.concerns.len() as u64,
        users,
    };
    let summary = serde_json::json!({
        "cells": counts.cells, "members": counts.members, "households": counts.households,
        "assignments": counts.assignments, "visits": counts.visits, "concerns": counts.concerns,
    });
    crate::server::audit::write::<(), _>(
        &mut tx,
        crate::server::audit::Entry {
            ward_id: Some(ward),
            user_id: None,
            action: "seed",
            entity: "ward",
            entity_id: Some(ward),
            before: None,
            after: Some(&summary),
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(counts)
}

/// A generated ward in memory, before it is written.
struct Ward {
    ward: i64,
    cell_ids: Vec<i64>,
    now: DateTime<Utc>,
    units: Vec<Unit>,
    members: Vec<Member>,
    groups: Vec<Group>,
    households: Vec<Household>,
    assignments: Vec<Assignment>,
    visits: Vec<Visit>,
    concerns: Vec<Concern>,
}

/// Makes the ward: its tree, members, households, who looks after whom, and a year of
/// visits and concerns, all from the spec's seed.
async fn make_ward(pool: &Pool, spec: &DemoSpec) -> Result<Ward, DemoError> {
    let mut rng = Rng::with_seed(spec.seed);
    let today = spec.today;
    let now = at(today, &mut rng);

    let mut ids = Ids {
        unit_id: next_id(pool, "org_units").await?,
        member_id: next_id(pool, "members").await?,
        group_id: next_id(pool, "household_groups").await?,
        household_id: next_id(pool, "households").await?,
        assignment_id: next_id(pool, "assignments").await?,
        visit_id: next_id(pool, "visits").await?,
        concern_id: next_id(pool, "concerns").await?,
    };
    let suffix = if spec.accounts {
        String::new()
    } else {
        format!("-{}", ids.unit_id)
    };

    // The tree: city > ward > cells > party groups.
    let mut units = Vec::new();
    let province = ids.unit_id;
    units.push(Unit {
        id: province,
        parent_id: None,
        ward_id: None,
        kind: "province",
        name: "Thành phố Hà Nội".into(),
        code: format!("HN{suffix}"),
        path: format!("/{province}/"),
    });
    ids.unit_id += 1;
    let ward = ids.unit_id;
    let ward_name = if spec.accounts {
        "Phường Tân Hòa".to_string()
    } else {
        format!("Phường Thử nghiệm {ward}")
    };
    units.push(Unit {
        id: ward,
        parent_id: Some(province),
        ward_id: Some(ward),
        kind: "commune",
        name: ward_name,
        code: format!("HN-TH{suffix}"),
        path: format!("/{province}/{ward}/"),
    });
    ids.unit_id += 1;

    let mut w = Ward {
        ward,
        cell_ids: Vec::new(),
        now,
        units,
        members: Vec::new(),
        groups: Vec::new(),
        households: Vec::new(),
        assignments: Vec::new(),
        visits: Vec::new(),
        concerns: Vec::new(),
    };

    for c in 0..spec.cells {
        add_cell(&mut w, &mut ids, &mut rng, spec, c, province, &suffix);
    }

    // member1 (the second active member of cell 1) shows what the visit pages are for: two
    // households nobody has visited yet and two not visited for over a month.
    if spec.accounts
        && let Some(member1) = w.cell_ids.first().and_then(|cell| {
            w.members
                .iter()
                .filter(|m| m.cell_id == *cell && m.status == MemberStatus::Active)
                .nth(1)
                .map(|m| m.id)
        })
    {
        let mut theirs: Vec<i64> = w
            .assignments
            .iter()
            .filter(|a| a.member_id == member1 && a.ended.is_none())
            .map(|a| a.household_id)
            .collect();
        theirs.sort();
        let never: Vec<i64> = theirs.iter().take(2).copied().collect();
        let overdue: Vec<i64> = theirs.iter().skip(2).take(2).copied().collect();
        let recent = today - Duration::days(40);
        w.visits.retain(|v| {
            let recent_visit_to_overdue = overdue.contains(&v.household_id) && v.on > recent;
            !never.contains(&v.household_id) && !recent_visit_to_overdue
        });
    }

    // The months before those six, more thinly: households visited lately were visited
    // earlier in the year too, so a year's review has every month. A random stream of its
    // own leaves everything above as it was.
    let mut earlier = Rng::with_seed(spec.seed ^ 0x0213_0213);
    let mut households_seen: Vec<i64> = w.visits.iter().map(|v| v.household_id).collect();
    households_seen.sort_unstable();
    households_seen.dedup();
    let mut older = Vec::new();
    for household_id in households_seen {
        let Some(a) = w
            .assignments
            .iter()
            .find(|a| a.household_id == household_id && a.ended.is_none())
        else {
            continue;
        };
        let since = crate::ui::format::vn_date(a.started);
        for month in 6..12 {
            if earlier.u32(..100) >= 70 {
                continue;
            }
            let day = today - Duration::days(month * 30 + earlier.i64(0..28));
            if day < since {
                continue;
            }
            older.push(Visit {
                id: ids.visit_id,
                cell_id: a.cell_id,
                household_id,
                member_id: a.member_id,
                on: day,
                kind: if earlier.u32(..10) < 8 {
                    "home"
                } else {
                    "phone"
                },
                topics: ",cultured_family,",
                note: "Hỏi thăm sức khỏe, động viên gia đình.",
                mediation: false,
                feedback: "",
                rating: None,
            });
            ids.visit_id += 1;
        }
    }
    w.visits.extend(older);
    // Households rate their member at some visits and say a word at a few (rule R13).
    for v in w.visits.iter_mut() {
        if earlier.u32(..100) < 35 {
            v.rating = Some(match earlier.u32(..10) {
                0..=5 => 5,
                6..=8 => 4,
                _ => 3,
            });
        }
        if earlier.u32(..100) < 10 {
            v.feedback = choose(
                &mut earlier,
                &[
                    "Đồng chí thường xuyên đến thăm, gia đình rất yên tâm.",
                    "Đảng viên nhiệt tình, giải thích chính sách dễ hiểu.",
                    "Mong đồng chí báo lại sớm hơn kết quả kiến nghị.",
                    "Gia đình cảm ơn chi bộ đã quan tâm.",
                ],
            );
        }
    }
    Ok(w)
}

/// The next id of each table, as the generator hands them out.
struct Ids {
    unit_id: i64,
    member_id: i64,
    group_id: i64,
    household_id: i64,
    assignment_id: i64,
    visit_id: i64,
    concern_id: i64,
}

/// Adds cell number `c` (from 0): its party groups, alleys and household groups, members,
/// households, who looks after whom, and the last six months of visits and concerns.
fn add_cell(
    w: &mut Ward,
    ids: &mut Ids,
    rng: &mut Rng,
    spec: &DemoSpec,
    c: u32,
    province: i64,
    suffix: &str,
) {
    let (ward, today) = (w.ward, spec.today);
    let cell = ids.unit_id;
    ids.unit_id += 1;
    w.cell_ids.push(cell);
    let cell_path = format!("/{province}/{ward}/{cell}/");
    w.units.push(Unit {
        id: cell,
        parent_id: Some(ward),
        ward_id: Some(ward),
        kind: "cell",
        name: format!("Chi bộ Tổ dân phố số {}", c + 1),
        code: format!("HN-TH-{}{suffix}", c + 1),
        path: cell_path.clone(),
    });
    let mut party_groups = Vec::new();
    for g in 0..3 {
        party_groups.push(ids.unit_id);
        w.units.push(Unit {
            id: ids.unit_id,
            parent_id: Some(cell),
            ward_id: Some(ward),
            kind: "party_group",
            name: format!("Tổ đảng {}", g + 1),
            code: format!("HN-TH-{}-{}{suffix}", c + 1, g + 1),
            path: format!("{cell_path}{}/", ids.unit_id),
        });
        ids.unit_id += 1;
    }
    let area = format!("Tổ dân phố {}", c + 1);

    // Alleys of this cell: numbered alleys off named streets, and a few named ones.
    let alley_count = 7 + rng.usize(..4);
    let mut alleys: Vec<String> = Vec::new();
    while alleys.len() < alley_count {
        let a = if rng.u32(..5) == 0 {
            pick(rng, NAMED_ALLEYS).to_string()
        } else {
            format!("Ngõ {} {}", 2 + rng.u32(..180), pick(rng, STREETS))
        };
        if !alleys.contains(&a) {
            alleys.push(a);
        }
    }

    // Self-managed groups: one or two per alley.
    let mut alley_groups: Vec<(String, i64)> = Vec::new();
    for (i, alley) in alleys.iter().enumerate() {
        let id = ids.group_id;
        ids.group_id += 1;
        let female_leader = rng.bool();
        w.groups.push(Group {
            id,
            cell_id: cell,
            name: format!("Tổ tự quản số {} – {}", i + 1, alley),
            area: area.clone(),
            alley: alley.clone(),
            leader: person_name(rng, female_leader),
        });
        alley_groups.push((alley.clone(), id));
    }

    // Members.
    // The demo ward's cells differ in size; synthetic cells have exactly what was asked.
    let n_members = if spec.accounts {
        spec.members_per_cell as usize + rng.usize(..5) - 2.min(spec.members_per_cell as usize)
    } else {
        spec.members_per_cell as usize
    };
    let first_member = w.members.len();
    for i in 0..n_members {
        let female = rng.u32(..100) < 45;
        let roll = rng.u32(..100);
        let status = match roll {
            0..=69 => MemberStatus::Active,
            70..=76 => MemberStatus::Exempt,
            77..=84 => MemberStatus::ElderlyIll,
            85..=91 => MemberStatus::WorkingAway,
            92..=96 => MemberStatus::OutsideCommune,
            _ => MemberStatus::Transferred,
        };
        // The first members of cell 1 are the demo's secretary, member1 and member2.
        let status = if c == 0 && i < 3 {
            MemberStatus::Active
        } else {
            status
        };
        let kind = if status != MemberStatus::ElderlyIll && rng.u32(..100) < 16 {
            MemberKind::Dv213
        } else {
            MemberKind::Resident
        };
        let birth_year = match status {
            MemberStatus::ElderlyIll | MemberStatus::Exempt => 1935 + rng.i32(0..15),
            _ => 1955 + rng.i32(0..42),
        };
        let capacity = match (status, kind) {
            (MemberStatus::Active, MemberKind::Resident) => 11 + rng.i64(0..6),
            (MemberStatus::Active, MemberKind::Dv213) => 2 + rng.i64(0..3),
            (MemberStatus::OutsideCommune, _) => 1 + rng.i64(0..2),
            (MemberStatus::WorkingAway, _) => 2,
            _ => 0,
        };
        let alley = pick(rng, &alleys).clone();
        let lane = if rng.u32(..3) == 0 {
            format!("Ngách {}", 1 + rng.u32(..30))
        } else {
            String::new()
        };
        let (home_area, home_alley) = if status == MemberStatus::OutsideCommune {
            (
                "Phường Đồng Tâm".to_string(),
                format!("Ngõ {} Lê Thanh Nghị", 10 + rng.u32(..90)),
            )
        } else {
            (area.clone(), alley)
        };
        w.members.push(Member {
            id: ids.member_id,
            cell_id: cell,
            party_group_id: Some(party_groups[i % party_groups.len()]),
            name: person_name(rng, female),
            female,
            birth_year,
            phone: phone(rng),
            area: home_area,
            alley: home_alley,
            lane,
            house_no: (1 + rng.u32(..120)).to_string(),
            status,
            kind,
            workplace: if kind == MemberKind::Dv213 {
                *pick(rng, WORKPLACES)
            } else {
                ("", "")
            },
            capacity,
            leader: i < party_groups.len(),
            status_since: today - Duration::days(30 + rng.i64(0..2000)),
        });
        ids.member_id += 1;
    }

    // Households, by alley.
    let n_households = if spec.accounts {
        (spec.households_per_cell as i64 + rng.i64(-60..=60)).max(1) as usize
    } else {
        spec.households_per_cell.max(1) as usize
    };
    let first_household = w.households.len();
    for i in 0..n_households {
        let alley_index = rng.usize(..alleys.len());
        let alley = alleys[alley_index].clone();
        let mut tags = Vec::new();
        for (tag, pct) in [
            (HouseholdTag::Poor, 3),
            (HouseholdTag::NearPoor, 5),
            (HouseholdTag::PolicyFamily, 6),
            (HouseholdTag::ElderlyAlone, 5),
            (HouseholdTag::Disability, 3),
            (HouseholdTag::NewResident, 4),
            (HouseholdTag::OutstandingNonMember, 2),
            (HouseholdTag::Renting, 7),
        ] {
            if rng.u32(..100) < pct {
                tags.push(tag);
            }
        }
        let female_head =
            rng.u32(..100) < 30 || tags.contains(&HouseholdTag::ElderlyAlone) && rng.bool();
        w.households.push(Household {
            id: ids.household_id,
            cell_id: cell,
            group_id: Some(alley_groups[alley_index].1),
            area: area.clone(),
            alley,
            lane: if rng.u32(..3) == 0 {
                format!("Ngách {}", 1 + rng.u32(..30))
            } else {
                String::new()
            },
            house_no: format!(
                "{}{}",
                1 + i / 3 % 150,
                if rng.u32(..8) == 0 { "A" } else { "" }
            ),
            head: person_name(rng, female_head),
            size: if tags.contains(&HouseholdTag::ElderlyAlone) {
                1
            } else {
                2 + rng.i64(0..5)
            },
            phone: if rng.u32(..10) < 8 {
                phone(rng)
            } else {
                String::new()
            },
            tags,
            hot_spot: if rng.u32(..100) < 2 {
                1 + rng.i64(0..3)
            } else {
                0
            },
        });
        ids.household_id += 1;
    }

    // Assignments: about 80% of households, near the member's home where possible.
    let cell_members: Vec<usize> = (first_member..w.members.len()).collect();
    let mut load: Vec<i64> = vec![0; w.members.len()];
    for household in &w.households[first_household..] {
        if rng.u32(..100) >= 80 {
            continue;
        }
        let alley = household.alley.clone();
        // Mostly an assignable member with room, in the same alley; sometimes anyone
        // (these are the stale and over-capacity assignments the board must show).
        let sloppy = rng.u32(..100) < 4;
        let candidates: Vec<usize> = cell_members
            .iter()
            .copied()
            .filter(|&m| {
                sloppy || (w.members[m].status.assignable() && load[m] < w.members[m].capacity)
            })
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let near: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&m| w.members[m].alley == alley)
            .collect();
        let m = if !near.is_empty() && rng.u32(..100) < 95 {
            *pick(rng, &near)
        } else {
            *pick(rng, &candidates)
        };
        load[m] += 1;
        let started_day = today - Duration::days(40 + rng.i64(0..900));
        // Some households had someone else before.
        if rng.u32(..100) < 15 {
            let prev = *pick(rng, &cell_members);
            let prev_start = started_day - Duration::days(200 + rng.i64(0..600));
            w.assignments.push(Assignment {
                id: ids.assignment_id,
                cell_id: cell,
                member_id: w.members[prev].id,
                household_id: household.id,
                mode: "regular",
                started: at(prev_start, rng),
                ended: Some(at(started_day, rng) - Duration::hours(12)),
                reason: "Phân công đầu nhiệm kỳ",
                end_reason: "Điều chỉnh phân công theo rà soát hằng năm",
            });
            ids.assignment_id += 1;
        }
        let member = &w.members[m];
        w.assignments.push(Assignment {
            id: ids.assignment_id,
            cell_id: cell,
            member_id: member.id,
            household_id: household.id,
            mode: if member.status == MemberStatus::OutsideCommune {
                "non_regular"
            } else {
                "regular"
            },
            started: at(started_day, rng),
            ended: None,
            reason: if member.alley == alley {
                "Cùng ngõ, gần nhà"
            } else {
                "Theo phân công của chi ủy"
            },
            end_reason: "",
        });
        ids.assignment_id += 1;

        // Visits over the last six months, by the member responsible now.
        let diligence = match member.status {
            MemberStatus::Active => 55 + rng.u32(..40),
            MemberStatus::OutsideCommune | MemberStatus::WorkingAway => 25 + rng.u32(..30),
            _ => rng.u32(..10),
        };
        for month in 0..6 {
            if rng.u32(..100) >= diligence {
                continue;
            }
            let day = today - Duration::days(month * 30 + rng.i64(0..28));
            if day < started_day {
                continue;
            }
            let kind = match rng.u32(..10) {
                0..=6 => "home",
                7..=8 => "phone",
                _ => "elsewhere",
            };
            w.visits.push(Visit {
                id: ids.visit_id,
                cell_id: cell,
                household_id: household.id,
                member_id: member.id,
                on: day,
                kind,
                topics: choose(
                    rng,
                    &[
                        ",cultured_family,",
                        ",crime_prevention,",
                        ",civilised_urban,",
                        "",
                        ",cultured_family,crime_prevention,",
                    ],
                ),
                note: choose(
                    rng,
                    &[
                        "Gia đình ổn định, không có kiến nghị.",
                        "Hỏi thăm sức khỏe, động viên gia đình.",
                        "Tuyên truyền phòng chống lừa đảo qua mạng.",
                        "Nhắc gia đình tham gia họp tổ dân phố.",
                        "",
                    ],
                ),
                mediation: rng.u32(..100) < 3,
                feedback: "",
                rating: None,
            });
            ids.visit_id += 1;
        }

        // Concerns: a few percent of assigned households, in every state.
        if rng.u32(..100) < 8 {
            let (category, bodies) = *pick(rng, CONCERN_CATEGORIES);
            let path = CONCERN_PATHS[w.concerns.len() % CONCERN_PATHS.len()];
            let raised_on = today - Duration::days(3 + rng.i64(0..120));
            let mut events = vec![("raise", None, "raised", raised_on, "")];
            let mut day = raised_on;
            let mut state = "raised";
            for (step, to) in path.iter() {
                day += Duration::days(1 + rng.i64(0..12));
                if day > today {
                    day = today;
                }
                let text = EVENT_TEXT
                    .iter()
                    .find(|(s, _)| s == step)
                    .map_or("", |(_, t)| *t);
                events.push((*step, Some(state), *to, day, text));
                state = to;
            }
            w.concerns.push(Concern {
                id: ids.concern_id,
                cell_id: cell,
                household_id: household.id,
                member_id: member.id,
                category,
                body: choose(rng, bodies),
                urgency: if rng.u32(..100) < 15 {
                    "urgent"
                } else {
                    "normal"
                },
                state,
                raised_on,
                events,
            });
            ids.concern_id += 1;
        }
    }
}
/// Writes the tree, the members (with their status history), the groups and households.
async fn store_org(tx: &mut Tx<'_>, w: &Ward) -> Result<(), DemoError> {
    let (ward, created) = (w.ward, w.now);
    for chunk in w.units.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO org_units (id, parent_id, ward_id, kind, name, code, path, commune_kind, created_at) ",
        );
        qb.push_values(chunk, |mut b, u| {
            b.push_bind(u.id)
                .push_bind(u.parent_id)
                .push_bind(u.ward_id)
                .push_bind(u.kind)
                .push_bind(&u.name)
                .push_bind(&u.code)
                .push_bind(&u.path)
                .push_bind((u.kind == "commune").then_some(WardKind::Phuong.code()))
                .push_bind(created);
        });
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in w.members.chunks(400) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO members (id, ward_id, cell_id, party_group_id, full_name, search_key, gender, birth_year, phone, \
             home_area, home_alley, home_lane, home_house_no, status, kind, workplace, workplace_committee, capacity, \
             is_group_leader, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, m| {
            let key = fold(&format!(
                "{} {} {} {} {}",
                m.name, m.house_no, m.lane, m.alley, m.phone
            ));
            b.push_bind(m.id)
                .push_bind(ward)
                .push_bind(m.cell_id)
                .push_bind(m.party_group_id)
                .push_bind(&m.name)
                .push_bind(key)
                .push_bind(if m.female { "female" } else { "male" })
                .push_bind(m.birth_year)
                .push_bind(&m.phone)
                .push_bind(&m.area)
                .push_bind(&m.alley)
                .push_bind(&m.lane)
                .push_bind(&m.house_no)
                .push_bind(m.status.code())
                .push_bind(m.kind.code())
                .push_bind(m.workplace.0)
                .push_bind(m.workplace.1)
                .push_bind(m.capacity)
                .push_bind(m.leader)
                .push_bind(created)
                .push_bind(created);
        });
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in w.members.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO member_status_history (ward_id, member_id, status, since, reason) ",
        );
        qb.push_values(chunk, |mut b, m| {
            b.push_bind(ward)
                .push_bind(m.id)
                .push_bind(m.status.code())
                .push_bind(
                    Utc.from_utc_datetime(&m.status_since.and_hms_opt(2, 0, 0).unwrap_or_default()),
                )
                .push_bind("");
        });
        qb.build().execute(&mut **tx).await?;
    }
    // Members who are no longer active were active before.
    let changed: Vec<&Member> = w
        .members
        .iter()
        .filter(|m| m.status != MemberStatus::Active)
        .collect();
    for chunk in changed.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO member_status_history (ward_id, member_id, status, since, reason) ",
        );
        qb.push_values(chunk, |mut b, m| {
            let since = m.status_since - Duration::days(3000);
            b.push_bind(ward)
                .push_bind(m.id)
                .push_bind("active")
                .push_bind(Utc.from_utc_datetime(&since.and_hms_opt(2, 0, 0).unwrap_or_default()))
                .push_bind("Kết nạp, sinh hoạt tại chi bộ");
        });
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in w.groups.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO household_groups (id, ward_id, cell_id, name, search_key, area, alley, leader_name, created_at) ",
        );
        qb.push_values(chunk, |mut b, g| {
            b.push_bind(g.id)
                .push_bind(ward)
                .push_bind(g.cell_id)
                .push_bind(&g.name)
                .push_bind(fold(&g.name))
                .push_bind(&g.area)
                .push_bind(&g.alley)
                .push_bind(&g.leader)
                .push_bind(created);
        });
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in w.households.chunks(400) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO households (id, ward_id, cell_id, group_id, area, alley, lane, house_no, head_name, search_key, \
             size, phone, tags, hot_spot, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, h| {
            let key = fold(&format!(
                "{} {} {} {} {}",
                h.head, h.house_no, h.lane, h.alley, h.phone
            ));
            b.push_bind(h.id)
                .push_bind(ward)
                .push_bind(h.cell_id)
                .push_bind(h.group_id)
                .push_bind(&h.area)
                .push_bind(&h.alley)
                .push_bind(&h.lane)
                .push_bind(&h.house_no)
                .push_bind(&h.head)
                .push_bind(key)
                .push_bind(h.size)
                .push_bind(&h.phone)
                .push_bind(HouseholdTag::to_stored(&h.tags))
                .push_bind(h.hot_spot)
                .push_bind(created)
                .push_bind(created);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Writes who looks after whom, the visits, the concerns and their steps.
async fn store_record(tx: &mut Tx<'_>, w: &Ward) -> Result<(), DemoError> {
    let ward = w.ward;
    for chunk in w.assignments.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO assignments (id, ward_id, cell_id, member_id, household_id, mode, started_at, ended_at, reason, end_reason) ",
        );
        qb.push_values(chunk, |mut b, a| {
            b.push_bind(a.id)
                .push_bind(ward)
                .push_bind(a.cell_id)
                .push_bind(a.member_id)
                .push_bind(a.household_id)
                .push_bind(a.mode)
                .push_bind(a.started)
                .push_bind(a.ended)
                .push_bind(a.reason)
                .push_bind(a.end_reason);
        });
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in w.visits.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO visits (id, ward_id, cell_id, household_id, member_id, client_id, visited_on, kind, topics, note, mediation, feedback, feedback_rating, created_at) ",
        );
        qb.push_values(chunk, |mut b, v| {
            b.push_bind(v.id)
                .push_bind(ward)
                .push_bind(v.cell_id)
                .push_bind(v.household_id)
                .push_bind(v.member_id)
                .push_bind(format!("seed-{ward}-{}", v.id))
                .push_bind(v.on)
                .push_bind(v.kind)
                .push_bind(v.topics)
                .push_bind(v.note)
                .push_bind(v.mediation)
                .push_bind(v.feedback)
                .push_bind(v.rating)
                .push_bind(Utc.from_utc_datetime(&v.on.and_hms_opt(12, 0, 0).unwrap_or_default()));
        });
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in w.concerns.chunks(300) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO concerns (id, ward_id, cell_id, household_id, member_id, category, body, urgency, state, raised_on, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, c| {
            let last = c.events.last().map_or(c.raised_on, |e| e.3);
            b.push_bind(c.id)
                .push_bind(ward)
                .push_bind(c.cell_id)
                .push_bind(c.household_id)
                .push_bind(c.member_id)
                .push_bind(c.category)
                .push_bind(c.body)
                .push_bind(c.urgency)
                .push_bind(c.state)
                .push_bind(c.raised_on)
                .push_bind(
                    Utc.from_utc_datetime(&c.raised_on.and_hms_opt(3, 0, 0).unwrap_or_default()),
                )
                .push_bind(Utc.from_utc_datetime(&last.and_hms_opt(3, 0, 0).unwrap_or_default()));
        });
        qb.build().execute(&mut **tx).await?;
    }
    let events: Vec<(i64, &Event)> = w
        .concerns
        .iter()
        .flat_map(|c| c.events.iter().map(move |e| (c.id, e)))
        .collect();
    for chunk in events.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO concern_events (ward_id, concern_id, step, from_state, to_state, body, at) ",
        );
        qb.push_values(chunk, |mut b, (id, e)| {
            b.push_bind(ward)
                .push_bind(*id)
                .push_bind(e.0)
                .push_bind(e.1)
                .push_bind(e.2)
                .push_bind(e.4)
                .push_bind(Utc.from_utc_datetime(&e.3.and_hms_opt(3, 0, 0).unwrap_or_default()));
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// What each feature adds to a new ward: the calendar and the concerns' clocks, the
/// campaigns, the ĐV213 year and the monthly meetings.
async fn seed_features(tx: &mut Tx<'_>, w: &Ward, today: NaiveDate) -> Result<(), DemoError> {
    let (ward, now, cell_ids) = (w.ward, w.now, &w.cell_ids);
    // The ward's working-day calendar (national holidays and Tết), then the concerns'
    // clocks: the day they entered each state and each step's deadline.
    for year in [today.year() - 1, today.year(), today.year() + 1] {
        crate::features::concerns::repo::fill_standard(tx, ward, None, year, now).await?;
    }
    crate::features::concerns::repo::backfill_dates(tx, ward).await?;

    crate::features::visits::repo::seed_demo_campaigns(tx, ward, cell_ids.first().copied(), now)
        .await?;
    crate::features::reviews::repo::seed_demo_dv213(tx, ward, cell_ids, now).await?;
    crate::features::meetings::repo::seed_demo_meetings(tx, ward, cell_ids, now).await?;
    Ok(())
}

/// The demo's fixed accounts, all with [`DEMO_PASSWORD`]: the committee, a secretary for
/// each of the first three cells, `member1` and `member2`, and a viewer; then an account
/// for every other member.
async fn add_accounts(tx: &mut Tx<'_>, w: &Ward, seed: u64) -> Result<u64, DemoError> {
    let (ward, created) = (w.ward, w.now);
    let mut users = 0;
    let hash = hash_password(DEMO_PASSWORD.to_string()).await?;
    // The secretary of each cell is its first active member; member1 and member2 are
    // the next two members of cell 1, both looking after households.
    let first_of_cell = |cell: i64, skip: usize| {
        w.members
            .iter()
            .filter(|m| m.cell_id == cell && m.status == MemberStatus::Active)
            .nth(skip)
            .map(|m| (m.id, m.name.clone()))
    };
    let mut accounts: Vec<Account> = vec![(
        "committee",
        "Văn phòng Đảng ủy phường".to_string(),
        None,
        vec![("committee", ward)],
    )];
    for (i, cell) in w.cell_ids.iter().enumerate().take(3) {
        let name = ["secretary1", "secretary2", "secretary3"][i];
        if let Some((id, full)) = first_of_cell(*cell, 0) {
            accounts.push((
                name,
                full,
                Some(id),
                vec![("secretary", *cell), ("member", *cell)],
            ));
        }
    }
    if let Some(cell) = w.cell_ids.first() {
        for (skip, name) in [(1, "member1"), (2, "member2")] {
            if let Some((id, full)) = first_of_cell(*cell, skip) {
                accounts.push((name, full, Some(id), vec![("member", *cell)]));
            }
        }
    }
    accounts.push((
        "viewer",
        "Ủy ban Kiểm tra (chỉ xem)".to_string(),
        None,
        vec![("viewer", ward)],
    ));
    let mut ids: Vec<(&str, i64)> = Vec::new();
    for (username, display, member, roles) in accounts {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, display_name, member_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(username)
        .bind(&hash)
        .bind(display)
        .bind(member)
        .bind(created)
        .fetch_one(&mut **tx)
        .await?;
        for (role, unit) in roles {
            sqlx::query("INSERT INTO user_roles (user_id, role, org_unit_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(role)
                .bind(unit)
                .execute(&mut **tx)
                .await?;
        }
        ids.push((username, id));
        users += 1;
    }
    let id_of = |name: &str| ids.iter().find(|(u, _)| *u == name).map(|(_, id)| *id);
    let committee = id_of("committee").unwrap_or_default();
    // The committee account answers for the first two cells (R9); the third has nobody
    // yet, a gap the start page and the ward report show.
    for cell in w.cell_ids.iter().take(2) {
        sqlx::query("UPDATE org_units SET steward_user_id = $1 WHERE id = $2")
            .bind(committee)
            .bind(cell)
            .execute(&mut **tx)
            .await?;
    }
    users += member_accounts(tx, w, seed, |i| {
        ["secretary1", "secretary2", "secretary3"]
            .get(i)
            .and_then(|name| id_of(name))
            .unwrap_or(committee)
    })
    .await?;
    sqlx::query("INSERT INTO app_settings (key, value) VALUES ('demo', '1')")
        .execute(&mut **tx)
        .await?;
    Ok(users)
}

/// An account for every member of the ward not transferred away who has none, made the
/// way a secretary's "sign-ins for the whole cell" makes them: a username from the name,
/// the member role in their cell, and a one-time code waiting to be printed on a card,
/// issued by the cell's secretary (`secretary_of` the cell's index). The codes come from
/// the demo's seed. Answers how many accounts were made.
async fn member_accounts(
    tx: &mut Tx<'_>,
    w: &Ward,
    seed: u64,
    secretary_of: impl Fn(usize) -> i64,
) -> Result<u64, DemoError> {
    use crate::features::auth::codes::{create_account, free_username, store_code};
    use crate::features::auth::model::{CODE_DIGITS, username_from_name};
    let mut rng = Rng::with_seed(seed ^ 0x5167_1ca5);
    let has_account: Vec<i64> =
        sqlx::query_scalar("SELECT member_id FROM users WHERE member_id IS NOT NULL")
            .fetch_all(&mut **tx)
            .await?;
    let mut made = 0;
    for m in w
        .members
        .iter()
        .filter(|m| m.status != MemberStatus::Transferred)
    {
        if has_account.contains(&m.id) {
            continue;
        }
        let cell = w.cell_ids.iter().position(|c| *c == m.cell_id).unwrap_or(0);
        let username = free_username(tx, &username_from_name(&m.name)).await?;
        let user = create_account(tx, &username, &m.name, Some(m.id), w.now).await?;
        sqlx::query(
            "INSERT INTO user_roles (user_id, role, org_unit_id) VALUES ($1, 'member', $2)",
        )
        .bind(user)
        .bind(m.cell_id)
        .execute(&mut **tx)
        .await?;
        let code = format!(
            "{:0width$}",
            rng.u64(0..10u64.pow(CODE_DIGITS as u32)),
            width = CODE_DIGITS
        );
        store_code(tx, user, &code, secretary_of(cell), w.now).await?;
        made += 1;
    }
    Ok(made)
}
