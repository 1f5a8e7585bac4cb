//! The one error type shared by the browser and the server.
//!
//! It carries *what* went wrong as data; the person reads it in their language through
//! [`crate::ui::error_text::ErrorText`]. `Display` is the Vietnamese text, used in logs,
//! in tests and wherever no translation context exists. Internal details never leave the
//! server: they are logged where they happen and become [`AppError::Internal`].

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Why an input was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    TooLong {
        max: u32,
    },
    /// A request or file larger than allowed, in kilobytes.
    TooLarge {
        max_kb: u64,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    BadFormat,
    UnknownChoice,
    /// The same item given twice where each may come once.
    Duplicate,
    /// Shorter than allowed, in characters.
    TooShort {
        min: u32,
    },
    /// A password that is too easy to guess: a common one, the username, a plain sequence.
    TooEasy,
    /// A name or code someone else already holds.
    Taken,
    /// A value typed twice (a new password) that differs the second time.
    Mismatch,
    /// A secret that is not the right one (the current password, when changing it).
    Wrong,
    /// A new value that is the same as the old one.
    Unchanged,
    /// A one-time code past its days.
    Expired,
    /// A member who has moved to another cell's or party's care.
    Transferred,
    /// An account that no longer signs in.
    Deactivated,
    /// A unit that still holds members, so it cannot be retired.
    HoldsMembers {
        count: u32,
    },
    /// A cell that still holds households, so it cannot be retired.
    HoldsHouseholds {
        count: u32,
    },
    /// Members who still look after households where they are, so they cannot move.
    StillLooksAfter {
        count: u32,
    },
    /// The change would leave the ward without an active committee account.
    LastCommittee,
    /// The member role goes only to an account linked to a member of that cell.
    RoleNeedsMember,
    /// An uploaded file that cannot be used, and why.
    File(crate::features::transfer::model::FileProblem),
    /// A day outside the days allowed (for example a visit dated in the future).
    DateOutOfRange {
        earliest: chrono::NaiveDate,
        latest: chrono::NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Bạn cần đăng nhập để tiếp tục.")]
    Unauthenticated,
    #[error("Bạn không có quyền xem hoặc thay đổi mục này.")]
    Forbidden,
    #[error("Không tìm thấy mục này.")]
    NotFound,
    #[error("Tên đăng nhập hoặc mật khẩu không đúng.")]
    BadCredentials,
    #[error(
        "Đăng nhập sai quá nhiều lần. Có thể thử lại lúc {until} (sau {minutes} phút), hoặc nhờ bí thư chi bộ mở khóa."
    )]
    TooManyAttempts {
        minutes: u32,
        /// When sign-in opens again, as 14:35 in Vietnam.
        until: String,
    },
    #[error("Máy chủ đang bận. Vui lòng thử lại sau {seconds} giây.")]
    Busy { seconds: u32 },
    #[error("{}", invalid_vi(field, problem))]
    Invalid { field: String, problem: Problem },
    #[error("Dữ liệu đã được người khác thay đổi. Vui lòng tải lại và thử lại.")]
    Conflict,
    #[error("Máy chủ gặp lỗi. Vui lòng thử lại sau.")]
    Internal,
    #[error("Không kết nối được máy chủ: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, problem: Problem) -> Self {
        Self::Invalid {
            field: field.into(),
            problem,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::BadCredentials => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::Invalid { .. } => 422,
            Self::TooManyAttempts { .. } | Self::Busy { .. } => 429,
            Self::Internal => 500,
            Self::Transport(_) => 502,
        }
    }

    /// The refusal as it rides in a page's address (`?error=…`) after a plain form post,
    /// for the page to show (see `ui::error_text::refusal_from_query`).
    pub fn to_query(&self) -> String {
        leptos_router::location::Url::escape(&serde_json::to_string(self).unwrap_or_default())
    }

    /// For an answer of 429: after how many seconds to try again (`Retry-After`).
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            Self::TooManyAttempts { minutes, .. } => Some(minutes.saturating_mul(60)),
            Self::Busy { seconds } => Some(*seconds),
            _ => None,
        }
    }
}

