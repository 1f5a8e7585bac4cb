//! Database tests of home visits, each on a fresh SQLite file with the demo ward.

use app::demo;
use app::features::concerns::model::{Category as ConcernCategory, State as ConcernState, Urgency};
use app::features::concerns::repo::{RaisedConcern, insert_raised_concern};
use app::features::visits::model::*;
use app::features::visits::repo::{self, Visitor};
use app::server::db::{self, Pool};
use app::server::scope::CellScope;
use chrono::{Duration, NaiveDate, Utc};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// The evening of that day in Vietnam, after everything the demo ward records on it.
fn now() -> chrono::DateTime<Utc> {
    app::core::clock::at_vn_time(today(), chrono::NaiveTime::from_hms_opt(20, 0, 0).unwrap())
}

async fn seeded() -> (tempfile::TempDir, Pool) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/t.sqlite", dir.path().display());
    let pool = db::open_and_migrate(&url).await.unwrap();
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
        can_write: false,
    }
}

/// member1: the member id, their user id, and one household they look after.
async fn member1(pool: &Pool) -> (i64, i64, i64) {
    let (member, user): (i64, i64) =
        sqlx::query_as("SELECT member_id, id FROM users WHERE username = 'member1'")
            .fetch_one(pool)
            .await
            .unwrap();
    let household = scalar(
        pool,
        &format!(
            "SELECT household_id FROM assignments WHERE member_id = {member} AND ended_at IS NULL ORDER BY household_id LIMIT 1"
        ),
    )
    .await;
    (member, user, household)
}

fn visit(client_id: &str, household: i64) -> NewVisit {
    NewVisit {
        client_id: client_id.into(),
        household_id: household,
        visited_on: today(),
        kind: VisitKind::Home,
        topics: vec!["cultured_family".into()],
        note: "Gia đình ổn định.".into(),
        mediation: false,
        hot_spot: None,
        feedback: String::new(),
        feedback_rating: None,
        concerns: vec![NewConcern {
            client_id: format!("{client_id}:c0"),
            category: ConcernCategory::Environment,
            body: "Cống thoát nước bị tắc.".into(),
            urgency: Urgency::Normal,
        }],
    }
}

#[tokio::test]
async fn the_demo_ward_has_its_campaigns() {
    let (_d, pool) = seeded().await;
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM campaigns").await, 6);
    let first = cell_scope(&pool, 0).await;
    let second = cell_scope(&pool, 1).await;
    let codes = |list: Vec<Campaign>| list.into_iter().map(|c| c.code).collect::<Vec<_>>();
    let one = codes(
        repo::active_campaigns(&pool, &first, today())
            .await
            .unwrap(),
    );
    let two = codes(
        repo::active_campaigns(&pool, &second, today())
            .await
            .unwrap(),
    );
    assert_eq!(
        one,
        vec![
            "new_rural_area",
            "cultured_family",
            "crime_prevention",
            "civilised_urban",
            "online_fraud"
        ]
    );
    assert_eq!(two.len(), 4, "cell 1's own campaign is not cell 2's");
    assert!(!one.contains(&"flood_season".to_string()), "ended");
    // After its end, a cell campaign is no longer offered.
    let later = repo::active_campaigns(&pool, &first, today() + Duration::days(90))
        .await
        .unwrap();
    assert_eq!(later.len(), 4);
}

#[tokio::test]
async fn a_visit_is_stored_once_per_phone_made_id() {
    let (_d, pool) = seeded().await;
    let cell = cell_scope(&pool, 0).await;
    let (member, user, household) = member1(&pool).await;
    let who = Visitor {
        member_id: member,
        user_id: user,
        at: now(),
    };
    let v = visit("db-once-0001", household);
    let first = repo::log_visit(&pool, &cell, who, &v).await.unwrap();
    let again = repo::log_visit(&pool, &cell, who, &v).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first.concerns.len(), 1);
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM visits WHERE client_id = 'db-once-0001'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &pool,
            &format!(
                "SELECT COUNT(*) FROM concerns WHERE visit_id = {}",
                first.id
            )
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &pool,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'log_visit' AND entity_id = {}",
                first.id
            )
        )
        .await,
        1
    );
    assert_eq!(
        repo::find_visit(&pool, "db-once-0001").await.unwrap(),
        Some(first)
    );
    assert_eq!(repo::find_visit(&pool, "db-none-0001").await.unwrap(), None);
}

