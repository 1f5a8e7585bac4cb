//! HTTP tests of imports and exports: uploading a file, choosing its columns, checking and
//! writing it in the background, and downloading a cell's or a ward's data. Every server
//! function and download is checked for strangers, members and other cells' secretaries.

mod common;

use axum::body::Body;
use common::transfer::*;
use common::*;
use http::{Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../app/tests/fixtures/import")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.id(sql).await
}

async fn ward(app: &TestApp) -> i64 {
    app.id("SELECT id FROM org_units WHERE kind = 'commune' ORDER BY id LIMIT 1")
        .await
}

/// Members, households and active assignments of a cell.
async fn totals(app: &TestApp, cell: i64) -> (i64, i64, i64) {
    (
        count(
            app,
            &format!("SELECT COUNT(*) FROM members WHERE cell_id = {cell}"),
        )
        .await,
        count(
            app,
            &format!("SELECT COUNT(*) FROM households WHERE cell_id = {cell}"),
        )
        .await,
        count(
            app,
            &format!(
                "SELECT COUNT(*) FROM assignments WHERE cell_id = {cell} AND ended_at IS NULL"
            ),
        )
        .await,
    )
}

/// Uploads, checks with the guessed columns and, when asked, writes; returns the job.
async fn import(app: &TestApp, cookie: &str, cell: i64, name: &str, commit: bool) -> Value {
    let res = upload(app, Some(cookie), Some(cell), Some((name, fixture(name)))).await;
    assert_eq!(res.status, StatusCode::OK, "{name}: {}", res.body);
    let job = Import::from_inspection(res.json());
    job.check(app, cookie).await;
    let v = settled(app, cookie, job.id).await;
    if !commit || v["state"] != "Ready" {
        return v;
    }
    job.commit(app, cookie).await;
    settled(app, cookie, job.id).await
}

/// A job of cell 1, uploaded by its secretary and checked (ready to write).
async fn ready_job(app: &TestApp) -> i64 {
    let c = app.sign_in("secretary1").await;
    let cell = app.cell(0).await;
    let v = import(app, &c, cell, "dang-vien.xlsx", false).await;
    assert_eq!(v["state"], "Ready", "{v}");
    v["id"].as_i64().unwrap()
}

fn job_calls(job: i64) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    vec![
        (
            "transfer/inspect_file",
            vec![
                ("job", job.to_string()),
                ("sheet", String::new()),
                ("encoding", String::new()),
                ("kind", String::new()),
            ],
        ),
        (
            "transfer/check_file",
            vec![
                ("job", job.to_string()),
                ("sheet", String::new()),
                ("encoding", String::new()),
                ("kind", "members".into()),
                ("mapping", ",full_name".into()),
            ],
        ),
        ("transfer/import_status", vec![("job", job.to_string())]),
        ("transfer/commit_import", vec![("job", job.to_string())]),
        ("transfer/cancel_import", vec![("job", job.to_string())]),
    ]
}