/// The Vietnamese name of an input field, as used in messages.
pub fn field_name_vi(field: &str) -> &str {
    match field {
        "request" => "Yêu cầu",
        "username" => "Tên đăng nhập",
        "password" => "Mật khẩu",
        "current_password" => "Mật khẩu đang dùng",
        "new_password" => "Mật khẩu mới",
        "code" => "Mã đăng nhập một lần",
        "display_name" => "Tên hiển thị",
        "token" => "Đường dẫn thiết lập",
        "province_name" => "Tên tỉnh, thành phố",
        "province_code" => "Mã tỉnh, thành phố",
        "district_name" => "Tên quận, huyện",
        "district_code" => "Mã quận, huyện",
        "ward_kind" => "Loại đơn vị hành chính",
        "ward_name" => "Tên xã, phường",
        "ward_code" => "Mã xã, phường",
        "query" => "Từ khóa tìm kiếm",
        "page" => "Trang",
        "cell" => "Chi bộ",
        "member" => "Đảng viên",
        "household" => "Hộ gia đình",
        "file" => "Tệp",
        "sheet" => "Trang tính",
        "data_kind" => "Loại dữ liệu",
        "encoding" => "Bảng mã",
        "mapping" => "Cột",
        "job" => "Lần nhập",
        "reason" => "Lý do",
        "date" => "Ngày",
        "picks" => "Gợi ý đã chọn",
        "client_id" => "Mã lần thăm",
        "visited_on" => "Ngày thăm",
        "kind" => "Hình thức",
        "topics" => "Nội dung trao đổi",
        "note" => "Ghi chú",
        "mediation" => "Hòa giải",
        "hot_spot" => "Điểm nóng",
        "feedback" => "Ý kiến của hộ về đảng viên",
        "feedback_rating" => "Mức độ hài lòng",
        "concerns" => "Kiến nghị",
        "concern_category" => "Lĩnh vực kiến nghị",
        "concern_body" => "Nội dung kiến nghị",
        "concern_urgency" => "Mức độ khẩn của kiến nghị",
        "category" => "Lĩnh vực",
        "urgency" => "Mức độ",
        "body" => "Nội dung kiến nghị",
        "step" => "Bước xử lý",
        "text" => "Nội dung",
        "target" => "Nơi chuyển đến",
        "on_day" => "Ngày báo lại cho hộ",
        "concern" => "Kiến nghị",
        "version" => "Phiên bản",
        "unit_name" => "Tên đơn vị",
        "unit_code" => "Mã đơn vị",
        "party_group" => "Tổ đảng",
        "target_cell" => "Chi bộ chuyển đến",
        "account" => "Tài khoản",
        "role" => "Vai trò",
        "unit" => "Đơn vị",
        "alley" => "Ngõ",
        "age" => "Thời gian",
        "day_kind" => "Loại ngày",
        "held_on" => "Ngày họp",
        "chair" => "Chủ trì",
        "recorder" => "Thư ký",
        "notes" => "Ghi chú",
        "decision" => "Quyết định",
        "month" => "Tháng",
        "year" => "Năm",
        "period" => "Kỳ báo cáo",
        "half" => "Lần gặp",
        "topic" => "Nội dung buổi gặp",
        "contact" => "Giữ mối liên hệ với nơi cư trú",
        "civic" => "Thực hiện nghĩa vụ công dân",
        "comment" => "Nhận xét chung, đề nghị",
        "day" => "Ngày",
        "name" => "Tên ngày",
        "state" => "Trạng thái",
        "raised" => "Hạn báo cáo chi bộ",
        "reported" => "Hạn chi bộ xử lý",
        "referred_to_committee" => "Hạn Đảng ủy trả lời",
        "referred_outside" => "Hạn cơ quan, đoàn thể trả lời",
        "answered_by_cell" => "Hạn báo lại cho hộ (chi bộ trả lời)",
        "answered_in_writing" => "Hạn báo lại cho hộ (văn bản)",
        other => other,
    }
}