#[tokio::test]
async fn a_raised_concern_enters_the_concern_process() {
    let (_d, pool) = seeded().await;
    let cell = cell_scope(&pool, 0).await;
    let (member, user, household) = member1(&pool).await;
    let mut tx = pool.begin().await.unwrap();
    let concern = RaisedConcern {
        ward_id: cell.ward_id,
        cell_id: cell.cell_id,
        household_id: household,
        visit_id: None,
        member_id: Some(member),
        actor_user_id: Some(user),
        client_id: "db-concern-0001",
        category: ConcernCategory::Security,
        body: "Thanh niên tụ tập gây ồn ào ban đêm.",
        urgency: Urgency::Urgent,
        raised_on: today(),
        now: now(),
    };
    let id = insert_raised_concern(&mut tx, &concern)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        insert_raised_concern(&mut tx, &concern).await.unwrap(),
        None,
        "the same id is not raised twice"
    );
    tx.commit().await.unwrap();
    let (state, urgency, raised_on): (String, String, NaiveDate) =
        sqlx::query_as("SELECT state, urgency, raised_on FROM concerns WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (state.as_str(), urgency.as_str(), raised_on),
        ("raised", "urgent", today())
    );
    let events: Vec<(String, Option<String>, String, Option<i64>)> = sqlx::query_as(
        "SELECT step, from_state, to_state, actor_id FROM concern_events WHERE concern_id = $1",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        events,
        vec![("raise".into(), None, "raised".into(), Some(user))]
    );
}

#[tokio::test]
async fn a_hot_spot_level_changes_the_household_only_when_assessed() {
    let (_d, pool) = seeded().await;
    let cell = cell_scope(&pool, 0).await;
    let (member, user, household) = member1(&pool).await;
    let who = Visitor {
        member_id: member,
        user_id: user,
        at: now(),
    };
    let level = |pool: Pool| async move {
        scalar(
            &pool,
            &format!("SELECT hot_spot FROM households WHERE id = {household}"),
        )
        .await
    };
    let mut v = visit("db-hot-0001", household);
    v.hot_spot = Some(3);
    repo::log_visit(&pool, &cell, who, &v).await.unwrap();
    assert_eq!(level(pool.clone()).await, 3);
    // A quick visit does not assess it: the flag stays.
    repo::log_visit(&pool, &cell, who, &visit("db-hot-0002", household))
        .await
        .unwrap();
    assert_eq!(level(pool.clone()).await, 3);
    let mut v = visit("db-hot-0003", household);
    v.hot_spot = Some(0);
    repo::log_visit(&pool, &cell, who, &v).await.unwrap();
    assert_eq!(level(pool.clone()).await, 0, "cleared by a later visit");
}

#[tokio::test]
async fn a_members_households_come_in_need_order_with_their_concerns() {
    let (_d, pool) = seeded().await;
    let (member, _, _) = member1(&pool).await;
    let ward = scalar(&pool, "SELECT id FROM org_units WHERE kind = 'commune'").await;
    let list = repo::my_households(&pool, ward, member, today())
        .await
        .unwrap();
    let assigned = scalar(
        &pool,
        &format!(
            "SELECT COUNT(*) FROM assignments WHERE member_id = {member} AND ended_at IS NULL"
        ),
    )
    .await;
    assert_eq!(list.len() as i64, assigned);
    let ranks: Vec<u8> = list.iter().map(|h| h.need.rank()).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    for h in &list {
        assert_eq!(h.need, Need::of(h.last_visit, today()));
        assert!(h.concerns.iter().all(|c| c.state.is_open()));
    }
    // The demo gives member1 every kind of need to work with.
    let kinds: std::collections::HashSet<u8> = ranks.into_iter().collect();
    assert!(kinds.contains(&0), "a household never visited");
    assert!(kinds.contains(&1), "an overdue household");
    assert!(kinds.contains(&3), "a household visited recently");
}

