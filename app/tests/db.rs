//! Database tests: each on a fresh SQLite file, migrated from nothing.

use app::core::fold::fold;
use app::demo::{self, DemoSpec};
use app::features::org::model::{HouseholdTag, MemberStatus};
use app::features::org::repo::{self, HouseholdFilter, MemberFilter};
use app::server::db::{self, Pool};
use app::server::scope::CellScope;
use chrono::{NaiveDate, Utc};

const TODAY: (i32, u32, u32) = (2026, 11, 22);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap()
}

/// The evening of that day in Vietnam, after everything the demo ward records on it.
fn now() -> chrono::DateTime<Utc> {
    app::core::clock::at_vn_time(today(), chrono::NaiveTime::from_hms_opt(20, 0, 0).unwrap())
}

async fn fresh() -> (tempfile::TempDir, Pool) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/t.sqlite", dir.path().display());
    let pool = db::open_and_migrate(&url).await.unwrap();
    (dir, pool)
}

async fn seeded() -> (tempfile::TempDir, Pool) {
    let (dir, pool) = fresh().await;
    demo::seed_if_empty(&pool, today()).await.unwrap().unwrap();
    (dir, pool)
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

#[tokio::test]
async fn the_database_refuses_a_second_active_assignment_of_one_household() {
    let (_d, pool) = seeded().await;
    let (household, member, cell, ward): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT a.household_id, a.member_id, a.cell_id, a.ward_id FROM assignments a \
         WHERE a.ended_at IS NULL AND a.household_id IS NOT NULL LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let other: i64 =
        sqlx::query_scalar("SELECT id FROM members WHERE cell_id = $1 AND id <> $2 LIMIT 1")
            .bind(cell)
            .bind(member)
            .fetch_one(&pool)
            .await
            .unwrap();
    let err = sqlx::query(
        "INSERT INTO assignments (ward_id, cell_id, member_id, household_id, mode, started_at) \
         VALUES ($1, $2, $3, $4, 'regular', $5)",
    )
    .bind(ward)
    .bind(cell)
    .bind(other)
    .bind(household)
    .bind(now())
    .execute(&pool)
    .await
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("UNIQUE"), "{msg}");

    // Ending the first one makes room for the next, and both stay in the history.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "UPDATE assignments SET ended_at = $1 WHERE household_id = $2 AND ended_at IS NULL",
    )
    .bind(now())
    .bind(household)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO assignments (ward_id, cell_id, member_id, household_id, mode, started_at) \
         VALUES ($1, $2, $3, $4, 'regular', $5)",
    )
    .bind(ward)
    .bind(cell)
    .bind(other)
    .bind(household)
    .bind(now())
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let history = repo::household_history(&pool, household).await.unwrap();
    assert!(history.len() >= 2);
    assert_eq!(history[0].member_id, other);
    assert!(history[0].ended_at.is_none());
    assert!(history[1].ended_at.is_some());
}

#[tokio::test]
async fn an_assignment_names_a_household_or_a_group_never_both() {
    let (_d, pool) = seeded().await;
    let (household, group, member, cell, ward): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT h.id, h.group_id, m.id, h.cell_id, h.ward_id FROM households h \
         JOIN members m ON m.cell_id = h.cell_id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let err = sqlx::query(
        "INSERT INTO assignments (ward_id, cell_id, member_id, household_id, group_id, mode, started_at) \
         VALUES ($1, $2, $3, $4, $5, 'regular', $6)",
    )
    .bind(ward)
    .bind(cell)
    .bind(member)
    .bind(household)
    .bind(group)
    .bind(now())
    .execute(&pool)
    .await
    .unwrap_err();
    assert!(err.to_string().contains("CHECK"), "{err}");
}

