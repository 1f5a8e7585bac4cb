//! How fast a large spreadsheet comes in: a generated XLSX of 100,000 households, uploaded,
//! checked and stored through the same HTTP calls as the import page.
//!
//! ```sh
//! cargo bench -p ganbo --bench import            # 100,000 rows
//! cargo bench -p ganbo --bench import -- 20000   # another size
//! ```
//!
//! Runs in this process on a fresh SQLite file (the demo ward). Times are wall-clock from
//! the first byte of the upload to the job's end, as the page's progress bar sees them.
//! Peak memory is this process's high-water mark of resident memory, reset after the file
//! is generated, so it counts the server's work only. Numbers go in BENCHMARKS.md.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use app::features::transfer::export::{Table, Value, xlsx};
use app::features::transfer::model::ExportSheet;
use common::transfer::{Import, settled, upload};
use common::*;
use http::StatusCode;

const SURNAMES: [&str; 12] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
];
const MIDDLE: [&str; 8] = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Hữu"];
const GIVEN: [&str; 16] = [
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Khoa", "Lan", "Long", "Mai", "Nam",
    "Phúc", "Quang", "Sơn",
];

/// A households sheet as a cell's spreadsheet has it, with Vietnamese headers.
fn households(rows: usize) -> Vec<u8> {
    let table = Table {
        title: ExportSheet::Households.title_vi(),
        headers: vec![
            "STT",
            "Chủ hộ",
            "Số nhà",
            "Ngõ",
            "Nhân khẩu",
            "Điện thoại",
            "Diện hộ",
        ],
        rows: (0..rows)
            .map(|i| {
                let name = format!(
                    "{} {} {}",
                    SURNAMES[i % 12],
                    MIDDLE[(i / 12) % 8],
                    GIVEN[(i / 96) % 16]
                );
                let tag = match i % 23 {
                    0 => "Hộ nghèo",
                    1 => "Gia đình chính sách",
                    _ => "",
                };
                vec![
                    Value::Int(i as i64 + 1),
                    Value::Text(name),
                    Value::Text(format!("{}", i / 250 + 1)),
                    Value::Text(format!("Ngõ {}", i % 250 + 1)),
                    Value::Int((i % 7 + 1) as i64),
                    Value::Text(format!("09{:08}", i)),
                    Value::from(tag),
                ]
            })
            .collect(),
    };
    xlsx(&[table]).expect("the workbook is written")
}

/// Resident memory's high-water mark, in MB, from the kernel.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let app = app().await;
    let cookie = app.sign_in("secretary1").await;
    let cell = app.cell(0).await;

    let started = Instant::now();
    let file = households(rows);
    println!(
        "generated {rows} rows: {:.1} MB of XLSX in {:.2} s",
        file.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    // Count the server's memory from here on: reset the high-water mark.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = peak_mb();

    let t0 = Instant::now();
    let res = upload(
        &app,
        Some(&cookie),
        Some(cell),
        Some(("ho-gia-dinh.xlsx", file)),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let job = Import::from_inspection(res.json());
    let uploaded = t0.elapsed();

    let t1 = Instant::now();
    job.check(&app, &cookie).await;
    let checked = settled(&app, &cookie, job.id).await;
    assert_eq!(checked["state"], "Ready", "{checked}");
    let check_time = t1.elapsed();

    let t2 = Instant::now();
    job.commit(&app, &cookie).await;
    let done = settled(&app, &cookie, job.id).await;
    assert_eq!(done["state"], "Done", "{done}");
    let commit_time = t2.elapsed();
    let total = t0.elapsed();

    let stored = app
        .id(&format!(
            "SELECT COUNT(*) FROM households WHERE cell_id = {cell}"
        ))
        .await;
    println!("upload and inspection: {:>7.2} s", uploaded.as_secs_f64());
    println!("check (every row):     {:>7.2} s", check_time.as_secs_f64());
    println!(
        "store (one transaction): {:>5.2} s",
        commit_time.as_secs_f64()
    );
    println!(
        "total:                 {:>7.2} s for {rows} rows",
        total.as_secs_f64()
    );
    println!(
        "peak memory: {:.0} MB (process at the start of the import: {:.0} MB)",
        peak_mb(),
        before
    );
    println!("households now in the cell: {stored}");
}
