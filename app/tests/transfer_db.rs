//! Database tests of imports and exports, each on a fresh SQLite file with the demo ward:
//! the sample files of `tests/fixtures/import/` are read, checked and written the way the
//! server does it in the background, then read back from the tables.

mod transfer_fixtures;

use std::sync::Arc;

use app::demo;
use app::features::transfer::check::{self, Progress};
use app::features::transfer::export;
use app::features::transfer::job::{self, Work};
use app::features::transfer::model::*;
use app::features::transfer::repo;
use app::server::db::{self, Pool};
use app::server::scope::CellScope;
use chrono::NaiveDate;
use transfer_fixtures as fx;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// An instant of that day in Vietnam, for what the tests record.
fn now() -> chrono::DateTime<chrono::Utc> {
    app::core::clock::at_vn_time(today(), chrono::NaiveTime::from_hms_opt(20, 0, 0).unwrap())
}

struct Ward {
    _dir: tempfile::TempDir,
    pool: Pool,
    files: tempfile::TempDir,
}

async fn seeded() -> Ward {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/t.sqlite", dir.path().display());
    let pool = db::open_and_migrate(&url).await.unwrap();
    demo::seed_if_empty(&pool, today()).await.unwrap().unwrap();
    Ward {
        _dir: dir,
        pool,
        files: tempfile::tempdir().unwrap(),
    }
}