#[tokio::test]
async fn coverage_counts_this_month_and_quiet_members() {
    let (_d, pool) = seeded().await;
    let cell = cell_scope(&pool, 0).await;
    let c = repo::cell_coverage(&pool, &cell, today()).await.unwrap();
    assert_eq!(c.months.len(), COVERAGE_MONTHS);
    assert_eq!((c.months[0].year, c.months[0].month), (2026, 11));
    assert_eq!((c.months[5].year, c.months[5].month), (2026, 6));
    assert!(c.visited <= c.due && c.visited > 0);
    let visits_this_month = scalar(
        &pool,
        &format!(
            "SELECT COUNT(*) FROM visits WHERE cell_id = {} AND visited_on >= '2026-11-01'",
            cell.cell_id
        ),
    )
    .await;
    assert_eq!(c.months[0].visits, visits_this_month);
    for m in &c.quiet_members {
        assert!(is_quiet(m.last_visit, today()), "{m:?}");
    }
    assert!(
        !c.quiet_members.is_empty(),
        "the demo has members who stopped visiting"
    );

    // A visit today takes its member off the quiet list.
    let quiet = &c.quiet_members[0];
    let household: i64 = sqlx::query_scalar(
        "SELECT household_id FROM assignments WHERE member_id = $1 AND ended_at IS NULL LIMIT 1",
    )
    .bind(quiet.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    repo::log_visit(
        &pool,
        &cell,
        Visitor {
            member_id: quiet.id,
            user_id: scalar(&pool, "SELECT id FROM users WHERE username = 'member1'").await,
            at: now(),
        },
        &visit("db-quiet-0001", household),
    )
    .await
    .unwrap();
    let after = repo::cell_coverage(&pool, &cell, today()).await.unwrap();
    assert!(after.quiet_members.iter().all(|m| m.id != quiet.id));
    assert_eq!(after.months[0].visits, visits_this_month + 1);
}

#[tokio::test]
async fn a_households_timeline_holds_visits_concerns_and_responsibility() {
    let (_d, pool) = seeded().await;
    let cell = cell_scope(&pool, 0).await;
    let household = scalar(
        &pool,
        &format!(
            "SELECT c.household_id FROM concerns c WHERE c.cell_id = {} AND c.state = 'closed' \
             ORDER BY c.id LIMIT 1",
            cell.cell_id
        ),
    )
    .await;
    let page = repo::household_visits(&pool, &cell, household, today(), false)
        .await
        .unwrap()
        .unwrap();
    let visits = scalar(
        &pool,
        &format!("SELECT COUNT(*) FROM visits WHERE household_id = {household}"),
    )
    .await;
    let steps = scalar(
        &pool,
        &format!(
            "SELECT COUNT(*) FROM concern_events e JOIN concerns c ON c.id = e.concern_id WHERE c.household_id = {household}"
        ),
    )
    .await;
    let count =
        |pred: fn(&TimelineEntry) -> bool| page.timeline.iter().filter(|e| pred(e)).count() as i64;
    assert_eq!(count(|e| matches!(e, TimelineEntry::Visit(_))), visits);
    assert_eq!(count(|e| matches!(e, TimelineEntry::Concern { .. })), steps);
    assert!(count(|e| matches!(e, TimelineEntry::Responsibility { started: true, .. })) >= 1);
    let days: Vec<NaiveDate> = page.timeline.iter().map(TimelineEntry::on).collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let closed = page
        .concerns
        .iter()
        .find(|c| c.state == ConcernState::Closed)
        .unwrap();
    assert_eq!(closed.steps.first().unwrap().step, "raise");
    assert_eq!(closed.steps.last().unwrap().to_state, ConcernState::Closed);

    // Another cell's scope does not see it.
    let other = cell_scope(&pool, 1).await;
    assert!(
        repo::household_visits(&pool, &other, household, today(), false)
            .await
            .unwrap()
            .is_none()
    );
}