#[tokio::test]
async fn every_transfer_function_and_download_refuses_strangers() {
    let app = app().await;
    let cell = app.cell(0).await;
    let job = ready_job(&app).await;
    let res = upload(
        &app,
        None,
        Some(cell),
        Some(("dang-vien.xlsx", fixture("dang-vien.xlsx"))),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    let mut calls = job_calls(job);
    calls.push(("transfer/recent_imports", vec![("cell", cell.to_string())]));
    for (endpoint, args) in calls {
        let res = app.call(endpoint, &args, None).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            res.body
        );
    }
    let ward = ward(&app).await;
    for path in [
        format!("/export/cells/{cell}/all.xlsx"),
        format!("/export/cells/{cell}/members.csv"),
        format!("/export/wards/{ward}/all.xlsx"),
    ] {
        let (status, _, _) = download(&app, &path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let v = app
        .call(
            "transfer/import_status",
            &[("job", job.to_string())],
            Some(&app.sign_in("secretary1").await),
        )
        .await
        .json();
    assert_eq!(v["state"], "Ready", "nothing happened to the job");
}

#[tokio::test]
async fn members_and_other_cells_secretaries_can_neither_import_nor_touch_a_job() {
    let app = app().await;
    let cell = app.cell(0).await;
    let job = ready_job(&app).await;
    let before = totals(&app, cell).await;
    let file = || Some(("dang-vien.xlsx", fixture("dang-vien.xlsx")));

    // A member of the cell may not import into it, nor a secretary of another cell.
    for user in ["member1", "secretary2", "viewer"] {
        let c = app.sign_in(user).await;
        let res = upload(&app, Some(&c), Some(cell), file()).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}: {}", res.body);
        for (endpoint, args) in job_calls(job) {
            let res = app.call(endpoint, &args, Some(&c)).await;
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "{user} {endpoint}: {}",
                res.body
            );
        }
        let res = app
            .call(
                "transfer/recent_imports",
                &[("cell", cell.to_string())],
                Some(&c),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}: {}", res.body);
    }
    // An unknown job answers like another cell's.
    let c = app.sign_in("secretary1").await;
    for (endpoint, args) in job_calls(987_654) {
        let res = app.call(endpoint, &args, Some(&c)).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            res.body
        );
    }
    // Nothing was written, and the job still waits for its own cell.
    assert_eq!(totals(&app, cell).await, before);
    let v = app
        .call(
            "transfer/import_status",
            &[("job", job.to_string())],
            Some(&c),
        )
        .await
        .json();
    assert_eq!(v["state"], "Ready");
    // No upload of the refused was kept as a job.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM import_jobs").await, 1);
}

#[tokio::test]
async fn exports_follow_who_may_read_what() {
    let app = app().await;
    let cell = app.cell(0).await;
    let other = app.cell(1).await;
    let ward = ward(&app).await;
    let sec = app.sign_in("secretary1").await;
    let member = app.sign_in("member1").await;

    // A member reads only their own households: no cell export.
    let (status, _, _) = download(
        &app,
        &format!("/export/cells/{cell}/all.xlsx"),
        Some(&member),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A secretary exports their cell, not another cell, not the ward.
    let (status, _, _) =
        download(&app, &format!("/export/cells/{other}/all.xlsx"), Some(&sec)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) =
        download(&app, &format!("/export/wards/{ward}/all.xlsx"), Some(&sec)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = download(&app, "/export/cells/987654/all.xlsx", Some(&sec)).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an unknown cell answers like another's"
    );
    let (status, _, _) = download(
        &app,
        &format!("/export/cells/{cell}/passwords.csv"),
        Some(&sec),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, headers, bytes) =
        download(&app, &format!("/export/cells/{cell}/all.xlsx"), Some(&sec)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"Gan-Bo"),
        "{disposition}"
    );
    assert!(bytes.starts_with(b"PK\x03\x04"));
    use calamine::{Reader, Xlsx};
    let wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            "Đảng viên",
            "Hộ gia đình",
            "Phân công",
            "Lần thăm",
            "Kiến nghị",
            "Các bước xử lý kiến nghị"
        ]
    );

    let (status, headers, bytes) = download(
        &app,
        &format!("/export/cells/{cell}/households.csv"),
        Some(&sec),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let households = count(
        &app,
        &format!("SELECT COUNT(*) FROM households WHERE cell_id = {cell}"),
    )
    .await;
    assert_eq!(
        text.lines().count() as i64,
        households + 1,
        "a header and a line per household"
    );
    assert!(text.starts_with("Chi bộ,Chủ hộ,Số nhà"), "{}", &text[..80]);

    // The committee and the ward's viewer export the whole ward: every cell's households.
    for user in ["committee", "viewer"] {
        let c = app.sign_in(user).await;
        let (status, _, bytes) = download(
            &app,
            &format!("/export/wards/{ward}/households.csv"),
            Some(&c),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{user}");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let all = count(
            &app,
            &format!("SELECT COUNT(*) FROM households WHERE ward_id = {ward}"),
        )
        .await;
        assert_eq!(text.lines().count() as i64, all + 1, "{user}");
    }
}

