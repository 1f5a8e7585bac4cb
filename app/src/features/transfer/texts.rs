//! The words of imports and exports in the reader's language.

use super::model::*;
use crate::i18n::*;

pub fn field(l: Locale, f: Field) -> &'static str {
    match f {
        Field::FullName => td_string!(l, transfer.field.full_name),
        Field::BirthYear => td_string!(l, transfer.field.birth_year),
        Field::Gender => td_string!(l, transfer.field.gender),
        Field::Phone => td_string!(l, transfer.field.phone),
        Field::Address => td_string!(l, transfer.field.address),
        Field::Area => td_string!(l, transfer.field.area),
        Field::Alley => td_string!(l, transfer.field.alley),
        Field::Lane => td_string!(l, transfer.field.lane),
        Field::HouseNo => td_string!(l, transfer.field.house_no),
        Field::Status => td_string!(l, transfer.field.status),
        Field::MemberKind => td_string!(l, transfer.field.member_kind),
        Field::Workplace => td_string!(l, transfer.field.workplace),
        Field::Capacity => td_string!(l, transfer.field.capacity),
        Field::Notes => td_string!(l, transfer.field.notes),
        Field::HeadName => td_string!(l, transfer.field.head_name),
        Field::Size => td_string!(l, transfer.field.size),
        Field::Tags => td_string!(l, transfer.field.tags),
        Field::Member => td_string!(l, transfer.field.member),
        Field::MemberBirthYear => td_string!(l, transfer.field.member_birth_year),
        Field::Since => td_string!(l, transfer.field.since),
    }
}

pub fn kind(l: Locale, k: ImportKind) -> &'static str {
    match k {
        ImportKind::Members => td_string!(l, transfer.kind.members),
        ImportKind::Households => td_string!(l, transfer.kind.households),
        ImportKind::Assignments => td_string!(l, transfer.kind.assignments),
    }
}

pub fn state(l: Locale, s: JobState) -> &'static str {
    match s {
        JobState::Uploaded => td_string!(l, transfer.state.uploaded),
        JobState::Checking => td_string!(l, transfer.state.checking),
        JobState::Invalid => td_string!(l, transfer.state.invalid),
        JobState::Ready => td_string!(l, transfer.state.ready),
        JobState::Committing => td_string!(l, transfer.state.committing),
        JobState::Done => td_string!(l, transfer.state.done),
        JobState::Failed => td_string!(l, transfer.state.failed),
        JobState::Cancelled => td_string!(l, transfer.state.cancelled),
    }
}

pub fn action(l: Locale, a: RowAction) -> &'static str {
    match a {
        RowAction::New => td_string!(l, transfer.action.add),
        RowAction::Update => td_string!(l, transfer.action.update),
        RowAction::Unchanged => td_string!(l, transfer.action.unchanged),
    }
}