#[tokio::test]
async fn the_demo_ward_is_realistic() {
    let (_d, pool) = seeded().await;
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM org_units WHERE kind = 'cell'").await,
        3
    );
    let per_cell: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT c.id, (SELECT COUNT(*) FROM members m WHERE m.cell_id = c.id), \
                (SELECT COUNT(*) FROM households h WHERE h.cell_id = c.id) \
         FROM org_units c WHERE c.kind = 'cell'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (cell, members, households) in per_cell {
        assert!(
            (36..=44).contains(&members),
            "cell {cell}: {members} members"
        );
        assert!(
            (300..=450).contains(&households),
            "cell {cell}: {households} households"
        );
    }
    let households = scalar(&pool, "SELECT COUNT(*) FROM households").await;
    let assigned = scalar(
        &pool,
        "SELECT COUNT(*) FROM assignments WHERE ended_at IS NULL AND household_id IS NOT NULL",
    )
    .await;
    let share = assigned as f64 / households as f64;
    assert!((0.72..=0.86).contains(&share), "assigned share {share}");

    // Mixed statuses and kinds, including the ones that must not be assigned.
    for status in MemberStatus::ALL {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE status = $1")
            .bind(status.code())
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(n > 0, "no member with status {status:?}");
    }
    assert!(scalar(&pool, "SELECT COUNT(*) FROM members WHERE kind = 'dv213'").await >= 6);

    // Concerns in every state, visits over the last six months.
    for state in [
        "raised",
        "reported",
        "answered_by_cell",
        "referred_to_committee",
        "answered_in_writing",
        "referred_outside",
        "household_informed",
        "closed",
    ] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM concerns WHERE state = $1")
            .bind(state)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(n > 0, "no concern in state {state}");
    }
    let (first, last): (NaiveDate, NaiveDate) =
        sqlx::query_as("SELECT MIN(visited_on), MAX(visited_on) FROM visits")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(last <= today());
    assert!((today() - first).num_days() >= 150, "visits start {first}");

    // Vietnamese names with their diacritics.
    let names: Vec<String> = sqlx::query_scalar("SELECT full_name FROM members")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(names.iter().any(|n| n.starts_with("Nguyễn ")));
    assert!(
        names
            .iter()
            .any(|n| n.contains('ị') || n.contains('ế') || n.contains('ũ'))
    );

    // The demo members look after households.
    for user in ["member1", "member2"] {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM assignments a JOIN users u ON u.member_id = a.member_id \
             WHERE u.username = $1 AND a.ended_at IS NULL",
        )
        .bind(user)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(n >= 2, "{user} looks after {n} households");
    }
    // The fixed accounts, and one for every other member not transferred away, each with
    // a one-time code waiting to be printed on its card; the committee answers for two
    // cells, the third has nobody yet.
    let members = scalar(
        &pool,
        "SELECT COUNT(*) FROM members WHERE status <> 'transferred'",
    )
    .await;
    let without_account = scalar(
        &pool,
        "SELECT COUNT(*) FROM members WHERE status <> 'transferred' AND id NOT IN \
         (SELECT member_id FROM users WHERE member_id IS NOT NULL)",
    )
    .await;
    assert_eq!(without_account, 0);
    let linked = scalar(
        &pool,
        "SELECT COUNT(*) FROM users WHERE member_id IS NOT NULL",
    )
    .await;
    assert_eq!(linked, members, "one account per member");
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM users").await,
        members + 2,
        "and the committee's and the viewer's"
    );
    let waiting = scalar(&pool, "SELECT COUNT(*) FROM sign_in_codes").await;
    assert_eq!(
        waiting,
        members - 5,
        "all but the fixed demo accounts wait for a first sign-in"
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM org_units WHERE steward_user_id = \
             (SELECT id FROM users WHERE username = 'committee')",
        )
        .await,
        2
    );
}

/// The days the whole suite also runs on (`scripts/test.sh`), and the first of a month:
/// the demo ward made for any of them looks alive on it. Nothing is dated after the day;
/// most households looked after were visited in the 30 days before it, even when a month
/// began that day; the calendar holds its year, campaigns are running, the year's meetings
/// are all before it.
#[tokio::test]
async fn the_demo_ward_looks_alive_on_any_day() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    for day in [
        d(2026, 12, 1),
        d(2027, 3, 1),
        d(2028, 2, 29),
        d(2026, 12, 31),
        d(2027, 2, 5),
        d(2027, 1, 1),
    ] {
        let (_d, pool) = fresh().await;
        demo::seed_if_empty(&pool, day).await.unwrap().unwrap();
        // `{day}`, `{since}` (30 days before) and `{year}` stand for the day's dates.
        let count = |sql: &str| {
            let sql = sql
                .replace("{day}", &format!("'{day}'"))
                .replace(
                    "{since}",
                    &format!("'{}'", day - chrono::Duration::days(30)),
                )
                .replace("{year}", &format!("'{}'", chrono::Datelike::year(&day)));
            let pool = pool.clone();
            async move { scalar(&pool, &sql).await }
        };
        for sql in [
            "SELECT COUNT(*) FROM visits WHERE visited_on > {day}",
            "SELECT COUNT(*) FROM concerns WHERE raised_on > {day} OR state_since > {day}",
            "SELECT COUNT(*) FROM concern_events WHERE on_day > {day}",
            "SELECT COUNT(*) FROM meetings WHERE held_on > {day}",
            "SELECT COUNT(*) FROM dv213_meetings WHERE held_on > {day}",
        ] {
            assert_eq!(count(sql).await, 0, "{day}: something after the day: {sql}");
        }
        let held = count(
            "SELECT COUNT(*) FROM assignments WHERE ended_at IS NULL AND household_id IS NOT NULL",
        )
        .await;
        let recent = count(
            "SELECT COUNT(DISTINCT a.household_id) FROM assignments a JOIN visits v \
             ON v.household_id = a.household_id AND v.visited_on <= {day} AND v.visited_on >= {since} \
             WHERE a.ended_at IS NULL",
        )
        .await;
        assert!(
            recent * 100 >= held * 35,
            "{day}: only {recent} of {held} households visited in the last 30 days"
        );
        let holidays =
            count("SELECT COUNT(*) FROM holidays WHERE substr(day, 1, 4) = {year}").await;
        assert!(holidays >= 5, "{day}: the calendar of its year");
        let running = count(
            "SELECT COUNT(*) FROM campaigns WHERE starts_on <= {day} \
             AND (ends_on IS NULL OR ends_on >= {day})",
        )
        .await;
        assert!(running >= 3, "{day}: {running} campaigns running");
    }
}