#[tokio::test]
async fn bad_uploads_and_choices_are_422_naming_the_field_and_change_nothing() {
    let app = app().await;
    let cell = app.cell(0).await;
    let c = app.sign_in("secretary1").await;
    let before = totals(&app, cell).await;

    let refused = |res: &Answer, field: &str| {
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        assert_eq!(res.json()["Invalid"]["field"], field, "{}", res.body);
    };
    // No cell, a file before its cell, a cell that is not a number, no file.
    let res = upload(
        &app,
        Some(&c),
        None,
        Some(("a.csv", b"Chu ho\nAn\n".to_vec())),
    )
    .await;
    refused(&res, "cell");
    let res = upload(&app, Some(&c), Some(cell), None).await;
    refused(&res, "file");
    let res = app
        .router
        .clone()
        .oneshot(
            Request::post("/api/transfer/upload_file")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &c)
                .body(Body::from("cell=1"))
                .unwrap(),
        )
        .await
        .unwrap();
    refused(&read(res).await, "file");
    // Files that are not what they say, and empty sheets, are named.
    for (name, problem) in [
        ("tep-hong.xlsx", "Unreadable"),
        ("trang-trong.xlsx", "EmptySheet"),
    ] {
        let res = upload(&app, Some(&c), Some(cell), Some((name, fixture(name)))).await;
        refused(&res, "file");
        assert_eq!(res.json()["Invalid"]["problem"]["File"], problem, "{name}");
    }
    let res = upload(
        &app,
        Some(&c),
        Some(cell),
        Some(("virus.exe", b"MZ\x90\x00".to_vec())),
    )
    .await;
    refused(&res, "file");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM import_jobs").await,
        0,
        "no job for a refused file"
    );

    // A good file, then bad choices for it.
    let res = upload(
        &app,
        Some(&c),
        Some(cell),
        Some(("ho-gia-dinh.xlsx", fixture("ho-gia-dinh.xlsx"))),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let ins = res.json();
    let job = ins["job"].to_string();
    let mut args = check_args(&ins, mapping_of(&ins));
    args[3].1 = "recipes".into();
    refused(
        &app.call("transfer/check_file", &args, Some(&c)).await,
        "data_kind",
    );
    let mut args = check_args(&ins, mapping_of(&ins));
    args[4].1 = ",favourite_colour".into();
    refused(
        &app.call("transfer/check_file", &args, Some(&c)).await,
        "mapping",
    );
    // Without the head of household's column: the file names what is missing.
    let args = check_args(&ins, mapping_of(&ins).replace("head_name", ""));
    let res = app.call("transfer/check_file", &args, Some(&c)).await;
    refused(&res, "file");
    assert_eq!(
        res.json()["Invalid"]["problem"]["File"]["MissingColumn"]["field"],
        "HeadName"
    );
    let res = app
        .call(
            "transfer/inspect_file",
            &[
                ("job", job.clone()),
                ("sheet", String::new()),
                ("encoding", "klingon".into()),
                ("kind", String::new()),
            ],
            Some(&c),
        )
        .await;
    refused(&res, "encoding");
    let res = app
        .call(
            "transfer/inspect_file",
            &[
                ("job", job.clone()),
                ("sheet", "Không có".into()),
                ("encoding", String::new()),
                ("kind", String::new()),
            ],
            Some(&c),
        )
        .await;
    refused(&res, "file");
    assert_eq!(res.json()["Invalid"]["problem"]["File"], "NoSuchSheet");
    // Writing a file that was not checked is a conflict.
    let res = app
        .call("transfer/commit_import", &[("job", job.clone())], Some(&c))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);

    assert_eq!(totals(&app, cell).await, before);
}