async fn scalar(pool: &Pool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

async fn cell_scope(pool: &Pool, n: usize) -> CellScope {
    let (id, ward_id, path, name): (i64, i64, String, String) = sqlx::query_as(
        "SELECT id, ward_id, path, name FROM org_units WHERE kind = 'cell' ORDER BY id LIMIT 1 OFFSET $1",
    )
    .bind(n as i64)
    .fetch_one(pool)
    .await
    .unwrap();
    CellScope {
        cell_id: id,
        ward_id,
        path,
        name,
        ward_name: String::new(),
        can_write: true,
    }
}

async fn secretary(pool: &Pool) -> i64 {
    scalar(pool, "SELECT id FROM users WHERE username = 'secretary1'").await
}

/// Everything the cell holds, counted: members, households, active and ended assignments.
async fn totals(pool: &Pool, cell: &CellScope) -> (i64, i64, i64, i64) {
    let c = cell.cell_id;
    (
        scalar(
            pool,
            &format!("SELECT COUNT(*) FROM members WHERE cell_id = {c}"),
        )
        .await,
        scalar(
            pool,
            &format!("SELECT COUNT(*) FROM households WHERE cell_id = {c}"),
        )
        .await,
        scalar(
            pool,
            &format!("SELECT COUNT(*) FROM assignments WHERE cell_id = {c} AND ended_at IS NULL"),
        )
        .await,
        scalar(
            pool,
            &format!(
                "SELECT COUNT(*) FROM assignments WHERE cell_id = {c} AND ended_at IS NOT NULL"
            ),
        )
        .await,
    )
}

/// Uploads a sample file the way the page does: stored, looked at (columns guessed), then
/// checked; and, when asked, written. Returns the job as the page would see it.
async fn import(w: &Ward, cell: &CellScope, name: &str, commit: bool) -> JobView {
    import_bytes(w, cell, name, fx::bytes(name), commit).await
}

async fn import_bytes(
    w: &Ward,
    cell: &CellScope,
    name: &str,
    bytes: Vec<u8>,
    commit: bool,
) -> JobView {
    let path = w.files.path().join(format!("{}-{name}", fastrand::u64(..)));
    std::fs::write(&path, bytes).unwrap();
    let path = path.to_string_lossy().into_owned();
    let ins = job::inspect(&w.pool, cell, &path, name, None, None, None)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let user = secretary(&w.pool).await;
    let id = repo::create_job(
        &w.pool,
        repo::NewJob {
            cell,
            user_id: user,
            file_name: name,
            file_path: &path,
            file_size: 1,
            format: &ins.format,
            encoding: &ins.encoding,
            sheet: &ins.sheet,
            at: now(),
        },
    )
    .await
    .unwrap();
    repo::set_choice(
        &w.pool,
        id,
        &ins.sheet,
        &ins.encoding,
        ins.kind,
        &ins.mapping,
        now(),
    )
    .await
    .unwrap();
    let work = Work {
        cell: cell.clone(),
        job_id: id,
        user_id: user,
        file_path: path,
        file_name: name.to_string(),
        sheet: ins.sheet.clone(),
        encoding: ins.encoding.clone(),
        kind: ins.kind,
        mapping: ins.mapping.clone(),
        clock: app::core::clock::Clock::pinned_to(today()),
        commit: false,
    };
    let state = job::run(&w.pool, &work, &Arc::new(Progress::default())).await;
    if commit && state == JobState::Ready {
        repo::transition(&w.pool, id, &[JobState::Ready], JobState::Committing, now())
            .await
            .unwrap();
        let work = Work {
            commit: true,
            ..work
        };
        job::run(&w.pool, &work, &Arc::new(Progress::default())).await;
    }
    repo::job(&w.pool, id).await.unwrap().unwrap().view(None)
}

fn problems(v: &JobView) -> Vec<String> {
    v.errors.iter().map(ToString::to_string).collect()
}

#[tokio::test]
async fn members_come_in_from_a_spreadsheet_with_a_title_above_the_headers() {
    let w = seeded().await;
    let cell = cell_scope(&w.pool, 0).await;
    let before = totals(&w.pool, &cell).await;

    let checked = import(&w, &cell, "dang-vien.xlsx", false).await;
    assert_eq!(checked.state, JobState::Ready, "{:?}", problems(&checked));
    assert_eq!(checked.kind, Some(ImportKind::Members));
    assert_eq!(checked.counts.rows, fx::MEMBERS.len() as u64);
    assert_eq!(checked.counts.new, fx::MEMBERS.len() as u64);
    assert_eq!(checked.preview.rows[0].action, RowAction::New);
    assert!(
        checked.preview.rows[0]
            .cells
            .contains(&"Kiều Minh Tuấn".to_string()),
        "{:?}",
        checked.preview.rows[0]
    );
    assert_eq!(
        totals(&w.pool, &cell).await,
        before,
        "a check writes nothing"
    );

    let done = import(&w, &cell, "dang-vien.xlsx", true).await;
    assert_eq!(done.state, JobState::Done);
    let after = totals(&w.pool, &cell).await;
    assert_eq!(after.0, before.0 + fx::MEMBERS.len() as i64);

    let (phone, status, kind, workplace, alley): (String, String, String, String, String) = sqlx::query_as(
        "SELECT phone, status, kind, workplace, home_alley FROM members WHERE full_name = 'Mạc Đức Hiển' AND cell_id = $1",
    )
    .bind(cell.cell_id)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!(
        (
            phone.as_str(),
            status.as_str(),
            kind.as_str(),
            workplace.as_str(),
            alley.as_str()
        ),
        (
            "0936118452",
            "working_away",
            "dv213",
            "Công ty Điện lực Ba Đình",
            "Hàng Than"
        )
    );
    let statuses = scalar(
        &w.pool,
        "SELECT COUNT(*) FROM member_status_history h JOIN members m ON m.id = h.member_id \
         WHERE m.full_name IN ('Khổng Văn Lực', 'Quách Thị Hạnh') AND h.status IN ('elderly_ill', 'exempt')",
    )
    .await;
    assert_eq!(statuses, 2, "every new member's status enters its history");
    assert_eq!(
        scalar(
            &w.pool,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'import'"
        )
        .await,
        1
    );

    // The same file again changes nothing.
    let again = import(&w, &cell, "dang-vien.xlsx", true).await;
    assert_eq!(again.state, JobState::Done);
    assert_eq!(again.counts.unchanged, fx::MEMBERS.len() as u64);
    assert_eq!(totals(&w.pool, &cell).await, after);
}

#[tokio::test]
async fn households_and_their_members_come_in_and_a_second_file_updates_them() {
    let w = seeded().await;
    let cell = cell_scope(&w.pool, 0).await;
    assert_eq!(
        import(&w, &cell, "dang-vien.xlsx", true).await.state,
        JobState::Done
    );
    let before = totals(&w.pool, &cell).await;

    let done = import(&w, &cell, "ho-gia-dinh.xlsx", true).await;
    assert_eq!(done.state, JobState::Done, "{:?}", problems(&done));
    assert_eq!(done.kind, Some(ImportKind::Households));
    assert_eq!(done.counts.new, fx::HOUSEHOLDS.len() as u64);
    let assigned = fx::HOUSEHOLDS.iter().filter(|h| !h.6.is_empty()).count() as i64;
    assert_eq!(done.counts.assigned, assigned as u64);
    let after = totals(&w.pool, &cell).await;
    assert_eq!(after.1, before.1 + fx::HOUSEHOLDS.len() as i64);
    assert_eq!(after.2, before.2 + assigned);

    // Headers under a merged "Địa chỉ", the phone's lost 0, tags and the date as stored.
    let (house_no, alley, size, phone, tags, member, started): (String, String, i64, String, String, String, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as(
            "SELECT h.house_no, h.alley, h.size, h.phone, h.tags, m.full_name, a.started_at FROM households h \
             JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL JOIN members m ON m.id = a.member_id \
             WHERE h.head_name = 'Cù Văn Thọ' AND h.cell_id = $1",
        )
        .bind(cell.cell_id)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(
        (
            house_no.as_str(),
            alley.as_str(),
            size,
            phone.as_str(),
            member.as_str()
        ),
        ("2", "Ngõ 12 Hàng Than", 4, "0912301222", "Kiều Minh Tuấn")
    );
    assert_eq!(tags, "");
    assert_eq!(
        started,
        check::day_start(NaiveDate::from_ymd_opt(2024, 1, 15).unwrap()),
        "the day the file gives, from midnight in Vietnam"
    );
    let tags: String =
        sqlx::query_scalar("SELECT tags FROM households WHERE head_name = 'Ông Thị Mận'")
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(tags, ",poor,disability,");

    // The same households in other encodings are the same households.
    for name in ["ho-gia-dinh-windows-1258.csv", "ho-gia-dinh-utf16.txt"] {
        let v = import(&w, &cell, name, true).await;
        assert_eq!(
            v.state,
            JobState::Done,
            "{name}: {:?} {:?}",
            problems(&v),
            v.failure
        );
        assert_eq!(
            (v.counts.new, v.counts.updated, v.counts.unchanged),
            (0, 0, fx::HOUSEHOLDS.len() as u64),
            "{name}"
        );
        assert_eq!(totals(&w.pool, &cell).await, after, "{name}");
    }

    // A month later: one more person in the first household, one new family.
    let v = import(&w, &cell, "ho-gia-dinh-cap-nhat.csv", true).await;
    assert_eq!(v.state, JobState::Done, "{:?}", problems(&v));
    assert_eq!(
        (v.counts.new, v.counts.updated, v.counts.unchanged),
        (1, 1, fx::HOUSEHOLDS.len() as u64 - 1)
    );
    let size: i64 =
        sqlx::query_scalar("SELECT size FROM households WHERE head_name = 'Cù Văn Thọ'")
            .fetch_one(&w.pool)
            .await
            .unwrap();
    assert_eq!(size, 5);
    let end = totals(&w.pool, &cell).await;
    assert_eq!((end.1, end.2), (after.1 + 1, after.2 + 1));
}

#[tokio::test]
async fn every_problem_of_a_broken_file_is_shown_at_once_and_nothing_is_written() {
    let w = seeded().await;
    let cell = cell_scope(&w.pool, 0).await;
    assert_eq!(
        import(&w, &cell, "dang-vien.xlsx", true).await.state,
        JobState::Done
    );
    let before = totals(&w.pool, &cell).await;
    let audits = scalar(&w.pool, "SELECT COUNT(*) FROM audit_log").await;

    let v = import(&w, &cell, "ho-gia-dinh-loi.csv", true).await;
    assert_eq!(v.state, JobState::Invalid);
    assert_eq!(problems(&v), fx::BROKEN_PROBLEMS);
    assert_eq!(v.errors_total, fx::BROKEN_PROBLEMS.len() as u64);
    assert_eq!(totals(&w.pool, &cell).await, before);
    assert_eq!(
        scalar(&w.pool, "SELECT COUNT(*) FROM audit_log").await,
        audits
    );
}

#[tokio::test]
async fn broken_and_empty_files_are_named_not_crashed_on() {
    let w = seeded().await;
    let cell = cell_scope(&w.pool, 0).await;
    let store = |name: &str, bytes: Vec<u8>| {
        let p = w.files.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_string_lossy().into_owned()
    };
    let cases: Vec<(&str, Vec<u8>, FileProblem)> = vec![
        (
            "tep-hong.xlsx",
            fx::bytes("tep-hong.xlsx"),
            FileProblem::Unreadable,
        ),
        (
            "trang-trong.xlsx",
            fx::bytes("trang-trong.xlsx"),
            FileProblem::EmptySheet,
        ),
        (
            "anh.png",
            vec![0x89, b'P', b'N', b'G'],
            FileProblem::UnknownFormat,
        ),
        (
            "bang.xlsx",
            b"Chu ho,So nha\nAn,1\n".to_vec(),
            FileProblem::Unreadable,
        ),
        ("so.csv", b"1,2,3\n4,5,6\n".to_vec(), FileProblem::NoHeader),
    ];
    for (name, bytes, want) in cases {
        let path = store(name, bytes);
        let got = job::inspect(&w.pool, &cell, &path, name, None, None, None).await;
        assert_eq!(
            got.err(),
            Some(app::error::AppError::invalid(
                "file",
                app::error::Problem::File(want.clone())
            )),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_cancelled_import_writes_nothing() {
    let w = seeded().await;
    let cell = cell_scope(&w.pool, 0).await;
    let before = totals(&w.pool, &cell).await;
    let path = w.files.path().join("dang-vien.xlsx");
    std::fs::write(&path, fx::bytes("dang-vien.xlsx")).unwrap();
    let path = path.to_string_lossy().into_owned();
    let ins = job::inspect(&w.pool, &cell, &path, "dang-vien.xlsx", None, None, None)
        .await
        .unwrap();
    let id = repo::create_job(
        &w.pool,
        repo::NewJob {
            cell: &cell,
            user_id: secretary(&w.pool).await,
            file_name: "dang-vien.xlsx",
            file_path: &path,
            file_size: 1,
            format: "xlsx",
            encoding: "",
            sheet: &ins.sheet,
            at: now(),
        },
    )
    .await
    .unwrap();
    let progress = Arc::new(Progress::default());
    progress
        .cancel
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let work = Work {
        cell: cell.clone(),
        job_id: id,
        user_id: 1,
        file_path: path.clone(),
        file_name: "dang-vien.xlsx".into(),
        sheet: ins.sheet,
        encoding: String::new(),
        kind: ins.kind,
        mapping: ins.mapping,
        clock: app::core::clock::Clock::pinned_to(today()),
        commit: true,
    };
    assert_eq!(
        job::run(&w.pool, &work, &progress).await,
        JobState::Cancelled
    );
    assert_eq!(totals(&w.pool, &cell).await, before);
    assert!(
        !std::path::Path::new(&path).exists(),
        "the upload is deleted"
    );
}

#[tokio::test]
async fn a_write_that_fails_half_way_leaves_nothing_behind() {
    let w = seeded().await;
    let cell = cell_scope(&w.pool, 0).await;
    assert_eq!(
        import(&w, &cell, "dang-vien.xlsx", true).await.state,
        JobState::Done
    );
    // A plan made now, written after someone else gave the first household to a member:
    // the new households are inserted first, then the second active assignment of a
    // household is refused (rule R2) and everything is rolled back.
    let existing = repo::existing(&w.pool, &cell, ImportKind::Households)
        .await
        .unwrap();
    let sheet_bytes = fx::bytes("ho-gia-dinh-cap-nhat.csv");
    let opened = app::features::transfer::read::open(sheet_bytes, "x.csv", None).unwrap();
    let sheet = opened.read_sheet(&opened.sheets[0], None, &|_| {}).unwrap();
    let headers = app::features::transfer::read::find_headers(&sheet).unwrap();
    let mapping =
        app::features::transfer::read::guess_mapping(ImportKind::Households, &headers.names);
    let cx = check::Context {
        kind: ImportKind::Households,
        mapping: &mapping,
        headers: &headers,
        existing: &existing,
        today: today(),
        now: now(),
        file_name: "x.csv",
    };
    let plan = check::plan(&sheet, &cx, &Progress::default()).unwrap();
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    let before = totals(&w.pool, &cell).await;
    // Someone gives one of the new households' ids… no: an existing household in the plan
    // gets a member meanwhile. Make the plan's last assignment collide.
    let mut plan = plan;
    let demo_household = scalar(
        &w.pool,
        &format!(
            "SELECT household_id FROM assignments WHERE cell_id = {} AND ended_at IS NULL LIMIT 1",
            cell.cell_id
        ),
    )
    .await;
    let mut collide = plan.assignments[0].clone();
    collide.household = check::HouseholdRef::Existing(demo_household);
    collide.ends = None;
    plan.assignments.push(collide);
    let job = repo::create_job(
        &w.pool,
        repo::NewJob {
            cell: &cell,
            user_id: 1,
            file_name: "x.csv",
            file_path: "",
            file_size: 1,
            format: "csv",
            encoding: "utf-8",
            sheet: "x",
            at: now(),
        },
    )
    .await
    .unwrap();
    let r = repo::apply(&w.pool, &cell, job, 1, now(), &plan, &Progress::default()).await;
    assert!(matches!(r, Err(repo::ApplyError::Db(_))), "{r:?}");
    assert_eq!(totals(&w.pool, &cell).await, before);
}

#[tokio::test]
async fn remembered_columns_are_used_for_the_next_file() {
    let w = seeded().await;
    let cell = cell_scope(&w.pool, 0).await;
    // A header nobody would guess, mapped by hand once.
    let csv = "Tên cụ thể,Năm sinh\nKiều Minh Tuấn,1962\n"
        .as_bytes()
        .to_vec();
    let path = w.files.path().join("dv.csv");
    std::fs::write(&path, &csv).unwrap();
    let path = path.to_string_lossy().into_owned();
    let ins = job::inspect(
        &w.pool,
        &cell,
        &path,
        "dv.csv",
        None,
        None,
        Some(ImportKind::Members),
    )
    .await
    .unwrap();
    assert_eq!(ins.mapping, vec![None, Some(Field::BirthYear)]);
    assert!(!ins.remembered);
    repo::save_mapping(
        &w.pool,
        &cell,
        ImportKind::Members,
        &ins.headers,
        &[Some(Field::FullName), Some(Field::BirthYear)],
        now(),
    )
    .await
    .unwrap();
    let again = job::inspect(
        &w.pool,
        &cell,
        &path,
        "dv.csv",
        None,
        None,
        Some(ImportKind::Members),
    )
    .await
    .unwrap();
    assert_eq!(
        again.mapping,
        vec![Some(Field::FullName), Some(Field::BirthYear)]
    );
    assert!(again.remembered);
    // Another cell remembers nothing of it.
    let other = cell_scope(&w.pool, 1).await;
    let there = job::inspect(
        &w.pool,
        &other,
        &path,
        "dv.csv",
        None,
        None,
        Some(ImportKind::Members),
    )
    .await
    .unwrap();
    assert_eq!(there.mapping, vec![None, Some(Field::BirthYear)]);
}

#[tokio::test]
async fn a_cells_export_holds_everything_of_that_cell_only() {
    let w = seeded().await;
    let cell = cell_scope(&w.pool, 0).await;
    let tables = export::tables(&w.pool, cell.ward_id, &[cell.cell_id], None)
        .await
        .unwrap();
    let sheets: Vec<&str> = tables.iter().map(|t| t.title).collect();
    let all: Vec<&str> = ExportSheet::ALL.iter().map(|s| s.title_vi()).collect();
    assert_eq!(sheets, all);
    let c = cell.cell_id;
    let counts = [
        scalar(&w.pool, &format!("SELECT COUNT(*) FROM members WHERE cell_id = {c}")).await,
        scalar(&w.pool, &format!("SELECT COUNT(*) FROM households WHERE cell_id = {c}")).await,
        scalar(&w.pool, &format!("SELECT COUNT(*) FROM assignments WHERE cell_id = {c}")).await,
        scalar(&w.pool, &format!("SELECT COUNT(*) FROM visits WHERE cell_id = {c}")).await,
        scalar(&w.pool, &format!("SELECT COUNT(*) FROM concerns WHERE cell_id = {c}")).await,
        scalar(
            &w.pool,
            &format!(
                "SELECT COUNT(*) FROM concern_events e JOIN concerns k ON k.id = e.concern_id WHERE k.cell_id = {c}"
            ),
        )
        .await,
    ];
    for (t, n) in tables.iter().zip(counts) {
        assert_eq!(t.rows.len() as i64, n, "{}", t.title);
        assert!(n > 0, "the demo cell has {}", t.title);
        for row in &t.rows {
            assert_eq!(row.len(), t.headers.len(), "{}", t.title);
        }
    }
    // Every row names this cell, none another.
    for t in &tables {
        let col = t.headers.iter().position(|h| *h == "Chi bộ").unwrap();
        assert!(
            t.rows
                .iter()
                .all(|r| r[col] == export::Value::Text(cell.name.clone())),
            "{}",
            t.title
        );
    }

    // The workbook reads back: a sheet per table, Vietnamese headers, dates as dates.
    let bytes = export::xlsx(&tables).unwrap();
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = ExportSheet::ALL
        .iter()
        .map(|s| s.title_vi().to_string())
        .collect();
    assert_eq!(wb.sheet_names(), names);
    let visits = wb.worksheet_range("Lần thăm").unwrap();
    assert_eq!(
        visits.get_value((0, 1)),
        Some(&Data::String("Ngày thăm".into()))
    );
    assert!(matches!(visits.get_value((1, 1)), Some(Data::DateTime(_))));

    // An exported households sheet comes back in as the same households.
    let households = &tables[1];
    let csv = export::csv(households).unwrap();
    let v = import_bytes(&w, &cell, "ho-xuat.csv", csv, false).await;
    assert_eq!(v.state, JobState::Ready, "{:?}", problems(&v));
    assert_eq!(v.counts.new, 0);
    assert_eq!(v.counts.rows, households.rows.len() as u64);
}

#[test]
#[ignore = "writes the sample files; run after changing them"]
fn write_fixtures() {
    std::fs::create_dir_all(fx::dir()).unwrap();
    for (name, bytes) in fx::all() {
        std::fs::write(fx::path(name), bytes).unwrap();
    }
}

#[test]
fn the_sample_files_are_up_to_date() {
    // Text files are compared byte for byte (workbooks carry their creation time).
    for (name, bytes) in fx::all() {
        if name.ends_with(".xlsx") {
            assert!(fx::path(name).exists(), "{name}");
        } else {
            assert_eq!(fx::bytes(name), bytes, "{name}: run write_fixtures");
        }
    }
}
