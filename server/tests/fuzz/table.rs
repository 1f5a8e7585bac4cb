//! The table of every server function: its arguments, their shapes, and who may be
//! answered.

use std::collections::BTreeMap;

use http::Method;

/// How a server function takes its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// `application/x-www-form-urlencoded`, nested as `rows[0][member]`.
    Form,
    Json,
    Multipart,
}

/// Who may be answered at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Anyone, signed in or not, on purpose (signing in, who am I, the sign-in page, the
    /// language, the first set-up).
    Public,
    /// Anyone: it reads nothing (signing out).
    NoData,
    /// Signed in; it answers only the caller's own things.
    SignedIn,
    /// Signed in, and the arguments marked with a [`Need`] decide.
    Scoped,
}

/// What an id argument names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    Cell,
    Ward,
    Member,
    Dv213Member,
    /// A member whose account is none of those the fuzz signs in with: giving one a code
    /// resets none of the fuzz's sessions.
    Unsigned,
    Household,
    Group,
    Concern,
    Meeting,
    Item,
    Registration,
    Job,
    Holiday,
}

/// What the caller must be to the thing an id names for the call to be answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// A reader of its cell (or ward); for a household also the member who looks after it,
    /// for a member that member, for a concern the member who raised it or looks after it.
    Read,
    /// A writer of its cell (or ward).
    Write,
    WriteOrLooksAfter,
    LooksAfter,
    /// A member asking for a household of their own cell.
    OwnCellMember,
    /// A member's own request.
    OwnRequest,
}