pub fn file_problem(l: Locale, p: &FileProblem) -> String {
    match p {
        FileProblem::TooLarge { max_mb } => {
            let max = *max_mb;
            td_string!(l, transfer.file.too_large, max).to_string()
        }
        FileProblem::TooManyRows { max } => {
            let max = crate::ui::format::int(i64::from(*max));
            td_string!(l, transfer.file.too_many_rows, max).to_string()
        }
        FileProblem::UnpackedTooLarge { max_mb } => {
            let max = *max_mb;
            td_string!(l, transfer.file.unpacked_too_large, max).to_string()
        }
        FileProblem::PartTooLarge { max_mb } => {
            let max = *max_mb;
            td_string!(l, transfer.file.part_too_large, max).to_string()
        }
        FileProblem::TooManyCells { max } => {
            let max = crate::ui::format::int(i64::from(*max));
            td_string!(l, transfer.file.too_many_cells, max).to_string()
        }
        FileProblem::TooMuchText { max_mb } => {
            let max = *max_mb;
            td_string!(l, transfer.file.too_much_text, max).to_string()
        }
        FileProblem::CellTooLong { max } => {
            let max = crate::ui::format::int(i64::from(*max));
            td_string!(l, transfer.file.cell_too_long, max).to_string()
        }
        FileProblem::LineTooLong { max_kb } => {
            let max = crate::ui::format::int(i64::from(*max_kb));
            td_string!(l, transfer.file.line_too_long, max).to_string()
        }
        FileProblem::TooManyStrings { max } => {
            let max = crate::ui::format::int(i64::from(*max));
            td_string!(l, transfer.file.too_many_strings, max).to_string()
        }
        FileProblem::TooSlow { max_seconds } => {
            let max = *max_seconds;
            td_string!(l, transfer.file.too_slow, max).to_string()
        }
        FileProblem::Busy => td_string!(l, transfer.file.busy).to_string(),
        FileProblem::UploadsFull { max_mb } => {
            td_string!(l, transfer.file.uploads_full, max = *max_mb).to_string()
        }
        FileProblem::Unreadable => td_string!(l, transfer.file.unreadable).to_string(),
        FileProblem::UnknownFormat => td_string!(l, transfer.file.unknown_format).to_string(),
        FileProblem::EmptySheet => td_string!(l, transfer.file.empty_sheet).to_string(),
        FileProblem::NoSuchSheet => td_string!(l, transfer.file.no_such_sheet).to_string(),
        FileProblem::NoHeader => td_string!(l, transfer.file.no_header).to_string(),
        FileProblem::MissingColumn { field: f } => {
            let field = field(l, *f);
            td_string!(l, transfer.file.missing_column, field).to_string()
        }
        FileProblem::MappedTwice { field: f } => {
            let field = field(l, *f);
            td_string!(l, transfer.file.mapped_twice, field).to_string()
        }
        FileProblem::Interrupted => td_string!(l, transfer.file.interrupted).to_string(),
        FileProblem::Internal => td_string!(l, transfer.file.internal).to_string(),
    }
}

pub fn row_problem(l: Locale, p: &RowProblem) -> String {
    match p {
        RowProblem::Required => td_string!(l, transfer.row.required).to_string(),
        RowProblem::TooLong { max } => {
            let max = *max;
            td_string!(l, transfer.row.too_long, max).to_string()
        }
        RowProblem::NotANumber => td_string!(l, transfer.row.not_a_number).to_string(),
        RowProblem::OutOfRange { min, max } => {
            let (min, max) = (*min, *max);
            td_string!(l, transfer.row.out_of_range, min, max).to_string()
        }
        RowProblem::BadDate => td_string!(l, transfer.row.bad_date).to_string(),
        RowProblem::BadPhone => td_string!(l, transfer.row.bad_phone).to_string(),
        RowProblem::UnknownValue { value } => {
            td_string!(l, transfer.row.unknown_value, value).to_string()
        }
        RowProblem::FormulaError { code } => {
            td_string!(l, transfer.row.formula_error, code).to_string()
        }
        RowProblem::FormulaWithoutValue => {
            td_string!(l, transfer.row.formula_without_value).to_string()
        }
        RowProblem::DuplicateOf { row } => {
            let row = *row;
            td_string!(l, transfer.row.duplicate_of, row).to_string()
        }
        RowProblem::MemberNotFound { name } => {
            td_string!(l, transfer.row.member_not_found, name).to_string()
        }
        RowProblem::MemberAmbiguous { name } => {
            td_string!(l, transfer.row.member_ambiguous, name).to_string()
        }
        RowProblem::MemberNotAssignable { name } => {
            td_string!(l, transfer.row.member_not_assignable, name).to_string()
        }
        RowProblem::HouseholdNotFound => {
            td_string!(l, transfer.row.household_not_found).to_string()
        }
    }
}

pub fn sheet(l: Locale, s: ExportSheet) -> &'static str {
    match s {
        ExportSheet::Members => td_string!(l, transfer.sheet.members),
        ExportSheet::Households => td_string!(l, transfer.sheet.households),
        ExportSheet::Assignments => td_string!(l, transfer.sheet.assignments),
        ExportSheet::Visits => td_string!(l, transfer.sheet.visits),
        ExportSheet::Concerns => td_string!(l, transfer.sheet.concerns),
        ExportSheet::ConcernSteps => td_string!(l, transfer.sheet.concern_steps),
    }
}
