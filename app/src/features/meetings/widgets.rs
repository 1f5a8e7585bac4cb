//! Labels of the meeting pages.

use super::model::*;
use crate::i18n::*;

pub fn status_label(l: Locale, s: MeetingStatus) -> &'static str {
    match s {
        MeetingStatus::Open => td_string!(l, meetings.status_open),
        MeetingStatus::Closed => td_string!(l, meetings.status_closed),
    }
}

pub fn part_label(l: Locale, p: Part) -> &'static str {
    match p {
        Part::Opening => td_string!(l, meetings.parts.opening),
        Part::Attendance => td_string!(l, meetings.parts.attendance),
        Part::Coverage => td_string!(l, meetings.parts.coverage),
        Part::Decide => td_string!(l, meetings.parts.decide),
        Part::Relay => td_string!(l, meetings.parts.relay),
        Part::Overdue => td_string!(l, meetings.parts.overdue),
        Part::HotSpots => td_string!(l, meetings.parts.hot_spots),
        Part::Board => td_string!(l, meetings.parts.board),
        Part::Campaigns => td_string!(l, meetings.parts.campaigns),
        Part::Tasks => td_string!(l, meetings.parts.tasks),
    }
}

pub fn decision_label(l: Locale, d: Decision) -> &'static str {
    match d {
        Decision::Answer => td_string!(l, meetings.decisions_.answer),
        Decision::Refer => td_string!(l, meetings.decisions_.refer),
        Decision::ReferOutside => td_string!(l, meetings.decisions_.refer_outside),
        Decision::Defer => td_string!(l, meetings.decisions_.defer),
        Decision::Task => td_string!(l, meetings.decisions_.task),
    }
}