#[tokio::test]
async fn a_cell_comes_in_from_its_spreadsheets_and_a_second_import_changes_only_what_changed() {
    let app = app().await;
    let cell = app.cell(0).await;
    let c = app.sign_in("secretary1").await;
    let before = totals(&app, cell).await;

    // The upload answers with the sheets, the headers found under the title and the
    // columns guessed from their Vietnamese names.
    let res = upload(
        &app,
        Some(&c),
        Some(cell),
        Some(("dang-vien.xlsx", fixture("dang-vien.xlsx"))),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let ins = res.json();
    assert_eq!(ins["kind"], "Members");
    assert_eq!(ins["header_row"], 3);
    assert_eq!(ins["headers"][1], "Họ và tên");
    assert_eq!(ins["mapping"][1], "FullName");
    assert_eq!(ins["mapping"][0], Value::Null, "STT is not imported");
    assert_eq!(ins["sample"][0][1], "Kiều Minh Tuấn");

    let res = app
        .call(
            "transfer/check_file",
            &check_args(&ins, mapping_of(&ins)),
            Some(&c),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let job = ins["job"].as_i64().unwrap();
    let v = settled(&app, &c, job).await;
    assert_eq!(v["state"], "Ready", "{v}");
    assert_eq!(v["counts"]["new"], 6);
    assert_eq!(v["preview"]["rows"][0]["action"], "New");
    assert_eq!(totals(&app, cell).await, before, "checked, not written");

    let res = app
        .call(
            "transfer/commit_import",
            &[("job", job.to_string())],
            Some(&c),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v = settled(&app, &c, job).await;
    assert_eq!(v["state"], "Done", "{v}");
    // A second click does nothing more.
    let res = app
        .call(
            "transfer/commit_import",
            &[("job", job.to_string())],
            Some(&c),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    let v = import(&app, &c, cell, "ho-gia-dinh.xlsx", true).await;
    assert_eq!(v["state"], "Done", "{v}");
    assert_eq!(v["counts"]["new"], 12);
    assert_eq!(v["counts"]["assigned"], 11);
    let after = totals(&app, cell).await;
    assert_eq!(after, (before.0 + 6, before.1 + 12, before.2 + 11));

    // The updated list: one household changed, one new; nothing duplicated.
    let v = import(&app, &c, cell, "ho-gia-dinh-cap-nhat.csv", true).await;
    assert_eq!(v["state"], "Done", "{v}");
    assert_eq!(
        (
            &v["counts"]["new"],
            &v["counts"]["updated"],
            &v["counts"]["unchanged"]
        ),
        (&Value::from(1), &Value::from(1), &Value::from(11))
    );
    assert_eq!(
        totals(&app, cell).await,
        (after.0, after.1 + 1, after.2 + 1)
    );

    // A broken file: every problem listed with its row and column, nothing written.
    let v = import(&app, &c, cell, "ho-gia-dinh-loi.csv", true).await;
    assert_eq!(v["state"], "Invalid", "{v}");
    assert_eq!(v["errors_total"], 10);
    assert_eq!(v["errors"][0]["row"], 3);
    assert_eq!(v["errors"][0]["column"], "Chủ hộ");
    assert_eq!(v["errors"][0]["problem"], "Required");
    assert_eq!(
        totals(&app, cell).await,
        (after.0, after.1 + 1, after.2 + 1)
    );

    // The cell's latest imports, newest first.
    let res = app
        .call(
            "transfer/recent_imports",
            &[("cell", cell.to_string())],
            Some(&c),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = res.json();
    let states: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, vec!["Invalid", "Done", "Done", "Done"]);
    assert_eq!(list[0]["file_name"], "ho-gia-dinh-loi.csv");

    // The committee may import into any cell of its ward.
    let committee = app.sign_in("committee").await;
    let third = app.cell(2).await;
    let v = import(&app, &committee, third, "dang-vien.xlsx", true).await;
    assert_eq!(v["state"], "Done", "{v}");
}

#[tokio::test]
async fn a_checked_import_can_be_cancelled_and_then_writes_nothing() {
    let app = app().await;
    let cell = app.cell(0).await;
    let before = totals(&app, cell).await;
    let job = ready_job(&app).await;
    let c = app.sign_in("secretary1").await;
    let res = app
        .call(
            "transfer/cancel_import",
            &[("job", job.to_string())],
            Some(&c),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["state"], "Cancelled");
    let res = app
        .call(
            "transfer/commit_import",
            &[("job", job.to_string())],
            Some(&c),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(totals(&app, cell).await, before);
}