fn invalid_vi(field: &str, problem: &Problem) -> String {
    let name = field_name_vi(field);
    match problem {
        Problem::Required => format!("{name}: cần nhập."),
        Problem::TooLong { max } => format!("{name}: dài quá {max} ký tự."),
        Problem::TooLarge { max_kb } => format!("{name}: quá lớn, tối đa {} KB.", max_kb),
        Problem::OutOfRange { min, max } => format!("{name}: phải từ {min} đến {max}."),
        Problem::BadFormat => format!("{name}: không đúng định dạng."),
        Problem::UnknownChoice => format!("{name}: lựa chọn không hợp lệ."),
        Problem::Duplicate => format!("{name}: có mục bị lặp lại."),
        Problem::TooShort { min } => format!("{name}: cần ít nhất {min} ký tự."),
        Problem::TooEasy => format!(
            "{name}: quá dễ đoán. Hãy chọn mật khẩu khác tên đăng nhập, không phải dãy số hay mật khẩu phổ biến."
        ),
        Problem::Taken => format!("{name}: đã có người dùng, hãy chọn cái khác."),
        Problem::Mismatch => format!("{name}: hai lần nhập không giống nhau."),
        Problem::Wrong => format!("{name}: không đúng."),
        Problem::Unchanged => format!("{name}: phải khác mật khẩu đang dùng."),
        Problem::Expired => format!("{name}: đã hết hạn. Hãy nhờ bí thư chi bộ cấp mã mới."),
        Problem::Transferred => {
            format!("{name}: đã chuyển sinh hoạt đi nơi khác, không cấp đăng nhập ở đây.")
        }
        Problem::Deactivated => format!("{name}: tài khoản đăng nhập đã ngừng hoạt động."),
        Problem::HoldsMembers { count } => format!(
            "{name}: còn {count} đảng viên sinh hoạt. Chuyển họ sang đơn vị khác trước khi giải thể."
        ),
        Problem::HoldsHouseholds { count } => format!(
            "{name}: còn {count} hộ gia đình. Chuyển các hộ sang chi bộ khác trước khi giải thể."
        ),
        Problem::StillLooksAfter { count } => format!(
            "{name}: đảng viên của tổ còn phụ trách {count} hộ. Bàn giao các hộ trên bảng phân công trước khi chuyển tổ."
        ),
        Problem::LastCommittee => format!(
            "{name}: đơn vị phải còn ít nhất một tài khoản cấp ủy đang hoạt động. Giao vai trò cấp ủy cho người khác trước."
        ),
        Problem::RoleNeedsMember => format!(
            "{name}: vai trò đảng viên chỉ giao cho tài khoản gắn với một đảng viên của chi bộ đó."
        ),
        Problem::File(p) => p.to_string(),
        Problem::DateOutOfRange { earliest, latest } => format!(
            "{name}: phải từ {} đến {}.",
            earliest.format("%d/%m/%Y"),
            latest.format("%d/%m/%Y")
        ),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Response(e) => Self::Transport(e),
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                Self::invalid("request", Problem::BadFormat)
            }
            ServerFnErrorErr::MissingArg(arg) => Self::invalid(arg, Problem::Required),
            _ => Self::Internal,
        }
    }

    /// An error answer that is not one of ours (a proxy's or gateway's error page, a
    /// cut-off body) says nothing about the request: it is a trouble on the way, to be
    /// tried again, not a refusal of what was sent.
    fn de(data: leptos::server_fn::Bytes) -> Self {
        <JsonEncoding as leptos::server_fn::Decodes<Self>>::decode(data)
            .unwrap_or_else(|e| Self::Transport(e.to_string()))
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound,
            other => {
                tracing::error!(error = %other, "database error");
                Self::Internal
            }
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_answer_that_is_not_ours_is_trouble_on_the_way() {
        use leptos::server_fn::Bytes;
        let ours = serde_json::to_vec(&AppError::Forbidden).unwrap();
        assert_eq!(AppError::de(Bytes::from(ours)), AppError::Forbidden);
        let invalid = AppError::invalid("note", Problem::TooLong { max: 2000 });
        assert_eq!(AppError::de(invalid.ser()), invalid);
        let gateway = Bytes::from_static(b"<html><body>502 Bad Gateway</body></html>");
        assert!(matches!(AppError::de(gateway), AppError::Transport(_)));
        assert!(matches!(AppError::de(Bytes::new()), AppError::Transport(_)));
    }

    #[test]
    fn messages_are_vietnamese_and_name_the_field() {
        let e = AppError::invalid("username", Problem::Required);
        assert_eq!(e.to_string(), "Tên đăng nhập: cần nhập.");
        assert_eq!(e.status(), 422);
        let e = AppError::invalid("query", Problem::TooLong { max: 100 });
        assert_eq!(e.to_string(), "Từ khóa tìm kiếm: dài quá 100 ký tự.");
        let e = AppError::invalid(
            "visited_on",
            Problem::DateOutOfRange {
                earliest: chrono::NaiveDate::from_ymd_opt(2026, 9, 21).unwrap(),
                latest: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            },
        );
        assert_eq!(
            e.to_string(),
            "Ngày thăm: phải từ 21/09/2026 đến 22/11/2026."
        );
    }

    #[test]
    fn errors_survive_the_wire() {
        let e = AppError::TooManyAttempts {
            minutes: 15,
            until: "14:35".into(),
        };
        let bytes = e.ser();
        assert_eq!(AppError::de(bytes), e);
    }

    #[test]
    fn statuses_distinguish_who_from_what() {
        assert_eq!(AppError::Unauthenticated.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::Conflict.status(), 409);
    }
}
