//! `ganbo setup`: the first set-up of a ward from the command line. Every value comes from
//! a flag or, on a terminal, from a question; the password from a file, the environment or
//! a hidden prompt, never from an argument (which would stay in the shell's history).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use app::core::clock::Clock;
use app::error::AppError;
use app::features::org::model::WardKind;
use app::features::org::setup::{self, SetupError, SetupInput, UnitInput};
use app::server::db;
use clap::Args;

/// The environment variable a script may give the first password in.
pub const PASSWORD_ENV: &str = "GANBO_SETUP_PASSWORD";

#[derive(Args, Debug, Clone, Default)]
pub struct SetupArgs {
    /// Province or centrally-run city, as written ("Thành phố Hà Nội").
    #[arg(long)]
    pub province: Option<String>,
    /// Its code ("HN").
    #[arg(long)]
    pub province_code: Option<String>,
    /// District, where the ward still lies under one (optional).
    #[arg(long)]
    pub district: Option<String>,
    /// Its code.
    #[arg(long)]
    pub district_code: Option<String>,
    /// The kind of the commune-level unit: xa, phuong, thi-tran or dac-khu.
    #[arg(long)]
    pub kind: Option<String>,
    /// The commune or ward's name, without its kind ("Thanh Xuân").
    #[arg(long)]
    pub ward: Option<String>,
    /// Its code ("HN-TX").
    #[arg(long)]
    pub ward_code: Option<String>,
    /// The first committee account's username (lower-case letters and digits).
    #[arg(long)]
    pub username: Option<String>,
    /// The name it is shown with (default: "Văn phòng Đảng ủy <kind> <ward>").
    #[arg(long)]
    pub display_name: Option<String>,
    /// A file whose first line is the password ("-" for standard input). Without it the
    /// password comes from GANBO_SETUP_PASSWORD or, on a terminal, a hidden prompt.
    #[arg(long)]
    pub password_file: Option<PathBuf>,
}

/// Asks on the terminal, or says which flag is missing.
struct Asker {
    interactive: bool,
}

