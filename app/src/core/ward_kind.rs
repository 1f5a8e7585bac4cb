//! The kinds of commune-level unit (xã, phường, thị trấn, đặc khu): a ward's pages and
//! printed documents say the word of its kind.

use serde::{Deserialize, Serialize};

use crate::core::code_enum::code_enum;

code_enum!(
    /// What kind of commune-level unit a ward is; the words for it follow.
    WardKind {
        Xa = "xa",
        Phuong = "phuong",
        ThiTran = "thi_tran",
        DacKhu = "dac_khu",
    }
);

impl WardKind {
    /// The Vietnamese word, lower case: "xã", "phường", "thị trấn", "đặc khu".
    pub fn vi(self) -> &'static str {
        match self {
            WardKind::Xa => "xã",
            WardKind::Phuong => "phường",
            WardKind::ThiTran => "thị trấn",
            WardKind::DacKhu => "đặc khu",
        }
    }

    /// The English word: "commune", "ward", "township", "special zone".
    pub fn en(self) -> &'static str {
        match self {
            WardKind::Xa => "commune",
            WardKind::Phuong => "ward",
            WardKind::ThiTran => "township",
            WardKind::DacKhu => "special zone",
        }
    }

    /// Reads a kind as a person types it: its code, its Vietnamese word with or without
    /// diacritics, with spaces, hyphens or underscores ("thị trấn", "thi-tran", "thi_tran").
    pub fn from_typed(text: &str) -> Option<Self> {
        let folded = crate::core::fold::fold(text.trim()).replace([' ', '-'], "_");
        Self::ALL.iter().copied().find(|k| k.code() == folded)
    }
}