#[tokio::test]
async fn the_generator_is_deterministic() {
    let (_a, one) = seeded().await;
    let (_b, two) = seeded().await;
    let dump = |pool: Pool| async move {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT head_name, alley, tags FROM households ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        // The printed sign-in cards too: the same usernames and codes.
        let cards: Vec<(String, String)> = sqlx::query_as(
            "SELECT u.username, c.code FROM sign_in_codes c JOIN users u ON u.id = c.user_id \
             ORDER BY u.id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        (rows, cards)
    };
    let (a, b) = (dump(one).await, dump(two).await);
    assert!(!a.1.is_empty());
    assert_eq!(a, b);
}

#[tokio::test]
async fn seeding_twice_adds_nothing() {
    let (_d, pool) = seeded().await;
    let before = scalar(&pool, "SELECT COUNT(*) FROM households").await;
    assert!(demo::seed_if_empty(&pool, today()).await.unwrap().is_none());
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM households").await,
        before
    );
}

#[tokio::test]
async fn a_large_synthetic_ward_goes_into_a_database_that_has_one() {
    let (_d, pool) = seeded().await;
    let spec = DemoSpec {
        cells: 2,
        households_per_cell: 150,
        members_per_cell: 15,
        seed: 7,
        today: today(),
        accounts: false,
    };
    let counts = demo::generate(&pool, &spec).await.unwrap();
    assert_eq!(counts.cells, 2);
    // Synthetic cells have exactly the sizes asked for.
    assert_eq!(counts.households, 300);
    assert_eq!(counts.members, 30);
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM org_units WHERE kind = 'cell'").await,
        5
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM org_units WHERE kind = 'commune'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn search_ignores_diacritics_and_case() {
    let (_d, pool) = seeded().await;
    let cell = cell_scope(&pool, 0).await;
    let filter = MemberFilter {
        query: "NGUYEN".into(),
        status: None,
    };
    let page = repo::list_members(&pool, &cell, &filter, 1).await.unwrap();
    assert!(page.total > 0);
    assert!(
        page.items
            .iter()
            .all(|m| fold(&m.full_name).contains("nguyen"))
    );

    // Every member of the cell is found by their own name typed without marks.
    let all = repo::list_members(&pool, &cell, &MemberFilter::default(), 1)
        .await
        .unwrap();
    let first = &all.items[0];
    let typed = fold(&first.full_name);
    let found = repo::list_members(
        &pool,
        &cell,
        &MemberFilter {
            query: typed,
            status: None,
        },
        1,
    )
    .await
    .unwrap();
    assert!(found.items.iter().any(|m| m.id == first.id));

    // Wildcards in the query are text, not patterns.
    let none = repo::list_members(
        &pool,
        &cell,
        &MemberFilter {
            query: "%".into(),
            status: None,
        },
        1,
    )
    .await
    .unwrap();
    assert_eq!(none.total, 0);
}

#[tokio::test]
async fn lists_stay_inside_their_cell() {
    let (_d, pool) = seeded().await;
    let one = cell_scope(&pool, 0).await;
    let two = cell_scope(&pool, 1).await;
    let h1 = repo::list_households(&pool, &one, &HouseholdFilter::default(), 1)
        .await
        .unwrap();
    let h2 = repo::list_households(&pool, &two, &HouseholdFilter::default(), 1)
        .await
        .unwrap();
    let ids1: Vec<i64> = h1.items.iter().map(|h| h.id).collect();
    assert!(h2.items.iter().all(|h| !ids1.contains(&h.id)));
    let in_cell_one = scalar(
        &pool,
        &format!(
            "SELECT COUNT(*) FROM households WHERE cell_id = {}",
            one.cell_id
        ),
    )
    .await;
    assert_eq!(h1.total, in_cell_one);
    assert_eq!(h1.items.len(), 50);
}

#[tokio::test]
async fn household_filters_combine() {
    let (_d, pool) = seeded().await;
    let cell = cell_scope(&pool, 0).await;
    let unassigned = HouseholdFilter {
        assigned: Some(false),
        ..Default::default()
    };
    let page = repo::list_households(&pool, &cell, &unassigned, 1)
        .await
        .unwrap();
    assert!(page.total > 0);
    assert!(page.items.iter().all(|h| h.member_id.is_none()));
    let assigned = HouseholdFilter {
        assigned: Some(true),
        ..Default::default()
    };
    let with = repo::list_households(&pool, &cell, &assigned, 1)
        .await
        .unwrap();
    let all = repo::list_households(&pool, &cell, &HouseholdFilter::default(), 1)
        .await
        .unwrap();
    assert_eq!(page.total + with.total, all.total);

    let poor = HouseholdFilter {
        tag: Some(HouseholdTag::Poor),
        ..Default::default()
    };
    let poor = repo::list_households(&pool, &cell, &poor, 1).await.unwrap();
    assert!(
        poor.items
            .iter()
            .all(|h| h.tags.contains(&HouseholdTag::Poor))
    );
}