#[derive(Clone, Debug)]
pub enum Shape {
    /// An id from the demo data; `Some(need)` when it decides who may be answered.
    Id(Entity, Option<Need>),
    /// The current version of what the sibling argument `of` names (`sql` takes its id).
    Version {
        sql: &'static str,
        of: &'static str,
    },
    Int(&'static [i64]),
    Choice(&'static [&'static str]),
    /// The i-th of the choices for the i-th row of a list.
    Nth(&'static [&'static str]),
    Text,
    /// `YYYY-MM-DD`, a recent day.
    Date,
    /// `YYYY-MM-DD` or empty.
    DateOrEmpty,
    /// `YYYY-MM`.
    Month,
    /// `2026-h1`, `2026` or empty.
    Period,
    /// A year as a number.
    Year,
    /// A year as text, or empty.
    YearOrEmpty,
    Bool,
    ClientId,
    /// A visit's topics: codes of the ward's campaigns.
    Topics,
    Username,
    Password,
    /// A path on this site to go back to.
    LocalPath,
    /// What an import was last looked at with: `sheet`, `encoding`, `kind` (what the
    /// file holds) or `mapping` (one field code per column). A right call takes the
    /// sibling `job`'s own.
    OfJob(&'static str),
    /// The first or second half of a year (a right call: this one).
    Half,
    Opt(Box<Shape>),
    List {
        of: Vec<Arg>,
        min: usize,
        max: usize,
    },
    Struct(Vec<Arg>),
    /// A multipart file part.
    File(Upload),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upload {
    Spreadsheet,
    Answer,
}

#[derive(Clone, Debug)]
pub struct Arg {
    pub name: &'static str,
    pub shape: Shape,
}

pub struct Endpoint {
    pub path: &'static str,
    pub input: Input,
    pub gate: Gate,
    /// Mutated calls per role (fewer for the functions that compute a whole report).
    pub cases: usize,
    pub args: Vec<Arg>,
}

pub const LIGHT: usize = 12;
pub const MID: usize = 6;
pub const HEAVY: usize = 3;

pub const HOUSEHOLD_VERSION: &str = "SELECT version FROM households WHERE id = $1";
pub const GROUP_VERSION: &str = "SELECT version FROM household_groups WHERE id = $1";
/// Account ids no account holds.
pub const NO_ACCOUNT: &[i64] = &[987_654, 987_655];
pub const UNIT_VERSION: &str = "SELECT version FROM org_units WHERE id = $1";
pub const CONCERN_VERSION: &str = "SELECT version FROM concerns WHERE id = $1";
pub const MEETING_VERSION: &str = "SELECT version FROM meetings WHERE id = $1";
pub const DV213_MEETING_VERSION: &str =
    "SELECT version FROM dv213_meetings WHERE cell_id = $1 ORDER BY year DESC, half DESC LIMIT 1";
pub const DV213_COMMENT_VERSION: &str =
    "SELECT version FROM dv213_comments WHERE member_id = $1 ORDER BY year DESC LIMIT 1";

pub const MEMBER_STATUSES: &[&str] = &[
    "Active",
    "Exempt",
    "ElderlyIll",
    "WorkingAway",
    "OutsideCommune",
    "Transferred",
];
pub const TAGS: &[&str] = &[
    "Poor",
    "NearPoor",
    "PolicyFamily",
    "ElderlyAlone",
    "Disability",
    "NewResident",
    "OutstandingNonMember",
    "Renting",
];
pub const VISIT_KINDS: &[&str] = &["", "home", "phone", "elsewhere"];
pub const CATEGORIES: &[&str] = &[
    "infrastructure",
    "environment",
    "security",
    "social_policy",
    "land_construction",
    "health_education",
    "other",
];
pub const URGENCIES: &[&str] = &["normal", "urgent"];
pub const STEPS: &[&str] = &[
    "report",
    "answer",
    "refer",
    "refer_outside",
    "answer_in_writing",
    "record_outside_answer",
    "inform",
    "close",
    "reopen",
    "raise",
];
pub const OUTSIDE: &[&str] = &[
    "fatherland_front",
    "womens_union",
    "veterans_association",
    "youth_union",
    "farmers_association",
    "elderly_association",
    "peoples_committee",
    "police",
    "other",
];
pub const AGES: &[&str] = &["week", "month", "quarter", "older"];
pub const DAY_KINDS: &[&str] = &["off", "workday"];
pub const TIMED_STATES: &[&str] = &[
    "raised",
    "reported",
    "referred_to_committee",
    "referred_outside",
    "answered_by_cell",
    "answered_in_writing",
];
pub const DECISIONS: &[&str] = &["answer", "refer", "refer_outside", "defer", "task"];
pub const ENCODINGS: &[&str] = &[
    "utf-8",
    "utf-16le",
    "utf-16be",
    "windows-1258",
    "windows-1252",
];
pub const ENCODINGS_OR_EMPTY: &[&str] = &["", "", "utf-8", "windows-1258"];
pub const IMPORT_KINDS_OR_EMPTY: &[&str] = &["", "", "households", "members", "assignments"];

fn reads(e: Entity) -> Shape {
    Shape::Id(e, Some(Need::Read))
}
fn writes(e: Entity) -> Shape {
    Shape::Id(e, Some(Need::Write))
}
fn opt(s: Shape) -> Shape {
    Shape::Opt(Box::new(s))
}
fn version(sql: &'static str, of: &'static str) -> Shape {
    Shape::Version { sql, of }
}

/// `args![cell: reads(Cell), page: Int(&[1])]`: a server function's arguments, named as
/// its declaration names them.
macro_rules! args {
    ($($name:ident : $shape:expr),* $(,)?) => {
        vec![$(Arg { name: stringify!($name), shape: $shape }),*]
    };
}

/// `endpoints!["org/cell" Form Scoped LIGHT { cell: reads(Cell) }, …]`.
macro_rules! endpoints {
    ($($path:literal $input:ident $gate:ident $cases:tt { $($args:tt)* }),* $(,)?) => {
        vec![$(Endpoint {
            path: $path,
            input: Input::$input,
            gate: Gate::$gate,
            cases: $cases,
            args: args![$($args)*],
        }),*]
    };
}

fn move_request() -> Vec<Arg> {
    args![
        household: writes(Entity::Household),
        to: opt(writes(Entity::Member)),
        version: version(HOUSEHOLD_VERSION, "household"),
        reason: Shape::Text,
    ]
}

/// Every server function, as its `#[server]` declaration in `app/src/features/*/api.rs`
/// (and `app/src/ui/i18n.rs`) reads.
pub fn table() -> Vec<Endpoint> {
    use Entity::*;
    use Shape::*;
    endpoints![
        // auth, language
        "auth/me" Form Public LIGHT {},
        "auth/sign_in_info" Form Public LIGHT {},
        "auth/unlock" Form Scoped LIGHT { member: writes(Member) },
        "auth/issue_code" Form Scoped LIGHT { member: writes(Unsigned) },
        "auth/issue_cell_codes" Form Scoped 2 { cell: writes(Cell) },
        "org/sign_ins" Form Scoped LIGHT { cell: writes(Cell) },
        // the ward's tree: its committee (a secretary's writes over a cell are refused too)
        "org/units" Form Scoped LIGHT { ward: reads(Ward) },
        "org/add_cell" Form Scoped LIGHT { ward: writes(Ward), name: Text, code: Text },
        "org/add_group" Form Scoped LIGHT { cell: writes(Cell), name: Text, code: Text },
        "org/edit_unit" Form Scoped LIGHT {
            unit: writes(Cell),
            name: Text,
            code: Text,
            version: version(UNIT_VERSION, "unit"),
        },
        "org/retire_unit" Form Scoped LIGHT {
            unit: writes(Cell),
            version: version(UNIT_VERSION, "unit"),
        },
        "org/set_steward" Form Scoped LIGHT {
            cell: writes(Cell),
            steward: Text,
            version: version(UNIT_VERSION, "cell"),
        },
        "org/move_group" Form Scoped LIGHT {
            group: writes(Cell),
            cell: Id(Cell, None),
            version: version(UNIT_VERSION, "group"),
        },
        // the ward's accounts: its committee. The accounts named are none of the fuzz's own
        // (which must keep signing in) and the versions never current, so no call of the
        // fuzz deactivates or resets a session it goes on with.
        "org/accounts" Form Scoped LIGHT { ward: writes(Ward) },
        "org/create_account" Form Scoped LIGHT {
            ward: writes(Ward),
            display_name: Text,
            username: Username,
            role: Choice(&["committee", "secretary", "member", "viewer"]),
            unit: Id(Cell, None),
            member: Text,
        },
        "org/grant_role" Form Scoped LIGHT {
            ward: writes(Ward),
            account: Int(NO_ACCOUNT),
            role: Choice(&["viewer", "secretary"]),
            unit: Id(Cell, None),
            version: Int(&[0]),
        },
        "org/revoke_role" Form Scoped LIGHT {
            ward: writes(Ward),
            account: Int(NO_ACCOUNT),
            role: Choice(&["member", "committee"]),
            unit: Id(Ward, None),
            version: Int(&[0]),
        },
        "org/set_account_active" Form Scoped LIGHT {
            ward: writes(Ward),
            account: Int(NO_ACCOUNT),
            active: Bool,
            version: Int(&[0]),
        },
        "org/link_member" Form Scoped LIGHT {
            ward: writes(Ward),
            account: Int(NO_ACCOUNT),
            member: Text,
            version: Int(&[0]),
        },
        "org/reset_sign_in" Form Scoped LIGHT {
            ward: writes(Ward),
            account: Int(NO_ACCOUNT),
            version: Int(&[0]),
        },
        // Only after a one-time code: refused to every session of the fuzz.
        "auth/choose_password" Form SignedIn 3 {
            form: Struct(args![password: Password, password_again: Password]),
        },
        "auth/sign_out" Form NoData 2 {},
        "auth/sign_in" Form Public 5 {
            form: Struct(args![username: Username, password: Password, next: LocalPath]),
        },
        // Never a new password that passes: the fuzz's sessions must outlive it (the
        // change itself is tested in http_sign_in.rs).
        "auth/change_password" Form SignedIn 3 {
            form: Struct(args![
                current: Password,
                password: Choice(&["", "1234567", "12345678", "ganbo-demo"]),
                password_again: Password,
            ]),
        },
        "i18n/set_language" Form Public LIGHT { lang: Choice(&["vi", "en"]), back: LocalPath },
        // the first set-up: refused on the demo ward, which is set up
        "setup/state" Form Public LIGHT { token: Text },
        "setup/set_up" Form Public LIGHT {
            form: Struct(args![
                token: Text,
                province: Text,
                province_code: Text,
                district: Text,
                district_code: Text,
                kind: Choice(&["xa", "phuong", "thi_tran", "dac_khu"]),
                ward: Text,
                ward_code: Text,
                username: Username,
                display_name: Text,
                password: Password,
                password_again: Password,
            ]),
        },
        // org
        "org/cells" Form SignedIn LIGHT {},
        "org/cell" Form Scoped LIGHT { cell: reads(Cell) },
        "org/cell_summary" Form Scoped LIGHT { cell: reads(Cell) },
        "org/members" Form Scoped LIGHT {
            cell: reads(Cell),
            query: Text,
            status: opt(Choice(MEMBER_STATUSES)),
            page: Int(&[1, 2]),
        },
        "org/households" Form Scoped LIGHT {
            cell: reads(Cell),
            query: Text,
            tag: opt(Choice(TAGS)),
            assigned: opt(Bool),
            page: Int(&[1, 2]),
        },
        "org/member" Form Scoped LIGHT { member: reads(Member) },
        "org/household" Form Scoped LIGHT { household: reads(Household) },
        "org/my_households" Form SignedIn LIGHT {},
        // visits
        "visits/my_households" Form SignedIn MID {},
        "visits/household" Form Scoped LIGHT { household: reads(Household) },
        "visits/log_visit" Form Scoped LIGHT {
            visit: Struct(args![
                client_id: ClientId,
                household: Id(Household, Some(Need::LooksAfter)),
                visited_on: Date,
                kind: Choice(VISIT_KINDS),
                topics: Topics,
                note: Text,
                mediation: Choice(&["", "true", "false", "on"]),
                hot_spot: Choice(&["", "0", "1", "2", "3"]),
                feedback: Text,
                feedback_rating: Choice(&["", "1", "3", "5"]),
                concerns: List {
                    of: args![
                        client_id: ClientId,
                        category: Choice(CATEGORIES),
                        body: Text,
                        urgency: Choice(&["", "urgent"]),
                    ],
                    min: 0,
                    max: 2,
                },
            ]),
        },
        "visits/cell_coverage" Form Scoped HEAVY { cell: reads(Cell) },
        // board
        "board/get" Form Scoped HEAVY { cell: reads(Cell) },
        "board/move" Json Scoped LIGHT { request: Struct(move_request()) },
        "board/swap" Json Scoped LIGHT {
            first: writes(Household),
            first_version: version(HOUSEHOLD_VERSION, "first"),
            second: writes(Household),
            second_version: version(HOUSEHOLD_VERSION, "second"),
            reason: Text,
        },
        "board/move_group" Json Scoped LIGHT {
            group: writes(Group),
            to: opt(writes(Member)),
            version: version(GROUP_VERSION, "group"),
            reason: Text,
        },
        "board/suggest" Json Scoped HEAVY { cell: writes(Cell), rebalance: Bool },
        "board/accept" Json Scoped LIGHT {
            cell: writes(Cell),
            picks: List { of: move_request(), min: 1, max: 3 },
        },
        "board/decide" Json Scoped LIGHT {
            registration: writes(Registration),
            approve: Bool,
            reason: Text,
        },
        "board/candidates" Form SignedIn LIGHT {},
        "board/request" Form Scoped LIGHT {
            household: Id(Household, Some(Need::OwnCellMember)),
            note: Text,
        },
        "board/my_requests" Form SignedIn LIGHT {},
        "board/withdraw" Form Scoped LIGHT {
            registration: Id(Registration, Some(Need::OwnRequest)),
        },
        "board/register" Form Scoped MID { cell: reads(Cell), date: DateOrEmpty },
        // concerns
        "concerns/raise" Form Scoped LIGHT {
            household: Id(Household, Some(Need::WriteOrLooksAfter)),
            category: Choice(CATEGORIES),
            urgency: Choice(URGENCIES),
            body: Text,
            client_id: opt(ClientId),
        },
        "concerns/step" Form Scoped LIGHT {
            concern: reads(Concern),
            step: Choice(STEPS),
            version: version(CONCERN_VERSION, "concern"),
            text: Text,
            target: opt(Choice(OUTSIDE)),
            on_day: opt(Date),
        },
        "concerns/answer_in_writing" Multipart Scoped LIGHT {
            concern: reads(Concern),
            version: version(CONCERN_VERSION, "concern"),
            text: Text,
            file: File(Upload::Answer),
        },
        "concerns/get" Form Scoped LIGHT { concern: reads(Concern) },
        "concerns/mine" Form SignedIn LIGHT {},
        "concerns/board" Form Scoped MID {
            cell: reads(Cell),
            category: opt(Choice(CATEGORIES)),
            alley: opt(Text),
            member: opt(Id(Member, None)),
            age: opt(Choice(AGES)),
        },
        "concerns/inbox" Form Scoped MID { ward: reads(Ward) },
        "concerns/hot_spots" Form Scoped MID { cell: reads(Cell) },
        "concerns/calendar" Form Scoped LIGHT { ward: reads(Ward), year: opt(Year) },
        "concerns/add_day" Form Scoped LIGHT {
            ward: writes(Ward),
            day: Date,
            kind: Choice(DAY_KINDS),
            name: Text,
        },
        "concerns/remove_day" Form Scoped LIGHT { ward: writes(Ward), id: Id(Holiday, None) },
        "concerns/fill_year" Form Scoped LIGHT { ward: writes(Ward), year: Year },
        "concerns/set_deadlines" Form Scoped LIGHT {
            ward: writes(Ward),
            allowances: List {
                of: args![
                    state: Nth(TIMED_STATES),
                    normal: Choice(&["5", "10", "30"]),
                    urgent: Choice(&["1", "2", "5"]),
                ],
                min: 6,
                max: 6,
            },
        },
        // meetings
        "meetings/list" Form Scoped LIGHT { cell: reads(Cell) },
        "meetings/agenda" Form Scoped MID { cell: reads(Cell), month: Month },
        "meetings/open" Form Scoped LIGHT { cell: writes(Cell), month: Month, held_on: Date },
        "meetings/head" Form Scoped LIGHT {
            meeting: writes(Meeting),
            version: version(MEETING_VERSION, "meeting"),
            held_on: Date,
            chair: Text,
            recorder: Text,
            notes: Text,
        },
        "meetings/attendance" Form Scoped LIGHT {
            meeting: writes(Meeting),
            rows: List {
                of: args![member: writes(Member), present: opt(Choice(&["on", "1"]))],
                min: 0,
                max: 4,
            },
        },
        "meetings/decide" Form Scoped LIGHT {
            meeting: writes(Meeting),
            concern: writes(Concern),
            version: version(CONCERN_VERSION, "concern"),
            decision: Choice(DECISIONS),
            text: Text,
            target: opt(Choice(OUTSIDE)),
        },
        "meetings/task" Form Scoped LIGHT { meeting: writes(Meeting), body: Text },
        "meetings/task_done" Form Scoped LIGHT { item: writes(Item), done: Bool },
        "meetings/close" Form Scoped LIGHT { meeting: writes(Meeting) },
        // reviews
        "reviews/cell_report" Form Scoped HEAVY { cell: reads(Cell), period: Period },
        "reviews/ward_report" Form Scoped HEAVY { ward: reads(Ward), period: Period },
        "reviews/stewards" Form Scoped HEAVY { ward: reads(Ward) },
        "reviews/dv213" Form Scoped MID { cell: reads(Cell), year: YearOrEmpty },
        "reviews/dv213_meeting" Form Scoped LIGHT {
            cell: writes(Cell),
            year: Year,
            half: Half,
            version: version(DV213_MEETING_VERSION, "cell"),
            held_on: Date,
            topic: Text,
            rows: List {
                of: args![member: writes(Dv213Member), present: opt(Choice(&["on"]))],
                min: 0,
                max: 3,
            },
        },
        "reviews/dv213_comment" Form Scoped LIGHT {
            cell: writes(Cell),
            member: writes(Dv213Member),
            year: Year,
            version: version(DV213_COMMENT_VERSION, "member"),
            contact: Text,
            civic: Text,
            comment: Text,
        },
        // transfer
        "transfer/upload_file" Multipart Scoped LIGHT {
            cell: writes(Cell),
            encoding: opt(Choice(ENCODINGS)),
            file: File(Upload::Spreadsheet),
        },
        "transfer/inspect_file" Form Scoped LIGHT {
            job: writes(Job),
            sheet: OfJob("sheet"),
            encoding: OfJob("encoding"),
            kind: OfJob("kind"),
        },
        "transfer/check_file" Form Scoped LIGHT {
            job: writes(Job),
            sheet: OfJob("sheet"),
            encoding: OfJob("encoding"),
            kind: OfJob("kind"),
            mapping: OfJob("mapping"),
        },
        "transfer/import_status" Form Scoped LIGHT { job: writes(Job) },
        "transfer/commit_import" Form Scoped LIGHT { job: writes(Job) },
        "transfer/cancel_import" Form Scoped LIGHT { job: writes(Job) },
        "transfer/recent_imports" Form Scoped LIGHT { cell: writes(Cell) },
    ]
}

/// The server functions as the registry of the running binary knows them (`auth/me`),
/// with how each is called.
pub fn registered() -> BTreeMap<String, Method> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| {
            let path = path
                .strip_prefix("/api/")
                .unwrap_or_else(|| panic!("a server function outside /api/: {path}"));
            (path.to_string(), method)
        })
        .collect()
}

/// The parts of the table each test takes.
pub const GROUPS: &[&[&str]] = &[
    &["auth/", "i18n/", "setup/", "org/", "visits/"],
    &["board/", "meetings/"],
    &["concerns/"],
    &["reviews/", "transfer/"],
];

pub fn in_group(group: &[&str], path: &str) -> bool {
    group.iter().any(|p| path.starts_with(p))
}