impl Asker {
    /// The value of a flag, or the answer to a question when on a terminal; `None` when
    /// neither gives one (an optional value left empty).
    fn value(
        &self,
        given: &Option<String>,
        question: &str,
        flag: &str,
        required: bool,
    ) -> Result<Option<String>, String> {
        if let Some(v) = given {
            return Ok(Some(v.clone()));
        }
        if !self.interactive {
            return if required {
                Err(format!("thiếu --{flag} (missing --{flag})"))
            } else {
                Ok(None)
            };
        }
        loop {
            eprint!("{question}: ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?
                == 0
            {
                return Err("đã dừng (stopped)".into());
            }
            let line = line.trim().to_string();
            if !line.is_empty() || !required {
                return Ok((!line.is_empty()).then_some(line));
            }
        }
    }

    fn password(&self, file: &Option<PathBuf>) -> Result<String, String> {
        if let Some(path) = file {
            return first_line(path);
        }
        if let Ok(p) = std::env::var(PASSWORD_ENV) {
            return Ok(p);
        }
        if !self.interactive {
            return Err(format!(
                "chưa có mật khẩu: dùng --password-file FILE hoặc biến {PASSWORD_ENV} (no password: use --password-file FILE or {PASSWORD_ENV})"
            ));
        }
        loop {
            let first =
                rpassword::prompt_password("Mật khẩu (password): ").map_err(|e| e.to_string())?;
            let again = rpassword::prompt_password("Nhập lại mật khẩu (again): ")
                .map_err(|e| e.to_string())?;
            if first == again {
                return Ok(first);
            }
            eprintln!("Hai lần nhập không giống nhau, hãy nhập lại.");
        }
    }
}

/// The first line of a file (or of standard input for "-"), without its line ending.
fn first_line(path: &Path) -> Result<String, String> {
    let mut line = String::new();
    let read = if path == Path::new("-") {
        std::io::stdin().lock().read_line(&mut line)
    } else {
        std::fs::File::open(path).and_then(|f| std::io::BufReader::new(f).read_line(&mut line))
    };
    read.map_err(|e| format!("không đọc được {}: {e}", path.display()))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// The values the set-up needs, asked for where missing.
fn gather(args: &SetupArgs, ask: &Asker) -> Result<SetupInput, String> {
    let province = ask.value(
        &args.province,
        "Tỉnh, thành phố (province)",
        "province",
        true,
    )?;
    let province_code = ask.value(
        &args.province_code,
        "Mã tỉnh, thành phố (province code)",
        "province-code",
        true,
    )?;
    let district = ask.value(
        &args.district,
        "Quận, huyện nếu còn (district, Enter to skip)",
        "district",
        false,
    )?;
    let district = match district {
        Some(name) => Some(UnitInput {
            name,
            code: ask
                .value(
                    &args.district_code,
                    "Mã quận, huyện (district code)",
                    "district-code",
                    true,
                )?
                .unwrap_or_default(),
        }),
        None => None,
    };
    let kind_typed = ask
        .value(
            &args.kind,
            "Loại: xã, phường, thị trấn hay đặc khu (kind)",
            "kind",
            true,
        )?
        .unwrap_or_default();
    let kind = WardKind::from_typed(&kind_typed).ok_or_else(|| {
        format!("loại đơn vị không hợp lệ: {kind_typed} (xa, phuong, thi-tran, dac-khu)")
    })?;
    let ward = ask.value(
        &args.ward,
        &format!("Tên {} (name, without \"{}\")", kind.vi(), kind.vi()),
        "ward",
        true,
    )?;
    let ward_code = ask.value(
        &args.ward_code,
        &format!("Mã {} (code)", kind.vi()),
        "ward-code",
        true,
    )?;
    let username = ask.value(
        &args.username,
        "Tên đăng nhập của tài khoản Đảng ủy (username)",
        "username",
        true,
    )?;
    let display_name = match &args.display_name {
        Some(d) => d.clone(),
        None if ask.interactive => ask
            .value(
                &None,
                &format!(
                    "Tên hiển thị (Enter: {})",
                    setup::default_display_name(kind, ward.as_deref().unwrap_or_default())
                ),
                "display-name",
                false,
            )?
            .unwrap_or_default(),
        None => String::new(),
    };
    let password = ask.password(&args.password_file)?;
    Ok(SetupInput {
        province: UnitInput {
            name: province.unwrap_or_default(),
            code: province_code.unwrap_or_default(),
        },
        district,
        kind,
        ward: UnitInput {
            name: ward.unwrap_or_default(),
            code: ward_code.unwrap_or_default(),
        },
        username: username.unwrap_or_default(),
        display_name,
        password,
    })
}

/// Clears the value a refusal names, so that a terminal asks for it again.
fn forget(args: &mut SetupArgs, field: &str) {
    match field {
        "province_name" => args.province = None,
        "province_code" => args.province_code = None,
        "district_name" => args.district = None,
        "district_code" => args.district_code = None,
        "ward_name" => args.ward = None,
        "ward_code" => args.ward_code = None,
        "username" => args.username = None,
        "display_name" => args.display_name = None,
        _ => {}
    }
}

/// `ganbo setup`.
pub async fn run(database_url: &str, mut args: SetupArgs, clock: Clock) -> ExitCode {
    let pool = match db::open_and_migrate(database_url).await {
        Ok(p) => p,
        Err(e) => return crate::cli::fail(e),
    };
    match setup::needs_setup(&pool).await {
        Ok(true) => {}
        Ok(false) => return crate::cli::fail(SetupError::AlreadySetUp),
        Err(e) => return crate::cli::fail(e),
    }
    let ask = Asker {
        interactive: std::io::stdin().is_terminal()
            && args.password_file.as_deref() != Some(Path::new("-")),
    };
    loop {
        let input = match gather(&args, &ask) {
            Ok(i) => i,
            Err(e) => return crate::cli::fail(e),
        };
        match setup::set_up(&pool, clock.now(), &input).await {
            Ok(done) => {
                println!(
                    "ganbo: đã thiết lập {} (set up); tài khoản Đảng ủy \"{}\" đăng nhập được. Chạy `ganbo serve` rồi mở /login.",
                    done.ward_title, done.username
                );
                pool.close().await;
                return ExitCode::SUCCESS;
            }
            Err(SetupError::Refused(AppError::Invalid { field, problem }))
                if ask.interactive && field != "password" =>
            {
                eprintln!(
                    "{}",
                    AppError::Invalid {
                        field: field.clone(),
                        problem
                    }
                );
                forget(&mut args, &field);
            }
            Err(SetupError::Refused(e @ AppError::Invalid { .. })) if ask.interactive => {
                // A password refused: ask for another (the file or variable gave this one).
                eprintln!("{e}");
                if args.password_file.is_some() || std::env::var_os(PASSWORD_ENV).is_some() {
                    return crate::cli::fail(e);
                }
            }
            Err(e) => return crate::cli::fail(e),
        }
    }
}
